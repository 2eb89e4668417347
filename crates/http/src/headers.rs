//! Response headers as one copy of the header lines, read on demand.
//!
//! Most requests of a load test never look at a response header: building
//! a map of owned names and values for every response (what `http::HeaderMap`
//! costs: an allocation or two per header, hashing) was the largest
//! user-space item of the request path in the profile. A response's headers
//! are instead kept as the header lines it arrived with, already validated
//! by the head parser, in one allocation; a lookup scans them. The client's own
//! needs (framing, `Connection`, `Content-Encoding`) are read from the
//! parser's slots before the copy and never scan at all.

use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};

/// The headers of one response, in the order they came. Names compare
/// case-insensitively; repeated headers stay separate entries.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers {
    /// `name: value` lines, each ended by `\n` (with or without `\r`), as
    /// validated by the head parser (no obsolete line folding).
    lines: Bytes,
}

impl Headers {
    /// No headers.
    pub fn new() -> Self {
        Headers::default()
    }

    /// Keeps the header lines of a parsed head: `block` runs from the first
    /// header's name to the end of the last header's value.
    pub(crate) fn from_block(block: &[u8]) -> Self {
        Headers {
            lines: Bytes::copy_from_slice(block),
        }
    }

    /// From `(name, value)` pairs (HTTP/2 responses, tests). A name or value
    /// with a line break would split the line and is dropped.
    pub fn from_pairs<I, N, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (N, V)>,
        N: AsRef<[u8]>,
        V: AsRef<[u8]>,
    {
        let mut lines = BytesMut::new();
        for (name, value) in pairs {
            let (name, value) = (name.as_ref(), value.as_ref());
            let breaks = |b: &[u8]| b.iter().any(|&c| c == b'\r' || c == b'\n');
            if name.is_empty() || name.contains(&b':') || breaks(name) || breaks(value) {
                continue;
            }
            lines.put_slice(name);
            lines.put_slice(b": ");
            lines.put_slice(value);
            lines.put_slice(b"\r\n");
        }
        Headers {
            lines: lines.freeze(),
        }
    }

    /// From an HTTP/2 response's header map. Its types already hold what
    /// [`Headers::from_pairs`] checks for (a `HeaderName` is a token, and
    /// `h2` makes each `HeaderValue` with `from_bytes`, which refuses
    /// control bytes), so nothing is scanned twice: those scans were 4% of
    /// an HTTP/2 request's instructions.
    pub(crate) fn from_map(map: &http::HeaderMap) -> Self {
        let size = map
            .iter()
            .map(|(n, v)| n.as_str().len() + v.len() + 4)
            .sum();
        let mut lines = BytesMut::with_capacity(size);
        for (name, value) in map {
            lines.put_slice(name.as_str().as_bytes());
            lines.put_slice(b": ");
            lines.put_slice(value.as_bytes());
            lines.put_slice(b"\r\n");
        }
        Headers {
            lines: lines.freeze(),
        }
    }

    /// Every `(name, value)` in order; names as the server spelled them.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            lines: Lines { rest: &self.lines },
        }
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.get_all(name).next()
    }

    /// The first value of `name` when it is UTF-8 text.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|v| std::str::from_utf8(v).ok())
    }

    /// Every value of `name`, in order.
    pub fn get_all<'h>(&'h self, name: &str) -> impl Iterator<Item = &'h [u8]> {
        Lines { rest: &self.lines }
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| v)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Number of header lines (repeats counted).
    pub fn len(&self) -> usize {
        Lines { rest: &self.lines }.count()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(
                self.iter()
                    .map(|(n, v)| (n, String::from_utf8_lossy(v).into_owned())),
            )
            .finish()
    }
}

impl<'h> IntoIterator for &'h Headers {
    type Item = (&'h str, &'h [u8]);
    type IntoIter = Iter<'h>;

    fn into_iter(self) -> Iter<'h> {
        self.iter()
    }
}

/// Iterator over `(name, value)` pairs of [`Headers`].
#[derive(Debug, Clone)]
pub struct Iter<'h> {
    lines: Lines<'h>,
}

impl<'h> Iterator for Iter<'h> {
    type Item = (&'h str, &'h [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        // Names are tokens (ASCII) once parsed; one that is not UTF-8
        // cannot be named by a caller anyway.
        self.lines
            .by_ref()
            .find_map(|(name, value)| Some((std::str::from_utf8(name).ok()?, value)))
    }
}

/// The raw `(name, value)` byte pairs, for lookups that compare bytes.
#[derive(Debug, Clone)]
struct Lines<'h> {
    rest: &'h [u8],
}

impl<'h> Iterator for Lines<'h> {
    type Item = (&'h [u8], &'h [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            let (line, rest) = match self.rest.iter().position(|&b| b == b'\n') {
                Some(at) => (&self.rest[..at], &self.rest[at + 1..]),
                None => (self.rest, &[][..]),
            };
            self.rest = rest;
            // The lines were validated when parsed (token names, a colon);
            // a line that is not a header is skipped rather than trusted.
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                continue;
            };
            return Some((line[..colon].trim_ascii(), line[colon + 1..].trim_ascii()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_back_as_pairs_in_order() {
        let headers =
            Headers::from_block(b"Content-Type: text/plain\r\nSet-Cookie: a=1\r\nset-cookie:b=2 \r\nX-Empty:\r\nX-Bare: yes");
        let pairs: Vec<_> = headers.iter().collect();
        assert_eq!(
            pairs,
            [
                ("Content-Type", &b"text/plain"[..]),
                ("Set-Cookie", b"a=1"),
                ("set-cookie", b"b=2"),
                ("X-Empty", b""),
                ("X-Bare", b"yes"),
            ]
        );
        assert_eq!(headers.len(), 5);
        assert_eq!(headers.get("content-type"), Some(&b"text/plain"[..]));
        assert_eq!(headers.get_str("x-bare"), Some("yes"));
        let cookies: Vec<_> = headers.get_all("SET-COOKIE").collect();
        assert_eq!(cookies, [&b"a=1"[..], b"b=2"]);
        assert!(headers.contains("x-empty"));
        assert!(!headers.contains("location"));
    }

    #[test]
    fn bare_newlines_and_no_headers_work() {
        let headers = Headers::from_block(b"A: 1\nB: 2\n");
        assert_eq!(headers.get("b"), Some(&b"2"[..]));
        assert!(Headers::new().is_empty());
        assert_eq!(Headers::new().iter().count(), 0);
    }

    #[test]
    fn a_header_map_keeps_every_value_in_order() {
        let mut map = http::HeaderMap::new();
        map.append("set-cookie", http::HeaderValue::from_static("a=1"));
        map.insert("content-type", http::HeaderValue::from_static("text/plain"));
        map.append("set-cookie", http::HeaderValue::from_static("b=2"));
        map.insert("x-empty", http::HeaderValue::from_static(""));
        let headers = Headers::from_map(&map);
        assert_eq!(headers.len(), 4);
        let cookies: Vec<_> = headers.get_all("Set-Cookie").collect();
        assert_eq!(cookies, [&b"a=1"[..], b"b=2"]);
        assert_eq!(headers.get_str("content-type"), Some("text/plain"));
        assert!(headers.contains("x-empty"));
        assert_eq!(headers, Headers::from_pairs(&map));
    }

    #[test]
    fn pairs_with_line_breaks_are_dropped() {
        let headers = Headers::from_pairs([
            ("location", "/b"),
            ("x-evil", "a\r\nInjected: 1"),
            ("bad:name", "v"),
        ]);
        let names: Vec<_> = headers.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["location"]);
        assert_eq!(headers.get_str("Location"), Some("/b"));
    }

    #[test]
    fn non_utf8_values_are_bytes_not_text() {
        let headers = Headers::from_block(b"X-Latin: caf\xe9\r\n");
        assert_eq!(headers.get("x-latin"), Some(&b"caf\xe9"[..]));
        assert_eq!(headers.get_str("x-latin"), None);
    }
}
