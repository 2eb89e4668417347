//! `poll:` a request repeated `every` interval `until` an expression holds,
//! up to a `timeout`: one polled operation (a section) with its total wait,
//! for asynchronous work such as payment settlement.

use super::Ctx;
use super::request;
use crate::compile::templates;
use crate::compile::vars::Vars;
use crate::plan::{Poll, SectionInfo, SectionKind, Step};
use crate::raw::Node;

pub(crate) const KEYS: &[&str] = &["poll", "every", "until", "timeout", "name", "on_failure"];

pub(super) fn compile(ctx: &mut Ctx, node: &Node, vars: &mut Vars) -> Option<Step> {
    let f = ctx.map(node, "a `poll` step", KEYS)?;
    let request = request::compile(ctx, f.get("poll")?, "the polled request", vars);
    let every = match f.get("every") {
        Some(n) => ctx.positive_duration(n, "`every`"),
        None => {
            ctx.sink
                .error(node.span, "a `poll` needs `every` (e.g. `every: 200ms`)");
            None
        }
    };
    let timeout = match f.get("timeout") {
        Some(n) => ctx.positive_duration(n, "`timeout`"),
        None => {
            ctx.sink.error(
                node.span,
                "a `poll` needs a `timeout` (e.g. `timeout: 10s`)",
            );
            None
        }
    };
    let until = match f.get("until") {
        Some(n) => templates::expr(ctx, n, "`until`", vars),
        None => {
            ctx.sink.error(
                node.span,
                "a `poll` needs `until` (e.g. `until: response.json.status == \"settled\"`)",
            );
            None
        }
    };
    let name = match f.get("name") {
        Some(n) => ctx.text(n, "`name`"),
        None => request
            .as_ref()
            .and_then(|r| ctx.requests.get(r.id))
            .map(|info| format!("poll {}", info.name)),
    };
    let on_failure = request::on_failure(ctx, f.get("on_failure"));
    let section = ctx.sections.len();
    ctx.sections.push(SectionInfo {
        name: name.unwrap_or_default(),
        kind: SectionKind::Poll,
        journey: ctx.journey,
    });
    Some(Step::Poll(Box::new(Poll {
        section,
        request: request?,
        every: every?,
        until: until?,
        timeout: timeout?,
        on_failure,
    })))
}
