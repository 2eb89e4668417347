//! `repeat: 3` or `repeat: { while: expression, max: 100 }` + `steps`.

use super::Ctx;
use crate::compile::templates;
use crate::compile::vars::Vars;
use crate::plan::{Repeat, RepeatTimes, Step};
use crate::raw::{Kind, Node};

/// Rounds of a `while` loop when `max` is not given: a safety net against
/// a condition that never turns false.
pub(crate) const DEFAULT_MAX: u64 = 1000;

pub(super) fn compile(ctx: &mut Ctx, node: &Node, vars: &mut Vars) -> Option<Step> {
    let f = ctx.map(node, "a `repeat` step", &["repeat", "steps"])?;
    let spec = f.get("repeat")?;
    let times = match &spec.kind {
        Kind::Map(_) => {
            let g = ctx.map(spec, "`repeat`", &["times", "while", "max"])?;
            match (g.get("times"), g.get("while")) {
                (Some(n), None) => ctx.positive_u64(n, "`times`").map(RepeatTimes::Count),
                (None, Some(n)) => {
                    let max = match g.get("max") {
                        Some(m) => ctx.positive_u64(m, "`max`"),
                        None => Some(DEFAULT_MAX),
                    };
                    let condition = templates::expr(ctx, n, "`while`", vars);
                    match (condition, max) {
                        (Some(condition), Some(max)) => Some(RepeatTimes::While { condition, max }),
                        _ => None,
                    }
                }
                _ => {
                    ctx.sink
                        .error(spec.span, "`repeat` needs `times` or `while` (not both)");
                    None
                }
            }
        }
        _ => ctx.positive_u64(spec, "`repeat`").map(RepeatTimes::Count),
    };
    let Some(list) = f.get("steps") else {
        ctx.sink.error(node.span, "a `repeat` needs `steps`");
        return None;
    };
    let steps = match times {
        // At least one round: what the body sets is set afterwards.
        Some(RepeatTimes::Count(_)) => super::compile_list(ctx, list, "`steps`", vars),
        _ => {
            let mut body = vars.clone();
            let steps = super::compile_list(ctx, list, "`steps`", &mut body);
            *vars = Vars::maybe_after(vars.clone(), body);
            steps
        }
    };
    Some(Step::Repeat(Box::new(Repeat {
        times: times?,
        steps,
    })))
}
