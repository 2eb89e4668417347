//! `think: 2s` or `think: between(1s, 3s)`: a pause inside a journey.

use super::Ctx;
use crate::duration;
use crate::plan::{Step, Think, Wait};
use crate::raw::Node;

pub(super) fn compile(ctx: &mut Ctx, node: &Node) -> Option<Step> {
    let f = ctx.map(node, "a `think` step", &["think"])?;
    let value = f.get("think")?;
    let text = ctx.text(value, "`think`")?;
    match duration::parse_wait(&text) {
        Ok(wait @ (Wait::Constant(_) | Wait::Between(..))) => Some(Step::Think(Think { wait })),
        Ok(_) => {
            ctx.sink.error(
                value.span,
                "`think` takes a duration (`2s`) or `between(1s, 3s)`",
            );
            None
        }
        Err(message) => {
            ctx.sink.error(value.span, format!("`think`: {message}"));
            None
        }
    }
}
