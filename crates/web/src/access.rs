//! The checks every request passes before a handler sees it, and the
//! headers every answer carries.
//!
//! - **Host**, on loopback: only `127.0.0.1:PORT`, `localhost:PORT` and
//!   `[::1]:PORT`. A page of another site whose name is made to resolve
//!   to 127.0.0.1 (DNS rebinding) reaches this server as the same origin,
//!   but its requests still name that site in `Host`.
//! - **Token**, on every `/api/` path when the UI has one, in
//!   `Authorization: Bearer`: a header, which another site's page cannot
//!   make the browser add (a cookie it could).
//! - **`X-Starling: 1`** on every state-changing call (POST): a cross-site
//!   form cannot set a header, and another origin's script that sets one
//!   needs a CORS preflight, which this server never grants (it sends no
//!   CORS headers at all).
//! - **Answers** carry a Content Security Policy that runs only this
//!   origin's scripts and loads nothing from elsewhere, and may not be
//!   framed, sniffed or cached (the API's).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::App;
use crate::config::Binding;
use crate::error::ApiError;
use crate::token::Token;

/// The header state-changing calls must carry, and its value.
pub(crate) const CUSTOM_HEADER: &str = "x-starling";

const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

/// What a request must show, for this server.
#[derive(Debug)]
pub(crate) struct Access {
    token: Option<Token>,
    /// The `Host` values accepted (lower case); `None` off loopback, where
    /// the token guards and the machine's names are not known.
    hosts: Option<Vec<String>>,
}

impl Access {
    /// For a server listening on `binding` with the port it got.
    pub(crate) fn new(binding: &Binding, port: u16) -> Access {
        let hosts = binding.loopback().then(|| {
            let mut hosts: Vec<String> = ["127.0.0.1", "localhost", "[::1]"]
                .iter()
                .map(|name| format!("{name}:{port}"))
                .collect();
            if binding.addr.ip().to_string() != "127.0.0.1" && binding.addr.is_ipv4() {
                hosts.push(format!("{}:{port}", binding.addr.ip()));
            }
            if port == 80 {
                hosts.extend(["127.0.0.1", "localhost", "[::1]"].map(String::from));
            }
            hosts
        });
        Access {
            token: binding.token.clone(),
            hosts,
        }
    }

    pub(crate) fn check(
        &self,
        method: &Method,
        path: &str,
        headers: &HeaderMap,
    ) -> Result<(), ApiError> {
        if let Some(hosts) = &self.hosts {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("")
                .to_ascii_lowercase();
            if !hosts.contains(&host) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    format!(
                        "this UI answers to {} only, not to the Host `{host}`",
                        hosts[0]
                    ),
                ));
            }
        }
        if !path.starts_with("/api/") {
            return Ok(());
        }
        if let Some(token) = &self.token {
            let offered = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "));
            if !offered.is_some_and(|offered| token.matches(offered)) {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "this UI needs its token: open the URL it printed (with #token=...), or send Authorization: Bearer TOKEN",
                ));
            }
        }
        if method != Method::GET && method != Method::HEAD {
            let marked = headers
                .get(CUSTOM_HEADER)
                .is_some_and(|v| v.as_bytes() == b"1");
            if !marked {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "state-changing calls must carry the header X-Starling: 1 (so that no other site's form can make them)",
                ));
            }
        }
        Ok(())
    }
}

/// The middleware: checks, then the handler, then the headers.
pub(crate) async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let checked = app
        .access
        .check(request.method(), request.uri().path(), request.headers());
    let mut response = match checked {
        Ok(()) => next.run(request).await,
        Err(refused) => refused.into_response(),
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            header::CACHE_CONTROL,
            if api { "no-store" } else { "no-cache" },
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{TokenChoice, WebConfig};

    fn access(host: &str, token: Option<&str>) -> Access {
        let config = WebConfig {
            host: host.into(),
            port: 0,
            token: TokenChoice::parse(token).unwrap(),
        };
        Access::new(&config.resolve().unwrap(), 8089)
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    fn status(a: &Access, method: Method, path: &str, pairs: &[(&'static str, &str)]) -> u16 {
        match a.check(&method, path, &headers(pairs)) {
            Ok(()) => 200,
            Err(e) => e.status.as_u16(),
        }
    }

    #[test]
    fn on_loopback_only_loopback_names_are_answered() {
        let a = access("127.0.0.1", None);
        for host in [
            "127.0.0.1:8089",
            "localhost:8089",
            "LOCALHOST:8089",
            "[::1]:8089",
        ] {
            assert_eq!(
                status(&a, Method::GET, "/", &[("host", host)]),
                200,
                "{host}"
            );
        }
        for host in ["evil.example:8089", "127.0.0.1:8090", "127.0.0.1", ""] {
            assert_eq!(
                status(&a, Method::GET, "/api/state", &[("host", host)]),
                403,
                "{host}"
            );
        }
        assert_eq!(status(&a, Method::GET, "/", &[]), 403, "no Host at all");
    }

    #[test]
    fn with_a_token_every_api_call_needs_it_and_the_page_does_not() {
        let a = access("0.0.0.0", Some("correct-horse-battery"));
        let host = ("host", "10.1.2.3:8089");
        assert_eq!(status(&a, Method::GET, "/", &[host]), 200);
        assert_eq!(status(&a, Method::GET, "/assets/ui.js", &[host]), 200);
        for path in ["/api/state", "/api/stream", "/api/download/stats.csv"] {
            assert_eq!(status(&a, Method::GET, path, &[host]), 401, "{path}");
            let wrong = ("authorization", "Bearer correct-horse-batterz");
            assert_eq!(status(&a, Method::GET, path, &[host, wrong]), 401, "{path}");
            let cookie = ("cookie", "token=correct-horse-battery");
            assert_eq!(
                status(&a, Method::GET, path, &[host, cookie]),
                401,
                "{path}"
            );
            let right = ("authorization", "Bearer correct-horse-battery");
            assert_eq!(status(&a, Method::GET, path, &[host, right]), 200, "{path}");
        }
    }

    #[test]
    fn state_changing_calls_need_the_custom_header() {
        let a = access("127.0.0.1", None);
        let host = ("host", "127.0.0.1:8089");
        assert_eq!(status(&a, Method::POST, "/api/stop", &[host]), 403);
        assert_eq!(
            status(&a, Method::POST, "/api/stop", &[host, ("x-starling", "0")]),
            403
        );
        assert_eq!(
            status(&a, Method::POST, "/api/stop", &[host, ("x-starling", "1")]),
            200
        );
    }
}
