//! Expectations a response must meet.

use std::fmt;
use std::time::Duration;

use crate::capture::JsonPath;
use crate::expr::Expr;
use crate::response::{NotJson, ResponseView};
use crate::runtime::{EvalError, SyntaxError};
use crate::scope::Scope;
use crate::template::{JsonTemplate, Template};
use crate::value::from_json;

/// What a response must satisfy. `Expect::default()` only asks for a
/// status below 400, as Locust counts 4xx and 5xx as failures.
#[derive(Debug, Clone, Default)]
pub struct Expect {
    pub status: StatusMatch,
    pub json: Vec<JsonCondition>,
    /// Texts the body must contain; templates rendered in the user's
    /// scope, as every other value of a scenario is.
    pub body_contains: Vec<Template>,
    pub headers: Vec<HeaderCondition>,
    pub max_duration: Option<Duration>,
}

/// The statuses a response may have.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StatusMatch {
    /// Anything below 400 (the default).
    #[default]
    Below400,
    /// Any of these codes or classes.
    AnyOf(Vec<StatusPattern>),
}

/// One accepted status: a code (`201`) or a class (`2xx`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusPattern {
    Code(u16),
    /// The first digit: `2` for `2xx`.
    Class(u8),
}

impl StatusPattern {
    /// `"201"` or `"2xx"` (1xx to 5xx; `X` also accepted).
    pub fn parse(text: &str) -> Result<Self, SyntaxError> {
        let bad = || {
            SyntaxError::new(
                format!(
                    "`{text}` is not a status: use a code from 100 to 599 or a class like `2xx`"
                ),
                0,
                text.len(),
            )
        };
        let bytes = text.as_bytes();
        if bytes.len() != 3 {
            return Err(bad());
        }
        if bytes[1..].eq_ignore_ascii_case(b"xx") {
            return match bytes[0] {
                b @ b'1'..=b'5' => Ok(StatusPattern::Class(b - b'0')),
                _ => Err(bad()),
            };
        }
        match text.parse::<u16>() {
            Ok(code) if (100..=599).contains(&code) => Ok(StatusPattern::Code(code)),
            _ => Err(bad()),
        }
    }

    pub fn matches(self, status: u16) -> bool {
        match self {
            StatusPattern::Code(code) => code == status,
            StatusPattern::Class(class) => status / 100 == u16::from(class),
        }
    }
}

impl fmt::Display for StatusPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusPattern::Code(code) => write!(f, "{code}"),
            StatusPattern::Class(class) => write!(f, "{class}xx"),
        }
    }
}

impl StatusMatch {
    pub fn code(code: u16) -> Self {
        StatusMatch::AnyOf(vec![StatusPattern::Code(code)])
    }

    pub fn any_of(patterns: impl IntoIterator<Item = StatusPattern>) -> Self {
        StatusMatch::AnyOf(patterns.into_iter().collect())
    }

    /// `"2xx"` or `"201"`: see [`StatusPattern::parse`].
    pub fn class(text: &str) -> Result<Self, SyntaxError> {
        StatusPattern::parse(text).map(|p| StatusMatch::AnyOf(vec![p]))
    }

    pub fn matches(&self, status: u16) -> bool {
        match self {
            StatusMatch::Below400 => status < 400,
            StatusMatch::AnyOf(patterns) => patterns.iter().any(|p| p.matches(status)),
        }
    }
}

/// "below 400", "201", "200 or 201", "200, 201 or 3xx".
impl fmt::Display for StatusMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let patterns = match self {
            StatusMatch::Below400 => return f.write_str("below 400"),
            StatusMatch::AnyOf(patterns) => patterns,
        };
        for (i, pattern) in patterns.iter().enumerate() {
            if i > 0 {
                f.write_str(if i + 1 == patterns.len() {
                    " or "
                } else {
                    ", "
                })?;
            }
            write!(f, "{pattern}")?;
        }
        Ok(())
    }
}

/// A condition on what a JSONPath selects in the body.
#[derive(Debug, Clone)]
pub struct JsonCondition {
    pub path: JsonPath,
    pub check: JsonCheck,
}

#[derive(Debug, Clone)]
pub enum JsonCheck {
    /// The path selects at least one node.
    Exists,
    /// The selected value equals this (several nodes: an array of them).
    Equals(serde_json::Value),
    /// The selected value equals this template rendered in the user's
    /// scope, as a `json:` body renders: `"{{ user_id }}"` compares to the
    /// captured number itself, `"user-{{ vu.id }}"` to a string. Kept apart
    /// from `Equals` so a literal is not rendered on every response.
    EqualsTemplate(JsonTemplate),
    /// An expression true for the selected value, which it reads as
    /// `value`, e.g. `value > 0`.
    Satisfies(Expr),
}

/// A condition on a response header.
#[derive(Debug, Clone)]
pub struct HeaderCondition {
    /// Lower case.
    pub name: String,
    pub check: HeaderCheck,
}

#[derive(Debug, Clone)]
pub enum HeaderCheck {
    Present,
    /// Equal to this template rendered in the user's scope (the first
    /// value, if repeated).
    Equals(Template),
}

impl HeaderCondition {
    pub fn present(name: &str) -> Self {
        HeaderCondition {
            name: name.to_ascii_lowercase(),
            check: HeaderCheck::Present,
        }
    }

    pub fn equals(name: &str, value: Template) -> Self {
        HeaderCondition {
            name: name.to_ascii_lowercase(),
            check: HeaderCheck::Equals(value),
        }
    }
}

/// Why a response missed its expectations (the first miss found).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExpectFailure {
    #[error("status {actual}, expected {expected}")]
    Status { actual: u16, expected: StatusMatch },
    #[error("`{path}` cannot be checked: {why}")]
    NotJson { path: String, why: NotJson },
    #[error("`{path}` matched nothing in the JSON body")]
    JsonMissing { path: String },
    #[error("`{path}` is {}, expected {}", show(.actual), show(.expected))]
    JsonNotEqual {
        path: String,
        actual: serde_json::Value,
        expected: serde_json::Value,
    },
    #[error("`{path}` is {}, expected `{condition}`", show(.actual))]
    JsonCondition {
        path: String,
        actual: serde_json::Value,
        condition: String,
    },
    #[error("the expected value of `{path}` cannot be rendered: {error}")]
    Expected { path: String, error: EvalError },
    #[error("`{condition}` on `{path}` failed: {error}")]
    Eval {
        path: String,
        condition: String,
        error: EvalError,
    },
    #[error("body does not contain {needle:?}")]
    BodyMissing { needle: String },
    #[error("header `{name}` is missing")]
    HeaderMissing { name: String },
    #[error("header `{name}` is {actual:?}, expected {expected:?}")]
    HeaderNotEqual {
        name: String,
        actual: String,
        expected: String,
    },
    #[error("took {}, max_duration {}", format_duration(*.elapsed), format_duration(*.max))]
    TooSlow { elapsed: Duration, max: Duration },
}

impl Expect {
    /// Checks in this order and reports the first miss: status, JSON
    /// conditions, body_contains, headers, max_duration. `scope` is the
    /// user's; `response.*` in conditions is `resp`.
    pub fn check(&self, resp: &ResponseView<'_>, scope: &Scope<'_>) -> Result<(), ExpectFailure> {
        if !self.status.matches(resp.status()) {
            return Err(ExpectFailure::Status {
                actual: resp.status(),
                expected: self.status.clone(),
            });
        }
        let scope = Scope {
            response: Some(resp),
            ..*scope
        };
        for condition in &self.json {
            condition.check(resp, &scope)?;
        }
        for needle in &self.body_contains {
            let needle = rendered(needle, &scope, || "body_contains".to_owned())?;
            if !contains(resp.body(), needle.as_bytes()) {
                return Err(ExpectFailure::BodyMissing {
                    needle: needle.into_owned(),
                });
            }
        }
        for header in &self.headers {
            header.check(resp, &scope)?;
        }
        match self.max_duration {
            Some(max) if resp.elapsed() > max => Err(ExpectFailure::TooSlow {
                elapsed: resp.elapsed(),
                max,
            }),
            _ => Ok(()),
        }
    }
}

impl JsonCondition {
    fn check(&self, resp: &ResponseView<'_>, scope: &Scope<'_>) -> Result<(), ExpectFailure> {
        let path = || self.path.source().to_owned();
        let json = resp
            .json()
            .map_err(|why| ExpectFailure::NotJson { path: path(), why })?;
        let actual = self
            .path
            .select(json)
            .ok_or_else(|| ExpectFailure::JsonMissing { path: path() })?;
        match &self.check {
            JsonCheck::Exists => Ok(()),
            JsonCheck::Equals(expected) if *expected == actual => Ok(()),
            JsonCheck::Equals(expected) => Err(ExpectFailure::JsonNotEqual {
                path: path(),
                actual,
                expected: expected.clone(),
            }),
            JsonCheck::EqualsTemplate(template) => {
                let expected =
                    template
                        .render_value(scope)
                        .map_err(|error| ExpectFailure::Expected {
                            path: path(),
                            error,
                        })?;
                if expected == actual {
                    Ok(())
                } else {
                    Err(ExpectFailure::JsonNotEqual {
                        path: path(),
                        actual,
                        expected,
                    })
                }
            }
            JsonCheck::Satisfies(expr) => {
                let value = from_json(&actual);
                match expr.eval_with(scope, "value", &value) {
                    Ok(result) if result.is_true() => Ok(()),
                    Ok(_) => Err(ExpectFailure::JsonCondition {
                        path: path(),
                        actual,
                        condition: expr.source().to_owned(),
                    }),
                    Err(error) => Err(ExpectFailure::Eval {
                        path: path(),
                        condition: expr.source().to_owned(),
                        error,
                    }),
                }
            }
        }
    }
}

/// A template's text: borrowed when it has no `{{ }}` (nothing to render
/// on the response path), else rendered in `scope`.
fn rendered<'t>(
    template: &'t Template,
    scope: &Scope<'_>,
    what: impl FnOnce() -> String,
) -> Result<std::borrow::Cow<'t, str>, ExpectFailure> {
    if let Some(text) = template.as_static() {
        return Ok(std::borrow::Cow::Borrowed(text));
    }
    template
        .render(scope)
        .map(std::borrow::Cow::Owned)
        .map_err(|error| ExpectFailure::Expected {
            path: what(),
            error,
        })
}

impl HeaderCondition {
    fn check(&self, resp: &ResponseView<'_>, scope: &Scope<'_>) -> Result<(), ExpectFailure> {
        let value =
            resp.headers()
                .first(&self.name)
                .ok_or_else(|| ExpectFailure::HeaderMissing {
                    name: self.name.clone(),
                })?;
        let HeaderCheck::Equals(expected) = &self.check else {
            return Ok(());
        };
        let expected = rendered(expected, scope, || format!("header {}", self.name))?;
        if value == expected.as_bytes() {
            return Ok(());
        }
        Err(ExpectFailure::HeaderNotEqual {
            name: self.name.clone(),
            actual: String::from_utf8_lossy(value).into_owned(),
            expected: expected.into_owned(),
        })
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// A JSON value for a message, cut to a readable length.
fn show(value: &serde_json::Value) -> String {
    const MAX: usize = 120;
    let mut text = value.to_string();
    if text.len() > MAX {
        let mut cut = MAX;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}

/// `1.2s`, `1s`, `850ms`, `12.5ms`, `300µs`.
pub fn format_duration(d: Duration) -> String {
    fn trim(number: String) -> String {
        if number.contains('.') {
            number
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_owned()
        } else {
            number
        }
    }
    if d >= Duration::from_secs(1) {
        format!("{}s", trim(format!("{:.3}", d.as_secs_f64())))
    } else if d >= Duration::from_millis(1) {
        format!("{}ms", trim(format!("{:.1}", d.as_secs_f64() * 1000.0)))
    } else {
        format!("{}µs", d.as_micros())
    }
}
