//! Which HTTP version a client may speak ([`HttpVersion`], a setting) and
//! which one answered a request ([`Protocol`], a fact).

use std::fmt;
use std::str::FromStr;

/// The HTTP version a [`crate::Client`] speaks, chosen per run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HttpVersion {
    /// https offers HTTP/2 and HTTP/1.1 by ALPN and speaks what the server
    /// picks; plain http speaks HTTP/1.1.
    #[default]
    Auto,
    /// HTTP/1.1 only (ALPN offers only `http/1.1`).
    Http1,
    /// HTTP/2 only: https offers only `h2` and fails if the server does not
    /// agree; plain http speaks h2c with prior knowledge (no Upgrade).
    Http2,
}

impl HttpVersion {
    /// The spelling `FromStr` reads back: "auto", "1.1" or "2".
    pub fn as_str(self) -> &'static str {
        match self {
            HttpVersion::Auto => "auto",
            HttpVersion::Http1 => "1.1",
            HttpVersion::Http2 => "2",
        }
    }
}

impl fmt::Display for HttpVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word that names no [`HttpVersion`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown HTTP version `{0}`: expected `auto`, `1.1` or `2`")]
pub struct UnknownHttpVersion(pub String);

impl FromStr for HttpVersion {
    type Err = UnknownHttpVersion;

    /// Accepts `auto`, `1.1` (also `1`, `http1.1`, `http/1.1`) and `2`
    /// (also `http2`, `h2`), in any case.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(HttpVersion::Auto),
            "1.1" | "1" | "http1.1" | "http/1.1" => Ok(HttpVersion::Http1),
            "2" | "http2" | "http/2" | "h2" => Ok(HttpVersion::Http2),
            _ => Err(UnknownHttpVersion(text.to_owned())),
        }
    }
}

/// The protocol a response came over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    Http11,
    Http2,
}

impl Protocol {
    /// "HTTP/1.1" or "HTTP/2".
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Http11 => "HTTP/1.1",
            Protocol::Http2 => "HTTP/2",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_reads_and_display_reads_back() {
        for (text, version) in [
            ("auto", HttpVersion::Auto),
            ("AUTO", HttpVersion::Auto),
            ("1.1", HttpVersion::Http1),
            ("1", HttpVersion::Http1),
            ("http/1.1", HttpVersion::Http1),
            ("2", HttpVersion::Http2),
            ("h2", HttpVersion::Http2),
            ("HTTP2", HttpVersion::Http2),
        ] {
            assert_eq!(text.parse::<HttpVersion>(), Ok(version), "{text}");
            assert_eq!(version.to_string().parse::<HttpVersion>(), Ok(version));
        }
    }

    #[test]
    fn an_unknown_word_lists_the_choices() {
        let error = "3".parse::<HttpVersion>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown HTTP version `3`: expected `auto`, `1.1` or `2`"
        );
    }
}
