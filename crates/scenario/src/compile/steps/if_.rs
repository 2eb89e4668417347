//! `if: expression` with `then` and optional `else` step lists. A variable
//! set in only one branch is only maybe set afterwards.

use super::Ctx;
use crate::compile::templates;
use crate::compile::vars::Vars;
use crate::plan::{If, Step};
use crate::raw::Node;

pub(super) fn compile(ctx: &mut Ctx, node: &Node, vars: &mut Vars) -> Option<Step> {
    let f = ctx.map(node, "an `if` step", &["if", "then", "else"])?;
    let condition = templates::expr(ctx, f.get("if")?, "`if`", vars);
    let mut then_vars = vars.clone();
    let then = match f.get("then") {
        Some(n) => super::compile_list(ctx, n, "`then`", &mut then_vars),
        None => {
            ctx.sink.error(node.span, "an `if` needs `then` steps");
            Vec::new()
        }
    };
    let mut else_vars = vars.clone();
    let otherwise = f
        .get("else")
        .map(|n| super::compile_list(ctx, n, "`else`", &mut else_vars))
        .unwrap_or_default();
    *vars = Vars::merge(then_vars, else_vars);
    Some(Step::If(Box::new(If {
        condition: condition?,
        then,
        otherwise,
    })))
}
