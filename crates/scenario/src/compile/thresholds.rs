//! `thresholds:`: scopes (`all`, `journey NAME`, `service NAME`,
//! `request NAME`, `group NAME`) checked against the plan's real names,
//! each with conditions `p50`..`p99.9`, `mean`, `max`, `errors`, `success`.

use super::Ctx;
use crate::duration;
use crate::plan::Plan;
use crate::raw::Node;
use crate::suggest;
use crate::threshold::{Condition, Threshold, ThresholdScope};

pub(crate) const SCOPE_WORDS: &[&str] = &["all", "journey", "service", "request", "group"];
pub(crate) const METRICS: &[&str] = &[
    "p50", "p75", "p90", "p95", "p99", "p99.9", "mean", "max", "errors", "success",
];

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
        for (metric, metric_node, limit) in conditions {
            if let Some(condition) = condition(ctx, metric, metric_node, limit) {
                let shown = limit.scalar_text().unwrap_or_default();
                out.push(Threshold {
                    scope: scope.clone(),
                    condition,
                    label: format!("{key}: {metric} {shown}"),
                });
            }
        }
    }
    out
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
