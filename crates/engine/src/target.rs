//! Where requests go: the Plan's bases resolved once per run, and the
//! parsing of absolute URLs rendered at run time.

use std::borrow::Cow;

use indexmap::IndexMap;
use starling_http::Scheme;
use starling_scenario::origin::{OriginText, split_url};
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
            scheme: http_scheme(base.scheme),
            host: base.host.clone(),
            port: base.port,
            prefix: base.prefix.clone(),
        }
    }

    /// `scheme://host:port` for failure examples, written as the scenario
    /// crate writes every origin (IPv6 in brackets, once).
    pub(crate) fn display(&self) -> String {
        let scheme = match self.scheme {
            Scheme::Http => starling_scenario::Scheme::Http,
            Scheme::Https => starling_scenario::Scheme::Https,
        };
        OriginText {
            scheme,
            host: &self.host,
            port: self.port,
        }
        .to_string()
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

    /// Each base URL as text, for the results: the target first (named
    /// `target`), then every service with a base of its own.
    pub(crate) fn describe(&self, plan: &Plan) -> IndexMap<String, String> {
        let text = |origin: &Origin| format!("{}{}", origin.display(), origin.prefix);
        let mut bases = IndexMap::new();
        if let Some(target) = &self.target {
            bases.insert("target".to_owned(), text(target));
        }
        for (service, origin) in plan.services.iter().zip(&self.services) {
            if let Some(origin) = origin {
                bases.insert(service.name.clone(), text(origin));
            }
        }
        bases
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
    /// Normalised by the scenario's origin parser (IPv6 without brackets),
    /// so the client keys its connections by the same text as a base's.
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) path_and_query: Cow<'a, str>,
}

/// Splits `http://host:port/path?q` with the scenario's origin parser, the
/// one base URLs go through. Returns a message naming what is wrong when
/// the URL is not usable.
pub(crate) fn parse_absolute(url: &str) -> Result<AbsoluteUrl<'_>, String> {
    let split = split_url(url).map_err(|e| format!("URL `{url}`: {e}"))?;
    // A fragment is the client's own; it is never sent.
    let rest = split.rest.split('#').next().unwrap_or("");
    let path_and_query = if rest.starts_with('/') {
        Cow::Borrowed(rest)
    } else {
        Cow::Owned(format!("/{rest}"))
    };
    Ok(AbsoluteUrl {
        scheme: http_scheme(split.scheme),
        host: split.host.into_owned(),
        port: split.port,
        path_and_query,
    })
}

fn http_scheme(scheme: starling_scenario::Scheme) -> Scheme {
    match scheme {
        starling_scenario::Scheme::Http => Scheme::Http,
        starling_scenario::Scheme::Https => Scheme::Https,
    }
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
        assert_eq!(
            (u.host.as_str(), u.port, u.scheme),
            ("::1", 443, Scheme::Https)
        );
        let u = parse_absolute("http://localhost?q").unwrap();
        assert_eq!(u.path_and_query, "/?q");
        let u = parse_absolute("http://localhost/a#top").unwrap();
        assert_eq!(u.path_and_query, "/a");
    }

    #[test]
    fn rejects_unusable_urls() {
        assert!(
            parse_absolute("ftp://x/")
                .unwrap_err()
                .contains("expected `http://` or `https://`")
        );
        assert!(
            parse_absolute("http://:80/")
                .unwrap_err()
                .contains("missing or invalid host")
        );
        assert!(
            parse_absolute("http://h:99999/")
                .unwrap_err()
                .contains("invalid port")
        );
    }
}
