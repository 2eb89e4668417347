//! Runtime values of variables, captures and expressions.
//!
//! minijinja's `Value` is the one value type: captures and data rows are
//! stored as it, templates and expressions read it without conversion, and
//! cloning one is a copy or a reference-count bump.

pub use minijinja::Value;

/// A JSON value (a capture, a CSV row turned into a map) as a `Value`.
/// Numbers stay numbers, objects become maps.
pub fn from_json(json: &serde_json::Value) -> Value {
    Value::from(minijinja::value::Serde(json))
}

/// A `Value` as JSON, e.g. to compare it with an expected JSON value.
/// Fails for values JSON cannot hold (functions, undefined).
pub fn to_json(value: &Value) -> Result<serde_json::Value, crate::runtime::EvalError> {
    if value.is_undefined() {
        return Err(crate::runtime::EvalError(
            "an undefined value has no JSON form".into(),
        ));
    }
    serde_json::to_value(value).map_err(|e| crate::runtime::EvalError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_round_trips_with_types() {
        let original = json!({"id": 42, "price": 9.5, "name": "x", "tags": [true, null]});
        let value = from_json(&original);
        assert_eq!(value.get_attr("id").unwrap().as_i64(), Some(42));
        assert_eq!(to_json(&value).unwrap(), original);
        assert!(to_json(&Value::UNDEFINED).is_err());
    }
}
