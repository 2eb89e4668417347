//! `expect:` and `capture:` of a request.
//!
//! ```yaml
//! expect:
//!   status: 201                 # or [200, 201], or 2xx
//!   json: { $.status: pending, $.id: { exists: true }, $.amount: { satisfies: "value > 0" } }
//!   # expected values are templates: `$.name: "{{ username }}"`
//!   body_contains: widget       # or a list; templates too
//!   headers: { content-type: application/json, x-request-id: true }   # true: present; values are templates
//!   max_duration: 500ms
//! capture:
//!   user_id: $.id               # JSONPath
//!   code: status                # the status code
//!   next: { header: location }
//!   token: { regex: 'token=(\w+)', group: 1 }
//! ```

use super::Ctx;
use crate::capture::JsonPath;
use crate::capture::{Capture, CaptureSource};
use crate::compile::json_path_fix;
use crate::compile::templates;
use crate::compile::vars::Vars;
use crate::expect::{
    Expect, HeaderCondition, JsonCheck, JsonCondition, StatusMatch, StatusPattern,
};
use crate::raw::{Kind, Node};
use crate::runtime::SyntaxError;

pub(crate) const EXPECT_KEYS: &[&str] =
    &["status", "json", "body_contains", "headers", "max_duration"];
pub(crate) const CAPTURE_KEYS: &[&str] = &["json", "header", "regex", "group", "secret"];
pub(crate) const JSON_CHECK_KEYS: &[&str] = &["exists", "equals", "satisfies"];

fn located(ctx: &mut Ctx, node: &Node, what: &str, err: &SyntaxError) {
    let value = node.scalar_text().unwrap_or_default();
    let span = super::super::templates::locate(ctx, node, &value, err.offset, err.len);
    // The runtime's message may repeat what we already say in front.
    let message = ["invalid JSONPath: ", "invalid regex: "]
        .iter()
        .find_map(|p| err.message.strip_prefix(p))
        .unwrap_or(&err.message);
    ctx.sink.error(span, format!("{what}: {message}"));
}

fn json_path(ctx: &mut Ctx, node: &Node) -> Option<JsonPath> {
    let text = ctx.string(node, "a JSONPath")?;
    match JsonPath::compile(text) {
        Ok(p) => Some(p),
        Err(err) => {
            // The parser's own words ("parser error") do not say what to
            // write instead; for the common mistakes the fix does.
            let err = match json_path_fix::hint(text) {
                Some(hint) => SyntaxError::new(hint, err.offset, err.len),
                None => err,
            };
            located(ctx, node, &format!("invalid JSONPath `{text}`"), &err);
            None
        }
    }
}

fn status(ctx: &mut Ctx, node: &Node) -> Option<StatusMatch> {
    let one = |ctx: &mut Ctx, n: &Node| -> Option<StatusPattern> {
        let text = ctx.text(n, "`status`")?;
        match StatusPattern::parse(&text) {
            Ok(p) => Some(p),
            Err(err) => {
                ctx.sink.error(n.span, err.message);
                None
            }
        }
    };
    match &node.kind {
        Kind::Seq(items) => {
            let patterns: Vec<_> = items.iter().map(|n| one(ctx, n)).collect();
            patterns
                .into_iter()
                .collect::<Option<Vec<_>>>()
                .map(StatusMatch::AnyOf)
        }
        _ => one(ctx, node).map(|p| StatusMatch::AnyOf(vec![p])),
    }
}

pub(crate) fn compile(ctx: &mut Ctx, node: &Node, vars: &mut Vars) -> Option<Expect> {
    let f = ctx.map(node, "`expect`", EXPECT_KEYS)?;
    let mut expect = Expect::default();
    let mut ok = true;
    if let Some(n) = f.get("status") {
        match status(ctx, n) {
            Some(s) => expect.status = s,
            None => ok = false,
        }
    }
    if let Some(n) = f.get("json") {
        for (_, key, value) in ctx.entries(n, "`json`").unwrap_or_default() {
            let Some(path) = json_path(ctx, key) else {
                ok = false;
                continue;
            };
            match json_check(ctx, value, vars) {
                Some(check) => expect.json.push(JsonCondition { path, check }),
                None => ok = false,
            }
        }
    }
    if let Some(n) = f.get("body_contains") {
        let items = match &n.kind {
            Kind::Seq(items) => items.iter().collect(),
            _ => vec![n],
        };
        for item in items {
            match templates::template(ctx, item, "`body_contains`", vars) {
                Some(t) => expect.body_contains.push(t),
                None => ok = false,
            }
        }
    }
    if let Some(n) = f.get("headers") {
        for (name, _, value) in ctx.entries(n, "`headers`").unwrap_or_default() {
            match &value.kind {
                Kind::Bool(true) => expect.headers.push(HeaderCondition::present(name)),
                _ => match templates::template(ctx, value, &format!("header `{name}`"), vars) {
                    Some(t) => expect.headers.push(HeaderCondition::equals(name, t)),
                    None => ok = false,
                },
            }
        }
    }
    if let Some(n) = f.get("max_duration") {
        match ctx.positive_duration(n, "`max_duration`") {
            Some(d) => expect.max_duration = Some(d),
            None => ok = false,
        }
    }
    ok.then_some(expect)
}

/// `{ exists: true }`, `{ equals: v }`, `{ satisfies: expr }`, or any
/// other value: equal to it. Expected values are templates, as a `json:`
/// body is, and their variables are checked like any other read.
fn json_check(ctx: &mut Ctx, node: &Node, vars: &mut Vars) -> Option<JsonCheck> {
    let Kind::Map(pairs) = &node.kind else {
        return expected(ctx, node, vars);
    };
    let keyed = pairs.len() == 1
        && pairs[0]
            .0
            .as_str()
            .is_some_and(|k| JSON_CHECK_KEYS.contains(&k));
    if !keyed {
        return expected(ctx, node, vars);
    }
    let (key, value) = &pairs[0];
    match key.as_str() {
        Some("exists") => match ctx.bool(value, "`exists`")? {
            true => Some(JsonCheck::Exists),
            false => {
                ctx.sink.error(
                    value.span,
                    "`exists: false` is not supported; use `satisfies`",
                );
                None
            }
        },
        Some("equals") => expected(ctx, value, vars),
        _ => {
            // `value` is the selected node inside the expression.
            let mut scope = vars.clone();
            scope.set("value");
            let check =
                templates::expr(ctx, value, "`satisfies`", &mut scope).map(JsonCheck::Satisfies);
            vars.used_data.append(&mut scope.used_data);
            check
        }
    }
}

/// An expected value: a literal stays a JSON value compared as it is; one
/// with `{{ }}` is rendered against each response's scope.
fn expected(ctx: &mut Ctx, node: &Node, vars: &mut Vars) -> Option<JsonCheck> {
    let template = templates::json(ctx, node, "an expected value", vars)?;
    Some(if template.is_static() {
        JsonCheck::Equals(templates::to_json(node))
    } else {
        JsonCheck::EqualsTemplate(template)
    })
}

pub(crate) fn captures(ctx: &mut Ctx, node: &Node) -> Option<Vec<Capture>> {
    let entries = ctx.entries(node, "`capture`")?;
    let mut out = Vec::with_capacity(entries.len());
    let mut ok = true;
    for (var, key, value) in entries {
        if crate::scope::BUILTIN_NAMES.contains(&var) {
            ctx.sink.error(
                key.span,
                format!("`{var}` is a built-in name; capture into another variable"),
            );
            ok = false;
            continue;
        }
        match (capture_source(ctx, value), capture_secret(ctx, value)) {
            (Some(source), Some(secret)) => out.push(Capture {
                var: var.to_owned(),
                source,
                secret,
            }),
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

/// `secret: true` in a capture's map form; a short form is not secret.
fn capture_secret(ctx: &mut Ctx, node: &Node) -> Option<bool> {
    let Kind::Map(pairs) = &node.kind else {
        return Some(false);
    };
    match pairs
        .iter()
        .find(|(k, _)| k.scalar_text().as_deref() == Some("secret"))
    {
        Some((_, value)) => ctx.bool(value, "`secret`"),
        None => Some(false),
    }
}

fn capture_source(ctx: &mut Ctx, node: &Node) -> Option<CaptureSource> {
    if let Some(text) = node.as_str() {
        if text == "status" {
            return Some(CaptureSource::status());
        }
        return json_path(ctx, node).map(CaptureSource::JsonPath);
    }
    let f = ctx.map(node, "a capture", CAPTURE_KEYS)?;
    if let Some(n) = f.get("json") {
        return json_path(ctx, n).map(CaptureSource::JsonPath);
    }
    if let Some(n) = f.get("header") {
        return ctx.string(n, "`header`").map(CaptureSource::header);
    }
    if let Some(n) = f.get("regex") {
        let group = match f.get("group") {
            Some(g) => usize::try_from(ctx.u64(g, "`group`")?).unwrap_or(usize::MAX),
            None => 1,
        };
        let text = ctx.string(n, "`regex`")?;
        return match CaptureSource::regex(text, group) {
            Ok(s) => Some(s),
            Err(err) => {
                located(ctx, n, "invalid regex", &err);
                None
            }
        };
    }
    ctx.sink.error(
        node.span,
        "a capture is a JSONPath (`$.id`), `status`, `{ header: name }` or `{ regex: '...', group: 1 }`",
    );
    None
}
