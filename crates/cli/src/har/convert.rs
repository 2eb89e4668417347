//! A HAR's entries → a [`Recording`]: pure, so every rule is unit-tested
//! on exact input. Entries stay in recorded order; static assets, CORS
//! preflights and what a scenario cannot send are left out and counted;
//! each origin gets a name; bodies and headers are trimmed to what the
//! server reads; then reused ids are linked (`captures.rs`), and recorded
//! credentials that are left are replaced by environment references.

use std::collections::BTreeSet;

use serde_json::Value;

use super::assets;
use super::captures;
use super::headers::{self, Kept};
use super::model::{Entry, Har};
use super::recording::{Body, LeftOut, Method, Recording, Step};
use super::url::{self, decode};

/// Why a HAR makes no journey.
#[derive(Debug, PartialEq)]
pub(crate) enum Empty {
    NoEntries,
    AllLeftOut(LeftOut),
}

pub(crate) fn convert(har: &Har) -> Result<Recording, Empty> {
    if har.log.entries.is_empty() {
        return Err(Empty::NoEntries);
    }
    let mut left_out = LeftOut::default();
    let mut origins: Vec<(String, String)> = Vec::new();
    let mut steps = Vec::new();
    for entry in &har.log.entries {
        let (Some(method), Some(split)) = (
            Method::parse(&entry.request.method),
            url::split(&entry.request.url),
        ) else {
            left_out.other += 1;
            continue;
        };
        if is_preflight(entry, method) {
            left_out.preflights += 1;
            continue;
        }
        if assets::is_static(&split.path, &entry.response.content.mime_type) {
            left_out.static_assets += 1;
            continue;
        }
        let index = match origins
            .iter()
            .position(|(origin, _)| *origin == split.origin)
        {
            Some(index) => index,
            None => {
                origins.push((split.origin.clone(), url::service_name(&split.authority)));
                origins.len() - 1
            }
        };
        let service = (index > 0).then(|| origins[index].1.clone());
        steps.push(step(entry, method, service, split.path));
    }
    if steps.is_empty() {
        return Err(Empty::AllLeftOut(left_out));
    }
    captures::link(&mut steps);
    let mut secrets = BTreeSet::new();
    for step in &mut steps {
        hide_secrets(step, &mut secrets);
    }
    let mut origins = origins.into_iter();
    let target = origins.next().map(|(origin, _)| origin).unwrap_or_default();
    Ok(Recording {
        target,
        services: origins.map(|(origin, name)| (name, origin)).collect(),
        steps,
        left_out,
        secrets: secrets.into_iter().collect(),
    })
}

/// A browser asks before a cross-origin call; a load generator never needs to.
fn is_preflight(entry: &Entry, method: Method) -> bool {
    entry
        .resource_type
        .as_deref()
        .is_some_and(|kind| kind.eq_ignore_ascii_case("preflight"))
        || (method == Method::Options
            && entry
                .request
                .headers
                .iter()
                .any(|h| h.name.eq_ignore_ascii_case("access-control-request-method")))
}

fn step(entry: &Entry, method: Method, service: Option<String>, path: String) -> Step {
    let body = body(entry);
    let typed = matches!(body, Body::Json(_) | Body::Form(_));
    let mut headers = Vec::new();
    let mut bearer = None;
    for header in &entry.request.headers {
        match headers::keep(&header.name, &header.value, typed) {
            Kept::Dropped => {}
            Kept::Header(name, value) => headers.push((name, value)),
            Kept::FromEnv(name, var) => headers.push((name, env_ref(&var))),
            Kept::Bearer(var) => bearer = Some(var),
        }
    }
    let status = match entry.response.status {
        // No answer (blocked, aborted) or a redirect starling follows
        // itself: nothing it could see again.
        status @ 100..=299 | status @ 400..=599 => u16::try_from(status).ok(),
        _ => None,
    };
    let content = &entry.response.content;
    let response_json = content
        .text
        .as_deref()
        .filter(|_| content.encoding.is_none() && is_json(&content.mime_type))
        .and_then(|text| serde_json::from_str(text).ok());
    Step {
        method,
        service,
        path,
        headers,
        bearer,
        body,
        status,
        captures: Vec::new(),
        response_json,
    }
}

fn body(entry: &Entry) -> Body {
    let Some(post) = &entry.request.post_data else {
        return Body::None;
    };
    let Some(text) = post.text.as_deref().filter(|t| !t.is_empty()) else {
        return Body::None;
    };
    let mime = post.mime_type.to_ascii_lowercase();
    if is_json(&mime)
        && let Ok(json) = serde_json::from_str::<Value>(text)
    {
        return Body::Json(json);
    }
    if mime.starts_with("application/x-www-form-urlencoded") {
        return Body::Form(
            text.split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (decode(name), decode(value))
                })
                .collect(),
        );
    }
    Body::Text(text.to_owned())
}

fn is_json(mime: &str) -> bool {
    let mime = mime.split(';').next().unwrap_or_default().trim();
    mime.eq_ignore_ascii_case("application/json") || mime.to_ascii_lowercase().ends_with("+json")
}

fn env_ref(var: &str) -> String {
    format!("{{{{ env('{var}') }}}}")
}

/// Recorded credentials still written literally (secret-named query,
/// form and JSON fields) → environment references, named in `secrets`.
fn hide_secrets(step: &mut Step, secrets: &mut BTreeSet<String>) {
    let mut hide = |name: &str, value: &mut String| {
        if headers::is_secret_name(name) && !value.contains("{{") {
            let var = headers::env_name(name);
            *value = env_ref(&var);
            secrets.insert(var);
        }
    };
    if let Some((path, query)) = step.path.split_once('?') {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) => {
                    let mut value = value.to_owned();
                    hide(&decode(name), &mut value);
                    format!("{name}={value}")
                }
                None => pair.to_owned(),
            })
            .collect();
        step.path = format!("{path}?{}", pairs.join("&"));
    }
    match &mut step.body {
        Body::Form(fields) => fields
            .iter_mut()
            .for_each(|(name, value)| hide(name, value)),
        Body::Json(json) => hide_json(json, &mut hide),
        Body::Text(_) | Body::None => {}
    }
    for (_, value) in &step.headers {
        if let Some(var) = value
            .strip_prefix("{{ env('")
            .and_then(|v| v.strip_suffix("') }}"))
        {
            secrets.insert(var.to_owned());
        }
    }
    if let Some(var) = &step.bearer {
        secrets.insert(var.clone());
    }
}

fn hide_json(json: &mut Value, hide: &mut impl FnMut(&str, &mut String)) {
    match json {
        Value::Object(map) => {
            for (name, child) in map.iter_mut() {
                match child {
                    Value::String(text) => hide(name, text),
                    // A secret-named number or flag is still a credential
                    // (a PIN): written as text from the environment.
                    Value::Number(_) if headers::is_secret_name(name) => {
                        let mut text = child.to_string();
                        hide(name, &mut text);
                        *child = Value::String(text);
                    }
                    other => hide_json(other, hide),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|child| hide_json(child, hide)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn har(entries: Value) -> Har {
        serde_json::from_value(json!({ "log": { "version": "1.2", "entries": entries } }))
            .expect("a HAR")
    }

    fn entry(method: &str, url: &str, status: i64, mime: &str, text: &str) -> Value {
        json!({
            "request": { "method": method, "url": url, "headers": [] },
            "response": { "status": status, "content": { "mimeType": mime, "text": text } }
        })
    }

    #[test]
    fn static_assets_preflights_and_other_schemes_are_left_out() {
        let mut preflight = entry("OPTIONS", "http://127.0.0.1:9/users", 204, "", "");
        preflight["request"]["headers"] =
            json!([{ "name": "Access-Control-Request-Method", "value": "POST" }]);
        let mut typed_preflight = entry("OPTIONS", "http://127.0.0.1:9/x", 204, "", "");
        typed_preflight["_resourceType"] = json!("preflight");
        let recording = convert(&har(json!([
            entry("GET", "http://127.0.0.1:9/", 200, "text/html", "<html>"),
            entry("GET", "http://127.0.0.1:9/app.css", 200, "text/css", ""),
            entry("GET", "http://127.0.0.1:9/logo", 200, "image/png", ""),
            entry(
                "GET",
                "http://127.0.0.1:9/favicon.ico",
                404,
                "text/plain",
                ""
            ),
            entry("GET", "data:image/png;base64,AAAA", 200, "image/png", ""),
            entry("TRACE", "http://127.0.0.1:9/", 200, "", ""),
            preflight,
            typed_preflight,
            entry(
                "GET",
                "http://127.0.0.1:9/products",
                200,
                "application/json",
                "[]"
            ),
        ])))
        .expect("a journey");
        let paths: Vec<&str> = recording.steps.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(paths, ["/", "/products"]);
        assert_eq!(
            recording.left_out,
            LeftOut {
                static_assets: 3,
                preflights: 2,
                other: 2
            }
        );
    }

    #[test]
    fn origins_become_the_target_and_services() {
        let recording = convert(&har(json!([
            entry("GET", "http://127.0.0.1:8000/a", 200, "", ""),
            entry("GET", "https://pay.example.com/b?x=1", 201, "", ""),
            entry("GET", "http://127.0.0.1:8000/c", 302, "", ""),
            entry("GET", "https://pay.example.com/d", 0, "", ""),
        ])))
        .expect("a journey");
        assert_eq!(recording.target, "http://127.0.0.1:8000");
        assert_eq!(
            recording.services,
            vec![(
                "pay_example_com".to_owned(),
                "https://pay.example.com".to_owned()
            )]
        );
        let steps: Vec<(Option<&str>, &str, Option<u16>)> = recording
            .steps
            .iter()
            .map(|s| (s.service.as_deref(), s.path.as_str(), s.status))
            .collect();
        assert_eq!(
            steps,
            [
                (None, "/a", Some(200)),
                (Some("pay_example_com"), "/b?x=1", Some(201)),
                (None, "/c", None),
                (Some("pay_example_com"), "/d", None),
            ]
        );
    }

    #[test]
    fn bodies_are_kept_by_type_and_credentials_are_never_written() {
        let recording = convert(&har(json!([{
            "request": {
                "method": "POST",
                "url": "http://h/login?api_key=k-42&page=2",
                "headers": [
                    { "name": "Content-Type", "value": "application/json" },
                    { "name": "Authorization", "value": "Bearer eyJhbGciOi.secret" },
                    { "name": "Cookie", "value": "session=abcdef" },
                    { "name": "X-Tenant", "value": "acme" }
                ],
                "postData": { "mimeType": "application/json",
                              "text": "{\"user\":\"ada\",\"password\":\"hunter22\",\"pin\":1234}" }
            },
            "response": { "status": 200, "content": { "mimeType": "application/json", "text": "{}" } }
        }, {
            "request": {
                "method": "POST", "url": "http://h/form",
                "headers": [{ "name": "Content-Type", "value": "text/csv" }],
                "postData": { "mimeType": "text/csv", "text": "a,b\n1,2" }
            },
            "response": { "status": 204, "content": {} }
        }, {
            "request": {
                "method": "POST", "url": "http://h/f",
                "postData": { "mimeType": "application/x-www-form-urlencoded",
                              "text": "name=Ada+L&secret_answer=blue%21" }
            },
            "response": { "status": 200, "content": {} }
        }])))
        .expect("a journey");
        let login = &recording.steps[0];
        assert_eq!(login.path, "/login?api_key={{ env('API_KEY') }}&page=2");
        assert_eq!(
            login.headers,
            vec![("x-tenant".to_owned(), "acme".to_owned())]
        );
        assert_eq!(login.bearer.as_deref(), Some("TOKEN"));
        assert_eq!(
            login.body,
            Body::Json(json!({"user": "ada", "password": "{{ env('PASSWORD') }}", "pin": 1234}))
        );
        let csv = &recording.steps[1];
        assert_eq!(csv.body, Body::Text("a,b\n1,2".into()));
        assert_eq!(
            csv.headers,
            vec![("content-type".to_owned(), "text/csv".to_owned())]
        );
        assert_eq!(
            recording.steps[2].body,
            Body::Form(vec![
                ("name".into(), "Ada L".into()),
                ("secret_answer".into(), "{{ env('SECRET_ANSWER') }}".into())
            ])
        );
        assert_eq!(
            recording.secrets,
            ["API_KEY", "PASSWORD", "SECRET_ANSWER", "TOKEN"]
        );
    }

    #[test]
    fn a_har_with_nothing_to_send_is_refused() {
        assert_eq!(convert(&har(json!([]))).err(), Some(Empty::NoEntries));
        let only_assets = har(json!([entry(
            "GET",
            "http://h/a.js",
            200,
            "text/javascript",
            ""
        )]));
        assert_eq!(
            convert(&only_assets).err(),
            Some(Empty::AllLeftOut(LeftOut {
                static_assets: 1,
                ..LeftOut::default()
            }))
        );
    }
}
