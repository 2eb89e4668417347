//! `group: name` + `steps`: a named sub-journey with its own duration.

use super::Ctx;
use crate::compile::vars::Vars;
use crate::plan::{Group, SectionInfo, SectionKind, Step};
use crate::raw::Node;

pub(super) fn compile(ctx: &mut Ctx, node: &Node, vars: &mut Vars) -> Option<Step> {
    let f = ctx.map(node, "a `group` step", &["group", "steps"])?;
    let name = ctx.text(f.get("group")?, "`group`");
    let section = ctx.sections.len();
    ctx.sections.push(SectionInfo {
        name: name.clone().unwrap_or_default(),
        kind: SectionKind::Group,
        journey: ctx.journey,
    });
    let steps = match f.get("steps") {
        Some(n) => super::compile_list(ctx, n, "`steps`", vars),
        None => {
            ctx.sink.error(node.span, "a `group` needs `steps`");
            return None;
        }
    };
    name?;
    Some(Step::Group(Box::new(Group { section, steps })))
}
