//! Compile: walks the raw YAML tree and builds a [`Plan`], reporting every
//! problem it can find with its location instead of stopping at the first.
//!
//! Each part of the format has its own file: `load`, `user_type`, `data`,
//! `names` (target and services), `thresholds`, `templates` (template and
//! expression compilation with positions), `always_fails` (code that would
//! fail on every run, and data columns the file lacks), `headers` (header
//! maps, with no CR, LF or NUL), `vars` (which variables are set where),
//! `json_path_fix` (the fix offered for a common JSONPath mistake), `auth`
//! (`auth:` compiled into an `Authorization` header), `trace`
//! (`defaults.trace`: the trace context sent), and
//! one file per step kind under `steps/`.

mod always_fails;
mod auth;
mod data;
mod headers;
mod json_path_fix;
mod load;
mod names;
mod read;
mod steps;
mod templates;
mod threshold_flag;
mod thresholds;
mod trace;
mod user_type;
mod vars;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, Severity, Sink};
use crate::plan::{
    DataId, Defaults, JourneyId, Load, LoadModel, Plan, RequestInfo, SectionInfo, Service,
};
use crate::raw::{self, Node, Span};
use crate::redact::Redact;

/// A plan and the warnings found while compiling it.
#[derive(Debug)]
pub struct Compiled {
    pub plan: Plan,
    /// Problems that do not stop the run, e.g. a variable set only on some
    /// paths before it is used.
    pub warnings: Vec<Diagnostic>,
}

/// Top-level keys of a scenario.
pub(crate) const TOP_KEYS: &[&str] = &[
    "target",
    "services",
    "load",
    "users",
    "data",
    "defaults",
    "thresholds",
    "seed",
    "redact",
];

/// State shared by the whole compilation: the diagnostics, and the tables
/// of the plan that steps add to wherever they stand.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub(crate) sink: Sink,
    /// The scenario file's folder: data file paths are relative to it.
    pub(crate) dir: PathBuf,
    pub(crate) has_target: bool,
    pub(crate) services: Vec<Service>,
    /// Declared services by name (those with a base URL).
    pub(crate) declared: BTreeMap<String, usize>,
    /// `services: { x: { paths: [..] } }`: the path prefixes that route a
    /// request to a declared service, with where each is written.
    pub(crate) prefixes: Vec<names::Prefix>,
    pub(crate) requests: Vec<RequestInfo>,
    pub(crate) sections: Vec<SectionInfo>,
    /// Data sources by the variable name they bind.
    pub(crate) data_names: BTreeMap<String, DataId>,
    /// The columns of each data source's file (its header row), so that a
    /// template reading a column the file lacks is found before the run.
    pub(crate) data_columns: BTreeMap<String, Vec<String>>,
    /// Data sources that failed to load: reading them is not reported again.
    pub(crate) failed_data: std::collections::BTreeSet<String>,
    /// The journey being compiled, if any (on_start/on_stop have none).
    pub(crate) journey: Option<JourneyId>,
    /// What templates' `env()` calls read, for the plan's redaction.
    pub(crate) env_values: Vec<String>,
}

impl Ctx {
    pub(crate) fn new(path: &Path, source: &str) -> Ctx {
        Ctx {
            sink: Sink::new(path, source),
            dir: path.parent().map(Path::to_owned).unwrap_or_default(),
            has_target: false,
            services: Vec::new(),
            declared: BTreeMap::new(),
            prefixes: Vec::new(),
            requests: Vec::new(),
            sections: Vec::new(),
            data_names: BTreeMap::new(),
            data_columns: BTreeMap::new(),
            failed_data: Default::default(),
            journey: None,
            env_values: Vec::new(),
        }
    }
}

/// Compiles a scenario's text. `path` names the file in messages and its
/// folder is where data files are looked up.
pub fn compile_str(source: &str, path: &Path) -> Result<Compiled, Diagnostics> {
    let mut ctx = Ctx::new(path, source);
    let plan = match raw::parse(source) {
        Ok(root) => compile_root(&mut ctx, &root),
        Err(err) => {
            yaml_error(&mut ctx, &err);
            None
        }
    };
    let items = std::mem::take(&mut ctx.sink.items);
    match plan {
        Some(plan) if !items.iter().any(|d| d.severity == Severity::Error) => Ok(Compiled {
            plan,
            warnings: items,
        }),
        _ => Err(Diagnostics { items }),
    }
}

/// Reads and compiles a scenario file: a regular file of at most
/// [`MAX_SCENARIO_BYTES`](crate::MAX_SCENARIO_BYTES).
pub fn load(path: &Path) -> Result<Compiled, Diagnostics> {
    match crate::input_file::read_to_string(path, crate::MAX_SCENARIO_BYTES) {
        Ok(source) => compile_str(&source, path),
        Err(err) => {
            let mut sink = Sink::new(path, "");
            sink.error(
                Span::default(),
                format!("cannot read the scenario file: {err}"),
            );
            Err(Diagnostics { items: sink.items })
        }
    }
}

/// A YAML syntax or limit error, located where the parser stopped.
fn yaml_error(ctx: &mut Ctx, err: &serde_saphyr::Error) {
    let plain = err.without_snippet();
    let message = plain.to_string();
    // Keep the first line and drop the parser's own "at line X, column Y":
    // our message has the location in front already.
    let first = message.lines().next().unwrap_or("invalid YAML").trim();
    let first = first
        .split(" at line ")
        .next()
        .unwrap_or(first)
        .trim_end_matches(':');
    let span = match plain.location().or_else(|| err.location()) {
        Some(loc) if loc.line() > 0 => {
            let line = usize::try_from(loc.line()).unwrap_or(usize::MAX);
            let column = usize::try_from(loc.column()).unwrap_or(1);
            ctx.sink.span_at_line(line, column)
        }
        _ => Span::default(),
    };
    // The parser points after a tag, at its value; the tag is the fault.
    let span = match first.strip_prefix("unsupported tag ") {
        Some(tag) => tag_span(ctx, span, tag.trim_matches('`')),
        None => span,
    };
    let message = if first.contains("Documents {") {
        "a scenario is one YAML document: remove the second `---`".to_owned()
    } else if let Some(tag) = first.strip_prefix("unsupported tag ") {
        format!(
            "unknown YAML tag {tag}: a scenario uses no tags (quote the value if the `!` is part of it)"
        )
    } else if let Some(rest) = first.strip_prefix("budget breached: ") {
        format!("invalid YAML: the file exceeds the input limits ({rest})")
    } else if let Some(path) = flow_json_path(ctx.sink.text(), span.offset) {
        format!(
            "invalid YAML: {first}: inside `{{ }}` a `[` starts a list, \
             so quote the JSONPath: `\"{path}\"`"
        )
    } else {
        format!("invalid YAML: {first}")
    };
    ctx.sink.error(span, message);
}

/// The unquoted JSONPath (`$[0].id`, `$.items[0]`) whose `[` the parser
/// stopped at inside a flow map or list, where YAML reads `[` as a list.
fn flow_json_path(text: &str, at: usize) -> Option<&str> {
    if text.as_bytes().get(at) != Some(&b'[') {
        return None;
    }
    let before = text.get(..at)?;
    let start = before
        .rfind(|c: char| c.is_whitespace() || matches!(c, '{' | ',' | ':'))
        .map_or(0, |i| i + 1);
    if !before[start..].starts_with('$') {
        return None;
    }
    // Up to the end of the value: a space, `,` or `}` outside brackets.
    let mut depth = 0usize;
    let mut end = text.len();
    for (i, c) in text[at..].char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '\n' => {
                end = at + i;
                break;
            }
            ' ' | ',' | '}' if depth == 0 => {
                end = at + i;
                break;
            }
            _ => {}
        }
    }
    text.get(start..end)
}

/// Where `tag` is written on the line of `at`, before it; else `at`.
fn tag_span(ctx: &Ctx, at: Span, tag: &str) -> Span {
    let text = ctx.sink.text();
    let Some(before) = text.get(..at.offset) else {
        return at;
    };
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    match before[line_start..].rfind(tag) {
        Some(i) if !tag.is_empty() => ctx.sink.span_at(line_start + i, tag.len()),
        _ => at,
    }
}

/// `redact: [pin, otp]`: more name parts whose values are secret.
fn redact_names(ctx: &mut Ctx, node: &Node) -> Vec<String> {
    let Some(items) = ctx.seq(node, "`redact`") else {
        return Vec::new();
    };
    let mut names = Vec::with_capacity(items.len());
    for item in items {
        if let Some(name) = ctx.string(item, "a `redact` name") {
            if name.trim().is_empty() {
                ctx.sink.error(
                    item.span,
                    "a `redact` name is empty: it would match every name",
                );
                continue;
            }
            names.push(name.to_ascii_lowercase());
        }
    }
    names
}

fn compile_root(ctx: &mut Ctx, root: &Node) -> Option<Plan> {
    if matches!(root.kind, raw::Kind::Null) {
        let start = ctx.sink.span_at(0, 0);
        ctx.sink.error(
            start,
            "the scenario is empty: it needs at least `load` and `users`",
        );
        return None;
    }
    let top = ctx.map(root, "the scenario", TOP_KEYS)?;
    let target = top.get("target").and_then(|n| names::target(ctx, n));
    ctx.has_target = target.is_some();
    if let Some(node) = top.get("services") {
        names::declare_services(ctx, node);
    }
    let data = top
        .get("data")
        .map(|n| data::compile(ctx, n))
        .unwrap_or_default();
    let defaults = top.get("defaults").map_or_else(Defaults::default, |n| {
        read::defaults(ctx, n).unwrap_or_default()
    });
    let load = match top.get("load") {
        Some(node) => load::compile(ctx, node),
        None => {
            ctx.sink.error(
                root.span,
                "missing key `load`: how many users, for how long",
            );
            None
        }
    };
    let seed = top.get("seed").and_then(|n| ctx.u64(n, "seed"));
    let redact_names = top
        .get("redact")
        .map(|n| redact_names(ctx, n))
        .unwrap_or_default();
    let (user_types, journeys) = match top.get("users") {
        Some(node) => user_type::compile_all(ctx, node)?,
        None => {
            ctx.sink.error(
                root.span,
                "missing key `users`: the user types and their journeys",
            );
            return None;
        }
    };
    let mut plan = Plan {
        target,
        services: std::mem::take(&mut ctx.services),
        load: load.unwrap_or(Load {
            model: LoadModel::Closed,
            stages: Vec::new(),
            iterations: None,
            max_users: None,
        }),
        user_types,
        journeys,
        requests: std::mem::take(&mut ctx.requests),
        sections: std::mem::take(&mut ctx.sections),
        data,
        defaults,
        thresholds: Vec::new(),
        seed,
        redact: Redact {
            names: redact_names,
            env_values: std::mem::take(&mut ctx.env_values),
        },
        tags: crate::tags::TagFilter::default(),
    };
    if let Some(node) = top.get("thresholds") {
        plan.thresholds = thresholds::compile(ctx, node, &plan);
    }
    Some(plan)
}

pub use threshold_flag::threshold_flag;

/// The keys each part of the format accepts (shared with the schema's test).
#[cfg(test)]
pub(crate) mod keys {
    pub(crate) use super::TOP_KEYS as TOP;
    pub(crate) use super::data::KEYS as DATA;
    pub(crate) use super::load::KEYS as LOAD;
    pub(crate) use super::steps::EXPECT_KEYS as EXPECT;
    pub(crate) use super::steps::request::KEYS as REQUEST;
    pub(crate) use super::user_type::JOURNEY_KEYS as JOURNEY;
    pub(crate) use super::user_type::USER_KEYS as USER_TYPE;
}
