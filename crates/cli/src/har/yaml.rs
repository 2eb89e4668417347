//! A [`Recording`] written as scenario YAML, by hand in a fixed order so
//! the same HAR always gives the same file and a diff between two
//! recordings shows only what changed. Block style throughout, strings
//! plain where YAML reads them back unchanged and JSON-quoted otherwise
//! (a JSON string is a valid YAML double-quoted scalar).

use std::fmt::Write;

use serde_json::Value;

use super::recording::{Body, Recording, Step};

/// The scenario text for `recording`, converted from the HAR named `source`.
pub(crate) fn write(recording: &Recording, source: &str) -> String {
    let mut out = String::new();
    header(&mut out, recording, source);
    line(
        &mut out,
        0,
        &format!("target: {}", scalar(&recording.target)),
    );
    if !recording.services.is_empty() {
        out.push_str(
            "services:            # the other origins; --service NAME=URL aims one elsewhere\n",
        );
        for (name, url) in &recording.services {
            line(&mut out, 2, &format!("{}: {}", scalar(name), scalar(url)));
        }
    }
    out.push_str(
        "load:\n  users: 1            # one user, one journey: a replay; raise users and set a duration for load\n  iterations: 1\n",
    );
    out.push_str(
        "users:\n  - name: recorded\n    journeys:\n      - name: recording\n        steps:\n",
    );
    for step in &recording.steps {
        write_step(&mut out, step);
    }
    out
}

fn header(out: &mut String, recording: &Recording, source: &str) {
    let left = &recording.left_out;
    let _ = writeln!(
        out,
        "# Recorded in a browser and converted by `starling init --from-har {source}`:"
    );
    let _ = writeln!(
        out,
        "# {} requests in recorded order; left out: {} static assets, {} CORS preflights, {} others.",
        recording.steps.len(),
        left.static_assets,
        left.preflights,
        left.other
    );
    out.push_str(
        "# Ids the server handed out and later requests sent back are captures\n\
         # (`capture: { user_id: $.id }`, then `{{ user_id }}`); each request expects\n\
         # the status the browser got. Cookies are left to each user's cookie jar.\n",
    );
    if !recording.secrets.is_empty() {
        let _ = writeln!(
            out,
            "# Recorded credentials are not written here: set {} in the environment.",
            recording.secrets.join(", ")
        );
    }
    out.push_str("# `starling validate` checks this file; `starling run` runs it.\n");
}

fn write_step(out: &mut String, step: &Step) {
    line(
        out,
        10,
        &format!("- {}: {}", step.method.key(), scalar(&step.path)),
    );
    if let Some(service) = &step.service {
        line(out, 12, &format!("service: {}", scalar(service)));
    }
    if !step.headers.is_empty() {
        line(out, 12, "headers:");
        for (name, value) in &step.headers {
            line(out, 14, &format!("{}: {}", scalar(name), scalar(value)));
        }
    }
    if let Some(var) = &step.bearer {
        let token = format!("{{{{ env('{var}') }}}}");
        line(out, 12, &format!("auth: {{ bearer: {} }}", scalar(&token)));
    }
    match &step.body {
        Body::None => {}
        Body::Json(json) => map_entry(out, 12, "json", json),
        Body::Form(fields) => {
            line(out, 12, "form:");
            for (name, value) in fields {
                line(out, 14, &format!("{}: {}", scalar(name), scalar(value)));
            }
        }
        Body::Text(text) => line(out, 12, &format!("body: {}", scalar(text))),
    }
    if let Some(status) = step.status {
        line(out, 12, &format!("expect: {{ status: {status} }}"));
    }
    if !step.captures.is_empty() {
        line(out, 12, "capture:");
        for (var, path) in &step.captures {
            line(out, 14, &format!("{var}: {}", scalar(path)));
        }
    }
}

fn line(out: &mut String, indent: usize, text: &str) {
    let _ = writeln!(out, "{:indent$}{text}", "");
}

fn map_entry(out: &mut String, indent: usize, key: &str, value: &Value) {
    let key = scalar(key);
    match value {
        Value::Object(map) if !map.is_empty() => {
            line(out, indent, &format!("{key}:"));
            for (k, v) in map {
                map_entry(out, indent + 2, k, v);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            line(out, indent, &format!("{key}:"));
            for item in items {
                list_item(out, indent + 2, item);
            }
        }
        _ => line(out, indent, &format!("{key}: {}", inline(value))),
    }
}

fn list_item(out: &mut String, indent: usize, value: &Value) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            // The first member goes on the dash's line, the rest under it.
            let mut inner = String::new();
            for (k, v) in map {
                map_entry(&mut inner, indent + 2, k, v);
            }
            let _ = write!(out, "{:indent$}- {}", "", &inner[indent + 2..]);
        }
        Value::Array(items) if !items.is_empty() => {
            line(out, indent, "-");
            for item in items {
                list_item(out, indent + 2, item);
            }
        }
        _ => line(out, indent, &format!("- {}", inline(value))),
    }
}

fn inline(value: &Value) -> String {
    match value {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        Value::String(s) => scalar(s),
        other => other.to_string(),
    }
}

/// Words YAML reads as something other than a string.
const SPECIAL: &[&str] = &["true", "false", "yes", "no", "on", "off", "null", "y", "n"];

/// `text` as a YAML scalar: plain when that reads back as the same string,
/// else double-quoted.
fn scalar(text: &str) -> String {
    let plain_char = |c: char| c.is_ascii_alphanumeric() || "_./-@~%+=&?:$".contains(c) || c == ' ';
    let plain = text
        .starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '_' || c == '$')
        && !text.ends_with([' ', ':'])
        && text.chars().all(plain_char)
        && !text.contains(": ")
        && !text.contains(" #")
        && !SPECIAL.contains(&text.to_ascii_lowercase().as_str());
    if plain {
        text.to_owned()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::har::recording::{LeftOut, Method};

    #[test]
    fn scalars_are_plain_only_when_they_read_back_the_same() {
        assert_eq!(scalar("/users?page=2&x=a%20b"), "/users?page=2&x=a%20b");
        assert_eq!(scalar("http://127.0.0.1:8000"), "http://127.0.0.1:8000");
        assert_eq!(scalar("$.id"), "$.id");
        assert_eq!(scalar("widget"), "widget");
        assert_eq!(scalar("/users/{{ user_id }}"), "\"/users/{{ user_id }}\"");
        assert_eq!(scalar("$[0].id"), "\"$[0].id\"");
        assert_eq!(scalar("$.data['x-id']"), "\"$.data['x-id']\"");
        assert_eq!(scalar("123"), "\"123\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("a #b"), "\"a #b\"");
        assert_eq!(scalar("x:"), "\"x:\"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("line\nbreak \"q\""), "\"line\\nbreak \\\"q\\\"\"");
    }

    #[test]
    fn a_recording_is_written_in_a_fixed_readable_layout() {
        let recording = Recording {
            target: "http://127.0.0.1:8000".into(),
            services: vec![("pay_example_com".into(), "https://pay.example.com".into())],
            steps: vec![
                Step {
                    method: Method::Post,
                    service: None,
                    path: "/users".into(),
                    headers: vec![("x-tenant".into(), "acme".into())],
                    bearer: Some("TOKEN".into()),
                    body: Body::Json(json!({
                        "empty": {}, "n": null, "tags": ["a", {"k": 1, "v": [true]}], "username": "ada"
                    })),
                    status: Some(201),
                    captures: vec![("user_id".into(), "$.id".into())],
                    response_json: Some(json!({"id": 1})),
                },
                Step {
                    method: Method::Post,
                    service: Some("pay_example_com".into()),
                    path: "/pay".into(),
                    headers: Vec::new(),
                    bearer: None,
                    body: Body::Form(vec![("user".into(), "{{ user_id }}".into())]),
                    status: None,
                    captures: Vec::new(),
                    response_json: None,
                },
                Step {
                    method: Method::Put,
                    service: None,
                    path: "/notes".into(),
                    headers: vec![("content-type".into(), "text/plain".into())],
                    bearer: None,
                    body: Body::Text("hi\n".into()),
                    status: Some(204),
                    captures: Vec::new(),
                    response_json: None,
                },
            ],
            left_out: LeftOut {
                static_assets: 3,
                preflights: 1,
                other: 0,
            },
            secrets: vec!["TOKEN".into()],
        };
        let text = write(&recording, "shop.har");
        let expected = "\
# Recorded in a browser and converted by `starling init --from-har shop.har`:
# 3 requests in recorded order; left out: 3 static assets, 1 CORS preflights, 0 others.
# Ids the server handed out and later requests sent back are captures
# (`capture: { user_id: $.id }`, then `{{ user_id }}`); each request expects
# the status the browser got. Cookies are left to each user's cookie jar.
# Recorded credentials are not written here: set TOKEN in the environment.
# `starling validate` checks this file; `starling run` runs it.
target: http://127.0.0.1:8000
services:            # the other origins; --service NAME=URL aims one elsewhere
  pay_example_com: https://pay.example.com
load:
  users: 1            # one user, one journey: a replay; raise users and set a duration for load
  iterations: 1
users:
  - name: recorded
    journeys:
      - name: recording
        steps:
          - post: /users
            headers:
              x-tenant: acme
            auth: { bearer: \"{{ env('TOKEN') }}\" }
            json:
              empty: {}
              \"n\": null
              tags:
                - a
                - k: 1
                  v:
                    - true
              username: ada
            expect: { status: 201 }
            capture:
              user_id: $.id
          - post: /pay
            service: pay_example_com
            form:
              user: \"{{ user_id }}\"
          - put: /notes
            headers:
              content-type: text/plain
            body: \"hi\\n\"
            expect: { status: 204 }
";
        assert_eq!(text, expected);
    }
}
