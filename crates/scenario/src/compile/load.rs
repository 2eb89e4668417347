//! `load:` in every shape, compiled into one list of stages.
//!
//! - closed, `users` (+ `spawn_rate`) + `duration` and/or `iterations`:
//!   a ramp of users/spawn_rate seconds, then a hold for the rest;
//! - closed `stages: [{ duration, users }]` (k6's ramping-vus);
//! - open `arrival_rate` + `duration`, or `stages: [{ duration, rate }]`,
//!   with `max_users`.
//!
//! A stage's value moves linearly from the previous target (0 before the
//! first) to its own, so a step to a level at once is a zero-length stage.

use std::time::Duration;

use super::Ctx;
use crate::plan::{Load, LoadModel, Stage};
use crate::raw::Node;

/// The longest ramp accepted (about 30 years).
const MAX_RAMP_SECS: u64 = 1_000_000_000;

pub(crate) const KEYS: &[&str] = &[
    "users",
    "spawn_rate",
    "duration",
    "iterations",
    "stages",
    "arrival_rate",
    "max_users",
];

pub(crate) fn compile(ctx: &mut Ctx, node: &Node) -> Option<Load> {
    let f = ctx.map(node, "`load`", KEYS)?;
    let users = f.get("users").and_then(|n| ctx.u32(n, "`users`"));
    if let (Some(0), Some(n)) = (users, f.get("users")) {
        ctx.sink.error(n.span, "`users` must be greater than zero");
    }
    let spawn_rate = f
        .get("spawn_rate")
        .and_then(|n| ctx.positive_number(n, "`spawn_rate`"));
    let duration = f
        .get("duration")
        .and_then(|n| ctx.positive_duration(n, "`duration`"));
    let iterations = f
        .get("iterations")
        .and_then(|n| ctx.positive_u64(n, "`iterations`"));
    let arrival_rate = f
        .get("arrival_rate")
        .and_then(|n| ctx.positive_number(n, "`arrival_rate`"));
    let max_users = f.get("max_users").and_then(|n| ctx.u32(n, "`max_users`"));
    if let (Some(0), Some(n)) = (max_users, f.get("max_users")) {
        ctx.sink
            .error(n.span, "`max_users` must be greater than zero");
    }
    let open = f.has("arrival_rate");
    let conflict = |a: &str, b: &str| format!("`{a}` and `{b}` cannot be used together");

    if let Some(stages_node) = f.get("stages") {
        for other in ["users", "spawn_rate", "duration", "arrival_rate"] {
            if let Some(span) = f.key_span(other) {
                ctx.sink.error(span, conflict(other, "stages"));
            }
        }
        let (model, stages) = stages(ctx, stages_node)?;
        if model == LoadModel::Closed {
            if let Some(span) = f.key_span("max_users") {
                ctx.sink.error(
                    span,
                    "`max_users` is for the open model (`arrival_rate` or rate stages)",
                );
            }
        } else if let Some(span) = f.key_span("iterations") {
            ctx.sink
                .error(span, "`iterations` is for the closed model (`users`)");
        }
        return Some(Load {
            model,
            stages,
            iterations,
            max_users,
        });
    }

    if open {
        if let Some(span) = f.key_span("users") {
            ctx.sink.error(span, conflict("users", "arrival_rate"));
        }
        if let Some(span) = f.key_span("iterations") {
            ctx.sink
                .error(span, "`iterations` is for the closed model (`users`)");
        }
        if let Some(span) = f.key_span("spawn_rate") {
            ctx.sink
                .error(span, "`spawn_rate` is for the closed model (`users`)");
        }
        if !f.has("duration") {
            ctx.sink
                .error(f.span, "the open model (`arrival_rate`) needs a `duration`");
        }
        let (rate, duration) = (arrival_rate?, duration?);
        return Some(Load::open(rate, duration, max_users));
    }

    if let Some(span) = f.key_span("max_users") {
        ctx.sink
            .error(span, "`max_users` is for the open model (`arrival_rate`)");
    }
    if !f.has("users") {
        ctx.sink.error(
            f.span,
            "`load` needs `users` (closed model), `arrival_rate` (open model) or `stages`",
        );
        return None;
    }
    if !f.has("duration") && !f.has("iterations") {
        ctx.sink
            .error(f.span, "`load` needs a `duration`, `iterations` or both");
        return None;
    }
    let users = users.filter(|u| *u > 0)?;
    if f.has("spawn_rate") && spawn_rate.is_none() {
        return None;
    }
    if f.has("duration") && duration.is_none() || f.has("iterations") && iterations.is_none() {
        return None;
    }
    // A ramp longer than a few years means a typo, and would overflow.
    let ramp = match spawn_rate {
        Some(rate) => match Duration::try_from_secs_f64(f64::from(users) / rate) {
            Ok(ramp) if ramp.as_secs() <= MAX_RAMP_SECS => ramp,
            _ => {
                let span = f.get("spawn_rate").map_or(f.span, |n| n.span);
                ctx.sink.error(
                    span,
                    "`spawn_rate` is too small: starting the users would take years",
                );
                return None;
            }
        },
        None => Duration::ZERO,
    };
    Some(Load::closed(users, ramp, duration, iterations))
}

/// `stages:`: every entry `{ duration, users }` (closed) or every entry
/// `{ duration, rate }` (open), not a mix.
fn stages(ctx: &mut Ctx, node: &Node) -> Option<(LoadModel, Vec<Stage>)> {
    let items = ctx.seq(node, "`stages`")?;
    if items.is_empty() {
        ctx.sink
            .error(node.span, "`stages` is empty: it needs at least one stage");
        return None;
    }
    let mut model = None;
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for item in items {
        let Some(f) = ctx.map(item, "a stage", &["duration", "users", "rate"]) else {
            ok = false;
            continue;
        };
        let this = match (f.get("users"), f.get("rate")) {
            (Some(_), Some(_)) => {
                ctx.sink.error(
                    item.span,
                    "a stage has `users` (closed model) or `rate` (open model), not both",
                );
                None
            }
            (Some(n), None) => ctx
                .u32(n, "`users`")
                .map(|u| (LoadModel::Closed, f64::from(u))),
            (None, Some(n)) => ctx.number(n, "`rate`").and_then(|r| {
                if r < 0.0 {
                    ctx.sink.error(n.span, "`rate` cannot be negative");
                    None
                } else {
                    Some((LoadModel::Open, r))
                }
            }),
            (None, None) => {
                ctx.sink.error(
                    item.span,
                    "a stage needs `users` (closed model) or `rate` (open model)",
                );
                None
            }
        };
        let duration = match f.get("duration") {
            Some(n) => ctx.positive_duration(n, "a stage's `duration`"),
            None => {
                ctx.sink.error(item.span, "a stage needs a `duration`");
                None
            }
        };
        match (this, duration) {
            (Some((m, target)), Some(d)) => {
                if model.is_some_and(|first| first != m) {
                    ctx.sink.error(
                        item.span,
                        "all stages must use `users`, or all `rate`, not a mix",
                    );
                    ok = false;
                }
                model.get_or_insert(m);
                out.push(Stage {
                    duration: Some(d),
                    target,
                });
            }
            _ => ok = false,
        }
    }
    if out.iter().all(|s| s.target == 0.0) && !out.is_empty() {
        ctx.sink.error(
            node.span,
            "every stage has a target of zero: no load would be sent",
        );
        ok = false;
    }
    if !ok {
        return None;
    }
    Some((model?, out))
}
