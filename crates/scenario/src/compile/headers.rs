//! `headers:` maps (in `defaults`, a user type or a step): templates like
//! any string map, and a name or literal text that can never make a valid
//! header line (a CR, LF or NUL in it) is an error before the run, where
//! at run time every such request would fail.

use crate::raw::{Kind, Node};
use crate::template::Template;

use super::Ctx;
use super::templates::{locate, string_map};
use super::vars::Vars;

/// Bytes that end or break a header line.
const FORBIDDEN: [(char, &str); 3] = [('\r', "a CR"), ('\n', "a line break"), ('\0', "a NUL")];

pub(crate) fn header_map(ctx: &mut Ctx, node: &Node, vars: &mut Vars) -> Vec<(String, Template)> {
    let headers = string_map(ctx, node, "`headers`", vars);
    // `string_map` has reported a map of the wrong shape already.
    let Kind::Map(pairs) = &node.kind else {
        return headers;
    };
    for (key, value) in pairs {
        let Some(name) = key.as_str() else {
            continue;
        };
        if let Some((_, what)) = FORBIDDEN.iter().find(|(c, _)| name.contains(*c)) {
            ctx.sink.error(
                key.span,
                format!("header name `{}` contains {what}", name.escape_debug()),
            );
        }
        let Some(template) = headers.iter().find(|(n, _)| n == name).map(|(_, t)| t) else {
            continue;
        };
        let Some(text) = value.scalar_text() else {
            continue;
        };
        check_value(ctx, value, &text, name, template);
    }
    headers
}

/// A forbidden byte in the text the value always sends (outside its
/// `{{ }}`), reported where the file has it.
pub(crate) fn check_value(ctx: &mut Ctx, node: &Node, text: &str, name: &str, template: &Template) {
    let Some((c, what)) = FORBIDDEN.iter().find(|(c, _)| {
        template
            .literal_parts()
            .iter()
            .any(|part| part.contains(*c))
    }) else {
        return;
    };
    let codes: Vec<(usize, usize)> = template
        .located_codes()
        .iter()
        .map(|(offset, len, _)| (*offset, *len))
        .collect();
    let in_code = |i: usize| codes.iter().any(|(o, l)| i >= *o && i < o + l);
    let span = match text
        .match_indices(*c)
        .map(|(i, _)| i)
        .find(|&i| !in_code(i))
    {
        Some(i) => locate(ctx, node, text, i, 1),
        None => node.span,
    };
    ctx.sink.error(
        span,
        format!("the value of header `{name}` contains {what}, which would end the header line"),
    );
}
