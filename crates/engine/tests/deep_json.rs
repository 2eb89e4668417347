//! Valid JSON nested deeper than the reader goes is not "not JSON" (issue
//! 17 item 17): a capture or an expectation on it says it is too deeply
//! nested, which is what the server's owner must change.

mod support;

use starling_metrics::{FailureCategory, Summary};
use support::wire::{Reply, Wire};
use support::{plan, request, run};

/// `{"a":{"a":...{"a":1}...}}`, 200 objects deep: valid JSON.
fn nested_200() -> String {
    format!("{}1{}", r#"{"a":"#.repeat(200), "}".repeat(200))
}

const SCENARIO: &str = r#"
target: "{{TARGET}}"
load: { users: 1, spawn_rate: 100, iterations: 1 }
users:
  - name: u
    journeys:
      - name: deep
        steps:
          - get: /capture
            capture: { a: $.a }
            on_failure: continue
          - get: /expect
            expect: { json: { $.a: { exists: true } } }
"#;

fn example_error(summary: &Summary, name: &str, category: FailureCategory) -> String {
    let r = request(summary, name);
    let example = r
        .examples
        .iter()
        .find(|e| e.category == category)
        .unwrap_or_else(|| panic!("`{name}` keeps a {category:?} example: {r:?}"));
    example.example.error.clone()
}

#[test]
fn a_body_nested_200_deep_is_too_deeply_nested_not_not_json() {
    let body = nested_200();
    let server = Wire::respond(move |_| Reply::json(200, &body));
    let outcome = run(plan(SCENARIO, &server.url));
    let s = &outcome.summary;
    let too_deep = "body is nested more than 127 levels deep, too deeply nested to read as JSON";
    assert_eq!(
        example_error(s, "GET /capture", FailureCategory::Capture),
        format!("capture `a`: {too_deep}")
    );
    assert_eq!(
        example_error(s, "GET /expect", FailureCategory::Expectation),
        format!("`$.a` cannot be checked: {too_deep}")
    );
}
