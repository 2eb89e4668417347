//! Captures: values taken from a response into a variable, and the
//! compiled JSONPath they (and expectations) use.

use std::fmt;

use crate::response::{NotJson, ResponseView};
use crate::runtime::SyntaxError;
use crate::value::{Value, from_json};

/// A compiled JSONPath (RFC 9535), e.g. `$.items[0].id`.
#[derive(Clone, PartialEq, Eq)]
pub struct JsonPath {
    source: Box<str>,
    path: serde_json_path::JsonPath,
}

impl fmt::Debug for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("JsonPath").field(&self.source).finish()
    }
}

impl JsonPath {
    /// Parses `source`; an error's offset is inside `source`.
    pub fn compile(source: &str) -> Result<JsonPath, SyntaxError> {
        match serde_json_path::JsonPath::parse(source) {
            Ok(path) => Ok(JsonPath {
                source: source.into(),
                path,
            }),
            Err(e) => {
                // The parser reports a 1-based character position.
                let offset = source
                    .char_indices()
                    .nth(e.position().saturating_sub(1))
                    .map_or(source.len(), |(i, _)| i);
                let len = source[offset..].chars().next().map_or(0, char::len_utf8);
                Err(SyntaxError::new(
                    format!("invalid JSONPath: {}", e.message()),
                    offset,
                    len,
                ))
            }
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Every node the path selects, in document order.
    pub fn query<'v>(&self, json: &'v serde_json::Value) -> Vec<&'v serde_json::Value> {
        self.path.query(json).all()
    }

    /// What the path selects as one value: the node when there is one, an
    /// array of the nodes when there are several (`$.items[*].id`), `None`
    /// when there are none.
    pub fn select(&self, json: &serde_json::Value) -> Option<serde_json::Value> {
        let nodes = self.path.query(json);
        match nodes.len() {
            0 => None,
            1 => nodes.first().cloned(),
            _ => Some(serde_json::Value::Array(
                nodes.all().into_iter().cloned().collect(),
            )),
        }
    }
}

/// A value taken from a response into the variable `var`.
#[derive(Debug, Clone)]
pub struct Capture {
    pub var: String,
    pub source: CaptureSource,
    /// `secret: true`: the value is kept out of every failure example
    /// wherever it appears (a token the server hands out, say).
    pub secret: bool,
}

/// Where a capture takes its value from.
#[derive(Debug, Clone)]
pub enum CaptureSource {
    /// From the JSON body; the value keeps its JSON type.
    JsonPath(JsonPath),
    /// A header's value (the first, if repeated), as a string. The name is
    /// stored in lower case.
    Header(String),
    /// A group of the first match of a regex in the body, as a string.
    Regex {
        regex: regex::bytes::Regex,
        group: usize,
    },
    /// The status code, as a number.
    Status,
}

impl CaptureSource {
    pub fn json_path(source: &str) -> Result<Self, SyntaxError> {
        JsonPath::compile(source).map(CaptureSource::JsonPath)
    }

    pub fn header(name: &str) -> Self {
        CaptureSource::Header(name.to_ascii_lowercase())
    }

    /// `group` 0 is the whole match; it must exist in the regex.
    pub fn regex(source: &str, group: usize) -> Result<Self, SyntaxError> {
        let regex = regex::bytes::Regex::new(source).map_err(|e| regex_error(source, &e))?;
        let groups = regex.captures_len() - 1;
        if group > groups {
            return Err(SyntaxError::new(
                format!("the regex has {groups} group(s), so there is no group {group}"),
                0,
                source.len(),
            ));
        }
        Ok(CaptureSource::Regex { regex, group })
    }

    pub fn status() -> Self {
        CaptureSource::Status
    }
}

/// A regex error located with regex-syntax, which knows the span.
fn regex_error(source: &str, error: &regex::Error) -> SyntaxError {
    let located = match regex_syntax::Parser::new().parse(source) {
        Err(regex_syntax::Error::Parse(e)) => Some((e.kind().to_string(), *e.span())),
        Err(regex_syntax::Error::Translate(e)) => Some((e.kind().to_string(), *e.span())),
        _ => None,
    };
    match located {
        Some((message, span)) => SyntaxError::new(
            format!("invalid regex: {message}"),
            span.start.offset,
            span.end.offset.saturating_sub(span.start.offset),
        ),
        // E.g. a regex too big once compiled: no place to point at.
        None => SyntaxError::new(format!("invalid regex: {error}"), 0, source.len()),
    }
}

/// Why a capture found no value. The engine counts it as a `capture`
/// failure of the step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    #[error("{0}")]
    NotJson(NotJson),
    #[error("`{path}` matched nothing in the JSON body")]
    NoJsonMatch { path: String },
    #[error("no `{name}` header in the response")]
    NoHeader { name: String },
    #[error("regex `{pattern}` matched nothing in the body")]
    NoRegexMatch { pattern: String },
    #[error("regex `{pattern}` matched, but its group {group} did not")]
    NoGroupMatch { pattern: String, group: usize },
}

impl Capture {
    pub fn new(var: impl Into<String>, source: CaptureSource) -> Self {
        Capture {
            var: var.into(),
            source,
            secret: false,
        }
    }

    /// The captured value; the engine stores it with
    /// `vars.set(&capture.var, value)`.
    pub fn extract(&self, resp: &ResponseView<'_>) -> Result<Value, CaptureError> {
        match &self.source {
            CaptureSource::JsonPath(path) => {
                let json = resp.json().map_err(CaptureError::NotJson)?;
                match path.query(json).as_slice() {
                    [] => Err(CaptureError::NoJsonMatch {
                        path: path.source().to_owned(),
                    }),
                    [node] => Ok(from_json(node)),
                    nodes => Ok(Value::from(
                        nodes.iter().map(|node| from_json(node)).collect::<Vec<_>>(),
                    )),
                }
            }
            CaptureSource::Header(name) => {
                let value = resp
                    .headers()
                    .first(name)
                    .ok_or_else(|| CaptureError::NoHeader { name: name.clone() })?;
                Ok(Value::from(String::from_utf8_lossy(value).into_owned()))
            }
            CaptureSource::Regex { regex, group } => {
                let pattern = || regex.as_str().to_owned();
                let captures = regex
                    .captures(resp.body())
                    .ok_or_else(|| CaptureError::NoRegexMatch { pattern: pattern() })?;
                let matched = captures
                    .get(*group)
                    .ok_or_else(|| CaptureError::NoGroupMatch {
                        pattern: pattern(),
                        group: *group,
                    })?;
                Ok(Value::from(
                    String::from_utf8_lossy(matched.as_bytes()).into_owned(),
                ))
            }
            CaptureSource::Status => Ok(Value::from(resp.status())),
        }
    }
}
