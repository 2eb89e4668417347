//! A view of a response for captures and expectations.

use std::cell::OnceCell;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use minijinja::value::{Enumerator, Object};

use crate::json_body;
pub use crate::json_body::{MAX_JSON_DEPTH, NotJson};
use crate::runtime::ResponseFields;
use crate::value::{Value, from_json};

/// Response headers as captures, expectations and `response.headers` read
/// them. The engine's HTTP client keeps a response's header lines as they
/// came and reads them on demand; an `http::HeaderMap` serves too.
pub trait ResponseHeaders {
    /// The first value of `name` (compared case-insensitively).
    fn first(&self, name: &str) -> Option<&[u8]>;
    /// Every `(name, value)` in order, repeated names included.
    fn each(&self, visit: &mut dyn FnMut(&str, &[u8]));
}

impl ResponseHeaders for HeaderMap {
    fn first(&self, name: &str) -> Option<&[u8]> {
        self.get(name).map(|v| v.as_bytes())
    }

    fn each(&self, visit: &mut dyn FnMut(&str, &[u8])) {
        for (name, value) in self {
            visit(name.as_str(), value.as_bytes());
        }
    }
}

/// A response as captures, expectations and `response.*` see it.
///
/// Borrowed from the engine's buffers. The body is parsed as JSON at most
/// once, on first need, and each part of `response` that expressions read
/// is converted to a `Value` at most once, however many captures,
/// expectations and conditions look at it.
pub struct ResponseView<'a> {
    status: u16,
    headers: &'a dyn ResponseHeaders,
    body: &'a [u8],
    elapsed: Duration,
    json: OnceCell<Result<serde_json::Value, NotJson>>,
    json_value: OnceCell<Value>,
    headers_value: OnceCell<Value>,
    body_value: OnceCell<Value>,
}

impl fmt::Debug for ResponseView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseView")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .field("elapsed", &self.elapsed)
            .finish()
    }
}

impl<'a> ResponseView<'a> {
    /// `body` is what the engine kept of the body (its first N bytes).
    pub fn new(
        status: u16,
        headers: &'a dyn ResponseHeaders,
        body: &'a [u8],
        elapsed: Duration,
    ) -> Self {
        ResponseView {
            status,
            headers,
            body,
            elapsed,
            json: OnceCell::new(),
            json_value: OnceCell::new(),
            headers_value: OnceCell::new(),
            body_value: OnceCell::new(),
        }
    }

    pub fn status(&self) -> u16 {
        self.status
    }

    pub fn headers(&self) -> &dyn ResponseHeaders {
        self.headers
    }

    pub fn body(&self) -> &[u8] {
        self.body
    }

    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The body parsed as JSON, or why it is not JSON (whatever the
    /// content type says). Parsed on the first call only.
    pub fn json(&self) -> Result<&serde_json::Value, NotJson> {
        self.json
            .get_or_init(|| json_body::parse(self.body))
            .as_ref()
            .map_err(|why| *why)
    }

    /// `response` for an expression that reads `fields`.
    pub(crate) fn to_value(&self, fields: ResponseFields) -> Value {
        let part = |wanted: bool, cell: &OnceCell<Value>, make: &dyn Fn() -> Value| {
            wanted.then(|| cell.get_or_init(make).clone())
        };
        Value::from_object(ResponseObject {
            status: self.status,
            headers: part(fields.headers, &self.headers_value, &|| self.headers_map()),
            json: part(fields.json, &self.json_value, &|| {
                self.json().map_or(Value::from(()), from_json)
            }),
            body: part(fields.body, &self.body_value, &|| {
                Value::from(String::from_utf8_lossy(self.body).into_owned())
            }),
        })
    }

    /// Header names (lower case) to values; repeated headers joined by ", ".
    fn headers_map(&self) -> Value {
        let mut pairs: Vec<(String, String)> = Vec::new();
        self.headers.each(&mut |name, value| {
            let value = String::from_utf8_lossy(value);
            match pairs.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                Some((_, joined)) => {
                    joined.push_str(", ");
                    joined.push_str(&value);
                }
                None => pairs.push((name.to_ascii_lowercase(), value.into_owned())),
            }
        });
        Value::from_pairs(pairs)
    }
}

/// `response` in an expression: the parts it reads, already converted.
#[derive(Debug)]
struct ResponseObject {
    status: u16,
    headers: Option<Value>,
    json: Option<Value>,
    body: Option<Value>,
}

impl Object for ResponseObject {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        match key.as_str()? {
            "status" => Some(Value::from(self.status)),
            "headers" => self.headers.clone(),
            "json" => self.json.clone(),
            "body" => self.body.clone(),
            _ => None,
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&["status", "headers", "json", "body"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_parsed_lazily_and_none_when_not_json() {
        let headers = HeaderMap::new();
        let view = ResponseView::new(200, &headers, br#"{"id": 7}"#, Duration::ZERO);
        assert_eq!(view.json().unwrap()["id"], 7);
        let view = ResponseView::new(200, &headers, b"<html>", Duration::ZERO);
        assert_eq!(view.json(), Err(NotJson::Invalid));
    }

    #[test]
    fn headers_are_lower_case_and_repeated_ones_joined() {
        let mut headers = HeaderMap::new();
        headers.append("X-Tag", "a".parse().unwrap());
        headers.append("x-tag", "b".parse().unwrap());
        headers.append("Content-Type", "text/plain".parse().unwrap());
        let view = ResponseView::new(200, &headers, b"", Duration::ZERO);
        let map = view.headers_map();
        assert_eq!(map.get_attr("x-tag").unwrap().as_str(), Some("a, b"));
        assert_eq!(
            map.get_attr("content-type").unwrap().as_str(),
            Some("text/plain")
        );
    }
}
