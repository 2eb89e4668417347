//! Parsing an HTTP/1.x response head in one pass: the status line, each
//! header line checked byte by byte, and on the way the few facts the
//! client itself needs (framing, persistence, coding, cookies).
//!
//! The rules are RFC 9112's with the leniencies clients commonly allow:
//! bare `\n` line ends, empty lines before the status line, an empty reason
//! phrase, and obs-text (bytes 0x80–0xFF) in values. Whitespace between a
//! header name and its colon, obsolete line folding and control bytes are
//! errors. It replaces a general parser that filled a slot per header and
//! left the facts to a second pass: this head is read once per request, so
//! its cost is the request path's.

use std::fmt;
use std::ops::Range;

/// More header lines than this is a protocol error.
pub(crate) const MAX_HEADERS: usize = 128;

/// A complete response head.
#[derive(Debug)]
pub(crate) struct ResponseHead {
    /// Bytes of the head, the final empty line included.
    pub(crate) len: usize,
    pub(crate) status: u16,
    /// `HTTP/1.0` (persistence must then be asked for).
    pub(crate) http10: bool,
    /// The header lines, from the first name to the last line's end.
    pub(crate) block: Range<usize>,
    pub(crate) facts: HeadFacts,
}

/// Why a head is not HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeadError {
    Version,
    Status,
    Reason,
    HeaderName,
    HeaderValue,
    LineEnd,
    TooManyHeaders,
    ContentLength,
    ConflictingContentLength,
}

impl fmt::Display for HeadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HeadError::Version => "not an HTTP/1.0 or HTTP/1.1 status line",
            HeadError::Status => "invalid status code",
            HeadError::Reason => "invalid reason phrase",
            HeadError::HeaderName => "invalid header name",
            HeadError::HeaderValue => "invalid header value",
            HeadError::LineEnd => "invalid line ending",
            HeadError::TooManyHeaders => "too many headers",
            HeadError::ContentLength => "invalid Content-Length",
            HeadError::ConflictingContentLength => "conflicting Content-Length values",
        })
    }
}

/// What the client itself needs from a head (RFC 9112 section 6.3 framing,
/// persistence, coding).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct HeadFacts {
    /// Whether the last transfer coding named is `chunked`, if any
    /// `Transfer-Encoding` came.
    pub(crate) transfer_chunked: Option<bool>,
    pub(crate) content_length: Option<u64>,
    pub(crate) connection_close: bool,
    pub(crate) connection_keep_alive: bool,
    pub(crate) gzip: bool,
    pub(crate) sets_cookie: bool,
}

impl HeadFacts {
    pub(crate) fn keeps_alive(&self, http10: bool) -> bool {
        if http10 {
            self.connection_keep_alive
        } else {
            !self.connection_close
        }
    }

    /// Takes note of one header. Most headers are none of these: the
    /// name's length rules them out before any comparison.
    fn note(&mut self, name: &[u8], value: &[u8]) -> Result<(), HeadError> {
        let is = |wanted: &[u8]| token_is(name, wanted);
        match name.len() {
            14 if is(b"content-length") => {
                for part in value.split(|&b| b == b',') {
                    let n = parse_length(part.trim_ascii()).ok_or(HeadError::ContentLength)?;
                    if self.content_length.is_some_and(|old| old != n) {
                        return Err(HeadError::ConflictingContentLength);
                    }
                    self.content_length = Some(n);
                }
            }
            17 if is(b"transfer-encoding") => {
                let last = value
                    .split(|&b| b == b',')
                    .map(<[u8]>::trim_ascii)
                    .rfind(|t| !t.is_empty());
                match last {
                    Some(t) => self.transfer_chunked = Some(t.eq_ignore_ascii_case(b"chunked")),
                    None => {
                        self.transfer_chunked.get_or_insert(false);
                    }
                }
            }
            10 if is(b"connection") => {
                for token in value.split(|&b| b == b',').map(<[u8]>::trim_ascii) {
                    self.connection_close |= token.eq_ignore_ascii_case(b"close");
                    self.connection_keep_alive |= token.eq_ignore_ascii_case(b"keep-alive");
                }
            }
            10 if is(b"set-cookie") => self.sets_cookie = true,
            16 if is(b"content-encoding") => {
                let coding = value.trim_ascii();
                self.gzip =
                    coding.eq_ignore_ascii_case(b"gzip") || coding.eq_ignore_ascii_case(b"x-gzip");
            }
            _ => {}
        }
        Ok(())
    }
}

/// Whether the token `name` is `lower` (lowercase letters and `-`, at
/// least 8 bytes, same length) in any case. Setting bit 0x20 lowercases a
/// letter and leaves `-` and digits alone, and no other token byte becomes
/// a letter or `-` by it, so eight bytes compare at once.
fn token_is(name: &[u8], lower: &[u8]) -> bool {
    const CASE: u64 = u64::from_le_bytes([0x20; 8]);
    if name.len() != lower.len() || name.len() < 8 {
        return name.eq_ignore_ascii_case(lower);
    }
    // The first and the last eight bytes (overlapping) cover up to 16.
    let mut at = 0;
    loop {
        match (word_at(name, at), word_at(lower, at)) {
            (Some(a), Some(b)) if a | CASE == b => {}
            _ => return false,
        }
        if at + 8 >= name.len() {
            return true;
        }
        at = (at + 8).min(name.len() - 8);
    }
}

fn parse_length(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0u64, |n, d| n * 10 + u64::from(d - b'0')),
    )
}

/// Parses the head at the start of `buf`: `Ok(None)` while it is
/// incomplete (read more and call again with the longer buffer).
pub(crate) fn parse(buf: &[u8]) -> Result<Option<ResponseHead>, HeadError> {
    let mut at = 0;
    // Empty lines before the status line are ignored (RFC 9112 section 2.2).
    loop {
        match buf.get(at..at + 2) {
            Some(b"\r\n") => at += 2,
            _ if buf.get(at) == Some(&b'\n') => at += 1,
            _ => break,
        }
    }
    let Some((status, http10, after)) = status_line(buf, at)? else {
        return Ok(None);
    };
    at = after;
    let first = at;
    let mut facts = HeadFacts::default();
    let mut count = 0;
    loop {
        // The empty line that ends the head.
        match buf.get(at) {
            None => return Ok(None),
            Some(b'\n') => {
                return Ok(Some(head(at + 1, status, http10, first..at, facts)));
            }
            Some(b'\r') => {
                return match buf.get(at + 1) {
                    None => Ok(None),
                    Some(b'\n') => Ok(Some(head(at + 2, status, http10, first..at, facts))),
                    Some(_) => Err(HeadError::LineEnd),
                };
            }
            Some(_) => {}
        }
        count += 1;
        if count > MAX_HEADERS {
            return Err(HeadError::TooManyHeaders);
        }
        let Some(line) = header_line(buf, at)? else {
            return Ok(None);
        };
        facts.note(&buf[line.name], &buf[line.value])?;
        at = line.next;
    }
}

fn head(
    len: usize,
    status: u16,
    http10: bool,
    block: Range<usize>,
    facts: HeadFacts,
) -> ResponseHead {
    ResponseHead {
        len,
        status,
        http10,
        block,
        facts,
    }
}

/// `HTTP/1.x SP 3DIGIT [SP reason] line-end`, from `at`: the status, whether
/// it is HTTP/1.0, and where the next line starts.
fn status_line(buf: &[u8], at: usize) -> Result<Option<(u16, bool, usize)>, HeadError> {
    const PREFIX: &[u8] = b"HTTP/1.";
    let rest = &buf[at..];
    // An incomplete prefix is only incomplete if what came agrees so far.
    let shared = rest.len().min(PREFIX.len());
    if rest[..shared] != PREFIX[..shared] {
        return Err(HeadError::Version);
    }
    let Some(&[minor, space, d0, d1, d2]) = rest.get(PREFIX.len()..PREFIX.len() + 5) else {
        // Check what did come, so garbage fails at once instead of waiting.
        let got = &rest[shared..];
        if got.first().is_some_and(|&m| m != b'0' && m != b'1') {
            return Err(HeadError::Version);
        }
        if got.get(1).is_some_and(|&s| s != b' ') {
            return Err(HeadError::Version);
        }
        if got.iter().skip(2).any(|d| !d.is_ascii_digit()) {
            return Err(HeadError::Status);
        }
        return Ok(None);
    };
    if (minor != b'0' && minor != b'1') || space != b' ' {
        return Err(HeadError::Version);
    }
    if ![d0, d1, d2].iter().all(u8::is_ascii_digit) {
        return Err(HeadError::Status);
    }
    let status = u16::from(d0 - b'0') * 100 + u16::from(d1 - b'0') * 10 + u16::from(d2 - b'0');
    let mut i = at + PREFIX.len() + 5;
    match buf.get(i) {
        None => return Ok(None),
        // Reasons are short (`OK`): the table beats the word scan here.
        Some(b' ') => i = table_run(buf, i + 1, &VALUE),
        Some(b'\r' | b'\n') => {}
        Some(_) => return Err(HeadError::Status),
    }
    match line_end(buf, i, HeadError::Reason)? {
        Some(next) => Ok(Some((status, minor == b'0', next))),
        None => Ok(None),
    }
}

/// Where one header line's parts are in the buffer.
struct Line {
    name: Range<usize>,
    /// Without the whitespace around it.
    value: Range<usize>,
    /// Where the next line starts.
    next: usize,
}

/// One `name: value` line from `at`.
fn header_line(buf: &[u8], at: usize) -> Result<Option<Line>, HeadError> {
    let mut i = scan_name(buf, at);
    match buf.get(i) {
        None => return Ok(None),
        // An empty name, whitespace before the colon, a folded line.
        Some(b':') if i > at => {}
        Some(_) => return Err(HeadError::HeaderName),
    }
    let name = at..i;
    i += 1;
    while matches!(buf.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    let start = i;
    i = scan_value(buf, i);
    let mut end = i;
    while end > start && matches!(buf[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    match line_end(buf, i, HeadError::HeaderValue)? {
        Some(next) => Ok(Some(Line {
            name,
            value: start..end,
            next,
        })),
        None => Ok(None),
    }
}

/// At `i`, after a line's content: `\r\n` or `\n` (the next line's start),
/// `None` if the buffer ends first, `wrong` if another byte stopped the
/// content.
fn line_end(buf: &[u8], i: usize, wrong: HeadError) -> Result<Option<usize>, HeadError> {
    match buf.get(i) {
        None => Ok(None),
        Some(b'\n') => Ok(Some(i + 1)),
        Some(b'\r') => match buf.get(i + 1) {
            None => Ok(None),
            Some(b'\n') => Ok(Some(i + 2)),
            Some(_) => Err(HeadError::LineEnd),
        },
        Some(_) => Err(wrong),
    }
}

/// Eight bytes from `i` as one word, the first byte lowest (so the
/// lowest flagged byte of a mask is the first in the buffer).
fn word_at(buf: &[u8], i: usize) -> Option<u64> {
    buf.get(i..)
        .and_then(<[u8]>::first_chunk::<8>)
        .map(|chunk| u64::from_le_bytes(*chunk))
}

const ONES: u64 = u64::from_le_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
const LOWS: u64 = u64::from_le_bytes([0x7f; 8]);

/// The high bit of each byte of `word` that equals `byte`, exactly (no
/// borrow reaches a neighbouring byte).
fn equal_to(word: u64, byte: u8) -> u64 {
    let diff = word ^ (ONES * u64::from(byte));
    !(((diff & LOWS) + LOWS) | diff) & HIGHS
}

/// The byte index (0 to 7) of the lowest flagged byte of a non-zero mask.
fn first_flagged(mask: u64) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

/// The end of the header name that starts at `i`: the first byte that is
/// not a token character. (A word-at-a-time scan measured slower here:
/// names are short.)
fn scan_name(buf: &[u8], i: usize) -> usize {
    table_run(buf, i, &TOKEN)
}

/// The end of the run of bytes from `i` that `table` allows.
fn table_run(buf: &[u8], i: usize, table: &[bool; 256]) -> usize {
    let rest = &buf[i..];
    i + rest
        .iter()
        .position(|&b| !table[usize::from(b)])
        .unwrap_or(rest.len())
}

/// The end of the run of field-value bytes from `i`. Eight bytes at a time:
/// the first byte that is a control byte or DEL ends the run unless it is
/// HTAB, which is taken and the scan goes on. Values are mostly plain text.
fn scan_value(buf: &[u8], mut i: usize) -> usize {
    const SPACES: u64 = u64::from_le_bytes([0x20; 8]);
    while let Some(word) = word_at(buf, i) {
        // A byte below 0x20 sets its high bit here; obs-text bytes (0x80
        // and up) never do. Bytes after a flagged one may be flagged by the
        // borrow too, but the lowest flagged byte is always a real one.
        let below_space = word.wrapping_sub(SPACES) & !word & HIGHS;
        let stops = below_space | equal_to(word, 0x7f);
        if stops == 0 {
            i += 8;
            continue;
        }
        i += first_flagged(stops);
        if buf[i] != b'\t' {
            return i;
        }
        i += 1;
    }
    table_run(buf, i, &VALUE)
}

/// RFC 9110 token characters (header names).
static TOKEN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    table
};

/// Field-value and reason-phrase bytes: HTAB, SP, visible ASCII, obs-text.
static VALUE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b == 0x09 || (b >= 0x20 && b != 0x7f);
        b += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Where this parser knowingly differs from `httparse`: it checks the
    /// facts it reads (a Content-Length that is not a number, or two that
    /// disagree, are errors here), and it fails at the first wrong byte of
    /// an unfinished head where `httparse` may wait for more.
    fn lenient(wire: &[u8]) -> bool {
        let text = String::from_utf8_lossy(wire).to_ascii_lowercase();
        text.contains("content-length") || !text.contains("\r\n\r\n")
    }

    fn complete(wire: &[u8]) -> ResponseHead {
        match parse(wire) {
            Ok(Some(head)) => head,
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(wire)),
        }
    }

    fn pairs(wire: &[u8]) -> Vec<(String, String)> {
        let head = complete(wire);
        crate::headers::Headers::from_block(&wire[head.block])
            .iter()
            .map(|(n, v)| (n.to_owned(), String::from_utf8_lossy(v).into_owned()))
            .collect()
    }

    #[test]
    fn a_typical_head_parses_with_its_facts() {
        let wire = b"HTTP/1.1 201 Created\r\nServer: nginx\r\nContent-Type: application/json\r\n\
                     Content-Length: 30\r\nConnection: keep-alive\r\nSet-Cookie: a=1\r\n\
                     Content-Encoding: gzip\r\n\r\nbody";
        let head = complete(wire);
        assert_eq!(head.status, 201);
        assert!(!head.http10);
        assert_eq!(head.len, wire.len() - 4);
        assert_eq!(
            head.facts,
            HeadFacts {
                transfer_chunked: None,
                content_length: Some(30),
                connection_close: false,
                connection_keep_alive: true,
                gzip: true,
                sets_cookie: true,
            }
        );
        assert_eq!(
            pairs(wire)[1],
            ("Content-Type".into(), "application/json".into())
        );
        assert_eq!(pairs(wire).len(), 6);
    }

    #[test]
    fn lenient_forms_are_accepted() {
        // Bare LF, no reason, leading empty lines, obs-text and tabs in
        // values, trailing whitespace trimmed, an empty value.
        let wire =
            b"\r\n\nHTTP/1.0 404\nX-A:\tcaf\xe9 \t\nX-Empty:\nTransfer-Encoding: gzip, chunked\n\n";
        let head = complete(wire);
        assert_eq!(head.status, 404);
        assert!(head.http10);
        assert_eq!(head.len, wire.len());
        assert_eq!(head.facts.transfer_chunked, Some(true));
        assert_eq!(
            pairs(wire),
            [
                ("X-A".into(), "caf\u{fffd}".into()),
                ("X-Empty".into(), String::new()),
                ("Transfer-Encoding".into(), "gzip, chunked".into()),
            ]
        );
        let no_headers = complete(b"HTTP/1.1 204 No Content\r\n\r\n");
        assert_eq!(no_headers.block.len(), 0);
        assert_eq!(complete(b"HTTP/1.1 200 \r\n\r\n").status, 200);
    }

    #[test]
    fn malformed_heads_are_errors() {
        let cases: [(&[u8], HeadError); 12] = [
            (b"HTTP/2.0 200 OK\r\n\r\n", HeadError::Version),
            (b"HTTP/1.2 200 OK\r\n\r\n", HeadError::Version),
            (b"HTTP/1.1  200 OK\r\n\r\n", HeadError::Status),
            (b"HTTP/1.1 2x0 OK\r\n\r\n", HeadError::Status),
            (b"HTTP/1.1 2000 OK\r\n\r\n", HeadError::Status),
            (b"HTTP/1.1 200 O\x01K\r\n\r\n", HeadError::Reason),
            (b"SSH-2.0-OpenSSH\r\n", HeadError::Version),
            (
                b"HTTP/1.1 200 OK\r\nBad Name: 1\r\n\r\n",
                HeadError::HeaderName,
            ),
            (
                b"HTTP/1.1 200 OK\r\nName : 1\r\n\r\n",
                HeadError::HeaderName,
            ),
            (
                b"HTTP/1.1 200 OK\r\nA: 1\r\n folded\r\n\r\n",
                HeadError::HeaderName,
            ),
            (
                b"HTTP/1.1 200 OK\r\nA: 1\x7f\r\n\r\n",
                HeadError::HeaderValue,
            ),
            (b"HTTP/1.1 200 OK\r\nA: 1\rB: 2\r\n\r\n", HeadError::LineEnd),
        ];
        for (wire, expected) in cases {
            assert_eq!(
                parse(wire).err(),
                Some(expected),
                "{:?}",
                String::from_utf8_lossy(wire)
            );
        }
        let conflicting = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n";
        assert_eq!(
            parse(conflicting).err(),
            Some(HeadError::ConflictingContentLength)
        );
        let mut many = b"HTTP/1.1 200 OK\r\n".to_vec();
        for _ in 0..=MAX_HEADERS {
            many.extend_from_slice(b"X: 1\r\n");
        }
        many.extend_from_slice(b"\r\n");
        assert_eq!(parse(&many).err(), Some(HeadError::TooManyHeaders));
    }

    #[test]
    fn token_names_compare_in_any_case() {
        for wanted in [
            &b"content-length"[..],
            b"transfer-encoding",
            b"connection",
            b"set-cookie",
        ] {
            let upper = wanted.to_ascii_uppercase();
            assert!(token_is(&upper, wanted));
            assert!(token_is(wanted, wanted));
            for at in 0..wanted.len() {
                let mut other = wanted.to_vec();
                other[at] = if other[at] == b'x' { b'y' } else { b'x' };
                assert!(
                    !token_is(&other, wanted),
                    "{:?}",
                    String::from_utf8_lossy(&other)
                );
                // `^` becomes `~` and `_` becomes DEL under 0x20: neither a
                // letter nor `-`.
                other[at] = b'^';
                assert!(!token_is(&other, wanted));
            }
        }
        assert!(!token_is(b"content-lengths", b"content-length"));
        assert!(token_is(b"Date", b"date"));
    }

    #[test]
    fn the_scans_agree_with_the_tables_for_every_byte_in_every_position() {
        // Every byte value at every position of a run longer than two
        // words (the value scan takes eight bytes at a time), amid letters,
        // digits, other token bytes and obs-text.
        for filler in [b'v', b'V', b'7', b'-', b'_', 0xe9] {
            for at in 0..24 {
                for byte in 0..=255u8 {
                    let mut run = vec![filler; 24];
                    run[at] = byte;
                    let name_end = run.iter().position(|&b| !TOKEN[usize::from(b)]);
                    let value_end = run.iter().position(|&b| !VALUE[usize::from(b)]);
                    assert_eq!(
                        scan_name(&run, 0),
                        name_end.unwrap_or(24),
                        "name: byte {byte:#x} at {at} amid {filler:#x}"
                    );
                    assert_eq!(
                        scan_value(&run, 0),
                        value_end.unwrap_or(24),
                        "value: byte {byte:#x} at {at} amid {filler:#x}"
                    );
                }
            }
        }
    }

    proptest! {
        /// Every prefix of a valid head is incomplete, never an error, and
        /// the whole parses to the same head as any other cut would.
        #[test]
        fn prefixes_are_incomplete_and_the_whole_is_complete(
            names in proptest::collection::vec("[A-Za-z][A-Za-z0-9-]{0,20}", 0..8),
            values in proptest::collection::vec("[ -~]{0,40}", 8),
            status in 100u16..600,
            bare_lf in any::<bool>(),
        ) {
            let eol: &[u8] = if bare_lf { b"\n" } else { b"\r\n" };
            let mut wire = format!("HTTP/1.1 {status} Some Reason").into_bytes();
            wire.extend_from_slice(eol);
            for (name, value) in names.iter().zip(&values) {
                wire.extend_from_slice(format!("{name}: {value}").as_bytes());
                wire.extend_from_slice(eol);
            }
            wire.extend_from_slice(eol);
            for cut in 0..wire.len() {
                prop_assert!(matches!(parse(&wire[..cut]), Ok(None)), "cut {}", cut);
            }
            let head = parse(&wire).unwrap().unwrap();
            prop_assert_eq!(head.status, status);
            prop_assert_eq!(head.len, wire.len());
            let parsed = pairs(&wire);
            prop_assert_eq!(parsed.len(), names.len());
            for ((name, value), (got_name, got_value)) in names.iter().zip(&values).zip(&parsed) {
                prop_assert_eq!(name, got_name);
                prop_assert_eq!(value.trim_matches(|c| c == ' ' || c == '\t'), got_value.as_str());
            }
        }

        /// Against `httparse` (the parser this one replaced), on heads made
        /// from valid parts with a few bytes changed, inserted or removed:
        /// where both finish they agree on the length, the status and every
        /// header; where one rejects a head the other does too, except for
        /// the lenient forms this one accepts on purpose (see `LENIENT`).
        #[test]
        fn agrees_with_httparse(
            names in proptest::collection::vec("[A-Za-z][A-Za-z0-9-]{0,12}", 0..6),
            values in proptest::collection::vec("[ -~]{0,24}", 6),
            edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 0..3),
        ) {
            let mut wire = b"HTTP/1.1 200 OK\r\n".to_vec();
            for (name, value) in names.iter().zip(&values) {
                wire.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
            }
            wire.extend_from_slice(b"\r\n");
            for (at, byte, kind) in edits {
                let at = at % (wire.len() + 1);
                match kind {
                    0 if at < wire.len() => wire[at] = byte,
                    1 => wire.insert(at, byte),
                    _ if at < wire.len() => {
                        wire.remove(at);
                    }
                    _ => {}
                }
            }
            let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut theirs = httparse::Response::new(&mut slots);
            let reference = theirs.parse(&wire);
            let ours = parse(&wire);
            match (reference, ours) {
                (Ok(httparse::Status::Complete(n)), Ok(Some(head))) => {
                    prop_assert_eq!(n, head.len);
                    prop_assert_eq!(theirs.code, Some(head.status));
                    let expected: Vec<(String, Vec<u8>)> = theirs
                        .headers
                        .iter()
                        .map(|h| (h.name.to_owned(), h.value.trim_ascii_end().to_vec()))
                        .collect();
                    let got: Vec<(String, Vec<u8>)> =
                        crate::headers::Headers::from_block(&wire[head.block.clone()])
                            .iter()
                            .map(|(n, v)| (n.to_owned(), v.to_vec()))
                            .collect();
                    prop_assert_eq!(expected, got);
                }
                (Ok(httparse::Status::Partial), Ok(None)) | (Err(_), Err(_)) => {}
                (reference, ours) => {
                    prop_assert!(
                        lenient(&wire),
                        "httparse {:?}, ours {:?}: {:?}",
                        reference,
                        ours.map(|h| h.map(|h| h.len)),
                        String::from_utf8_lossy(&wire)
                    );
                }
            }
        }

        /// Noise never panics, and a head found in it ends inside it.
        #[test]
        fn noise_never_panics(noise in proptest::collection::vec(any::<u8>(), 0..400)) {
            if let Ok(Some(head)) = parse(&noise) {
                prop_assert!(head.len <= noise.len());
                prop_assert!(head.block.end <= head.len);
            }
        }
    }
}
