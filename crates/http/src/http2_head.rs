//! The HTTP/2 form of a request head: pseudo-headers from the hop (`Host`
//! becomes `:authority`), the user's headers lowercased and without the
//! connection-specific ones HTTP/2 forbids, and the headers the client adds,
//! by the same rules as HTTP/1.1 (`request`).

use http::header::{ACCEPT_ENCODING, CONTENT_LENGTH, COOKIE, TE, USER_AGENT};
use http::uri::{Authority, PathAndQuery, Uri};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Version};

use crate::error::TransportError;
use crate::request::{Head, Scheme, UserSet, check_header, expects_body, mark, skipped, validate};

/// What one connection's requests have in common, kept from one request to
/// the next so that it is not parsed and allocated again each time: the
/// URI while the path repeats (a connection has one origin), and the user
/// agent. Both were a third of building a request.
#[derive(Debug, Default)]
pub(crate) struct Reuse {
    /// The last URI built from the origin (no `Host` header of the user's),
    /// with the origin it was built for.
    uri: Option<(Scheme, Box<str>, u16, Uri)>,
    user_agent: Option<HeaderValue>,
}

impl Reuse {
    fn uri(&self, head: &Head<'_>) -> Option<Uri> {
        let (scheme, host, port, uri) = self.uri.as_ref()?;
        let same = *scheme == head.scheme
            && *port == head.port
            && **host == *head.host
            && uri.path_and_query().map(PathAndQuery::as_str) == Some(head.path);
        same.then(|| uri.clone())
    }

    fn user_agent(&mut self, agent: &str) -> Result<HeaderValue, TransportError> {
        match &self.user_agent {
            Some(value) if value.as_bytes() == agent.as_bytes() => Ok(value.clone()),
            _ => {
                let value = header_value("User-Agent", agent)?;
                self.user_agent = Some(value.clone());
                Ok(value)
            }
        }
    }
}

/// Builds the request `h2` sends (its body goes separately), reusing what
/// `reuse` kept from the connection's earlier requests.
pub(crate) fn build(
    head: &Head<'_>,
    reuse: &mut Reuse,
) -> Result<http::Request<()>, TransportError> {
    validate(head)?;
    let method = Method::from_bytes(head.method.as_bytes())
        .map_err(|e| TransportError::invalid_request(format!("method {:?}: {e}", head.method)))?;
    let mut headers = HeaderMap::with_capacity(head.headers.len() + 4);
    let mut set = UserSet::default();
    let mut host = None;
    for &(name, value) in head.headers {
        if skipped(head, name) {
            continue;
        }
        check_header(name, value)?;
        if connection_specific(name) {
            continue;
        }
        mark(&mut set, name);
        if name.eq_ignore_ascii_case("host") {
            host = Some(value);
            continue;
        }
        let value = if name.eq_ignore_ascii_case("te") {
            // HTTP/2 allows only `TE: trailers`.
            if !value.trim().eq_ignore_ascii_case("trailers") {
                continue;
            }
            HeaderValue::from_static("trailers")
        } else {
            let mut value = header_value(name, value)?;
            if name.eq_ignore_ascii_case("traceparent") {
                // A fresh span id in every request: HPACK would add each
                // value to both sides' dynamic tables, where it is never
                // matched again and pushes out the entries that are (user
                // agent, accept-encoding), and `h2` compares it with every
                // earlier value of the name before inserting it. Sent as a
                // literal that is never indexed (`h2`'s only way to keep
                // a value out), encoding the headers costs a third less:
                // 4.8% of an HTTP/2 request's instructions (bench/NOTES.md).
                value.set_sensitive(true);
            }
            value
        };
        // Lowercases the name, as HTTP/2 requires; the tracing header, in
        // every request, without copying its name.
        let name = if name.eq_ignore_ascii_case("traceparent") {
            HeaderName::from_static("traceparent")
        } else {
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                TransportError::invalid_request(format!("invalid header name {name:?}"))
            })?
        };
        if name == TE {
            headers.insert(TE, value);
        } else {
            headers.append(name, value);
        }
    }
    if !set.user_agent && !head.user_agent.is_empty() {
        headers.insert(USER_AGENT, reuse.user_agent(head.user_agent)?);
    }
    if !set.accept_encoding {
        headers.insert(ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
    }
    if let (false, Some(cookie)) = (set.cookie, head.cookie) {
        headers.insert(COOKIE, header_value("Cookie", cookie)?);
    }
    if !set.length && (head.body_len > 0 || expects_body(head.method)) {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(head.body_len));
    }

    let uri = match host {
        Some(host) => uri(head, Authority::try_from(host))?,
        None => match reuse.uri(head) {
            Some(uri) => uri,
            None => {
                let uri = uri(head, Authority::try_from(default_authority(head)))?;
                reuse.uri = Some((head.scheme, head.host.into(), head.port, uri.clone()));
                uri
            }
        },
    };
    let mut request = http::Request::new(());
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.version_mut() = Version::HTTP_2;
    *request.headers_mut() = headers;
    Ok(request)
}

/// The request URI: `head`'s scheme and path with `authority`.
fn uri(
    head: &Head<'_>,
    authority: Result<Authority, http::uri::InvalidUri>,
) -> Result<Uri, TransportError> {
    let authority = authority.map_err(|e| {
        TransportError::invalid_request(format!("authority of {:?}: {e}", head.host))
    })?;
    let path = PathAndQuery::try_from(head.path).map_err(|e| {
        TransportError::invalid_request(format!("path {:?} for HTTP/2: {e}", head.path))
    })?;
    let scheme = match head.scheme {
        Scheme::Http => http::uri::Scheme::HTTP,
        Scheme::Https => http::uri::Scheme::HTTPS,
    };
    Uri::builder()
        .scheme(scheme)
        .authority(authority)
        .path_and_query(path)
        .build()
        .map_err(|e| TransportError::invalid_request(format!("request URI: {e}")))
}

/// Headers that belong to one HTTP/1.1 connection; HTTP/2 forbids them
/// (RFC 9113 section 8.2.2). `TE` is handled apart: `trailers` may stay.
fn connection_specific(name: &str) -> bool {
    [
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "upgrade",
    ]
    .iter()
    .any(|n| name.eq_ignore_ascii_case(n))
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, TransportError> {
    HeaderValue::from_str(value).map_err(|_| {
        TransportError::invalid_request(format!("header {name} value has control bytes"))
    })
}

/// `host[:port]` as the HTTP/1.1 `Host` header would say it: IPv6 in
/// brackets, the port only when not the scheme's default.
fn default_authority(head: &Head<'_>) -> String {
    let bracket = head.host.contains(':') && !head.host.starts_with('[');
    let mut authority = String::with_capacity(head.host.len() + 8);
    if bracket {
        authority.push('[');
    }
    authority.push_str(head.host);
    if bracket {
        authority.push(']');
    }
    if head.port != head.scheme.default_port() {
        authority.push(':');
        authority.push_str(&head.port.to_string());
    }
    authority
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TransportKind;

    fn head<'a>(headers: &'a [(&'a str, &'a str)], body_len: usize) -> Head<'a> {
        Head {
            method: "POST",
            scheme: Scheme::Https,
            host: "127.0.0.1",
            port: 8443,
            path: "/a?b=1",
            headers,
            body_len,
            user_agent: "ua",
            cookie: Some("s=1"),
            drop_body_headers: false,
            drop_credentials: false,
        }
    }

    fn build_new(head: &Head<'_>) -> Result<http::Request<()>, TransportError> {
        build(head, &mut Reuse::default())
    }

    #[test]
    fn a_connection_reuses_its_uri_while_the_path_repeats_and_never_past_it() {
        let mut reuse = Reuse::default();
        let mut h = head(&[], 0);
        let first = build(&h, &mut reuse).unwrap();
        let again = build(&h, &mut reuse).unwrap();
        assert_eq!(again.uri(), first.uri());
        // The kept URI's bytes are shared, not built anew.
        assert_eq!(
            again.uri().path_and_query().unwrap().as_str().as_ptr(),
            reuse
                .uri
                .as_ref()
                .unwrap()
                .3
                .path_and_query()
                .unwrap()
                .as_str()
                .as_ptr()
        );
        h.path = "/other";
        assert_eq!(
            build(&h, &mut reuse).unwrap().uri().to_string(),
            "https://127.0.0.1:8443/other"
        );
        h.port = 9443;
        assert_eq!(
            build(&h, &mut reuse).unwrap().uri().to_string(),
            "https://127.0.0.1:9443/other"
        );
        h.host = "::1";
        assert_eq!(
            build(&h, &mut reuse).unwrap().uri().to_string(),
            "https://[::1]:9443/other"
        );
        h.scheme = Scheme::Http;
        assert_eq!(
            build(&h, &mut reuse).unwrap().uri().to_string(),
            "http://[::1]:9443/other"
        );
        // A Host header of the user's wins over the kept URI.
        let with_host = [("Host", "example.test")];
        let mut h2 = head(&with_host, 0);
        h2.path = "/other";
        build(&h2, &mut Reuse::default()).unwrap();
        let mut kept = Reuse::default();
        build(&head(&[], 0), &mut kept).unwrap();
        assert_eq!(
            build(&head(&with_host, 0), &mut kept)
                .unwrap()
                .uri()
                .authority()
                .unwrap(),
            "example.test"
        );
        // And the user agent follows the head's.
        let mut h3 = head(&[], 0);
        h3.user_agent = "other";
        assert_eq!(
            build(&h3, &mut kept).unwrap().headers()["user-agent"],
            "other"
        );
    }

    #[test]
    fn pseudo_headers_come_from_the_hop_and_defaults_are_added() {
        let request = build_new(&head(&[("X-Trace", "7")], 12)).unwrap();
        assert_eq!(request.method(), "POST");
        assert_eq!(request.uri().to_string(), "https://127.0.0.1:8443/a?b=1");
        let headers = request.headers();
        assert_eq!(headers["x-trace"], "7");
        assert_eq!(headers["user-agent"], "ua");
        assert_eq!(headers["accept-encoding"], "gzip");
        assert_eq!(headers["cookie"], "s=1");
        assert_eq!(headers["content-length"], "12");
        assert!(!headers.contains_key("host"));
    }

    #[test]
    fn traceparent_is_kept_out_of_the_hpack_tables_and_other_headers_are_not() {
        let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let request =
            build_new(&head(&[("traceparent", traceparent), ("X-Trace", "7")], 0)).unwrap();
        let headers = request.headers();
        assert_eq!(headers["traceparent"], traceparent);
        assert!(headers["traceparent"].is_sensitive());
        assert!(!headers["x-trace"].is_sensitive());
        assert!(!headers["user-agent"].is_sensitive());
    }

    #[test]
    fn connection_headers_are_dropped_and_host_becomes_the_authority() {
        let headers = [
            ("Host", "example.test"),
            ("Connection", "keep-alive"),
            ("Keep-Alive", "timeout=5"),
            ("Transfer-Encoding", "chunked"),
            ("Upgrade", "websocket"),
            ("Proxy-Connection", "close"),
            ("TE", "Trailers"),
            ("Cookie", "mine=1"),
        ];
        let mut h = head(&headers, 0);
        h.method = "GET";
        let request = build_new(&h).unwrap();
        assert_eq!(request.uri().authority().unwrap(), "example.test");
        let names: Vec<&str> = request.headers().keys().map(|n| n.as_str()).collect();
        for gone in [
            "host",
            "connection",
            "keep-alive",
            "transfer-encoding",
            "upgrade",
        ] {
            assert!(!names.contains(&gone), "{gone} in {names:?}");
        }
        assert_eq!(request.headers()["te"], "trailers");
        assert_eq!(request.headers()["cookie"], "mine=1");
        assert!(!request.headers().contains_key("content-length"));
    }

    #[test]
    fn default_ports_are_omitted_and_ipv6_is_bracketed() {
        let mut h = head(&[], 0);
        h.host = "::1";
        h.port = 443;
        let request = build_new(&h).unwrap();
        assert_eq!(request.uri().authority().unwrap(), "[::1]");
    }

    #[test]
    fn bad_headers_are_invalid_requests() {
        let error = build_new(&head(&[("X", "a\r\nEvil: 1")], 0)).unwrap_err();
        assert_eq!(error.kind(), TransportKind::InvalidRequest);
        let error = build_new(&head(&[("X", "bell\x07")], 0)).unwrap_err();
        assert_eq!(error.kind(), TransportKind::InvalidRequest);
    }
}
