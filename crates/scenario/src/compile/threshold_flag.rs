//! `--threshold 'journey checkout: p95 < 800ms'`: one scope's conditions
//! written on the command line, compiled against the plan exactly as the
//! same entry under `thresholds:` would be (one set of rules, one set of
//! messages), so a CI job can reuse a scenario with gates of its own.
//!
//! Form: `SCOPE: METRIC OP LIMIT[, METRIC OP LIMIT ...][, abort][, delay D]`
//! where OP is `<` for ceilings (durations, `errors`, `dropped`) and `>`
//! for floors (`success`, `rps`); a value equal to the limit passes.

use std::path::Path;

use super::{Ctx, thresholds};
use crate::plan::Plan;
use crate::raw;
use crate::threshold::Threshold;

const FORM: &str = "expected `SCOPE: METRIC < LIMIT`, e.g. `journey checkout: p95 < 800ms` or `all: errors < 1%, success > 99%`";

/// Compiles one `--threshold` value against `plan`.
pub fn threshold_flag(text: &str, plan: &Plan) -> Result<Vec<Threshold>, String> {
    let fail = |message: &str| format!("--threshold `{text}`: {message}");
    let yaml = as_yaml(text).map_err(|m| fail(&m))?;
    let root = raw::parse(&yaml).map_err(|_| fail(FORM))?;
    let mut ctx = Ctx::new(Path::new("--threshold"), &yaml);
    let compiled = thresholds::compile(&mut ctx, &root, plan);
    match ctx.sink.items.first() {
        Some(problem) => Err(fail(&problem.message)),
        None => Ok(compiled),
    }
}

/// The flag's text as the YAML map entry it stands for.
fn as_yaml(text: &str) -> Result<String, String> {
    let (scope, conditions) = text.rsplit_once(':').ok_or(FORM)?;
    let scope = scope.trim();
    if scope.is_empty() {
        return Err(FORM.to_owned());
    }
    let mut fields = Vec::new();
    for item in conditions.split(',').map(str::trim) {
        if item == "abort" {
            fields.push("abort: true".to_owned());
        } else if let Some(delay) = item.strip_prefix("delay ") {
            fields.push(format!("delay: {}", quoted(delay.trim())));
        } else {
            fields.push(condition(item)?);
        }
    }
    Ok(format!("{}: {{ {} }}", quoted(scope), fields.join(", ")))
}

/// `p95 < 800ms` as `"p95": "800ms"`, its comparison checked against the
/// metric's sense.
fn condition(item: &str) -> Result<String, String> {
    let at = item.find(['<', '>']).ok_or(FORM)?;
    let metric = item[..at].trim();
    let floor = item[at..].starts_with('>');
    let limit = item[at + 1..].trim_start_matches('=').trim();
    if metric.is_empty() || limit.is_empty() {
        return Err(FORM.to_owned());
    }
    let wants_floor = matches!(metric, "success" | "rps");
    if floor != wants_floor {
        let op = if wants_floor { '>' } else { '<' };
        let sense = if wants_floor {
            "the least it may be"
        } else {
            "the most it may be"
        };
        return Err(format!(
            "the limit of `{metric}` is {sense}: write `{metric} {op} {limit}`"
        ));
    }
    // A number stays a number (`rps > 100`); anything else is text for
    // the compiler to read as a duration or a percentage.
    let value = if limit.parse::<f64>().is_ok() {
        limit.to_owned()
    } else {
        quoted(limit)
    };
    Ok(format!("{}: {value}", quoted(metric)))
}

fn quoted(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}
