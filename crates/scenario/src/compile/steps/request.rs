//! Request steps: `get: /path` (or post, put, ...) with headers, query,
//! a body, expectations and captures. Every request gets a `RequestId`
//! and a metric name: its `name`, else method and path template.

use super::Ctx;
use super::expect;
use crate::compile::auth;
use crate::compile::headers;
use crate::compile::names;
use crate::compile::templates;
use crate::compile::vars::Vars;
use crate::plan::{Body, Method, OnFailure, RequestInfo, RequestStep, Step};
use crate::raw::{Kind, Node};

pub(crate) const METHODS: &[(&str, Method)] = &[
    ("get", Method::Get),
    ("post", Method::Post),
    ("put", Method::Put),
    ("patch", Method::Patch),
    ("delete", Method::Delete),
    ("head", Method::Head),
    ("options", Method::Options),
];

/// Keys of a request besides its method.
pub(crate) const KEYS: &[&str] = &[
    "name",
    "service",
    "headers",
    "auth",
    "query",
    "json",
    "body",
    "form",
    "timeout",
    "expect",
    "capture",
    "on_failure",
];

fn allowed() -> Vec<&'static str> {
    METHODS
        .iter()
        .map(|(m, _)| *m)
        .chain(KEYS.iter().copied())
        .collect()
}

pub(super) fn compile_step(ctx: &mut Ctx, node: &Node, vars: &mut Vars) -> Option<Step> {
    compile(ctx, node, "a request step", vars).map(|r| Step::Request(Box::new(r)))
}

pub(crate) fn on_failure(ctx: &mut Ctx, node: Option<&Node>) -> OnFailure {
    match node.and_then(|n| ctx.word(n, "`on_failure`", &["abort", "continue"])) {
        Some("continue") => OnFailure::Continue,
        _ => OnFailure::Abort,
    }
}

/// Compiles a request map (a step, or the request inside a `poll`).
pub(crate) fn compile(
    ctx: &mut Ctx,
    node: &Node,
    what: &str,
    vars: &mut Vars,
) -> Option<RequestStep> {
    let f = ctx.map(node, what, &allowed())?;
    let methods: Vec<(Method, &Node)> = METHODS
        .iter()
        .filter_map(|(key, m)| f.get(key).map(|n| (*m, n)))
        .collect();
    let (method, url_node) = match methods.as_slice() {
        [one] => *one,
        [] => {
            let list = "`get`, `post`, `put`, `patch`, `delete`, `head` or `options`";
            ctx.sink.error(
                node.span,
                format!("a request needs a method: one of {list}"),
            );
            return None;
        }
        [(a, _), (b, n), ..] => {
            ctx.sink.error(
                n.span,
                format!(
                    "a request has one method, found `{}` and `{}`",
                    a.as_str(),
                    b.as_str()
                ),
            );
            return None;
        }
    };
    if nested_url(ctx, url_node, method) {
        return None;
    }
    let url_text = ctx.string(url_node, "the request's path")?.to_owned();
    let url = templates::template(ctx, url_node, "the request's path", vars);
    let route = names::route(ctx, &url_text, url_node, f.get("service"));
    let name = match f.get("name") {
        Some(n) => ctx.text(n, "`name`"),
        None => Some(default_name(method, &url_text)),
    };
    let mut headers = f
        .get("headers")
        .map(|n| headers::header_map(ctx, n, vars))
        .unwrap_or_default();
    if let Some(n) = f.get("auth")
        && let Some(header) = auth::header(ctx, n, vars, &headers)
    {
        headers.push(header);
    }
    let query = f
        .get("query")
        .map(|n| templates::string_map(ctx, n, "`query`", vars))
        .unwrap_or_default();
    let bodies: Vec<&str> = ["json", "body", "form"]
        .into_iter()
        .filter(|k| f.has(k))
        .collect();
    if let [first, second, ..] = bodies.as_slice()
        && let Some(span) = f.key_span(second)
    {
        ctx.sink.error(
            span,
            format!("a request has one body: `{first}` and `{second}` cannot be used together"),
        );
    }
    let body = if let Some(n) = f.get("json") {
        templates::json(ctx, n, "`json`", vars).map(Body::Json)
    } else if let Some(n) = f.get("body") {
        templates::template(ctx, n, "`body`", vars).map(Body::Raw)
    } else if let Some(n) = f.get("form") {
        Some(Body::Form(templates::string_map(ctx, n, "`form`", vars)))
    } else {
        Some(Body::None)
    };
    let timeout = f
        .get("timeout")
        .and_then(|n| ctx.positive_duration(n, "`timeout`"));
    let expect = match f.get("expect") {
        Some(n) => expect::compile(ctx, n, vars),
        None => Some(crate::expect::Expect::default()),
    };
    let capture = match f.get("capture") {
        Some(n) => expect::captures(ctx, n),
        None => Some(Vec::new()),
    };
    // Captures are set after this request, whatever follows.
    for c in capture.iter().flatten() {
        vars.set(&c.var);
    }
    let on_failure = on_failure(ctx, f.get("on_failure"));
    let (base, service) = route?;
    let id = ctx.requests.len();
    let name = name?;
    ctx.requests.push(RequestInfo {
        name,
        method,
        service,
    });
    Some(RequestStep {
        id,
        method,
        base,
        url: url?,
        query,
        headers,
        body: body?,
        timeout,
        expect: expect?,
        capture: capture?,
        on_failure,
    })
}

/// Artillery's `get: { url: /x, json: ... }`: reported with starling's
/// flat form, where the method's value is the path and the rest stand
/// beside it. True when it was reported.
fn nested_url(ctx: &mut Ctx, node: &Node, method: Method) -> bool {
    let Kind::Map(pairs) = &node.kind else {
        return false;
    };
    let Some((_, url)) = pairs.iter().find(|(k, _)| k.as_str() == Some("url")) else {
        return false;
    };
    let method = method.as_str().to_ascii_lowercase();
    let path = url.scalar_text().unwrap_or_else(|| "/path".to_owned());
    ctx.sink.error(
        node.span,
        format!(
            "the path is the value of `{method}` itself, with the other keys beside it: \
             `{method}: {path}` (not Artillery's `{method}: {{ url: ... }}`)"
        ),
    );
    true
}

/// `GET /orders/{{ order_id }}`: the method and the path template without
/// its query, so every order lands under one metric name.
pub(crate) fn default_name(method: Method, url: &str) -> String {
    let path = url.split('?').next().unwrap_or(url);
    format!("{} {path}", method.as_str())
}
