//! `starling init`: the starter validates and runs against the demo; an
//! existing file is kept without `--force`; a HAR is converted into a
//! journey that runs against the demo; a bad HAR is refused with its line
//! and column, before anything is written.

use serde_json::json;

use crate::support::{Demo, Outcome, Run, starling};

#[test]
fn the_starter_validates_and_runs_the_checkout_against_the_demo() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let scenario = dir.path().join("starling.yaml");
    Outcome::of(starling().current_dir(dir.path()).arg("init"))
        .code(0)
        .stdout_has("wrote starling.yaml: a starter scenario");
    let text = std::fs::read_to_string(&scenario).expect("the starter was written");
    for teaches in [
        "spawn_rate:",
        "think:",
        "capture:",
        "expect:",
        "thresholds:",
        "Locust",
    ] {
        assert!(
            text.contains(teaches),
            "the starter lacks {teaches}:\n{text}"
        );
    }
    Outcome::of(starling().arg("validate").arg(&scenario))
        .code(0)
        .stdout_has("ok: 1 user type, 1 journey, 4 steps, 3 requests");

    let demo = Demo::start();
    let ran = Run::new(&scenario)
        .against(&demo)
        .args(["--users", "2", "--iterations", "1"])
        .succeeds();
    let checkout = &ran.summary.journeys["checkout"];
    assert_eq!((checkout.succeeded, checkout.failed), (2, 0));
    assert_eq!(demo.received("payments", "POST /payments"), 2);
}

#[test]
fn an_existing_file_is_kept_unless_forced() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("mine.yaml");
    std::fs::write(&path, "my own work\n").expect("a file");
    Outcome::of(starling().arg("init").arg(&path))
        .code(2)
        .stderr_has("mine.yaml already exists; not overwriting it (--force replaces it");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "my own work\n");
    Outcome::of(starling().args(["init", "--force", "-o"]).arg(&path)).code(0);
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("# A starter scenario")
    );
}

#[test]
fn a_bad_har_is_refused_with_its_place_and_nothing_written() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let har = dir.path().join("rec.har");
    let out = dir.path().join("out.yaml");
    std::fs::write(&har, "{\n  \"log\": {\n    \"entries\": {}\n  }\n}\n").expect("a file");
    Outcome::of(
        starling()
            .args(["init", "--from-har"])
            .arg(&har)
            .arg("-o")
            .arg(&out),
    )
    .code(2)
    .stderr_has("rec.har:3:15: not a HAR 1.2 file")
    .stderr_has("invalid type: map, expected a sequence");
    std::fs::write(&har, r#"{"log": {"entries": []}}"#).expect("a file");
    Outcome::of(
        starling()
            .args(["init", "--from-har"])
            .arg(&har)
            .arg("-o")
            .arg(&out),
    )
    .code(2)
    .stderr_has("rec.har: the recording has no entries");
    assert!(!out.exists());
}

/// A HAR entry as a browser writes one (the parts the converter reads).
fn entry(
    method: &str,
    url: &str,
    body: Option<serde_json::Value>,
    status: u16,
    mime: &str,
    answer: &str,
) -> serde_json::Value {
    let mut request = json!({
        "method": method,
        "url": url,
        "headers": [
            { "name": "User-Agent", "value": "Mozilla/5.0" },
            { "name": "Cookie", "value": "session=recorded-cookie-value" },
            { "name": "Authorization", "value": "Bearer recorded-token-value" },
            { "name": "sec-ch-ua", "value": "\"Chromium\"" }
        ]
    });
    if let Some(body) = body {
        request["postData"] = json!({ "mimeType": "application/json", "text": body.to_string() });
    }
    json!({
        "request": request,
        "response": { "status": status, "content": { "mimeType": mime, "text": answer } }
    })
}

#[test]
fn a_recorded_checkout_becomes_a_journey_that_runs_against_the_demo() {
    // Recorded elsewhere: other ids than the demo will hand out, so the run
    // only succeeds if the ids are captured rather than replayed.
    let origin = "http://127.0.0.1:9";
    let har = json!({ "log": { "version": "1.2", "entries": [
        entry("GET", &format!("{origin}/static/app.js"), None, 200, "application/javascript", ""),
        entry("POST", &format!("{origin}/users"), Some(json!({"username": "ada"})), 201,
              "application/json", r#"{"id": 4711, "username": "ada"}"#),
        entry("GET", &format!("{origin}/users/4711"), None, 200,
              "application/json", r#"{"id": 4711, "username": "ada"}"#),
        entry("GET", &format!("{origin}/logo.png"), None, 200, "image/png", ""),
        entry("POST", &format!("{origin}/orders"), Some(json!({"user_id": 4711, "item": "widget"})), 201,
              "application/json", r#"{"id": 8123, "user_id": 4711, "status": "created"}"#),
        entry("POST", &format!("{origin}/payments"), Some(json!({"order_id": 8123, "amount": 10.5})), 200,
              "application/json", r#"{"id": 991, "status": "settled"}"#),
    ]}});
    let dir = tempfile::tempdir().expect("a temp dir");
    let har_path = dir.path().join("checkout.har");
    // With a byte order mark, as some tools write one.
    std::fs::write(&har_path, format!("\u{feff}{har}")).expect("a file");
    let scenario = dir.path().join("checkout.yaml");
    Outcome::of(
        starling()
            .args(["init", "--from-har"])
            .arg(&har_path)
            .arg("-o")
            .arg(&scenario),
    )
    .code(0)
    .stdout_has("4 requests from")
    .stdout_has("(2 captures; 2 entries left out)");
    let text = std::fs::read_to_string(&scenario).expect("the scenario was written");
    let steps = text.split_once("        steps:\n").expect("a steps list").1;
    assert_eq!(
        steps,
        r#"          - post: /users
            auth: { bearer: "{{ env('TOKEN') }}" }
            json:
              username: ada
            expect: { status: 201 }
            capture:
              user_id: $.id
          - get: "/users/{{ user_id }}"
            auth: { bearer: "{{ env('TOKEN') }}" }
            expect: { status: 200 }
          - post: /orders
            auth: { bearer: "{{ env('TOKEN') }}" }
            json:
              item: widget
              user_id: "{{ user_id }}"
            expect: { status: 201 }
            capture:
              order_id: $.id
          - post: /payments
            auth: { bearer: "{{ env('TOKEN') }}" }
            json:
              amount: 10.5
              order_id: "{{ order_id }}"
            expect: { status: 200 }
"#
    );
    assert!(text.contains("target: http://127.0.0.1:9\n"), "{text}");
    assert!(text.contains("set TOKEN in the environment"), "{text}");
    for recorded in [
        "recorded-token-value",
        "recorded-cookie-value",
        "Mozilla",
        "sec-ch-ua",
    ] {
        assert!(!text.contains(recorded), "{recorded} was written:\n{text}");
    }

    let demo = Demo::start();
    let ran = Run::new(&scenario)
        .against(&demo)
        .env("TOKEN", "a-token-for-the-run")
        .succeeds();
    let journey = &ran.summary.journeys["recording"];
    assert_eq!((journey.succeeded, journey.failed), (1, 0));
    assert_eq!(demo.received("orders", "POST /orders"), 1);
    assert_eq!(demo.received("payments", "POST /payments"), 1);
}
