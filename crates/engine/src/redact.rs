//! Redaction of failure examples: secrets never leave the process.
//!
//! Applied when an example is built (only when the shard wants one, so
//! never on a request's success path), which covers every renderer: they
//! all read the same `Summary`. Two passes over each text (URL, body
//! excerpt, error):
//!
//! 1. by name: the value of a JSON member, a `name=value` pair (query,
//!    form, cookie) or a `Name: value` line (an echoed header) whose name
//!    looks secret ([`Redact::is_secret_name`]);
//! 2. by value: every secret value known here, wherever it appears
//!    verbatim (also percent-encoded or JSON-escaped): what `env()` read,
//!    the user's `secret: true` captures, this request's credentials
//!    (secret headers, secret-named query, form and JSON fields) and the
//!    user's cookies.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};
use starling_metrics::FailureExample;
use starling_scenario::redact::{MIN_SECRET_LEN, REDACTED, Redact};

/// `"name": value` in JSON text; the value may be cut off by the body
/// excerpt's end (no closing quote).
static JSON_MEMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""((?:[^"\\]|\\.){1,200})"(\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\]\s{\[][^,}\]\s]*)"#)
        .expect("a valid regex")
});

/// `Name: value` at a line's start (an echoed request or response head).
static HEADER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^([ \t]*)([A-Za-z0-9!#$%&'*+.^_`|~-]{1,200})([ \t]*:[ \t]*)([^\r\n]*)")
        .expect("a valid regex")
});

/// `name=value` after a separator (query, form, cookie, prose).
static PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(^|[?&;,\s{(])([A-Za-z0-9_.\-\[\]%]{1,200})=([^&\s;,"'<>]*)"#)
        .expect("a valid regex")
});

/// The secrets one example must not show.
#[derive(Debug)]
pub(crate) struct Redactor<'a> {
    policy: &'a Redact,
    /// Verbatim secrets besides the policy's `env()` values.
    values: Vec<Cow<'a, str>>,
}

impl<'a> Redactor<'a> {
    pub(crate) fn new(policy: &'a Redact) -> Self {
        Redactor {
            policy,
            values: Vec::new(),
        }
    }

    /// A value to replace wherever it appears; too short a one is ignored
    /// (see [`MIN_SECRET_LEN`]).
    pub(crate) fn value(&mut self, value: impl Into<Cow<'a, str>>) {
        let value = value.into();
        if value.len() >= MIN_SECRET_LEN && !self.values.contains(&value) {
            self.values.push(value);
        }
    }

    /// The credentials a request carries: secret headers (a scheme such
    /// as `Bearer` aside, and each cookie of a `Cookie` header), and the
    /// values of secret-named query parameters and body fields.
    pub(crate) fn request(&mut self, headers: &[(&str, &str)], path: &str, body: &[u8]) {
        for (name, value) in headers {
            if self.policy.is_secret_name(name) {
                self.header_value(name, value);
            }
        }
        if let Some((_, query)) = path.split_once('?') {
            self.form(query.as_bytes());
        }
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(json) => self.json(&json),
            Err(_) => self.form(body),
        }
    }

    /// A secret header's value, whole and in its parts.
    pub(crate) fn header_value(&mut self, name: &str, value: &str) {
        self.value(value.to_owned());
        if let Some((_scheme, credential)) = value.trim().split_once(' ') {
            self.value(credential.trim().to_owned());
        }
        // `auth: { basic: ... }` sends base64; a server may echo it decoded.
        if let Some((pair, password)) = starling_scenario::redact::basic_credentials(value) {
            self.value(pair);
            self.value(password);
        }
        if name.eq_ignore_ascii_case("cookie") || name.eq_ignore_ascii_case("set-cookie") {
            // `a=1; b=2`, or `sid=xyz; Path=/` (only the first pair is the
            // cookie; the attributes after it are not secret but harmless).
            for pair in value.split(';') {
                if let Some((_, value)) = pair.split_once('=') {
                    self.value(value.trim().to_owned());
                }
            }
        }
    }

    fn form(&mut self, text: &[u8]) {
        for (name, value) in url::form_urlencoded::parse(text) {
            if self.policy.is_secret_name(&name) {
                self.value(value.into_owned());
            }
        }
    }

    fn json(&mut self, json: &serde_json::Value) {
        match json {
            serde_json::Value::Object(members) => {
                for (name, value) in members {
                    if self.policy.is_secret_name(name) {
                        match value {
                            serde_json::Value::String(text) => self.value(text.clone()),
                            serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                                self.json(value);
                            }
                            other => self.value(other.to_string()),
                        }
                    } else {
                        self.json(value);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|item| self.json(item)),
            _ => {}
        }
    }

    /// The verbatim secrets gathered so far (not the policy's).
    pub(crate) fn values(&self) -> impl Iterator<Item = &str> {
        self.values.iter().map(|v| v.as_ref())
    }

    /// The example with every secret replaced by `[redacted]`.
    pub(crate) fn example(&self, example: FailureExample) -> FailureExample {
        FailureExample {
            url: self.text(&example.url),
            status: example.status,
            body: self.text(&example.body),
            error: self.text(&example.error),
        }
    }

    /// One text, both passes.
    pub(crate) fn text(&self, text: &str) -> String {
        if text.is_empty() {
            return String::new();
        }
        let by_name = self.by_name(text);
        self.by_value(by_name)
    }

    /// Each pattern runs only on a text it could change: most texts (a
    /// kept step's plain URL) need none, and a pattern unused is never
    /// even compiled.
    fn by_name(&self, text: &str) -> String {
        let secret = |name: &str| self.policy.is_secret_name(name);
        let text = if text.contains('"') && text.contains(':') {
            JSON_MEMBER.replace_all(text, |c: &Captures<'_>| {
                if secret(&c[1]) {
                    format!("\"{}\"{}\"{REDACTED}\"", &c[1], &c[2])
                } else {
                    c[0].to_owned()
                }
            })
        } else {
            Cow::Borrowed(text)
        };
        // A `Name: value` line is only rewritten if its name is secret.
        let header_line = text.lines().any(|line| {
            line.split_once(':')
                .is_some_and(|(name, _)| secret(name.trim()))
        });
        let text = if header_line {
            Cow::Owned(
                HEADER_LINE
                    .replace_all(&text, |c: &Captures<'_>| {
                        if secret(&c[2]) {
                            format!("{}{}{}{REDACTED}", &c[1], &c[2], &c[3])
                        } else {
                            c[0].to_owned()
                        }
                    })
                    .into_owned(),
            )
        } else {
            text
        };
        if !text.contains('=') {
            return text.into_owned();
        }
        PAIR.replace_all(&text, |c: &Captures<'_>| {
            let name = url::form_urlencoded::parse(c[2].as_bytes())
                .next()
                .map_or_else(|| c[2].to_owned(), |(name, _)| name.into_owned());
            if secret(&name) && !c[3].is_empty() {
                format!("{}{}={REDACTED}", &c[1], &c[2])
            } else {
                c[0].to_owned()
            }
        })
        .into_owned()
    }

    fn by_value(&self, mut text: String) -> String {
        let mut values: Vec<Cow<'_, str>> = Vec::new();
        let known = self
            .policy
            .env_values
            .iter()
            .map(|v| Cow::Borrowed(v.as_str()))
            .chain(self.values.iter().cloned())
            .filter(|v| v.len() >= MIN_SECRET_LEN);
        for value in known {
            // The forms a value takes in a URL or in JSON text too.
            let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
            let escaped = serde_json::to_string(value.as_ref()).unwrap_or_default();
            let escaped = escaped
                .strip_prefix('"')
                .and_then(|e| e.strip_suffix('"'))
                .unwrap_or("")
                .to_owned();
            for form in [encoded, escaped] {
                if form.len() >= MIN_SECRET_LEN && form != value.as_ref() {
                    values.push(Cow::Owned(form));
                }
            }
            values.push(value);
        }
        // Longest first: a secret that holds another is replaced whole.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        for value in &values {
            if text.contains(value.as_ref()) {
                text = text.replace(value.as_ref(), REDACTED);
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Redact {
        Redact {
            names: vec!["pin".to_owned()],
            env_values: vec!["env-secret-value".to_owned(), "ab".to_owned()],
        }
    }

    #[test]
    fn secret_names_are_redacted_in_urls_json_headers_and_forms() {
        let policy = policy();
        let r = Redactor::new(&policy);
        assert_eq!(
            r.text("http://h/x?page=2&api_key=k123&Token=t9&pin=77"),
            "http://h/x?page=2&api_key=[redacted]&Token=[redacted]&pin=[redacted]"
        );
        assert_eq!(
            r.text(r#"{"user":"ann","password":"p\"w","nested":{"auth_token":12},"cut":"x","session":"abc"#),
            r#"{"user":"ann","password":"[redacted]","nested":{"auth_token":"[redacted]"},"cut":"x","session":"[redacted]""#
        );
        assert_eq!(
            r.text("GET / HTTP/1.1\r\nAuthorization: Bearer zzz\r\nCookie: sid=1\r\nAccept: */*"),
            "GET / HTTP/1.1\r\nAuthorization: [redacted]\r\nCookie: [redacted]\r\nAccept: */*"
        );
        assert_eq!(
            r.text("user=ann&password=hunter2"),
            "user=ann&password=[redacted]"
        );
    }

    #[test]
    fn known_values_are_redacted_verbatim_encoded_and_escaped() {
        let policy = policy();
        let mut r = Redactor::new(&policy);
        r.value("to/ken value");
        r.value("x"); // too short to look for: it would hit everything
        assert_eq!(
            r.text("got env-secret-value and to/ken value, to%2Fken+value, x, ab"),
            "got [redacted] and [redacted], [redacted], x, ab"
        );
        assert_eq!(
            r.text(r#"{"q":"a \"quoted\" one"}"#),
            r#"{"q":"a \"quoted\" one"}"#
        );
        let mut r = Redactor::new(&policy);
        r.value(r#"a "quoted" one"#);
        assert_eq!(
            r.text(r#"{"q":"a \"quoted\" one"}"#),
            r#"{"q":"[redacted]"}"#
        );
    }

    #[test]
    fn a_request_gives_its_credentials() {
        let policy = Redact::default();
        let mut r = Redactor::new(&policy);
        r.request(
            &[
                ("Authorization", "Bearer tok-123"),
                ("cookie", "sid=s-456; theme=dark"),
                ("accept", "text/plain"),
            ],
            "/x?api_key=k-789&page=1",
            br#"{"user":"ann","password":"pw-000"}"#,
        );
        // Every cookie of a Cookie header is a secret, `theme` too.
        let echoed = "tok-123 s-456 k-789 pw-000 text/plain dark ann";
        assert_eq!(
            r.text(echoed),
            "[redacted] [redacted] [redacted] [redacted] text/plain [redacted] ann"
        );
        let mut r = Redactor::new(&policy);
        r.request(&[], "/", b"user=ann&password=pw-111");
        assert_eq!(r.text("echo pw-111"), "echo [redacted]");
    }

    #[test]
    fn plain_text_is_left_alone() {
        let policy = Redact::default();
        let r = Redactor::new(&policy);
        let text = "expected status 200, got 500: {\"error\":\"boom\",\"id\":7} a=b";
        assert_eq!(r.text(text), text);
        assert_eq!(r.text(""), "");
    }
}
