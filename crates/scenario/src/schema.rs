//! A JSON Schema (draft 2020-12) of the scenario format, for editors
//! (yaml-language-server autocompletes and checks with it) and for
//! `starling schema`. Hand-written to mirror the compiler's key lists; a
//! test checks every example against it.

use serde_json::{Value, json};

const DURATION: &str = r"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$";
const WAIT: &str = r"^(none|([0-9]+(\.[0-9]+)?(ms|s|m|h))+|(constant|pacing|exponential)\(\s*[0-9.msh]+\s*\)|between\(\s*[0-9.msh]+\s*,\s*[0-9.msh]+\s*\))$";
const THINK: &str =
    r"^(([0-9]+(\.[0-9]+)?(ms|s|m|h))+|between\(\s*[0-9.msh]+\s*,\s*[0-9.msh]+\s*\))$";
const METHODS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];

fn text() -> Value {
    json!({ "type": ["string", "number", "boolean"] })
}

fn request_properties() -> serde_json::Map<String, Value> {
    let mut props = serde_json::Map::new();
    for m in METHODS {
        props.insert(
            m.to_owned(),
            json!({ "type": "string", "description": format!("{} a path (`/orders/{{{{ id }}}}`) or an absolute URL", m.to_uppercase()) }),
        );
    }
    let rest = json!({
        "name": { "type": "string", "description": "metric name; default: method and path template" },
        "service": { "type": "string", "description": "a service declared under `services`" },
        "headers": { "$ref": "#/$defs/textMap" },
        "auth": { "$ref": "#/$defs/auth" },
        "query": { "$ref": "#/$defs/textMap" },
        "json": { "description": "any value; strings are templates" },
        "body": { "type": "string" },
        "form": { "$ref": "#/$defs/textMap" },
        "timeout": { "$ref": "#/$defs/duration" },
        "expect": { "$ref": "#/$defs/expect" },
        "capture": { "$ref": "#/$defs/capture" },
        "on_failure": { "$ref": "#/$defs/onFailure" }
    });
    if let Value::Object(rest) = rest {
        props.extend(rest);
    }
    props
}

fn request() -> Value {
    let any_method: Vec<Value> = METHODS.iter().map(|m| json!({ "required": [m] })).collect();
    json!({
        "type": "object",
        "properties": request_properties(),
        "additionalProperties": false,
        "anyOf": any_method
    })
}

fn step() -> Value {
    let steps = json!({ "$ref": "#/$defs/steps" });
    json!({
        "anyOf": [
            { "$ref": "#/$defs/request" },
            { "type": "object", "required": ["think"], "additionalProperties": false,
              "properties": { "think": { "type": "string", "pattern": THINK, "description": "`2s` or `between(1s, 3s)`" } } },
            { "type": "object", "required": ["poll", "every", "until", "timeout"], "additionalProperties": false,
              "properties": {
                  "poll": { "$ref": "#/$defs/request" },
                  "every": { "$ref": "#/$defs/duration" },
                  "until": { "type": "string", "description": "expression over `response`" },
                  "timeout": { "$ref": "#/$defs/duration" },
                  "name": { "type": "string" },
                  "on_failure": { "$ref": "#/$defs/onFailure" } } },
            { "type": "object", "required": ["if", "then"], "additionalProperties": false,
              "properties": { "if": { "type": ["string", "boolean"] }, "then": steps, "else": steps } },
            { "type": "object", "required": ["repeat", "steps"], "additionalProperties": false,
              "properties": {
                  "repeat": { "anyOf": [
                      { "type": "integer", "minimum": 1 },
                      { "type": "object", "additionalProperties": false,
                        "properties": { "times": { "type": "integer", "minimum": 1 },
                                        "while": { "type": "string" },
                                        "max": { "type": "integer", "minimum": 1 } } } ] },
                  "steps": steps } },
            { "type": "object", "required": ["group", "steps"], "additionalProperties": false,
              "properties": { "group": { "type": "string" }, "steps": steps } },
            { "type": "object", "required": ["set"], "additionalProperties": false,
              "properties": { "set": { "type": "object", "additionalProperties": text() } } }
        ]
    })
}

/// The schema of a scenario file.
pub fn schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "starling scenario",
        "description": "A load test: target, services, load, user types with journeys, data, defaults, thresholds.",
        "type": "object",
        "required": ["load", "users"],
        "additionalProperties": false,
        "properties": {
            "target": { "type": "string", "description": "base URL, e.g. http://127.0.0.1:8000" },
            "services": { "type": "object", "additionalProperties": { "anyOf": [
                { "type": "string", "description": "the service's base URL" },
                { "type": "object", "required": ["url"], "additionalProperties": false,
                  "properties": {
                    "url": { "type": "string", "description": "the service's base URL" },
                    "paths": { "type": "array", "items": { "type": "string", "pattern": "^/[^?#{]*[^/?#{]" },
                        "description": "path prefixes routed to this service (`/orders` matches `/orders` and `/orders/1`, not `/ordersx`)" } } } ] } },
            "load": { "$ref": "#/$defs/load" },
            "users": { "type": "array", "minItems": 1, "items": { "$ref": "#/$defs/userType" } },
            "data": { "type": "object", "additionalProperties": { "$ref": "#/$defs/dataSource" } },
            "defaults": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "headers": { "$ref": "#/$defs/textMap" },
                    "auth": { "$ref": "#/$defs/auth" },
                    "timeout": { "$ref": "#/$defs/duration" },
                    "max_redirects": { "type": "integer", "minimum": 0, "maximum": 255 },
                    "keep_body_bytes": { "type": "integer", "minimum": 0, "maximum": crate::plan::MAX_KEEP_BODY_BYTES },
                    "http": { "enum": ["auto", "1.1", "2", 1.1, 2],
                        "description": "HTTP version: auto (HTTP/2 on https when the server picks it), 1.1, or 2 (h2c on plain http)" },
                    "trace": {
                        "description": "a W3C traceparent per journey iteration on every request (on by default); false turns it off, baggage: true adds a baggage header with the journey and step",
                        "oneOf": [
                            { "type": "boolean" },
                            { "type": "object", "additionalProperties": false,
                              "properties": { "enabled": { "type": "boolean" }, "baggage": { "type": "boolean" } } }
                        ] } } },
            "thresholds": { "type": "object", "additionalProperties": { "$ref": "#/$defs/threshold" },
                "description": "keys: `all`, `journey NAME`, `service NAME`, `request NAME`, `group NAME`" },
            "seed": { "type": "integer", "minimum": 0 },
            "redact": { "type": "array", "items": { "type": "string", "minLength": 1 },
                "description": "more name parts (case-insensitive) whose query, form, JSON and header values are redacted from failure examples" }
        },
        "$defs": {
            "duration": { "type": "string", "pattern": DURATION },
            "wait": { "type": "string", "pattern": WAIT },
            "percent": { "type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?%$" },
            "onFailure": { "enum": ["abort", "continue"] },
            "textMap": { "type": "object", "additionalProperties": text() },
            "auth": {
                "type": "object", "additionalProperties": false, "minProperties": 1, "maxProperties": 1,
                "description": "an Authorization header: `basic: [user, password]` or `bearer: token` (templates)",
                "properties": {
                    "basic": { "type": "array", "items": text(), "minItems": 2, "maxItems": 2 },
                    "bearer": text() } },
            "load": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "users": { "type": "integer", "minimum": 1 },
                    "spawn_rate": { "type": "number", "exclusiveMinimum": 0 },
                    "duration": { "$ref": "#/$defs/duration" },
                    "iterations": { "type": "integer", "minimum": 1 },
                    "arrival_rate": { "type": "number", "exclusiveMinimum": 0 },
                    "max_users": { "type": "integer", "minimum": 1 },
                    "stages": { "type": "array", "minItems": 1, "items": {
                        "type": "object", "required": ["duration"], "additionalProperties": false,
                        "properties": {
                            "duration": { "$ref": "#/$defs/duration" },
                            "users": { "type": "integer", "minimum": 0 },
                            "rate": { "type": "number", "minimum": 0 } } } } } },
            "userType": {
                "type": "object", "required": ["name", "journeys"], "additionalProperties": false,
                "properties": {
                    "name": { "type": "string" },
                    "weight": { "type": "number", "minimum": 0 },
                    "count": { "type": "integer", "minimum": 1 },
                    "wait": { "$ref": "#/$defs/wait" },
                    "on_start": { "$ref": "#/$defs/steps" },
                    "on_stop": { "$ref": "#/$defs/steps" },
                    "headers": { "$ref": "#/$defs/textMap" },
                    "journeys": { "type": "array", "minItems": 1, "items": { "$ref": "#/$defs/journey" } },
                    "tags": { "$ref": "#/$defs/tags" } } },
            "journey": {
                "type": "object", "required": ["name", "steps"], "additionalProperties": false,
                "properties": {
                    "name": { "type": "string" },
                    "weight": { "type": "number", "minimum": 0 },
                    "steps": { "$ref": "#/$defs/steps" },
                    "tags": { "$ref": "#/$defs/tags" } } },
            "tags": { "type": "array", "items": { "type": "string", "pattern": r"^[^,\s]+$" },
                "description": "names for `--tags` / `--exclude-tags` (a user type's apply to all its journeys)" },
            "steps": { "type": "array", "items": { "$ref": "#/$defs/step" } },
            "step": step(),
            "request": request(),
            "expect": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "status": { "anyOf": [
                        { "type": "integer" }, { "type": "string" },
                        { "type": "array", "items": { "type": ["integer", "string"] } } ] },
                    "json": { "type": "object", "description": "JSONPath → value, or { exists | equals | satisfies }" },
                    "body_contains": { "anyOf": [ text(), { "type": "array", "items": text() } ],
                        "description": "text the body must contain (templates)" },
                    "headers": { "type": "object", "additionalProperties": { "type": ["string", "number", "boolean"] },
                        "description": "header → expected value (a template), or true: present" },
                    "max_duration": { "$ref": "#/$defs/duration" } } },
            "capture": {
                "type": "object",
                "additionalProperties": { "anyOf": [
                    { "type": "string", "description": "a JSONPath (`$.id`) or `status`" },
                    { "type": "object", "additionalProperties": false,
                      "properties": { "json": { "type": "string" }, "header": { "type": "string" },
                                      "regex": { "type": "string" }, "group": { "type": "integer", "minimum": 0 },
                                      "secret": { "type": "boolean", "description": "keep the value out of every failure example" } } } ] } },
            "dataSource": {
                "type": "object", "required": ["csv"], "additionalProperties": false,
                "properties": {
                    "csv": { "type": "string" },
                    "order": { "enum": ["sequential", "random", "unique"] },
                    "on_exhausted": { "enum": ["stop", "error"] } } },
            "threshold": {
                "type": "object",
                "propertyNames": { "pattern": r"^(p[0-9]+(\.[0-9]+)?|mean|max|errors|success|rps|dropped|abort|delay)$" },
                "properties": {
                    "abort": { "type": "boolean", "description": "a breach during the run stops it (exit 98)" },
                    "delay": { "$ref": "#/$defs/duration", "description": "how long into the run `abort` is first judged" },
                    "rps": { "type": "number", "exclusiveMinimum": 0, "description": "at least this many requests per second" }
                },
                "additionalProperties": { "type": "string" } }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::keys;

    fn props(v: &Value) -> Vec<String> {
        let mut keys: Vec<String> = v["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    }

    fn sorted(list: &[&str]) -> Vec<String> {
        let mut keys: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        keys.sort();
        keys
    }

    /// The schema and the compiler accept the same keys.
    #[test]
    fn keys_match_the_compiler() {
        let s = schema();
        let defs = &s["$defs"];
        assert_eq!(props(&s), sorted(keys::TOP));
        assert_eq!(props(&defs["load"]), sorted(keys::LOAD));
        assert_eq!(props(&defs["userType"]), sorted(keys::USER_TYPE));
        assert_eq!(props(&defs["journey"]), sorted(keys::JOURNEY));
        assert_eq!(props(&defs["dataSource"]), sorted(keys::DATA));
        assert_eq!(props(&defs["expect"]), sorted(keys::EXPECT));
        let mut request = sorted(keys::REQUEST);
        request.extend(METHODS.iter().map(|m| (*m).to_owned()));
        request.sort();
        assert_eq!(props(&defs["request"]), request);
    }
}
