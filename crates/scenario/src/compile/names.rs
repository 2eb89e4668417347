//! The target, the services table, and which service a request lands on.
//!
//! Declared services have a base URL, and may claim path prefixes
//! (`orders: { url: .., paths: [/orders, /carts] }`): a request whose path
//! starts with one goes to that service. Other service labels are guessed
//! from a request path's first segment (`/orders/..` → `orders`), so the
//! per-service view works with no configuration behind a gateway, and are
//! marked as guesses ([`ServiceOrigin::Guessed`]). A guessed label that
//! equals a declared name is the same service: traffic to `payments`
//! through the gateway and directly is one service's load.

use super::Ctx;
use crate::origin::{OriginText, split_url};
use crate::plan::{Base, BaseUrl, Service, ServiceId, ServiceOrigin};
use crate::raw::Node;
use crate::raw::Span;
use crate::suggest;

impl BaseUrl {
    /// Parses `http://host:port/prefix` (e.g. `--host`): scheme `http` or
    /// `https`, default ports 80 and 443, no query or user info.
    pub fn parse(text: &str) -> Result<BaseUrl, crate::duration::InvalidValue> {
        parse_base_url(text).map_err(crate::duration::InvalidValue)
    }
}

/// Parses `http://host:port/prefix` with the one origin parser
/// ([`crate::origin::split_url`]), so a base URL's host is normalised as an
/// absolute URL's is. Returns a message on failure.
pub(crate) fn parse_base_url(text: &str) -> Result<BaseUrl, String> {
    let bad = |why: &dyn std::fmt::Display| format!("invalid base URL `{text}`: {why}");
    let url = split_url(text).map_err(|e| bad(&e))?;
    if url.rest.contains(['?', '#']) {
        return Err(bad(&"a base URL cannot have a query or fragment"));
    }
    Ok(BaseUrl {
        scheme: url.scheme,
        host: url.host.into_owned(),
        port: url.port,
        prefix: url.rest.trim_end_matches('/').to_owned(),
    })
}

impl std::fmt::Display for BaseUrl {
    /// `http://[::1]:8000/api`: the port always, IPv6 in brackets once.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let origin = OriginText {
            scheme: self.scheme,
            host: &self.host,
            port: self.port,
        };
        write!(f, "{origin}{}", self.prefix)
    }
}

fn base_url(ctx: &mut Ctx, node: &Node, what: &str) -> Option<BaseUrl> {
    let text = ctx.string(node, what)?;
    match parse_base_url(text) {
        Ok(url) => Some(url),
        Err(message) => {
            ctx.sink.error(node.span, message);
            None
        }
    }
}

pub(crate) fn target(ctx: &mut Ctx, node: &Node) -> Option<BaseUrl> {
    base_url(ctx, node, "`target`")
}

/// The keys of a service's map form.
pub(crate) const SERVICE_KEYS: &[&str] = &["url", "paths"];

/// A path prefix a declared service claims.
#[derive(Debug, Clone)]
pub(crate) struct Prefix {
    /// Without a trailing slash (`/` itself is refused: it claims all).
    pub(crate) path: String,
    pub(crate) service: ServiceId,
    pub(crate) span: Span,
}

/// `services:`: `name: URL`, or `name: { url: URL, paths: [/a, /b] }`.
pub(crate) fn declare_services(ctx: &mut Ctx, node: &Node) {
    let Some(entries) = ctx.entries(node, "`services`") else {
        return;
    };
    for (name, _, value) in entries {
        let what = format!("service `{name}`");
        let (url, paths) = match &value.kind {
            crate::raw::Kind::Map(_) => {
                let Some(f) = ctx.map(value, &what, SERVICE_KEYS) else {
                    continue;
                };
                let url = match f.get("url") {
                    Some(n) => base_url(ctx, n, &what),
                    None => {
                        ctx.sink
                            .error(value.span, format!("{what} needs a `url`: its base URL"));
                        None
                    }
                };
                (url, f.get("paths"))
            }
            _ => (base_url(ctx, value, &what), None),
        };
        let Some(url) = url else { continue };
        let id = ctx.services.len();
        ctx.declared.insert(name.to_owned(), id);
        ctx.services.push(Service {
            name: name.to_owned(),
            base_url: Some(url),
            origin: ServiceOrigin::Declared,
        });
        if let Some(paths) = paths {
            declare_prefixes(ctx, paths, id, name);
        }
    }
}

/// A service's `paths:`, each checked against the prefixes declared so far:
/// two services may not claim overlapping paths, or where a request goes
/// would depend on the order they are written in.
fn declare_prefixes(ctx: &mut Ctx, node: &Node, service: ServiceId, name: &str) {
    let Some(items) = ctx.seq(node, "`paths`") else {
        return;
    };
    for item in items {
        let Some(text) = ctx.string(item, "a path prefix") else {
            continue;
        };
        let path = text.trim_end_matches('/');
        if !text.starts_with('/') || path.is_empty() || text.contains(['?', '#', '{']) {
            ctx.sink.error(
                item.span,
                format!("path prefix `{text}` of service `{name}` must be a path like `/orders` (not `/`, no query or template)"),
            );
            continue;
        }
        let clash = ctx
            .prefixes
            .iter()
            .find(|p| p.service != service && (claims(&p.path, path) || claims(path, &p.path)));
        if let Some(other) = clash {
            let message = format!(
                "path prefix `{path}` of service `{name}` overlaps `{}` of service `{}` (line {}): \
                 a request path must match one service's prefixes only",
                other.path, ctx.services[other.service].name, other.span.line
            );
            ctx.sink.error(item.span, message);
            continue;
        }
        ctx.prefixes.push(Prefix {
            path: path.to_owned(),
            service,
            span: item.span,
        });
    }
}

/// Whether `prefix` claims `path` at a segment boundary: `/orders` claims
/// `/orders`, `/orders/1` and `/orders?x`, not `/ordersx`.
pub(crate) fn claims(prefix: &str, path: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
}

/// The declared service whose path prefix a relative URL starts with.
fn prefixed(ctx: &Ctx, url: &str) -> Option<ServiceId> {
    ctx.prefixes
        .iter()
        .find(|p| claims(&p.path, url))
        .map(|p| p.service)
}

/// The label derived from a path: its first segment, without a query.
/// `/orders/{{ id }}` → `orders`; `/` → `/`; an absolute URL uses its path.
pub(crate) fn derived_label(url: &str) -> String {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    if first.is_empty() {
        "/".to_owned()
    } else {
        first.to_owned()
    }
}

/// The service id for a label, adding an undeclared one on first use.
fn label_id(ctx: &mut Ctx, label: &str) -> ServiceId {
    if let Some(i) = ctx.services.iter().position(|s| s.name == label) {
        return i;
    }
    ctx.services.push(Service {
        name: label.to_owned(),
        base_url: None,
        origin: ServiceOrigin::Guessed,
    });
    ctx.services.len() - 1
}

/// Where a request goes and which service it counts for. `service` is the
/// step's `service:` node, if any.
pub(crate) fn route(
    ctx: &mut Ctx,
    url: &str,
    url_node: &Node,
    service: Option<&Node>,
) -> Option<(Base, ServiceId)> {
    let absolute = url.starts_with("http://") || url.starts_with("https://");
    if let Some(node) = service {
        let name = ctx.string(node, "`service`")?;
        let Some(&id) = ctx.declared.get(name) else {
            let known: Vec<&str> = ctx.declared.keys().map(String::as_str).collect();
            let mut message = suggest::unknown("service", name, &known);
            if known.is_empty() {
                message.push_str(": declare it under `services:` with its base URL");
            }
            ctx.sink.error(node.span, message);
            return None;
        };
        if absolute {
            ctx.sink.error(
                url_node.span,
                "a request with `service` takes a path, not an absolute URL",
            );
            return None;
        }
        return Some((Base::Service(id), id));
    }
    let label = derived_label(url);
    if absolute {
        return Some((Base::Absolute, label_id(ctx, &label)));
    }
    if !url.starts_with('/') && !url.starts_with("{{") {
        ctx.sink.error(
            url_node.span,
            format!("a request path must start with `/` or be an absolute URL, found `{url}`"),
        );
        return None;
    }
    if let Some(id) = prefixed(ctx, url) {
        return Some((Base::Service(id), id));
    }
    if !ctx.has_target {
        ctx.sink.error(
            url_node.span,
            "this request has a relative path but the scenario has no `target` (and the step no `service`)",
        );
        return None;
    }
    Some((Base::Target, label_id(ctx, &label)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Scheme;

    #[test]
    fn base_urls() {
        let u = parse_base_url("http://127.0.0.1:8000").unwrap();
        assert_eq!(
            (u.scheme, u.host.as_str(), u.port, u.prefix.as_str()),
            (Scheme::Http, "127.0.0.1", 8000, "")
        );
        let u = parse_base_url("https://[::1]/api/").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.prefix.as_str()),
            ("::1", 443, "/api")
        );
        assert_eq!(u.to_string(), "https://[::1]:443/api");
        assert!(parse_base_url("ftp://x").is_err());
        assert!(parse_base_url("http://:80").is_err());
        assert!(parse_base_url("http://h:99999").is_err());
    }

    #[test]
    fn labels() {
        assert_eq!(derived_label("/orders/{{ order_id }}"), "orders");
        assert_eq!(derived_label("/products?category=x"), "products");
        assert_eq!(derived_label("/"), "/");
        assert_eq!(
            derived_label("http://127.0.0.1:8004/payments/1"),
            "payments"
        );
    }

    #[test]
    fn prefixes_claim_at_segment_boundaries() {
        assert!(claims("/orders", "/orders"));
        assert!(claims("/orders", "/orders/{{ id }}"));
        assert!(claims("/orders", "/orders?page=2"));
        assert!(!claims("/orders", "/ordersx"));
        assert!(!claims("/orders/1", "/orders"));
    }
}
