//! What a virtual user asks for, and how its HTTP/1.1 head is written into a
//! reused buffer with no formatting machinery. The checks and the rules for
//! which headers the client adds are shared with the HTTP/2 form
//! (`http2_head`).

use std::time::Duration;

use crate::error::TransportError;

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

/// One request, borrowed from the caller (templates rendered per request
/// live in the caller's buffers; nothing here is copied to send it).
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// "GET", "POST", ...
    pub method: &'a str,
    pub scheme: Scheme,
    /// A name, an IP address, or an IPv6 address with or without brackets
    /// (`::1` or `[::1]`: one origin either way).
    pub host: &'a str,
    pub port: u16,
    /// Already encoded; starts with '/'.
    pub path_and_query: &'a str,
    /// The user's headers. The client adds Host, User-Agent,
    /// Accept-Encoding: gzip, Cookie (from the jar) and Content-Length unless
    /// they are set here.
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
    /// The whole exchange: connect, redirects and body included.
    pub timeout: Duration,
}

impl<'a> Request<'a> {
    /// A request with no headers, no body and a 30 s timeout.
    pub fn new(method: &'a str, scheme: Scheme, host: &'a str, port: u16, path: &'a str) -> Self {
        Request {
            method,
            scheme,
            host,
            port,
            path_and_query: path,
            headers: &[],
            body: &[],
            timeout: Duration::from_secs(30),
        }
    }
}

/// Everything `write_head` needs for one hop.
#[derive(Debug)]
pub(crate) struct Head<'a> {
    pub(crate) method: &'a str,
    pub(crate) scheme: Scheme,
    pub(crate) host: &'a str,
    pub(crate) port: u16,
    pub(crate) path: &'a str,
    pub(crate) headers: &'a [(&'a str, &'a str)],
    pub(crate) body_len: usize,
    pub(crate) user_agent: &'a str,
    /// The jar's `Cookie` value for this URL, if any.
    pub(crate) cookie: Option<&'a str>,
    /// After a redirect that turned the request into a GET: the body and its
    /// headers are gone.
    pub(crate) drop_body_headers: bool,
    /// After a redirect to another origin: credentials are not forwarded.
    pub(crate) drop_credentials: bool,
}

/// Header names the client would otherwise add itself.
#[derive(Debug, Default)]
pub(crate) struct UserSet {
    pub(crate) host: bool,
    pub(crate) user_agent: bool,
    pub(crate) accept_encoding: bool,
    pub(crate) cookie: bool,
    pub(crate) length: bool,
}

/// Writes the request head. `origin_lines` are the Host, User-Agent and
/// Accept-Encoding lines for the head's origin, made once by
/// [`added_lines`] and reused; without them (or when the user set any of
/// those headers) the lines are built here.
pub(crate) fn write_head(
    out: &mut Vec<u8>,
    head: &Head<'_>,
    origin_lines: Option<&[u8]>,
) -> Result<(), TransportError> {
    validate_request_line(head)?;
    // Lines are only made for a valid host (`OriginLines`).
    if origin_lines.is_none() {
        validate_host(head.host)?;
    }
    out.extend_from_slice(head.method.as_bytes());
    out.push(b' ');
    out.extend_from_slice(head.path.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\n");

    let mut set = UserSet::default();
    for &(name, value) in head.headers {
        if skipped(head, name) {
            continue;
        }
        check_header(name, value)?;
        mark(&mut set, name);
        line(out, name, value);
    }
    match origin_lines {
        Some(lines) if !set.host && !set.user_agent && !set.accept_encoding => {
            out.extend_from_slice(lines);
        }
        _ => {
            if !set.host {
                host_line(out, head);
            }
            if !set.user_agent && !head.user_agent.is_empty() {
                line(out, "User-Agent", head.user_agent);
            }
            if !set.accept_encoding {
                out.extend_from_slice(ACCEPT_ENCODING);
            }
        }
    }
    if let (false, Some(cookie)) = (set.cookie, head.cookie) {
        line(out, "Cookie", cookie);
    }
    if !set.length && (head.body_len > 0 || expects_body(head.method)) {
        out.extend_from_slice(b"Content-Length: ");
        push_decimal(out, head.body_len as u64);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    Ok(())
}

const ACCEPT_ENCODING: &[u8] = b"Accept-Encoding: gzip\r\n";

/// The lines the client adds to every request to `head`'s origin when the
/// user sets none of them: Host, User-Agent, Accept-Encoding.
pub(crate) fn added_lines(head: &Head<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    host_line(&mut out, head);
    if !head.user_agent.is_empty() {
        line(&mut out, "User-Agent", head.user_agent);
    }
    out.extend_from_slice(ACCEPT_ENCODING);
    out
}

fn host_line(out: &mut Vec<u8>, head: &Head<'_>) {
    out.extend_from_slice(b"Host: ");
    let bracket = head.host.contains(':') && !head.host.starts_with('[');
    if bracket {
        out.push(b'[');
    }
    out.extend_from_slice(head.host.as_bytes());
    if bracket {
        out.push(b']');
    }
    if head.port != head.scheme.default_port() {
        out.push(b':');
        push_decimal(out, head.port as u64);
    }
    out.extend_from_slice(b"\r\n");
}

fn line(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(b"\r\n");
}

pub(crate) fn skipped(head: &Head<'_>, name: &str) -> bool {
    let is = |other: &str| name.eq_ignore_ascii_case(other);
    (head.drop_body_headers
        && (is("content-length") || is("content-type") || is("transfer-encoding")))
        || (head.drop_credentials
            && (is("authorization") || is("cookie") || is("proxy-authorization")))
}

pub(crate) fn mark(set: &mut UserSet, name: &str) {
    let is = |other: &str| name.eq_ignore_ascii_case(other);
    if is("host") {
        set.host = true;
    } else if is("user-agent") {
        set.user_agent = true;
    } else if is("accept-encoding") {
        set.accept_encoding = true;
    } else if is("cookie") {
        set.cookie = true;
    } else if is("content-length") || is("transfer-encoding") {
        set.length = true;
    }
}

/// Methods whose empty body is still announced (servers may demand it).
pub(crate) fn expects_body(method: &str) -> bool {
    matches!(method, "POST" | "PUT" | "PATCH")
}

pub(crate) fn validate(head: &Head<'_>) -> Result<(), TransportError> {
    validate_request_line(head)?;
    validate_host(head.host)
}

fn validate_request_line(head: &Head<'_>) -> Result<(), TransportError> {
    if head.method.is_empty() || !head.method.bytes().all(is_token) {
        return Err(TransportError::invalid_request(format!(
            "invalid method {:?}",
            head.method
        )));
    }
    if !head.path.starts_with('/') && head.path != "*" {
        return Err(TransportError::invalid_request(format!(
            "path must start with '/': {:?}",
            head.path
        )));
    }
    if head.path.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(TransportError::invalid_request(format!(
            "path contains whitespace or control bytes: {:?}",
            head.path
        )));
    }
    Ok(())
}

/// An IPv6 host without its brackets: the one form hosts are kept and
/// compared in (a kept connection's key, a redirect's same-origin check),
/// so `[::1]` and `::1` are one origin. Brackets are added when written.
pub(crate) fn bare_host(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

pub(crate) fn validate_host(host: &str) -> Result<(), TransportError> {
    if host.is_empty() || host.bytes().any(|b| b <= b' ' || b == b'/' || b == 0x7f) {
        return Err(TransportError::invalid_request(format!(
            "invalid host {host:?}"
        )));
    }
    Ok(())
}

pub(crate) fn check_header(name: &str, value: &str) -> Result<(), TransportError> {
    // Every byte is looked at, without a branch per byte: names and
    // values are short and almost never bad, and a per-byte early exit
    // cost several instructions a byte on every header of every request.
    let token = name
        .bytes()
        .fold(true, |token, b| token & TOKEN[usize::from(b)]);
    if name.is_empty() || !token {
        return Err(TransportError::invalid_request(format!(
            "invalid header name {name:?}"
        )));
    }
    if has_cr_lf_or_nul(value.as_bytes()) {
        return Err(TransportError::invalid_request(format!(
            "header {name} value contains CR, LF or NUL"
        )));
    }
    Ok(())
}

/// Whether `bytes` holds a CR, an LF or a NUL, eight bytes at a time.
/// First one test per word for any byte below 0x0E (what nearly every
/// value lacks), `(x - 0x0E…0E) & !x & 0x80…80`, exact for "is there one";
/// only a value with such a byte (a tab, say) is looked at byte by byte.
fn has_cr_lf_or_nul(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let low = |x: u64| x.wrapping_sub(ONES * 0x0E) & !x;
    let word = |eight: &[u8]| u64::from_le_bytes(eight.try_into().unwrap_or([0xFF; 8]));
    let exact = || bytes.iter().any(|&b| matches!(b, b'\r' | b'\n' | 0));
    if bytes.len() < 8 {
        return exact();
    }
    let mut chunks = bytes.chunks_exact(8);
    let seen = (&mut chunks).fold(0, |seen, eight| seen | low(word(eight)));
    // The tail as the last eight bytes (overlapping what was read).
    let seen = seen | low(word(&bytes[bytes.len() - 8..]));
    seen & HIGHS != 0 && exact()
}

/// RFC 9110 token characters, by byte: one load per byte of a header name.
static TOKEN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let punctuation = b"!#$%&'*+-.^_`|~";
    let mut i = 0;
    while i < punctuation.len() {
        table[punctuation[i] as usize] = true;
        i += 1;
    }
    table
};

fn is_token(b: u8) -> bool {
    TOKEN[usize::from(b)]
}

fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head<'a>(headers: &'a [(&'a str, &'a str)], body_len: usize) -> Head<'a> {
        Head {
            method: "POST",
            scheme: Scheme::Http,
            host: "127.0.0.1",
            port: 8080,
            path: "/a?b=1",
            headers,
            body_len,
            user_agent: "ua",
            cookie: Some("s=1"),
            drop_body_headers: false,
            drop_credentials: false,
        }
    }

    #[test]
    fn writes_the_added_headers() {
        let mut out = Vec::new();
        write_head(&mut out, &head(&[("X-A", "1")], 12), None).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "POST /a?b=1 HTTP/1.1\r\nX-A: 1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: ua\r\n\
             Accept-Encoding: gzip\r\nCookie: s=1\r\nContent-Length: 12\r\n\r\n"
        );
    }

    #[test]
    fn user_headers_replace_the_defaults() {
        let mut out = Vec::new();
        let headers = [
            ("host", "example"),
            ("user-agent", "me"),
            ("accept-encoding", "identity"),
            ("cookie", "mine=1"),
            ("content-length", "0"),
        ];
        write_head(&mut out, &head(&headers, 0), None).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches("ost:").count(), 1);
        assert!(!text.contains("User-Agent: ua"));
        assert!(!text.contains("gzip"));
        assert!(!text.contains("s=1"));
        assert_eq!(
            text.to_ascii_lowercase().matches("content-length").count(),
            1
        );
    }

    #[test]
    fn the_token_table_is_rfc_9110s_token_set() {
        for b in 0..=255u8 {
            let token = b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            assert_eq!(is_token(b), token, "byte {b}");
        }
        // At every position of values shorter and longer than a word.
        for len in 0..40 {
            let clean = "a\tb~é".repeat(len).chars().take(len).collect::<String>();
            assert!(check_header("x", &clean).is_ok(), "{clean:?}");
            for at in 0..=clean.len() {
                if !clean.is_char_boundary(at) {
                    continue;
                }
                for bad in ["\r", "\n", "\0"] {
                    let value = format!("{}{bad}{}", &clean[..at], &clean[at..]);
                    assert!(check_header("x", &value).is_err(), "{value:?}");
                }
            }
        }
        assert!(check_header("traceparent", &"0".repeat(55)).is_ok());
        assert!(check_header("bad name", "v").is_err());
        assert!(check_header("", "v").is_err());
    }

    #[test]
    fn rejects_header_injection_and_bad_paths() {
        let mut out = Vec::new();
        assert!(write_head(&mut out, &head(&[("X", "a\r\nEvil: 1")], 0), None).is_err());
        let mut bad = head(&[], 0);
        bad.path = "/a b";
        assert!(write_head(&mut out, &bad, None).is_err());
        bad.path = "nope";
        assert!(write_head(&mut out, &bad, None).is_err());
    }

    #[test]
    fn reused_origin_lines_write_the_same_head() {
        let cases: [&[(&str, &str)]; 3] = [&[], &[("X-A", "1")], &[("user-agent", "me")]];
        for headers in cases {
            for (host, port) in [("127.0.0.1", 8080), ("::1", 80), ("example", 80)] {
                let mut h = head(headers, 3);
                h.host = host;
                h.port = port;
                let (mut built, mut reused) = (Vec::new(), Vec::new());
                write_head(&mut built, &h, None).unwrap();
                write_head(&mut reused, &h, Some(&added_lines(&h))).unwrap();
                assert_eq!(
                    String::from_utf8(built).unwrap(),
                    String::from_utf8(reused).unwrap()
                );
            }
        }
    }

    #[test]
    fn ipv6_hosts_are_bracketed_and_default_ports_omitted() {
        let mut out = Vec::new();
        let mut h = head(&[], 0);
        h.host = "::1";
        h.port = 80;
        h.method = "GET";
        h.cookie = None;
        write_head(&mut out, &h, None).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("Host: [::1]\r\n"), "{text}");
        assert!(!text.contains("Content-Length"));
    }
}
