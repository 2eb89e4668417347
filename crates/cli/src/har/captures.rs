//! Ids the server handed out that later requests send back, turned into
//! captures: a value of a JSON response that appears again as a whole URL
//! path segment, a query or form value or a JSON body value becomes
//! `capture: { user_id: $.id }` on the response that first produced it,
//! and `{{ user_id }}` where it is reused.
//!
//! Only distinctive values count (strings of 2 characters or more,
//! integers of 3 digits or more: a `1` or a `20` turns up everywhere by
//! chance), and only values the client had not sent before the response
//! came (an echoed username is the client's own, not the server's id).
//! A value two responses share (user 101 and order 101) goes to the first
//! producer: the recording alone cannot tell the two apart.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::recording::{Body, Step};
use super::url::decode;

/// Leaves looked at per response, so a huge list stays cheap.
const MAX_LEAVES: usize = 10_000;

/// Where a value was first seen in a response, and the variable it got
/// once something reused it.
struct Producer {
    step: usize,
    path: Vec<Key>,
    var: Option<String>,
}

/// One step of a JSON path.
#[derive(Clone)]
enum Key {
    Member(String),
    Index(usize),
}

/// Finds the reused values of `steps` and rewrites both ends.
pub(crate) fn link(steps: &mut [Step]) {
    let mut producers: HashMap<String, Producer> = HashMap::new();
    let mut sent: HashSet<String> = HashSet::new();
    let mut taken: HashSet<String> = HashSet::new();
    for i in 0..steps.len() {
        let (before, rest) = steps.split_at_mut(i);
        let step = &mut rest[0];
        let mut use_of = |value: &str| -> Option<String> {
            let producer = producers.get_mut(value)?;
            if producer.var.is_none() {
                let var = unique(
                    variable_name(&before[producer.step], &producer.path),
                    &mut taken,
                );
                before[producer.step]
                    .captures
                    .push((var.clone(), json_path(&producer.path)));
                producer.var = Some(var);
            }
            producer.var.clone()
        };
        rewrite_request(step, &mut use_of, &mut sent);
        let mut leaves = Vec::new();
        if let Some(json) = &step.response_json {
            collect_leaves(json, &mut Vec::new(), &mut leaves);
        }
        for (path, text) in leaves {
            if !sent.contains(&text) && !producers.contains_key(&text) {
                producers.insert(
                    text,
                    Producer {
                        step: i,
                        path,
                        var: None,
                    },
                );
            }
        }
    }
}

/// The text a value is matched by, if it is distinctive enough to be an id.
fn distinctive(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if s.trim().chars().count() >= 2 => Some(s.clone()),
        Value::Number(n) => {
            let n = n.as_i64()?;
            (n.unsigned_abs() >= 100).then(|| n.to_string())
        }
        _ => None,
    }
}

/// The text of a sent value, distinctive or not (what the client knew).
fn sent_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn collect_leaves(value: &Value, path: &mut Vec<Key>, out: &mut Vec<(Vec<Key>, String)>) {
    if out.len() >= MAX_LEAVES {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                path.push(Key::Member(key.clone()));
                collect_leaves(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push(Key::Index(index));
                collect_leaves(child, path, out);
                path.pop();
            }
        }
        leaf => {
            if let Some(text) = distinctive(leaf) {
                out.push((path.clone(), text));
            }
        }
    }
}

/// Replaces reused values in the step's path, query and body with their
/// variables, and records every value it sends in `sent`.
fn rewrite_request(
    step: &mut Step,
    use_of: &mut impl FnMut(&str) -> Option<String>,
    sent: &mut HashSet<String>,
) {
    step.path = rewrite_path(&step.path, use_of, sent);
    match &mut step.body {
        Body::Json(json) => rewrite_json(json, use_of, sent),
        Body::Form(fields) => {
            for (_, value) in fields {
                sent.insert(value.clone());
                if let Some(var) = use_of(value) {
                    *value = template(&var);
                }
            }
        }
        Body::Text(_) | Body::None => {}
    }
}

fn rewrite_path(
    path: &str,
    use_of: &mut impl FnMut(&str) -> Option<String>,
    sent: &mut HashSet<String>,
) -> String {
    let (segments, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let mut out: Vec<String> = Vec::new();
    for segment in segments.split('/') {
        let value = decode(segment);
        let replaced = use_of(&value).map(|var| template(&var));
        sent.insert(value);
        out.push(replaced.unwrap_or_else(|| segment.to_owned()));
    }
    let mut path = out.join("/");
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, raw)) => {
                    let value = decode(raw);
                    let replaced = use_of(&value).map(|var| template(&var));
                    sent.insert(value);
                    format!("{name}={}", replaced.unwrap_or_else(|| raw.to_owned()))
                }
                None => pair.to_owned(),
            })
            .collect();
        path.push('?');
        path.push_str(&pairs.join("&"));
    }
    path
}

fn rewrite_json(
    value: &mut Value,
    use_of: &mut impl FnMut(&str) -> Option<String>,
    sent: &mut HashSet<String>,
) {
    match value {
        Value::Object(map) => map
            .values_mut()
            .for_each(|child| rewrite_json(child, use_of, sent)),
        Value::Array(items) => items
            .iter_mut()
            .for_each(|child| rewrite_json(child, use_of, sent)),
        leaf => {
            let Some(text) = sent_text(leaf) else { return };
            if distinctive(leaf).is_some()
                && let Some(var) = use_of(&text)
            {
                // A string that is exactly one `{{ }}` keeps the captured
                // value's JSON type, so a numeric id stays a number.
                *leaf = Value::String(template(&var));
            }
            sent.insert(text);
        }
    }
}

fn template(var: &str) -> String {
    format!("{{{{ {var} }}}}")
}

/// `$.id`, `$.data.items[0].id`, `$['x-id']`.
fn json_path(path: &[Key]) -> String {
    let mut out = String::from("$");
    for key in path {
        match key {
            Key::Index(i) => out.push_str(&format!("[{i}]")),
            Key::Member(name) if is_identifier(name) => {
                out.push('.');
                out.push_str(name);
            }
            Key::Member(name) => {
                let escaped = name.replace('\\', "\\\\").replace('\'', "\\'");
                out.push_str(&format!("['{escaped}']"));
            }
        }
    }
    out
}

fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `id` of `POST /users` → `user_id`; `id` under `order` → `order_id`;
/// `orderNumber` → `order_number`.
fn variable_name(producer: &Step, path: &[Key]) -> String {
    let members: Vec<&str> = path
        .iter()
        .filter_map(|key| match key {
            Key::Member(name) => Some(name.as_str()),
            Key::Index(_) => None,
        })
        .collect();
    let last = members.last().copied().unwrap_or("value");
    if !last.eq_ignore_ascii_case("id") {
        return snake(last);
    }
    let owner = match members.len() {
        2.. => snake(members[members.len() - 2]),
        _ => resource_of(&producer.path),
    };
    format!("{}_id", singular(&owner))
}

/// The last literal segment of a path: `/api/v1/orders?x=1` → `orders`.
fn resource_of(path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    path.split('/')
        .rev()
        .find(|s| {
            !s.is_empty() && !s.contains("{{") && !s.starts_with(|c: char| c.is_ascii_digit())
        })
        .map(snake)
        .unwrap_or_else(|| "item".to_owned())
}

fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = word.strip_suffix('s').filter(|s| !s.ends_with('s')) {
        stem.to_owned()
    } else {
        word.to_owned()
    }
}

/// Lower snake case of letters and digits: `orderNumber` → `order_number`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        });
    }
    let out = out.trim_matches('_').to_owned();
    if out.is_empty() {
        "value".to_owned()
    } else {
        out
    }
}

/// Names the templates already mean something by, and minijinja's words.
const RESERVED: &[&str] = &[
    "vu", "journey", "response", "value", "loop", "true", "false", "none", "and", "or", "not",
    "in", "is", "if", "else",
];

fn unique(base: String, taken: &mut HashSet<String>) -> String {
    let base =
        if base.starts_with(|c: char| c.is_ascii_digit()) || RESERVED.contains(&base.as_str()) {
            format!("v_{base}")
        } else {
            base
        };
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::har::recording::Method;

    fn step(method: Method, path: &str, body: Body, response: Option<Value>) -> Step {
        Step {
            method,
            service: None,
            path: path.into(),
            headers: Vec::new(),
            bearer: None,
            body,
            status: Some(200),
            captures: Vec::new(),
            response_json: response,
        }
    }

    #[test]
    fn an_id_reused_in_a_body_and_a_path_becomes_one_capture() {
        let mut steps = vec![
            step(
                Method::Post,
                "/users",
                Body::Json(json!({"username": "ada"})),
                Some(json!({"id": 4711, "username": "ada"})),
            ),
            step(Method::Get, "/users/4711?expand=orders", Body::None, None),
            step(
                Method::Post,
                "/orders",
                Body::Json(json!({"user_id": 4711, "item": "widget", "qty": 1})),
                Some(json!({"id": "ord-9f3a", "user_id": 4711, "status": "created"})),
            ),
            step(
                Method::Post,
                "/payments?order=ord-9f3a",
                Body::Json(json!({"order_id": "ord-9f3a", "amount": 10.5})),
                None,
            ),
        ];
        link(&mut steps);
        assert_eq!(steps[0].captures, vec![("user_id".into(), "$.id".into())]);
        assert_eq!(steps[1].path, "/users/{{ user_id }}?expand=orders");
        assert_eq!(
            steps[2].body,
            Body::Json(json!({"user_id": "{{ user_id }}", "item": "widget", "qty": 1}))
        );
        // The order's own `user_id` is the client's value again: only its id
        // is new, and the first producer of the user id stays the capture.
        assert_eq!(steps[2].captures, vec![("order_id".into(), "$.id".into())]);
        assert_eq!(steps[3].path, "/payments?order={{ order_id }}");
        assert_eq!(
            steps[3].body,
            Body::Json(json!({"order_id": "{{ order_id }}", "amount": 10.5}))
        );
    }

    #[test]
    fn tiny_numbers_echoes_and_unused_values_are_left_alone() {
        let mut steps = vec![
            step(
                Method::Post,
                "/carts",
                Body::Json(json!({"owner": "bob"})),
                Some(json!({"id": 7, "owner": "bob", "token": "zz-unused"})),
            ),
            step(
                Method::Post,
                "/carts/7/items",
                Body::Json(json!({"owner": "bob", "qty": 7})),
                None,
            ),
        ];
        link(&mut steps);
        assert!(steps[0].captures.is_empty());
        assert_eq!(steps[1].path, "/carts/7/items");
        assert_eq!(steps[1].body, Body::Json(json!({"owner": "bob", "qty": 7})));
    }

    #[test]
    fn nested_and_listed_values_get_their_paths_and_names() {
        let mut steps = vec![
            step(
                Method::Get,
                "/products?category=tools",
                Body::None,
                Some(json!([{"id": 101, "name": "hammer"}, {"id": 202, "name": "saw"}])),
            ),
            step(
                Method::Post,
                "/api/session",
                Body::None,
                Some(
                    json!({"data": {"account": {"id": "acc-1"}, "sessionKey": "s3cr3t-x", "x-id": "weird-1"}}),
                ),
            ),
            step(Method::Get, "/products/202", Body::None, None),
            step(
                Method::Post,
                "/accounts/acc-1/keys",
                Body::Form(vec![
                    ("key".into(), "s3cr3t-x".into()),
                    ("w".into(), "weird-1".into()),
                ]),
                None,
            ),
        ];
        link(&mut steps);
        assert_eq!(
            steps[0].captures,
            vec![("product_id".into(), "$[1].id".into())]
        );
        assert_eq!(
            steps[1].captures,
            vec![
                ("account_id".into(), "$.data.account.id".into()),
                ("session_key".into(), "$.data.sessionKey".into()),
                ("x_id".into(), "$.data['x-id']".into()),
            ]
        );
        assert_eq!(steps[2].path, "/products/{{ product_id }}");
        assert_eq!(steps[3].path, "/accounts/{{ account_id }}/keys");
        assert_eq!(
            steps[3].body,
            Body::Form(vec![
                ("key".into(), "{{ session_key }}".into()),
                ("w".into(), "{{ x_id }}".into())
            ])
        );
    }

    #[test]
    fn names_stay_unique_and_usable() {
        let mut taken = HashSet::new();
        assert_eq!(unique("user_id".into(), &mut taken), "user_id");
        assert_eq!(unique("user_id".into(), &mut taken), "user_id_2");
        assert_eq!(unique("value".into(), &mut taken), "v_value");
        assert_eq!(unique("2fa".into(), &mut taken), "v_2fa");
        assert_eq!(singular("categories"), "category");
        assert_eq!(singular("address"), "address");
        assert_eq!(snake("orderNumber"), "order_number");
    }
}
