//! Following a redirect: where the next hop goes and what it sends.

use std::borrow::Cow;

use url::Url;

use crate::error::TransportError;
use crate::request::{Scheme, bare_host};

/// One hop of a request: the original, or where a redirect pointed.
#[derive(Debug, Clone)]
pub(crate) struct Hop<'a> {
    pub(crate) method: &'a str,
    pub(crate) scheme: Scheme,
    pub(crate) host: Cow<'a, str>,
    pub(crate) port: u16,
    pub(crate) path: Cow<'a, str>,
    pub(crate) body: &'a [u8],
    pub(crate) drop_body_headers: bool,
    pub(crate) drop_credentials: bool,
}

pub(crate) fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

impl<'a> Hop<'a> {
    /// The hop's URL (for the cookie jar and for resolving `Location`).
    pub(crate) fn url(&self) -> Option<Url> {
        let bracket = self.host.contains(':') && !self.host.starts_with('[');
        let (open, close) = if bracket { ("[", "]") } else { ("", "") };
        let text = format!(
            "{}://{open}{}{close}:{}{}",
            self.scheme.as_str(),
            self.host,
            self.port,
            self.path
        );
        Url::parse(&text).ok()
    }

    /// The hop a `status` response with this `Location` leads to.
    pub(crate) fn follow(&self, status: u16, location: &[u8]) -> Result<Hop<'a>, TransportError> {
        let location = std::str::from_utf8(location)
            .ok()
            .filter(|l| l.is_ascii())
            .ok_or_else(|| TransportError::protocol("redirect Location is not ASCII"))?;
        let base = self
            .url()
            .ok_or_else(|| TransportError::invalid_request("request URL does not parse"))?;
        let next = base.join(location).map_err(|e| {
            TransportError::protocol(format!("redirect Location {location:?}: {e}"))
        })?;
        let scheme = match next.scheme() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            other => {
                return Err(TransportError::protocol(format!(
                    "redirect to unsupported scheme {other:?}"
                )));
            }
        };
        // `url` writes an IPv6 host in brackets; hops keep it bare, as the
        // first one does, or a same-origin redirect would look foreign.
        let host = next
            .host_str()
            .map(bare_host)
            .ok_or_else(|| {
                TransportError::protocol(format!("redirect Location {location:?} has no host"))
            })?
            .to_string();
        let port = next
            .port_or_known_default()
            .unwrap_or(scheme.default_port());
        let mut path = next.path().to_string();
        if let Some(query) = next.query() {
            path.push('?');
            path.push_str(query);
        }
        // 303 always, and 301/302 after a POST (what browsers do), become
        // a GET without a body; 307/308 repeat the request as it was.
        let to_get = (status == 303 && self.method != "HEAD")
            || (matches!(status, 301 | 302) && self.method == "POST");
        let same_origin = scheme == self.scheme && host == self.host && port == self.port;
        Ok(Hop {
            method: if to_get { "GET" } else { self.method },
            scheme,
            host: Cow::Owned(host),
            port,
            path: Cow::Owned(path),
            body: if to_get { &[] } else { self.body },
            drop_body_headers: self.drop_body_headers || to_get,
            drop_credentials: self.drop_credentials || !same_origin,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(method: &'static str) -> Hop<'static> {
        Hop {
            method,
            scheme: Scheme::Http,
            host: Cow::Borrowed("127.0.0.1"),
            port: 8000,
            path: Cow::Borrowed("/a/b?x=1"),
            body: b"data",
            drop_body_headers: false,
            drop_credentials: false,
        }
    }

    #[test]
    fn relative_and_absolute_locations() {
        let next = hop("GET").follow(302, "c?y=2".as_bytes()).unwrap();
        assert_eq!(next.path, "/a/c?y=2");
        assert_eq!(next.port, 8000);
        assert!(!next.drop_credentials);
        let next = hop("GET")
            .follow(301, "https://localhost:9/z".as_bytes())
            .unwrap();
        assert_eq!(
            (next.scheme, &*next.host, next.port, &*next.path),
            (Scheme::Https, "localhost", 9, "/z")
        );
        assert!(next.drop_credentials);
    }

    #[test]
    fn methods_change_like_browsers() {
        let next = hop("POST").follow(303, "/x".as_bytes()).unwrap();
        assert_eq!(
            (next.method, next.body.len(), next.drop_body_headers),
            ("GET", 0, true)
        );
        let next = hop("POST").follow(302, "/x".as_bytes()).unwrap();
        assert_eq!(next.method, "GET");
        let next = hop("POST").follow(307, "/x".as_bytes()).unwrap();
        assert_eq!((next.method, next.body), ("POST", &b"data"[..]));
        let next = hop("PUT").follow(301, "/x".as_bytes()).unwrap();
        assert_eq!(next.method, "PUT");
    }

    /// `url` brackets an IPv6 host; a redirect to the same IPv6 origin must
    /// still be same-origin (its credentials kept) and keyed as the first
    /// hop was.
    #[test]
    fn an_ipv6_redirect_to_the_same_origin_stays_same_origin() {
        let mut first = hop("GET");
        first.host = Cow::Borrowed("::1");
        let next = first.follow(302, "http://[::1]:8000/c".as_bytes()).unwrap();
        assert_eq!(&*next.host, "::1");
        assert!(!next.drop_credentials);
    }

    #[test]
    fn other_schemes_are_refused() {
        assert!(hop("GET").follow(302, "ftp://x/".as_bytes()).is_err());
    }
}
