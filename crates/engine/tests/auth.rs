//! `auth:` against a real server that records the `Authorization` header it
//! received: Basic from literal and templated credentials, Bearer from a
//! captured token, a step's replacing the defaults'; and a failing request's
//! credentials never reach the summary, even when the server echoes them.

mod support;

use starling_report::{TerminalOptions, render_terminal};
use support::wire::{Reply, Wire};
use support::{plan, request, run};

/// The `Authorization` headers the server received, by path.
fn received(server: &Wire, path: &str) -> Vec<String> {
    server
        .seen
        .requests()
        .iter()
        .filter(|r| r.path() == path)
        .map(|r| r.header("authorization").unwrap_or("(none)").to_owned())
        .collect()
}

#[test]
fn basic_and_bearer_arrive_as_the_authorization_header() {
    let server = Wire::respond(|req| match req.path() {
        "/login" => Reply::json(200, r#"{"token":"tok-abc123"}"#),
        _ => Reply::text(200, "ok"),
    });
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 1, spawn_rate: 100, iterations: 1 }
defaults:
  auth: { basic: [ada, s3cret] }
users:
  - name: member
    journeys:
      - name: j
        steps:
          - get: /defaults
          - set: { pw: '"pw-" ~ vu.id' }
          - get: /templated
            auth: { basic: ["user-{{ vu.id }}", "{{ pw }}"] }
          - post: /login
            capture: { token: $.token }
          - get: /bearer
            auth: { bearer: "{{ token }}" }
"#;
    let outcome = run(plan(yaml, &server.url));
    assert_eq!(outcome.summary.journeys["j"].succeeded, 1);
    // base64("ada:s3cret"), base64("user-0:pw-0") (the first user is 0).
    assert_eq!(received(&server, "/defaults"), ["Basic YWRhOnMzY3JldA=="]);
    assert_eq!(received(&server, "/templated"), ["Basic dXNlci0wOnB3LTA="]);
    assert_eq!(received(&server, "/bearer"), ["Bearer tok-abc123"]);
}

#[test]
fn a_failing_request_with_basic_auth_keeps_the_password_out_of_the_summary() {
    // The server refuses and echoes what it was sent, decoded and not,
    // as a careless error page would.
    let server = Wire::respond(|req| {
        let header = req.header("authorization").unwrap_or("").to_owned();
        Reply::text(
            401,
            &format!("denied ada:correct-horse-battery (password correct-horse-battery, {header})"),
        )
    });
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 1, spawn_rate: 100, iterations: 1 }
users:
  - name: member
    journeys:
      - name: j
        steps:
          - get: /private
            auth: { basic: [ada, correct-horse-battery] }
"#;
    let outcome = run(plan(yaml, &server.url));
    let s = &outcome.summary;
    assert_eq!(
        received(&server, "/private"),
        ["Basic YWRhOmNvcnJlY3QtaG9yc2UtYmF0dGVyeQ=="]
    );
    let example = &request(s, "GET /private").examples[0].example;
    assert_eq!(example.status, Some(401));
    // The summary as every renderer gets it: the JSON and the terminal.
    let mut json = Vec::new();
    starling_report::write_json(s, &mut json).unwrap();
    let mut text = Vec::new();
    render_terminal(s, &mut text, &TerminalOptions::default()).unwrap();
    let (json, text) = (
        String::from_utf8(json).unwrap(),
        String::from_utf8(text).unwrap(),
    );
    for secret in [
        "correct-horse-battery",
        "YWRhOmNvcnJlY3QtaG9yc2UtYmF0dGVyeQ==",
    ] {
        assert!(!json.contains(secret), "{secret} in {json}");
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert_eq!(
        example.body,
        "denied [redacted] (password [redacted], [redacted])"
    );
}
