//! Where requests go: the Plan's bases resolved once per run, and the
//! parsing of absolute URLs rendered at run time.

use std::borrow::Cow;

use starling_http::Scheme;
use starling_scenario::{Base, BaseUrl, Plan};

use crate::error::EngineError;

/// A scheme, host, port and path prefix, borrowed by every request to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    pub(crate) scheme: Scheme,
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) prefix: String,
}

impl Origin {
    fn from_base(base: &BaseUrl) -> Origin {
        Origin {
            scheme: match base.scheme {
                starling_scenario::Scheme::Http => Scheme::Http,
                starling_scenario::Scheme::Https => Scheme::Https,
            },
            host: base.host.clone(),
            port: base.port,
            prefix: base.prefix.clone(),
        }
    }

    /// `scheme://host:port` for failure examples.
    pub(crate) fn display(&self) -> String {
        let scheme = match self.scheme {
            Scheme::Http => "http",
            Scheme::Https => "https",
        };
        if self.host.contains(':') {
            format!("{scheme}://[{}]:{}", self.host, self.port)
        } else {
            format!("{scheme}://{}:{}", self.host, self.port)
        }
    }
}

/// Every base a request can name, resolved before any load is sent.
#[derive(Debug, Clone)]
pub(crate) struct Targets {
    target: Option<Origin>,
    services: Vec<Option<Origin>>,
}

impl Targets {
    /// Resolves the Plan's target (or the `--host` override) and services.
    pub(crate) fn new(plan: &Plan, host: Option<&BaseUrl>) -> Result<Targets, EngineError> {
        let target = host.or(plan.target.as_ref()).map(Origin::from_base);
        let services = plan
            .services
            .iter()
            .map(|s| s.base_url.as_ref().map(Origin::from_base))
            .collect();
        let targets = Targets { target, services };
        targets.check(plan)?;
        Ok(targets)
    }

    /// The origin for a base; `None` for `Base::Absolute`.
    pub(crate) fn origin(&self, base: &Base) -> Option<&Origin> {
        match base {
            Base::Target => self.target.as_ref(),
            Base::Service(id) => self.services.get(*id).and_then(Option::as_ref),
            Base::Absolute => None,
        }
    }

    /// A relative request with no target to resolve against is an input
    /// error, reported before the run starts.
    fn check(&self, plan: &Plan) -> Result<(), EngineError> {
        if self.target.is_none() && uses_target(plan) {
            return Err(EngineError::NoTarget);
        }
        Ok(())
    }
}

fn uses_target(plan: &Plan) -> bool {
    use starling_scenario::Step;
    fn any(steps: &[Step]) -> bool {
        steps.iter().any(|s| match s {
            Step::Request(r) => r.base == Base::Target,
            Step::Poll(p) => p.request.base == Base::Target,
            Step::If(i) => any(&i.then) || any(&i.otherwise),
            Step::Repeat(r) => any(&r.steps),
            Step::Group(g) => any(&g.steps),
            Step::Think(_) | Step::Set(_) => false,
        })
    }
    plan.journeys.iter().any(|j| any(&j.steps))
        || plan
            .user_types
            .iter()
            .any(|u| any(&u.on_start) || any(&u.on_stop))
}

/// An absolute URL split into an origin and a path with query.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct AbsoluteUrl<'a> {
    pub(crate) scheme: Scheme,
    pub(crate) host: &'a str,
    pub(crate) port: u16,
    pub(crate) path_and_query: Cow<'a, str>,
}

/// Splits `http://host:port/path?q` (IPv6 hosts in brackets). Returns a
/// message naming what is wrong when the URL is not usable.
pub(crate) fn parse_absolute(url: &str) -> Result<AbsoluteUrl<'_>, String> {
    let (scheme, rest) = if let Some(rest) = url.strip_prefix("http://") {
        (Scheme::Http, rest)
    } else if let Some(rest) = url.strip_prefix("https://") {
        (Scheme::Https, rest)
    } else {
        return Err(format!("`{url}` is not an http:// or https:// URL"));
    };
    let split = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    let path_and_query = if path.starts_with('/') {
        Cow::Borrowed(path)
    } else {
        Cow::Owned(format!("/{path}"))
    };
    let default_port = match scheme {
        Scheme::Http => 80,
        Scheme::Https => 443,
    };
    let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
        let end = inner
            .find(']')
            .ok_or_else(|| format!("`{url}` has an unclosed IPv6 bracket"))?;
        let port = match inner[end + 1..].strip_prefix(':') {
            Some(p) => parse_port(p, url)?,
            None => default_port,
        };
        (&inner[..end], port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, parse_port(port, url)?),
            None => (authority, default_port),
        }
    };
    if host.is_empty() {
        return Err(format!("`{url}` has no host"));
    }
    Ok(AbsoluteUrl {
        scheme,
        host,
        port,
        path_and_query,
    })
}

fn parse_port(port: &str, url: &str) -> Result<u16, String> {
    port.parse()
        .map_err(|_| format!("`{url}` has an invalid port `{port}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_absolute_urls() {
        let u = parse_absolute("http://127.0.0.1:8004/payments/7?x=1").unwrap();
        assert_eq!(u.host, "127.0.0.1");
        assert_eq!(u.port, 8004);
        assert_eq!(u.path_and_query, "/payments/7?x=1");
        let u = parse_absolute("https://[::1]/").unwrap();
        assert_eq!((u.host, u.port, u.scheme), ("::1", 443, Scheme::Https));
        let u = parse_absolute("http://localhost?q").unwrap();
        assert_eq!(u.path_and_query, "/?q");
    }

    #[test]
    fn rejects_unusable_urls() {
        assert!(
            parse_absolute("ftp://x/")
                .unwrap_err()
                .contains("not an http")
        );
        assert!(
            parse_absolute("http://:80/")
                .unwrap_err()
                .contains("no host")
        );
        assert!(
            parse_absolute("http://h:99999/")
                .unwrap_err()
                .contains("invalid port")
        );
    }
}
