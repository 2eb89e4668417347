//! The JSON Schema accepts every example and rejects typos.
//!
//! The `jsonschema` crate would pull a large tree of dependencies into the
//! shared lock file, so this test carries a small validator for exactly the
//! keywords the schema uses; it fails if the schema uses any other.

use std::path::Path;

use serde_json::Value;
use starling_scenario::schema;

const KNOWN: &[&str] = &[
    "$schema",
    "title",
    "description",
    "type",
    "required",
    "additionalProperties",
    "properties",
    "$defs",
    "$ref",
    "items",
    "minItems",
    "enum",
    "anyOf",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "pattern",
    "propertyNames",
];

fn type_ok(value: &Value, ty: &str) -> bool {
    match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "null" => value.is_null(),
        _ => false,
    }
}

/// Errors as `pointer: reason`.
fn validate(root: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(s) = schema.as_object() else { return };
    for key in s.keys() {
        assert!(
            KNOWN.contains(&key.as_str()),
            "the test validator does not know `{key}`"
        );
    }
    if let Some(Value::String(r)) = s.get("$ref") {
        let name = r.strip_prefix("#/$defs/").unwrap();
        validate(root, &root["$defs"][name], value, at, errors);
    }
    if let Some(ty) = s.get("type") {
        let ok = match ty {
            Value::String(t) => type_ok(value, t),
            Value::Array(ts) => ts.iter().any(|t| type_ok(value, t.as_str().unwrap())),
            _ => true,
        };
        if !ok {
            errors.push(format!("{at}: not of type {ty}"));
            return;
        }
    }
    if let Some(Value::Array(options)) = s.get("enum")
        && !options.contains(value)
    {
        errors.push(format!("{at}: not one of {options:?}"));
    }
    if let Some(Value::Array(options)) = s.get("anyOf") {
        let fits = options.iter().any(|o| {
            let mut e = Vec::new();
            validate(root, o, value, at, &mut e);
            e.is_empty()
        });
        if !fits {
            errors.push(format!("{at}: matches none of anyOf"));
        }
    }
    if let Some(n) = value.as_f64() {
        if s.get("minimum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n < m)
        {
            errors.push(format!("{at}: below minimum"));
        }
        if s.get("maximum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n > m)
        {
            errors.push(format!("{at}: above maximum"));
        }
        if s.get("exclusiveMinimum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n <= m)
        {
            errors.push(format!("{at}: not above exclusiveMinimum"));
        }
    }
    if let (Some(Value::String(p)), Some(text)) = (s.get("pattern"), value.as_str())
        && !regex::Regex::new(p).unwrap().is_match(text)
    {
        errors.push(format!("{at}: `{text}` does not match {p}"));
    }
    if let Some(items) = value.as_array() {
        if s.get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|m| (items.len() as u64) < m)
        {
            errors.push(format!("{at}: too few items"));
        }
        if let Some(item_schema) = s.get("items") {
            for (i, item) in items.iter().enumerate() {
                validate(root, item_schema, item, &format!("{at}/{i}"), errors);
            }
        }
    }
    if let Some(map) = value.as_object() {
        if let Some(Value::Array(required)) = s.get("required") {
            for r in required {
                if !map.contains_key(r.as_str().unwrap()) {
                    errors.push(format!("{at}: missing {r}"));
                }
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (k, v) in map {
            if let Some(names) = s.get("propertyNames") {
                validate(
                    root,
                    names,
                    &Value::String(k.clone()),
                    &format!("{at}/{k} (name)"),
                    errors,
                );
            }
            match props.and_then(|p| p.get(k)) {
                Some(ps) => validate(root, ps, v, &format!("{at}/{k}"), errors),
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => errors.push(format!("{at}: unknown key `{k}`")),
                    Some(extra @ Value::Object(_)) => {
                        validate(root, extra, v, &format!("{at}/{k}"), errors)
                    }
                    _ => {}
                },
            }
        }
    }
}

fn check(text: &str) -> Vec<String> {
    let value: Value = serde_saphyr::from_str(text).unwrap();
    let root = schema();
    let mut errors = Vec::new();
    validate(&root, &root, &value, "", &mut errors);
    errors
}

#[test]
fn every_example_is_valid_against_the_schema() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let errors = check(&std::fs::read_to_string(&path).unwrap());
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
            count += 1;
        }
    }
    assert!(count >= 6, "only {count} examples");
}

#[test]
fn the_schema_rejects_typos_and_bad_values() {
    let base = "target: http://127.0.0.1:8000\nload: { users: 1, duration: 1s }\nusers:\n  - name: u\n    journeys:\n      - name: j\n        steps:\n";
    assert!(check(&format!("{base}          - get: /a\n")).is_empty());
    assert!(
        !check(&format!(
            "{base}          - get: /a\n            expcet: {{ status: 200 }}\n"
        ))
        .is_empty()
    );
    assert!(!check(&format!("{base}          - think: 2 seconds\n")).is_empty());
    assert!(!check(&format!("{base}          - gett: /a\n")).is_empty());
    assert!(
        !check(&format!(
            "{base}          - get: /a\n            on_failure: retry\n"
        ))
        .is_empty()
    );
    assert!(!check(&base.replace("duration: 1s", "duration: 10")).is_empty());
    assert!(
        !check(&format!(
            "{base}          - get: /a\nthresholds: {{ all: {{ p95x: 1s }} }}\n"
        ))
        .is_empty()
    );
    for good in ["auto", "1.1", "\"1.1\"", "2", "\"2\""] {
        let text = format!("{base}          - get: /a\ndefaults: {{ http: {good} }}\n");
        assert!(check(&text).is_empty(), "{good}: {:?}", check(&text));
    }
    assert!(
        !check(&format!(
            "{base}          - get: /a\ndefaults: {{ http: 3 }}\n"
        ))
        .is_empty()
    );
}
