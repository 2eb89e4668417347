//! `auth:` on a request or in `defaults`: an `Authorization` header written
//! the way people think of it. It compiles into that header, so it is sent,
//! replaced (a step's over the defaults') and redacted exactly as a header
//! written by hand would be.
//!
//! ```yaml
//! auth: { basic: [ada, "{{ password }}"] }   # Basic base64("ada:" + password)
//! auth: { bearer: "{{ token }}" }            # Bearer <token>
//! ```

use base64::Engine as _;

use super::Ctx;
use super::templates;
use super::vars::Vars;
use crate::raw::{Kind, Node};
use crate::runtime::template_as_expr;
use crate::template::Template;

const KEYS: &[&str] = &["basic", "bearer"];

const BASIC_SHAPE: &str = "`basic: [user, password]`";

/// The `Authorization` header `node` stands for; `headers` are the ones
/// written beside it, which must not set that header too.
pub(crate) fn header(
    ctx: &mut Ctx,
    node: &Node,
    vars: &mut Vars,
    headers: &[(String, Template)],
) -> Option<(String, Template)> {
    if let Kind::Seq(items) = &node.kind
        && items.len() == 2
    {
        // Python requests' (and so Locust's) `auth=(user, password)`.
        ctx.sink.error(
            node.span,
            "`auth` names its scheme: write `auth: { basic: [user, password] }`",
        );
        return None;
    }
    let f = ctx.map(node, "`auth`", KEYS)?;
    if headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("authorization"))
    {
        ctx.sink.error(
            node.span,
            "`auth` and an `Authorization` header cannot be used together: keep one",
        );
        return None;
    }
    let value = match (f.get("basic"), f.get("bearer")) {
        (Some(_), Some(_)) => {
            let span = f.key_span("bearer").unwrap_or(node.span);
            ctx.sink
                .error(span, "`auth` is `basic` or `bearer`, not both");
            None
        }
        // An unknown key was reported already, with a suggestion.
        (None, None) if matches!(&node.kind, Kind::Map(pairs) if !pairs.is_empty()) => None,
        (None, None) => {
            ctx.sink.error(
                node.span,
                format!("`auth` needs {BASIC_SHAPE} or `bearer: token`"),
            );
            None
        }
        (Some(n), None) => basic(ctx, n, vars),
        (None, Some(n)) => bearer(ctx, n, vars),
    }?;
    Some(("authorization".to_owned(), value))
}

fn bearer(ctx: &mut Ctx, node: &Node, vars: &mut Vars) -> Option<Template> {
    let token = templates::template(ctx, node, "`bearer`", vars)?;
    if token.as_static().is_some_and(|t| t.trim().is_empty()) {
        ctx.sink
            .error(node.span, "`bearer` is empty: it needs the token");
        return None;
    }
    // A CR or LF in the literal text would end the header line.
    let text = node.scalar_text().unwrap_or_default();
    super::headers::check_value(ctx, node, &text, "authorization", &token);
    compiled(ctx, node, &format!("Bearer {}", token.source()))
}

fn basic(ctx: &mut Ctx, node: &Node, vars: &mut Vars) -> Option<Template> {
    let pair = match &node.kind {
        Kind::Seq(items) => match items.as_slice() {
            [user, password] => Some((user, password)),
            _ => None,
        },
        _ => None,
    };
    let Some((user_node, password_node)) = pair else {
        let found = match &node.kind {
            Kind::Seq(items) => format!("a list of {}", items.len()),
            other => other.describe().to_owned(),
        };
        ctx.sink.error(
            node.span,
            format!("`basic` is a user and a password: {BASIC_SHAPE}, found {found}"),
        );
        return None;
    };
    let user = templates::template(ctx, user_node, "the `basic` user", vars);
    let password = templates::template(ctx, password_node, "the `basic` password", vars);
    let (user, password) = (user?, password?);
    if let Some(u) = user.as_static()
        && u.contains(':')
    {
        // RFC 7617: the first colon ends the user id.
        ctx.sink
            .error(user_node.span, "a `basic` user cannot contain `:`");
        return None;
    }
    let source = match (user.as_static(), password.as_static()) {
        (Some(u), Some(p)) => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
            format!("Basic {encoded}")
        }
        // Templated credentials are encoded on each request, after rendering.
        _ => {
            let (Some(u), Some(p)) = (
                template_as_expr(user.source()),
                template_as_expr(password.source()),
            ) else {
                ctx.sink.error(node.span, "`basic` cannot be compiled");
                return None;
            };
            format!("Basic {{{{ ({u} ~ \":\" ~ {p}) | b64encode }}}}")
        }
    };
    compiled(ctx, node, &source)
}

/// The header value built from parts that compiled on their own.
fn compiled(ctx: &mut Ctx, node: &Node, source: &str) -> Option<Template> {
    match Template::compile(source) {
        Ok(t) => Some(t),
        Err(err) => {
            ctx.sink.error(
                node.span,
                format!("`auth` cannot be compiled: {}", err.message),
            );
            None
        }
    }
}
