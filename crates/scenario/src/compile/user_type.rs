//! `users:`: user types (Locust's User classes) and their journeys
//! (Locust's tasks), with weights normalised and names checked.

use std::collections::BTreeMap;

use super::Ctx;
use super::headers;
use super::steps;
use super::vars::Vars;
use crate::duration;
use crate::plan::{Journey, UserType, Wait};
use crate::raw::{Node, Span};

pub(crate) const USER_KEYS: &[&str] = &[
    "name", "weight", "count", "wait", "on_start", "on_stop", "headers", "journeys", "tags",
];
pub(crate) const JOURNEY_KEYS: &[&str] = &["name", "weight", "steps", "tags"];

pub(crate) fn compile_all(ctx: &mut Ctx, node: &Node) -> Option<(Vec<UserType>, Vec<Journey>)> {
    let items = ctx.seq(node, "`users`")?;
    if items.is_empty() {
        ctx.sink.error(
            node.span,
            "`users` is empty: it needs at least one user type",
        );
        return None;
    }
    let mut user_types = Vec::new();
    let mut journeys = Vec::new();
    let mut type_names: BTreeMap<String, Span> = BTreeMap::new();
    let mut journey_names: BTreeMap<String, Span> = BTreeMap::new();
    let mut weights = Vec::new();
    for item in items {
        let names = (&mut type_names, &mut journey_names);
        if let Some((ut, weight, mut js)) = one(ctx, item, user_types.len(), journeys.len(), names)
        {
            weights.push((weight, item.span));
            user_types.push(ut);
            journeys.append(&mut js);
        }
    }
    // Weights are shares among the user types without a fixed count.
    let weighted: Vec<usize> = (0..user_types.len())
        .filter(|&i| user_types[i].count.is_none())
        .collect();
    let total: f64 = weighted.iter().map(|&i| weights[i].0).sum();
    if !weighted.is_empty() && total <= 0.0 {
        ctx.sink.error(
            node.span,
            "all user type weights are zero: no user would be started",
        );
    }
    for &i in &weighted {
        user_types[i].weight = if total > 0.0 {
            weights[i].0 / total
        } else {
            0.0
        };
    }
    Some((user_types, journeys))
}

fn check_unique(
    ctx: &mut Ctx,
    seen: &mut BTreeMap<String, Span>,
    name: &str,
    span: Span,
    what: &str,
) {
    if let Some(first) = seen.get(name) {
        ctx.sink.error(
            span,
            format!(
                "duplicate {what} name `{name}` (first defined on line {})",
                first.line
            ),
        );
    } else {
        seen.insert(name.to_owned(), span);
    }
}

fn weight(ctx: &mut Ctx, node: Option<&Node>) -> f64 {
    let Some(node) = node else { return 1.0 };
    match ctx.number(node, "`weight`") {
        Some(w) if w < 0.0 => {
            ctx.sink.error(node.span, "`weight` cannot be negative");
            0.0
        }
        // Shares are relative; a huge one is a typo and would overflow the sum.
        Some(w) if w > 1e9 => {
            ctx.sink
                .error(node.span, "`weight` is too large (at most 1000000000)");
            0.0
        }
        Some(w) => w,
        None => 0.0,
    }
}

type Names<'a> = (
    &'a mut BTreeMap<String, Span>,
    &'a mut BTreeMap<String, Span>,
);

fn one(
    ctx: &mut Ctx,
    node: &Node,
    index: usize,
    first_journey: usize,
    (type_names, journey_names): Names<'_>,
) -> Option<(UserType, f64, Vec<Journey>)> {
    let f = ctx.map(node, "a user type", USER_KEYS)?;
    let name = match f.get("name") {
        Some(n) => ctx.string(n, "`name`").map(|s| (s.to_owned(), n.span)),
        None => {
            ctx.sink.error(node.span, "a user type needs a `name`");
            None
        }
    };
    if let Some((name, span)) = &name {
        check_unique(ctx, type_names, name, *span, "user type");
    }
    let count = f.get("count").and_then(|n| ctx.positive_u64(n, "`count`"));
    let count = count.and_then(|c| u32::try_from(c).ok());
    if let (Some(_), Some(span)) = (f.get("count"), f.key_span("weight")) {
        ctx.sink.error(
            span,
            "a user type has a `weight` or a fixed `count`, not both",
        );
    }
    let weight = weight(ctx, f.get("weight"));
    let wait = match f.get("wait") {
        Some(n) => match ctx.text(n, "`wait`") {
            Some(text) => match duration::parse_wait(&text) {
                Ok(w) => w,
                Err(message) => {
                    ctx.sink.error(n.span, message);
                    Wait::None
                }
            },
            None => Wait::None,
        },
        None => Wait::None,
    };
    let headers = f
        .get("headers")
        .map(|n| headers::header_map(ctx, n, &mut Vars::open()))
        .unwrap_or_default();
    let tags = f.get("tags").map(|n| tags(ctx, n)).unwrap_or_default();

    ctx.journey = None;
    let mut start_vars = Vars::new();
    let on_start = f
        .get("on_start")
        .map(|n| steps::compile_list(ctx, n, "`on_start`", &mut start_vars))
        .unwrap_or_default();
    let on_stop = f
        .get("on_stop")
        .map(|n| steps::compile_list(ctx, n, "`on_stop`", &mut start_vars.clone()))
        .unwrap_or_default();

    let mut journeys = Vec::new();
    match f.get("journeys") {
        Some(n) => {
            if let Some(items) = ctx.seq(n, "`journeys`") {
                if items.is_empty() {
                    ctx.sink.error(
                        n.span,
                        "`journeys` is empty: a user type needs at least one journey",
                    );
                }
                for item in items {
                    let id = first_journey + journeys.len();
                    if let Some(j) = journey(ctx, item, index, id, &start_vars, journey_names) {
                        journeys.push(j);
                    }
                }
            }
        }
        None => ctx.sink.error(node.span, "a user type needs `journeys`"),
    }
    let total: f64 = journeys.iter().map(|j| j.weight).sum();
    if !journeys.is_empty() && total <= 0.0 {
        ctx.sink
            .error(node.span, "all journey weights of this user type are zero");
    }
    for j in &mut journeys {
        j.weight = if total > 0.0 { j.weight / total } else { 0.0 };
    }
    let ut = UserType {
        name: name?.0,
        weight: 0.0,
        count,
        wait,
        on_start,
        on_stop,
        headers,
        journeys: (first_journey..first_journey + journeys.len()).collect(),
        tags,
    };
    Some((ut, weight, journeys))
}

fn journey(
    ctx: &mut Ctx,
    node: &Node,
    user_type: usize,
    id: usize,
    start_vars: &Vars,
    names: &mut BTreeMap<String, Span>,
) -> Option<Journey> {
    let f = ctx.map(node, "a journey", JOURNEY_KEYS)?;
    let name = match f.get("name") {
        Some(n) => ctx.string(n, "`name`").map(|s| (s.to_owned(), n.span)),
        None => {
            ctx.sink.error(node.span, "a journey needs a `name`");
            None
        }
    };
    if let Some((name, span)) = &name {
        check_unique(ctx, names, name, *span, "journey");
    }
    let weight = weight(ctx, f.get("weight"));
    let tags = f.get("tags").map(|n| tags(ctx, n)).unwrap_or_default();
    ctx.journey = Some(id);
    let mut vars = start_vars.clone();
    vars.used_data.clear();
    let steps = match f.get("steps") {
        Some(n) => {
            let steps = steps::compile_list(ctx, n, "`steps`", &mut vars);
            if matches!(&n.kind, crate::raw::Kind::Seq(items) if items.is_empty()) {
                let shown = name.as_ref().map_or("", |(s, _)| s.as_str());
                ctx.sink.error(
                    n.span,
                    format!("journey `{shown}` is empty: it needs at least one step"),
                );
            }
            steps
        }
        None => {
            ctx.sink.error(node.span, "a journey needs `steps`");
            Vec::new()
        }
    };
    ctx.journey = None;
    let funnel = steps.iter().map(|s| steps::label(ctx, s)).collect();
    Some(Journey {
        name: name?.0,
        weight,
        user_type,
        steps,
        funnel,
        data: vars.used_data.into_iter().collect(),
        tags,
    })
}

/// `tags: [smoke, checkout]`: names `--tags a,b` can select, so no comma
/// or space in one.
fn tags(ctx: &mut Ctx, node: &Node) -> Vec<String> {
    let Some(items) = ctx.seq(node, "`tags`") else {
        return Vec::new();
    };
    let mut tags = Vec::with_capacity(items.len());
    for item in items {
        let Some(tag) = ctx.text(item, "a tag") else {
            continue;
        };
        if tag.is_empty() || tag.contains(|c: char| c == ',' || c.is_whitespace()) {
            ctx.sink.error(
                item.span,
                format!("tag `{tag}` cannot be selected by `--tags`: a tag is one word, without `,` or spaces"),
            );
        } else if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}
