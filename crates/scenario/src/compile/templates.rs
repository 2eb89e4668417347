//! Templates and expressions compiled with their positions: a syntax error
//! inside a YAML string is reported at its place in the file, and the
//! variables they read are checked against what is set.

use crate::expr::Expr;
use crate::raw::{Kind, Node, Span};
use crate::runtime::SyntaxError;
use crate::template::{JsonTemplate, Template};

use super::Ctx;
use super::always_fails;
use super::vars::Vars;

/// Maps a byte offset inside a scalar's value to a span in the file.
/// Exact for plain scalars, and quoted ones on one line whose escapes
/// are simple (`''` in single quotes; none in double quotes); otherwise
/// the scalar's start.
pub(crate) fn locate(ctx: &Ctx, node: &Node, value: &str, offset: usize, len: usize) -> Span {
    let text = ctx.sink.text();
    let start = node.span.offset;
    let Some(raw) = text.get(start..start + node.span.len) else {
        return node.span;
    };
    let offset = offset.min(value.len());
    let len = len.max(1);
    let inner_start = match raw.chars().next() {
        Some('\'') => {
            let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
            if inner.contains('\n') || inner.replace("''", "'") != value {
                return node.span;
            }
            // Each `''` before the offset is one byte more in the file.
            let mut file_pos = 0;
            let mut value_pos = 0;
            let bytes = inner.as_bytes();
            while value_pos < offset && file_pos < bytes.len() {
                if bytes[file_pos] == b'\'' {
                    file_pos += 1;
                }
                file_pos += 1;
                value_pos += 1;
            }
            return ctx.sink.span_at(start + 1 + file_pos, len);
        }
        Some('"') => {
            let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
            if inner != value {
                return node.span;
            }
            1
        }
        Some('|' | '>') => return node.span,
        _ => {
            if raw != value {
                return node.span;
            }
            0
        }
    };
    ctx.sink.span_at(start + inner_start + offset, len)
}

fn syntax_error(ctx: &mut Ctx, node: &Node, value: &str, what: &str, err: &SyntaxError) {
    let span = locate(ctx, node, value, err.offset, err.len);
    ctx.sink
        .error(span, message("template", what, &err.message));
}

/// "template syntax error in `body`: ..."; a missing `env` variable and an
/// unknown function (also found at compile time) are reported without
/// calling them syntax errors.
fn message(kind: &str, what: &str, detail: &str) -> String {
    if detail.starts_with("environment variable") || detail.starts_with("unknown function") {
        return format!("{what}: {detail}");
    }
    let detail = detail.strip_prefix("syntax error: ").unwrap_or(detail);
    format!("{kind} syntax error in {what}: {detail}")
}

/// A string template (`/orders/{{ order_id }}`). Numbers and booleans are
/// read as their text.
pub(crate) fn template(
    ctx: &mut Ctx,
    node: &Node,
    what: &str,
    vars: &mut Vars,
) -> Option<Template> {
    let value = ctx.text(node, what)?;
    match Template::compile(&value) {
        Ok(t) => {
            vars.check(ctx, &t.variables(), node);
            always_fails::template(ctx, node, &value, &t, what);
            keep_env_values(ctx, t.env_values());
            Some(t)
        }
        Err(err) => {
            syntax_error(ctx, node, &value, what, &err);
            None
        }
    }
}

/// An expression (`response.json.status == "settled"`). A number or a
/// boolean is an expression too (`set: { page: 1 }`).
pub(crate) fn expr(ctx: &mut Ctx, node: &Node, what: &str, vars: &mut Vars) -> Option<Expr> {
    let value = ctx.text(node, what)?;
    // An empty expression means nothing and would always be undefined.
    if value.trim().is_empty() {
        ctx.sink.error(
            node.span,
            format!("{what} is empty: it needs an expression"),
        );
        return None;
    }
    match Expr::compile(&value) {
        Ok(e) => {
            vars.check(ctx, &e.variables(), node);
            always_fails::expr(ctx, node, &value, &e, what);
            keep_env_values(ctx, e.env_values());
            Some(e)
        }
        Err(err) => {
            let span = locate(ctx, node, &value, err.offset, err.len);
            ctx.sink
                .error(span, message("expression", what, &err.message));
            None
        }
    }
}

/// Notes what `env()` read, for the plan's redaction.
fn keep_env_values<'a>(ctx: &mut Ctx, values: impl IntoIterator<Item = &'a str>) {
    for value in values {
        if !ctx.env_values.iter().any(|kept| kept == value) {
            ctx.env_values.push(value.to_owned());
        }
    }
}

/// A map of names to string templates (headers, query, form).
pub(crate) fn string_map(
    ctx: &mut Ctx,
    node: &Node,
    what: &str,
    vars: &mut Vars,
) -> Vec<(String, Template)> {
    let Some(entries) = ctx.entries(node, what) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(entries.len());
    for (key, _, value) in entries {
        let item = format!("`{key}`");
        if let Some(t) = template(ctx, value, &item, vars) {
            out.push((key.to_owned(), t));
        }
    }
    out
}

/// YAML to JSON, for `json:` bodies and expected values.
pub(crate) fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.kind {
        Kind::Null => J::Null,
        Kind::Bool(b) => J::Bool(*b),
        Kind::Int(i) => J::from(*i),
        Kind::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Kind::Str(s) => J::String(s.clone()),
        Kind::Seq(items) => J::Array(items.iter().map(to_json).collect()),
        Kind::Map(pairs) => J::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.scalar_text().unwrap_or_default(), to_json(v)))
                .collect(),
        ),
    }
}

/// The node a JSON pointer names inside `node` (for locating an error).
fn at_pointer<'n>(node: &'n Node, pointer: &str) -> &'n Node {
    let mut cur = node;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let next = match &cur.kind {
            Kind::Seq(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            Kind::Map(pairs) => pairs
                .iter()
                .find(|(k, _)| k.scalar_text().as_deref() == Some(token.as_str()))
                .map(|(_, v)| v),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => break,
        }
    }
    cur
}

/// A `json:` body: any YAML value, its strings templated.
pub(crate) fn json(
    ctx: &mut Ctx,
    node: &Node,
    what: &str,
    vars: &mut Vars,
) -> Option<JsonTemplate> {
    match JsonTemplate::compile(&to_json(node)) {
        Ok(t) => {
            check_strings(ctx, node, what, vars);
            keep_env_values(ctx, t.env_values());
            Some(t)
        }
        Err(err) => {
            let at = at_pointer(node, &err.pointer);
            match at.scalar_text() {
                Some(value) => syntax_error(ctx, at, &value, what, &err.error),
                None => ctx
                    .sink
                    .error(at.span, message("template", what, &err.error.message)),
            }
            None
        }
    }
}

/// Checks the variables of each string in a JSON value, and that it does
/// not fail on every run, at its own place.
fn check_strings(ctx: &mut Ctx, node: &Node, what: &str, vars: &mut Vars) {
    match &node.kind {
        Kind::Str(s) if s.contains("{{") || s.contains("{%") => {
            if let Ok(t) = Template::compile(s) {
                vars.check(ctx, &t.variables(), node);
                always_fails::template(ctx, node, s, &t, what);
            }
        }
        Kind::Seq(items) => items.iter().for_each(|n| check_strings(ctx, n, what, vars)),
        Kind::Map(pairs) => {
            for (k, v) in pairs {
                check_strings(ctx, k, what, vars);
                check_strings(ctx, v, what, vars);
            }
        }
        _ => {}
    }
}
