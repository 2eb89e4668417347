//! Typed reading of raw nodes: maps checked against their known keys (with
//! did-you-mean), and scalars of the expected type. Each getter reports its
//! own error and returns `None`, so the caller simply goes on.

use std::time::Duration;

use super::Ctx;
use crate::duration;
use crate::plan::{Defaults, HttpVersion, MAX_KEEP_BODY_BYTES};
use crate::raw::{Kind, Node, Span};
use crate::suggest;

/// The entries of a map node whose keys were all known.
#[derive(Debug)]
pub(crate) struct Fields<'n> {
    pub(crate) span: Span,
    entries: Vec<(&'n str, &'n Node, &'n Node)>,
}

impl<'n> Fields<'n> {
    pub(crate) fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, v)| *v)
    }

    pub(crate) fn key_span(&self, key: &str) -> Option<Span> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, k, _)| k.span)
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

/// The entries of a map with string keys, any keys (for user-named maps
/// like `services`, `headers`, `capture`).
pub(crate) type Entries<'n> = Vec<(&'n str, &'n Node, &'n Node)>;

impl Ctx {
    /// `node` as a map whose keys must be among `allowed`. Unknown keys are
    /// reported (with a suggestion) and skipped; the known ones are kept.
    pub(crate) fn map<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        allowed: &[&str],
    ) -> Option<Fields<'n>> {
        let entries = self.entries(node, what)?;
        let mut known = Vec::with_capacity(entries.len());
        for (key, key_node, value) in entries {
            if allowed.contains(&key) {
                known.push((key, key_node, value));
            } else {
                let message = suggest::unknown_key(key, allowed);
                self.sink.error(key_node.span, message);
            }
        }
        Some(Fields {
            span: node.span,
            entries: known,
        })
    }

    /// `node` as a map with string keys.
    pub(crate) fn entries<'n>(&mut self, node: &'n Node, what: &str) -> Option<Entries<'n>> {
        let Kind::Map(pairs) = &node.kind else {
            self.wrong_type(node, what, "a map");
            return None;
        };
        let mut out = Vec::with_capacity(pairs.len());
        for (key, value) in pairs {
            match &key.kind {
                Kind::Str(s) => out.push((s.as_str(), key, value)),
                _ => self.sink.error(
                    key.span,
                    format!("keys in {what} must be strings, found {}", key.describe()),
                ),
            }
        }
        self.rejoin_split_calls(&mut out);
        Some(out)
    }

    /// Inside `{ }` a YAML comma ends a value, so `{ wait: between(1s, 5s) }`
    /// reads as `wait: between(1s` and a key `5s)` without a value. Such a
    /// pair is reported once, with the quoting that fixes it, and dropped,
    /// rather than as an unknown key `5s)` and an invalid `between(1s`.
    fn rejoin_split_calls(&mut self, entries: &mut Entries<'_>) {
        let unbalanced = |s: &str| s.matches('(').count() != s.matches(')').count();
        let mut i = 1;
        while i < entries.len() {
            let (name, _, value) = entries[i - 1];
            let (tail, tail_key, tail_value) = entries[i];
            let split = matches!(tail_value.kind, Kind::Null)
                && value.as_str().is_some_and(unbalanced)
                && tail.ends_with(')')
                && unbalanced(tail);
            if !split {
                i += 1;
                continue;
            }
            let start = value.span.offset;
            let end = tail_key.span.offset + tail_key.span.len;
            let whole = match self.sink.text().get(start..end) {
                Some(text) if tail_key.span.len > 0 => text.to_owned(),
                _ => format!("{}, {tail}", value.as_str().unwrap_or_default()),
            };
            self.sink.error(
                value.span,
                format!(
                    "`{whole}` is cut at its comma: inside `{{ }}` a comma ends a value, \
                     so quote it: `{name}: \"{whole}\"`"
                ),
            );
            entries.drain(i - 1..=i);
        }
    }

    pub(crate) fn wrong_type(&mut self, node: &Node, what: &str, expected: &str) {
        self.sink.error(
            node.span,
            format!(
                "wrong type for {what}: expected {expected}, found {}",
                node.describe()
            ),
        );
    }

    pub(crate) fn seq<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [Node]> {
        match &node.kind {
            Kind::Seq(items) => Some(items),
            _ => {
                self.wrong_type(node, what, "a list");
                None
            }
        }
    }

    pub(crate) fn string<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n str> {
        match &node.kind {
            Kind::Str(s) => Some(s),
            _ => {
                self.wrong_type(node, what, "a string");
                None
            }
        }
    }

    /// A string, or a number/boolean read as its text (header values,
    /// query values and form fields are often written as numbers).
    pub(crate) fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        match node.scalar_text() {
            Some(s) => Some(s),
            None => {
                self.wrong_type(node, what, "a string");
                None
            }
        }
    }

    pub(crate) fn u64(&mut self, node: &Node, what: &str) -> Option<u64> {
        match node.kind {
            Kind::Int(i) if i >= 0 => Some(i.unsigned_abs()),
            Kind::Int(_) => {
                self.sink
                    .error(node.span, format!("{what} cannot be negative"));
                None
            }
            _ => {
                self.wrong_type(node, what, "a whole number");
                None
            }
        }
    }

    /// A whole number greater than zero.
    pub(crate) fn positive_u64(&mut self, node: &Node, what: &str) -> Option<u64> {
        let n = self.u64(node, what)?;
        if n == 0 {
            self.sink
                .error(node.span, format!("{what} must be greater than zero"));
            return None;
        }
        Some(n)
    }

    pub(crate) fn number(&mut self, node: &Node, what: &str) -> Option<f64> {
        match node.kind {
            Kind::Int(i) => Some(i as f64),
            Kind::Float(f) if f.is_finite() => Some(f),
            _ => {
                self.wrong_type(node, what, "a number");
                None
            }
        }
    }

    /// A number greater than zero (rates).
    pub(crate) fn positive_number(&mut self, node: &Node, what: &str) -> Option<f64> {
        let n = self.number(node, what)?;
        if n <= 0.0 {
            self.sink.error(
                node.span,
                format!("{what} must be greater than zero, found {n}"),
            );
            return None;
        }
        Some(n)
    }

    pub(crate) fn u32(&mut self, node: &Node, what: &str) -> Option<u32> {
        let n = self.u64(node, what)?;
        match u32::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                self.sink.error(node.span, format!("{what} is too large"));
                None
            }
        }
    }

    /// A duration (`500ms`, `10s`, ...), zero allowed.
    pub(crate) fn duration(&mut self, node: &Node, what: &str) -> Option<Duration> {
        let Some(text) = node.as_str() else {
            if let Kind::Int(i) = node.kind {
                self.sink.error(
                    node.span,
                    format!("{what} needs a unit: write `{i}s` or `{i}ms`"),
                );
            } else {
                self.wrong_type(node, what, "a duration like `10s`");
            }
            return None;
        };
        match duration::parse_duration(text) {
            Ok(d) => Some(d),
            Err(message) => {
                self.sink.error(node.span, format!("{what}: {message}"));
                None
            }
        }
    }

    /// A duration greater than zero.
    pub(crate) fn positive_duration(&mut self, node: &Node, what: &str) -> Option<Duration> {
        let d = self.duration(node, what)?;
        if d.is_zero() {
            self.sink
                .error(node.span, format!("{what} must be greater than zero"));
            return None;
        }
        Some(d)
    }

    pub(crate) fn bool(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.kind {
            Kind::Bool(b) => Some(b),
            _ => {
                self.wrong_type(node, what, "`true` or `false`");
                None
            }
        }
    }

    /// One of a fixed set of words (`abort`/`continue`, ...).
    pub(crate) fn word<'w>(
        &mut self,
        node: &Node,
        what: &str,
        words: &[&'w str],
    ) -> Option<&'w str> {
        let text = self.string(node, what)?;
        self.pick(node, what, text, words)
    }

    /// Like `word`, but a number counts as its text (`http: 2`).
    pub(crate) fn scalar_word<'w>(
        &mut self,
        node: &Node,
        what: &str,
        words: &[&'w str],
    ) -> Option<&'w str> {
        let text = self.text(node, what)?;
        self.pick(node, what, &text, words)
    }

    fn pick<'w>(
        &mut self,
        node: &Node,
        what: &str,
        text: &str,
        words: &[&'w str],
    ) -> Option<&'w str> {
        match words.iter().find(|w| **w == text) {
            Some(w) => Some(w),
            None => {
                let list = words
                    .iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let message = match suggest::nearest(text, words) {
                    Some(near) => format!(
                        "unknown value `{text}` for {what}, did you mean `{near}`? \
                         (expected one of {list})"
                    ),
                    None => format!("unknown value `{text}` for {what}: expected one of {list}"),
                };
                self.sink.error(node.span, message);
                None
            }
        }
    }
}

/// `defaults:`: settings for every request.
pub(crate) fn defaults(ctx: &mut Ctx, node: &Node) -> Option<Defaults> {
    const KEYS: &[&str] = &[
        "headers",
        "auth",
        "timeout",
        "max_redirects",
        "keep_body_bytes",
        "http",
        "trace",
    ];
    let fields = ctx.map(node, "`defaults`", KEYS)?;
    let mut defaults = Defaults::default();
    if let Some(n) = fields.get("headers") {
        defaults.headers = super::headers::header_map(ctx, n, &mut super::vars::Vars::open());
    }
    if let Some(n) = fields.get("auth")
        && let Some(header) =
            super::auth::header(ctx, n, &mut super::vars::Vars::open(), &defaults.headers)
    {
        defaults.headers.push(header);
    }
    if let Some(n) = fields.get("timeout")
        && let Some(d) = ctx.positive_duration(n, "`timeout`")
    {
        defaults.timeout = d;
    }
    if let Some(n) = fields.get("max_redirects")
        && let Some(v) = ctx.u64(n, "`max_redirects`")
    {
        match u8::try_from(v) {
            Ok(v) => defaults.max_redirects = v,
            Err(_) => ctx
                .sink
                .error(n.span, "`max_redirects` must be at most 255"),
        }
    }
    if let Some(n) = fields.get("keep_body_bytes")
        && let Some(v) = ctx.u64(n, "`keep_body_bytes`")
    {
        if v > MAX_KEEP_BODY_BYTES {
            ctx.sink.error(
                n.span,
                format!(
                    "`keep_body_bytes` must be at most {MAX_KEEP_BODY_BYTES} (64 MiB), found {v}: \
                     each user may hold this much of a decoded body"
                ),
            );
        } else {
            // At most 64 MiB, which fits a usize on every supported target.
            defaults.keep_body_bytes = usize::try_from(v).unwrap_or(usize::MAX);
        }
    }
    if let Some(n) = fields.get("http") {
        // `http: 2` and `http: 1.1` are YAML numbers; read them as written.
        match ctx.scalar_word(n, "`http`", &["auto", "1.1", "2"]) {
            Some("1.1") => defaults.http = HttpVersion::Http1,
            Some("2") => defaults.http = HttpVersion::Http2,
            Some(_) => defaults.http = HttpVersion::Auto,
            None => {}
        }
    }
    if let Some(n) = fields.get("trace")
        && let Some(trace) = super::trace::defaults(ctx, n)
    {
        defaults.trace = trace;
    }
    Some(defaults)
}
