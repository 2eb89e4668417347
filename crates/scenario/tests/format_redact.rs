//! The scenario's part of redaction (issue 17 item 13): `redact:` names,
//! `secret: true` captures, and the values `env()` read, all kept in the
//! Plan for the engine to keep out of failure examples.

mod support;

use std::path::Path;

use starling_scenario::{Step, compile_str};
use support::report;

const SCENARIO: &str = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
redact: [PIN, Otp]
users:
  - name: u
    journeys:
      - name: j
        steps:
          - post: /login
            headers: { x-a: "{{ env('PATH') }}", x-b: "{{ env('FORMAT_REDACT_UNSET', 'a-default') }}" }
            capture:
              token: { json: $.token, secret: true }
              id: $.id
"#;

#[test]
fn redact_names_secret_captures_and_env_values_reach_the_plan() {
    // PATH is set wherever tests run (and setting a variable is unsafe).
    let path = std::env::var("PATH").unwrap();
    let plan = compile_str(SCENARIO, Path::new("s.yaml")).unwrap().plan;
    assert_eq!(plan.redact.names, ["pin", "otp"]);
    // A default is written in the file, so it is not an environment secret.
    assert_eq!(plan.redact.env_values, [path]);
    assert!(plan.redact.is_secret_name("user_pin"));
    let Step::Request(login) = &plan.journeys[0].steps[0] else {
        panic!("a request");
    };
    let secret: Vec<(&str, bool)> = login
        .capture
        .iter()
        .map(|c| (c.var.as_str(), c.secret))
        .collect();
    assert_eq!(secret, [("token", true), ("id", false)]);
}

#[test]
fn a_bad_secret_flag_or_redact_name_is_a_located_error() {
    let source = SCENARIO
        .replace("secret: true", "secret: maybe")
        .replace("[PIN, Otp]", "[pin, '']");
    let report = report(&source);
    assert!(report.starts_with("failed"), "{report}");
    assert!(
        report.contains("s.yaml:3:") || report.contains("scenario.yaml:3:"),
        "{report}"
    );
    assert!(report.contains("`secret`"), "{report}");
    assert!(report.contains("a `redact` name is empty"), "{report}");
}
