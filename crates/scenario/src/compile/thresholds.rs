//! `thresholds:`: scopes (`all`, `journey NAME`, `service NAME`,
//! `request NAME`, `group NAME`) checked against the plan's real names,
//! each with conditions `p50`..`p99.9`, `mean`, `max`, `errors`, `success`,
//! `rps`, `dropped`, and the scope's `abort` and `delay`.

use std::time::Duration;

use super::Ctx;
use crate::duration;
use crate::plan::Plan;
use crate::raw::Node;
use crate::suggest;
use crate::threshold::{Condition, Threshold, ThresholdScope};

pub(crate) const SCOPE_WORDS: &[&str] = &["all", "journey", "service", "request", "group"];
pub(crate) const METRICS: &[&str] = &[
    "p50", "p75", "p90", "p95", "p99", "p99.9", "mean", "max", "errors", "success", "rps",
    "dropped",
];
/// Keys of a scope's map that are not metrics.
const OPTIONS: &[&str] = &["abort", "delay"];

pub(crate) fn compile(ctx: &mut Ctx, node: &Node, plan: &Plan) -> Vec<Threshold> {
    let Some(entries) = ctx.entries(node, "`thresholds`") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, key_node, value) in entries {
        let Some(scope) = scope(ctx, key, key_node, plan) else {
            continue;
        };
        let Some(conditions) = ctx.entries(value, &format!("threshold `{key}`")) else {
            continue;
        };
        let (abort, delay) = options(ctx, key, &conditions);
        for (metric, metric_node, limit) in conditions {
            if OPTIONS.contains(&metric) {
                continue;
            }
            let Some(condition) = condition(ctx, metric, metric_node, limit) else {
                continue;
            };
            if let Some(problem) = misplaced(&scope, &condition) {
                ctx.sink.error(metric_node.span, problem);
                continue;
            }
            let shown = limit.scalar_text().unwrap_or_default();
            let op = if condition.is_floor() { ">" } else { "<" };
            out.push(Threshold {
                scope: scope.clone(),
                condition,
                label: format!("{key}: {metric} {op} {shown}"),
                abort,
                delay,
            });
        }
    }
    out
}

/// The scope's `abort` and `delay`, which apply to each of its metrics.
fn options(ctx: &mut Ctx, key: &str, conditions: &[(&str, &Node, &Node)]) -> (bool, Duration) {
    let mut abort = false;
    let mut delay = None;
    for (name, name_node, value) in conditions {
        match *name {
            "abort" => abort = ctx.bool(value, "`abort`").unwrap_or(false),
            "delay" => delay = ctx.duration(value, "`delay`").map(|d| (d, name_node.span)),
            _ => {}
        }
    }
    if let Some((_, span)) = delay
        && !abort
    {
        ctx.sink.error(
            span,
            format!(
                "`delay` in threshold `{key}` only applies with `abort: true` (it is how long into the run a breach may first stop it)"
            ),
        );
    }
    (abort, delay.map_or(Duration::ZERO, |(d, _)| d))
}

/// Why `condition` cannot be judged on `scope`, if it cannot.
fn misplaced(scope: &ThresholdScope, condition: &Condition) -> Option<String> {
    match (condition, scope) {
        (Condition::Dropped(_), ThresholdScope::All) => None,
        (Condition::Dropped(_), _) => Some(
            "`dropped` judges the run's arrivals (open model), which belong to no journey or service: put it under `all`".to_owned(),
        ),
        (Condition::Rps(_), ThresholdScope::Journey(_) | ThresholdScope::Section(_)) => Some(
            "`rps` counts requests per second: use it under `all`, `service NAME` or `request NAME`".to_owned(),
        ),
        _ => None,
    }
}

fn scope(ctx: &mut Ctx, key: &str, node: &Node, plan: &Plan) -> Option<ThresholdScope> {
    if key == "all" {
        return Some(ThresholdScope::All);
    }
    let (word, name) = key
        .split_once(' ')
        .map_or((key, ""), |(w, n)| (w, n.trim()));
    let unknown = |ctx: &mut Ctx, what: &str, known: Vec<&str>| {
        ctx.sink
            .error(node.span, suggest::unknown(what, name, &known));
        None
    };
    match word {
        "journey" => match plan.journeys.iter().position(|j| j.name == name) {
            Some(id) => Some(ThresholdScope::Journey(id)),
            None => unknown(
                ctx,
                "journey",
                plan.journeys.iter().map(|j| j.name.as_str()).collect(),
            ),
        },
        "service" => match plan.services.iter().position(|s| s.name == name) {
            Some(id) => Some(ThresholdScope::Service(id)),
            None => unknown(
                ctx,
                "service",
                plan.services.iter().map(|s| s.name.as_str()).collect(),
            ),
        },
        "request" => {
            let ids: Vec<usize> = (0..plan.requests.len())
                .filter(|&i| plan.requests[i].name == name)
                .collect();
            if ids.is_empty() {
                return unknown(
                    ctx,
                    "request",
                    plan.requests.iter().map(|r| r.name.as_str()).collect(),
                );
            }
            Some(ThresholdScope::Request {
                name: name.to_owned(),
                ids,
            })
        }
        "group" => {
            let ids: Vec<usize> = (0..plan.sections.len())
                .filter(|&i| plan.sections[i].name == name)
                .collect();
            if ids.is_empty() {
                return unknown(
                    ctx,
                    "group",
                    plan.sections.iter().map(|s| s.name.as_str()).collect(),
                );
            }
            Some(ThresholdScope::Section(ids))
        }
        _ => {
            let message = match suggest::nearest(word, SCOPE_WORDS) {
                Some(near) => format!(
                    "unknown threshold scope `{key}`, did you mean `{near} ...`? (use `all`, `journey NAME`, `service NAME`, `request NAME` or `group NAME`)"
                ),
                None => format!(
                    "unknown threshold scope `{key}`: use `all`, `journey NAME`, `service NAME`, `request NAME` or `group NAME`"
                ),
            };
            ctx.sink.error(node.span, message);
            None
        }
    }
}

fn condition(ctx: &mut Ctx, metric: &str, key: &Node, limit: &Node) -> Option<Condition> {
    let percent = |ctx: &mut Ctx| -> Option<f64> {
        let text = ctx.text(limit, &format!("`{metric}`"))?;
        duration::parse_percent(&text)
            .map_err(|m| ctx.sink.error(limit.span, m))
            .ok()
    };
    match metric {
        "errors" => percent(ctx).map(Condition::ErrorRate),
        "success" => percent(ctx).map(Condition::SuccessRate),
        "dropped" => percent(ctx).map(Condition::Dropped),
        "rps" => ctx.positive_number(limit, "`rps`").map(Condition::Rps),
        "mean" => ctx.duration(limit, "`mean`").map(Condition::Mean),
        "max" => ctx.duration(limit, "`max`").map(Condition::Max),
        _ => {
            let percentile = metric
                .strip_prefix('p')
                .and_then(|p| p.parse::<f64>().ok())
                .filter(|p| *p > 0.0 && *p < 100.0);
            match percentile {
                Some(percentile) => ctx
                    .duration(limit, &format!("`{metric}`"))
                    .map(|limit| Condition::Percentile { percentile, limit }),
                None => {
                    ctx.sink.error(
                        key.span,
                        suggest::unknown("threshold metric", metric, METRICS),
                    );
                    None
                }
            }
        }
    }
}
