//! Steps: one file per kind, each turning its YAML map into a plan step
//! and updating which variables are set. This file finds a step's kind
//! from its keys and names top-level steps for the funnel.

mod expect;
#[cfg(test)]
pub(crate) use expect::EXPECT_KEYS;
mod group;
mod if_;
mod poll;
mod repeat;
pub(crate) mod request;
mod set;
mod think;

use super::Ctx;
use super::vars::Vars;
use crate::plan::Step;
use crate::raw::Node;
use crate::suggest;

/// The keys that decide a step's kind.
pub(crate) const KIND_KEYS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "think", "poll", "if", "repeat",
    "group", "set",
];

/// A list of steps. Each step is compiled even after an error in an
/// earlier one, so all errors are found.
pub(crate) fn compile_list(ctx: &mut Ctx, node: &Node, what: &str, vars: &mut Vars) -> Vec<Step> {
    let Some(items) = ctx.seq(node, &format!("{what} (a list of steps)")) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| compile_step(ctx, item, vars))
        .collect()
}

fn compile_step(ctx: &mut Ctx, node: &Node, vars: &mut Vars) -> Option<Step> {
    let entries = ctx.entries(node, "a step")?;
    let kinds: Vec<(&str, &Node)> = entries
        .iter()
        .filter(|(k, _, _)| KIND_KEYS.contains(k))
        .map(|(k, key, _)| (*k, *key))
        .collect();
    match kinds.as_slice() {
        [] => {
            let mut all: Vec<&str> = KIND_KEYS.to_vec();
            all.extend(request::KEYS);
            all.extend(["every", "until", "then", "else", "steps"]);
            let mut reported = false;
            for (key, key_node, _) in &entries {
                if !all.contains(key) {
                    ctx.sink
                        .error(key_node.span, suggest::unknown_key(key, &all));
                    reported = true;
                }
            }
            if !reported {
                ctx.sink.error(
                    node.span,
                    "a step needs one of `get`, `post`, `put`, `patch`, `delete`, `head`, `options`, `think`, `poll`, `if`, `repeat`, `group` or `set`",
                );
            }
            None
        }
        [(kind, _)] => match *kind {
            "think" => think::compile(ctx, node),
            "poll" => poll::compile(ctx, node, vars),
            "if" => if_::compile(ctx, node, vars),
            "repeat" => repeat::compile(ctx, node, vars),
            "group" => group::compile(ctx, node, vars),
            "set" => set::compile(ctx, node, vars),
            _ => request::compile_step(ctx, node, vars),
        },
        [(first, _), (second, key), ..] => {
            ctx.sink.error(
                key.span,
                format!("a step has one kind, but this one has both `{first}` and `{second}`"),
            );
            None
        }
    }
}

/// The funnel label of a top-level step.
pub(crate) fn label(ctx: &Ctx, step: &Step) -> String {
    match step {
        Step::Request(r) => ctx
            .requests
            .get(r.id)
            .map_or_else(String::new, |i| i.name.clone()),
        Step::Poll(p) => ctx
            .sections
            .get(p.section)
            .map_or_else(String::new, |s| s.name.clone()),
        Step::Group(g) => ctx
            .sections
            .get(g.section)
            .map_or_else(String::new, |s| s.name.clone()),
        Step::Think(_) => "think".to_owned(),
        Step::If(i) => format!("if {}", i.condition.source()),
        Step::Repeat(_) => "repeat".to_owned(),
        Step::Set(s) => {
            let names: Vec<&str> = s.vars.iter().map(|(n, _)| n.as_str()).collect();
            format!("set {}", names.join(", "))
        }
    }
}
