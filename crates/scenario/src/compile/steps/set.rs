//! `set: { name: expression, ... }`: variables from expressions, in order
//! (a later one may read an earlier one).

use super::Ctx;
use crate::compile::templates;
use crate::compile::vars::Vars;
use crate::plan::{Set, Step};
use crate::raw::Node;

pub(super) fn compile(ctx: &mut Ctx, node: &Node, vars: &mut Vars) -> Option<Step> {
    let f = ctx.map(node, "a `set` step", &["set"])?;
    let entries = ctx.entries(f.get("set")?, "`set`")?;
    let mut out = Vec::with_capacity(entries.len());
    for (name, key, value) in entries {
        if crate::scope::BUILTIN_NAMES.contains(&name) || ctx.data_names.contains_key(name) {
            ctx.sink.error(
                key.span,
                format!("`{name}` cannot be set: it is a built-in or a data source"),
            );
            continue;
        }
        if let Some(e) = templates::expr(ctx, value, &format!("`{name}`"), vars) {
            out.push((name.to_owned(), e));
        }
        vars.set(name);
    }
    Some(Step::Set(Set { vars: out }))
}
