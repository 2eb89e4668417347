//! Reading request bodies: JSON objects and their fields, with a 400 and a
//! JSON error for anything malformed instead of a panic.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// The body as a JSON object, or a 400 saying why not.
pub(crate) fn json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request("body must be a JSON object")),
        Err(err) => Err(ApiError::bad_request(format!("malformed JSON: {err}"))),
    }
}

/// An id field: a non-negative integer, or a string holding one (templated
/// JSON often sends `"42"`).
pub(crate) fn id_field(body: &Map<String, Value>, name: &str) -> Result<u64, ApiError> {
    let value = body
        .get(name)
        .ok_or_else(|| ApiError::bad_request(format!("missing field {name:?}")))?;
    let id = match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse::<u64>().ok(),
        _ => None,
    };
    id.ok_or_else(|| {
        ApiError::bad_request(format!(
            "field {name:?} must be a non-negative integer or a numeric string, got {value}"
        ))
    })
}

/// A positive, finite amount: a number, or a string holding one.
pub(crate) fn amount_field(body: &Map<String, Value>, name: &str) -> Result<f64, ApiError> {
    let value = body
        .get(name)
        .ok_or_else(|| ApiError::bad_request(format!("missing field {name:?}")))?;
    let amount = match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    };
    match amount {
        Some(amount) if amount.is_finite() && amount > 0.0 => Ok(amount),
        _ => Err(ApiError::bad_request(format!(
            "field {name:?} must be a number above 0, got {value}"
        ))),
    }
}

/// A non-empty string field.
pub(crate) fn text_field<'a>(
    body: &'a Map<String, Value>,
    name: &str,
) -> Result<&'a str, ApiError> {
    match body.get(name) {
        Some(Value::String(text)) if !text.trim().is_empty() => Ok(text),
        Some(other) => Err(ApiError::bad_request(format!(
            "field {name:?} must be a non-empty string, got {other}"
        ))),
        None => Err(ApiError::bad_request(format!("missing field {name:?}"))),
    }
}

/// A path segment that must be an integer id; 404 otherwise, since no
/// resource can live there.
pub(crate) fn path_id(segment: &str, what: &str) -> Result<u64, ApiError> {
    segment
        .parse()
        .map_err(|_| ApiError::not_found(format!("no {what} {segment:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn ids_accept_numbers_and_numeric_strings() {
        let body = object(json!({"a": 7, "b": "8", "c": " 9 "}));
        assert_eq!(id_field(&body, "a").ok(), Some(7));
        assert_eq!(id_field(&body, "b").ok(), Some(8));
        assert_eq!(id_field(&body, "c").ok(), Some(9));
    }

    #[test]
    fn ids_reject_other_shapes() {
        let body = object(json!({"a": -1, "b": "x", "c": 1.5, "d": true, "e": null, "f": [1]}));
        for name in ["a", "b", "c", "d", "e", "f", "missing"] {
            assert!(id_field(&body, name).is_err(), "{name}");
        }
    }

    #[test]
    fn amounts_must_be_positive_numbers() {
        let body = object(json!({"ok": 10.0, "s": "2.5", "zero": 0, "neg": -3, "t": true}));
        assert_eq!(amount_field(&body, "ok").ok(), Some(10.0));
        assert_eq!(amount_field(&body, "s").ok(), Some(2.5));
        for name in ["zero", "neg", "t", "missing"] {
            assert!(amount_field(&body, name).is_err(), "{name}");
        }
    }

    #[test]
    fn bodies_must_be_objects() {
        assert!(json_object(b"{\"a\":1}").is_ok());
        assert!(json_object(b"[1]").is_err());
        assert!(json_object(b"{not json").is_err());
        assert!(json_object(b"").is_err());
    }
}
