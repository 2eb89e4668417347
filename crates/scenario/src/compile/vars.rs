//! Which variables are set at each point of a journey, so a template that
//! reads a variable no earlier step can have set is an error (and one set
//! only on some paths a warning).
//!
//! Variables come from captures, `set`, data sources (always there) and
//! the built-ins (`vu`, `journey`, `response` and the functions, which the
//! compiled templates never list). A user type's `on_start` captures count
//! as set for all its journeys.

use std::collections::BTreeSet;

use super::Ctx;
use crate::plan::DataId;
use crate::raw::{Node, Span};
use crate::suggest;

#[derive(Debug, Clone, Default)]
pub(crate) struct Vars {
    /// Set on every path to here.
    definite: BTreeSet<String>,
    /// Set on some paths only.
    maybe: BTreeSet<String>,
    /// Reads are not checked (e.g. `defaults.headers`, which apply to
    /// requests everywhere); data sources read are still recorded.
    open: bool,
    /// Data sources read by the templates checked so far.
    pub(crate) used_data: BTreeSet<DataId>,
}

impl Vars {
    pub(crate) fn new() -> Self {
        Vars::default()
    }

    /// A scope that checks nothing.
    pub(crate) fn open() -> Self {
        Vars {
            open: true,
            ..Vars::default()
        }
    }

    pub(crate) fn set(&mut self, name: &str) {
        self.maybe.remove(name);
        self.definite.insert(name.to_owned());
    }

    /// The state after either of two branches ran.
    pub(crate) fn merge(a: Vars, b: Vars) -> Vars {
        let definite: BTreeSet<String> = a.definite.intersection(&b.definite).cloned().collect();
        let mut maybe: BTreeSet<String> = a.maybe.union(&b.maybe).cloned().collect();
        maybe.extend(a.definite.symmetric_difference(&b.definite).cloned());
        for name in &definite {
            maybe.remove(name);
        }
        Vars {
            definite,
            maybe,
            open: a.open && b.open,
            used_data: a.used_data.union(&b.used_data).cloned().collect(),
        }
    }

    /// The state after a body that may run zero or more times: what it
    /// sets is only maybe set afterwards.
    pub(crate) fn maybe_after(before: Vars, body: Vars) -> Vars {
        Vars::merge(before, body)
    }

    /// Checks the variables a template or expression at `node` reads.
    pub(crate) fn check(&mut self, ctx: &mut Ctx, names: &BTreeSet<String>, node: &Node) {
        for name in names {
            if let Some(&id) = ctx.data_names.get(name) {
                self.used_data.insert(id);
                continue;
            }
            if self.open || self.definite.contains(name) || ctx.failed_data.contains(name) {
                continue;
            }
            let span = name_span(ctx, node, name);
            if self.maybe.contains(name) {
                ctx.sink.warning(
                    span,
                    format!("variable `{name}` is set only on some paths before this step"),
                );
                continue;
            }
            let known: Vec<&str> = self
                .definite
                .iter()
                .chain(self.maybe.iter())
                .map(String::as_str)
                .chain(ctx.data_names.keys().map(String::as_str))
                .collect();
            let message = match suggest::nearest(name, &known) {
                Some(near) => format!(
                    "variable `{name}` is not set by any earlier step, did you mean `{near}`?"
                ),
                None => format!("variable `{name}` is not set by any earlier step"),
            };
            ctx.sink.error(span, message);
        }
    }
}

/// Narrows a scalar's span to where `name` first stands in its source text
/// as a whole word, when it can be found; else the whole scalar.
fn name_span(ctx: &Ctx, node: &Node, name: &str) -> Span {
    let text = ctx.sink.text();
    let start = node.span.offset;
    let Some(slice) = text.get(start..start + node.span.len) else {
        return node.span;
    };
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(pos) = slice[from..].find(name) {
        let at = from + pos;
        let before = slice[..at].chars().next_back();
        let after = slice[at + name.len()..].chars().next();
        if !before.is_some_and(is_word) && !after.is_some_and(is_word) {
            return ctx.sink.span_at(start + at, name.len());
        }
        from = at + name.len();
    }
    node.span
}
