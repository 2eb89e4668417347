//! The one parser of an http(s) URL's origin, used for base URLs (`target`,
//! `services`, `--host`) and for absolute URLs rendered at run time.
//!
//! Hosts come out normalised: an IPv6 address without its brackets and in
//! its canonical form, a name in lower case. So `[::1]`, `[0::1]` and
//! `LOCALHOST` vs `localhost` are each one origin wherever an origin is a
//! key (the client's keep-alive connections), and the brackets are added
//! back in exactly one place, [`OriginText`], when an origin is written.

use std::borrow::Cow;
use std::fmt;
use std::net::Ipv6Addr;

use crate::plan::Scheme;

/// An http(s) URL split at its authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitUrl<'a> {
    pub scheme: Scheme,
    /// Normalised: IPv6 without brackets, names lower-cased. Borrowed when
    /// already normal, so a URL that needs no change allocates nothing.
    pub host: Cow<'a, str>,
    /// The URL's port, else the scheme's default.
    pub port: u16,
    /// Everything after the authority: empty, or from its `/`, `?` or `#`.
    pub rest: &'a str,
}

/// Why a URL has no usable origin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("expected `http://` or `https://`")]
    Scheme,
    #[error("user info is not supported")]
    UserInfo,
    #[error("unclosed `[`")]
    UnclosedBracket,
    #[error("`[{0}]` is not an IPv6 address")]
    NotIpv6(String),
    #[error("an IPv6 address must be in brackets, e.g. `http://[::1]:8000`")]
    UnbracketedIpv6,
    #[error("missing or invalid host")]
    Host,
    #[error("invalid port `{0}`")]
    Port(String),
}

impl Scheme {
    /// `"http"` or `"https"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    /// 80 or 443.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

/// Splits `scheme://host[:port]` off `text`. The scheme is matched in
/// lower case, as every URL in a scenario is written.
pub fn split_url(text: &str) -> Result<SplitUrl<'_>, UrlError> {
    let (scheme, rest) = if let Some(rest) = text.strip_prefix("http://") {
        (Scheme::Http, rest)
    } else if let Some(rest) = text.strip_prefix("https://") {
        (Scheme::Https, rest)
    } else {
        return Err(UrlError::Scheme);
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, rest) = rest.split_at(end);
    if authority.contains('@') {
        return Err(UrlError::UserInfo);
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(inner) => {
            let close = inner.find(']').ok_or(UrlError::UnclosedBracket)?;
            let after = &inner[close + 1..];
            let port = match after.strip_prefix(':') {
                Some(port) => Some(port),
                None if after.is_empty() => None,
                // `[::1]x`: something glued to the bracket.
                None => return Err(UrlError::Host),
            };
            (ipv6(&inner[..close])?, port)
        }
        None => {
            let (host, port) = match authority.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            };
            if port.is_some_and(|p| p.contains(':')) {
                return Err(UrlError::UnbracketedIpv6);
            }
            (name(host)?, port)
        }
    };
    let port = match port {
        Some(port) => port
            .parse::<u16>()
            .ok()
            .filter(|_| port.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| UrlError::Port(port.to_owned()))?,
        None => scheme.default_port(),
    };
    Ok(SplitUrl {
        scheme,
        host,
        port,
        rest,
    })
}

/// The address between brackets, in its canonical form.
fn ipv6(inner: &str) -> Result<Cow<'_, str>, UrlError> {
    let address: Ipv6Addr = inner
        .parse()
        .map_err(|_| UrlError::NotIpv6(inner.to_owned()))?;
    let canonical = address.to_string();
    Ok(if canonical == inner {
        Cow::Borrowed(inner)
    } else {
        Cow::Owned(canonical)
    })
}

/// A host name or IPv4 address, lower-cased.
fn name(host: &str) -> Result<Cow<'_, str>, UrlError> {
    let bad = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '{' | '}' | '[' | ']');
    if host.is_empty() || host.contains(bad) {
        return Err(UrlError::Host);
    }
    Ok(if host.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(host.to_ascii_lowercase())
    } else {
        Cow::Borrowed(host)
    })
}

/// `scheme://host:port` with an IPv6 host in brackets: how every origin is
/// written (failure examples, summaries), given a host as [`split_url`]
/// returns it.
#[derive(Debug, Clone, Copy)]
pub struct OriginText<'a> {
    pub scheme: Scheme,
    pub host: &'a str,
    pub port: u16,
}

impl fmt::Display for OriginText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = self.scheme.as_str();
        if self.host.contains(':') {
            write!(f, "{scheme}://[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{scheme}://{}:{}", self.host, self.port)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> (Scheme, String, u16, &str) {
        let u = split_url(text).unwrap();
        (u.scheme, u.host.into_owned(), u.port, u.rest)
    }

    #[test]
    fn splits_names_addresses_and_ports() {
        assert_eq!(
            parts("http://127.0.0.1:8004/payments/7?x=1"),
            (Scheme::Http, "127.0.0.1".into(), 8004, "/payments/7?x=1")
        );
        assert_eq!(
            parts("https://Example.COM?q"),
            (Scheme::Https, "example.com".into(), 443, "?q")
        );
        assert_eq!(
            parts("http://[::1]:8000/a"),
            (Scheme::Http, "::1".into(), 8000, "/a")
        );
    }

    /// The case: `[::1]` and `::1` were two origins; so would be
    /// two spellings of one address.
    #[test]
    fn ipv6_hosts_lose_their_brackets_and_take_their_canonical_form() {
        for text in ["http://[::1]:80/", "http://[0:0::1]/", "http://[0::0:1]:80"] {
            assert_eq!(split_url(text).unwrap().host, "::1", "{text}");
        }
        assert!(matches!(
            split_url("http://[::1]/").unwrap().host,
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn an_origin_is_written_with_brackets_once() {
        let u = split_url("http://[::1]:8000/").unwrap();
        let text = OriginText {
            scheme: u.scheme,
            host: &u.host,
            port: u.port,
        };
        assert_eq!(text.to_string(), "http://[::1]:8000");
    }

    #[test]
    fn rejects_what_has_no_usable_origin() {
        let cases = [
            ("ftp://x/", UrlError::Scheme),
            ("http://:80/", UrlError::Host),
            ("http:///a", UrlError::Host),
            ("http://a b/", UrlError::Host),
            ("http://u:p@h/", UrlError::UserInfo),
            ("http://[::1/", UrlError::UnclosedBracket),
            ("http://[::1]x/", UrlError::Host),
            ("http://[nope]/", UrlError::NotIpv6("nope".into())),
            ("http://::1:80/", UrlError::UnbracketedIpv6),
            ("http://h:99999/", UrlError::Port("99999".into())),
            ("http://h:+80/", UrlError::Port("+80".into())),
            ("http://h:/", UrlError::Port(String::new())),
        ];
        for (text, error) in cases {
            assert_eq!(split_url(text), Err(error), "{text}");
        }
    }
}
