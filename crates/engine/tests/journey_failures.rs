//! A journey that fails without a failed request still says why: a
//! runtime template error, an expression that cannot be evaluated, a data
//! source with no row, a poll that never settles and a journey cut off at
//! the end each leave an example with their category on the journey, which
//! the FAILURES table shows. (A runtime template error once failed 45,681
//! of 45,681 journeys with no FAILURES table at all.)

mod support;

use std::time::Duration;

use starling_engine::{Control, RunConfig};
use starling_metrics::{FailureCategory, Summary};
use starling_report::{TerminalOptions, render_terminal};
use support::wire::{Reply, Wire};
use support::{plan, run};

fn ok_server() -> Wire {
    Wire::respond(|_| Reply::json(200, r#"{"status":"pending"}"#))
}

fn scenario(steps: &str) -> String {
    format!(
        "target: \"{{{{TARGET}}}}\"\nload: {{ users: 1, spawn_rate: 100, iterations: 3 }}\nusers:\n  - name: u\n    journeys:\n      - name: j\n        steps:\n{steps}"
    )
}

/// The journey's example of `category`, and the FAILURES table's text.
fn journey_failure(summary: &Summary, category: FailureCategory) -> (String, String) {
    let j = &summary.journeys["j"];
    assert_eq!(j.failed, j.started, "every iteration fails: {j:?}");
    assert!(j.started > 0);
    let example = j
        .examples
        .iter()
        .find(|e| e.category == category)
        .unwrap_or_else(|| panic!("no {category:?} example in {:?}", j.examples));
    let mut text = Vec::new();
    render_terminal(summary, &mut text, &TerminalOptions::default()).unwrap();
    (
        example.example.error.clone(),
        String::from_utf8(text).unwrap(),
    )
}

#[test]
fn a_runtime_template_error_is_in_failures() {
    let server = ok_server();
    let yaml =
        scenario("          - set: { low: 1 }\n          - get: /x/{{ random_int(5, low) }}\n");
    let outcome = run(plan(&yaml, &server.url));
    assert_eq!(outcome.summary.totals.requests, 0, "nothing was sent");
    let (error, table) = journey_failure(&outcome.summary, FailureCategory::Template);
    assert!(error.contains("random_int"), "{error}");
    assert!(table.contains("FAILURES"), "{table}");
    assert!(table.contains("template   journey j"), "{table}");
}

#[test]
fn an_expression_error_is_in_failures() {
    let server = ok_server();
    let yaml =
        scenario("          - get: /x\n          - set: { n: \"response.json.status + 1\" }\n");
    let outcome = run(plan(&yaml, &server.url));
    assert_eq!(outcome.summary.totals.failures, 0, "no request failed");
    let (error, table) = journey_failure(&outcome.summary, FailureCategory::Template);
    assert!(error.starts_with("set `n`"), "{error}");
    assert!(table.contains("journey j"), "{table}");
}

#[test]
fn a_poll_that_never_settles_is_in_failures() {
    let server = ok_server();
    let steps = "          - poll:\n              get: /status\n            every: 20ms\n            until: response.json.status == \"settled\"\n            timeout: 100ms\n";
    let outcome = run(plan(&scenario(steps), &server.url));
    assert_eq!(
        outcome.summary.totals.failures, 0,
        "every attempt was answered"
    );
    let (error, table) = journey_failure(&outcome.summary, FailureCategory::Expectation);
    assert!(error.contains("until"), "{error}");
    assert!(table.contains("expectation   journey j"), "{table}");
}

/// Two users, one unique row, `on_exhausted: error`: the second user's
/// journeys fail with no request sent, and say which source ran out.
#[test]
fn a_data_source_that_ran_out_is_in_failures() {
    let dir = std::env::temp_dir().join(format!("starling-jf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("one.csv");
    std::fs::write(&csv, "name\nada\n").unwrap();
    let server = ok_server();
    let yaml = format!(
        "target: \"{{{{TARGET}}}}\"\ndata:\n  d: {{ csv: \"{}\", order: unique, on_exhausted: error }}\nload: {{ users: 2, spawn_rate: 100, iterations: 2 }}\nusers:\n  - name: u\n    journeys:\n      - name: j\n        steps:\n          - get: /x/{{{{ d.name }}}}\n",
        csv.display()
    );
    let outcome = run(plan(&yaml, &server.url));
    let _ = std::fs::remove_dir_all(&dir);
    let j = &outcome.summary.journeys["j"];
    assert_eq!((j.succeeded, j.failed), (2, 2), "{j:?}");
    let example = j
        .examples
        .iter()
        .find(|e| e.category == FailureCategory::Data)
        .expect("a data example");
    assert!(
        example.example.error.contains("`d` ran out of unique rows"),
        "{:?}",
        example.example
    );
}

/// A journey thinking when the stop timeout runs out is cut off: counted
/// failed as interrupted, with an example saying so.
#[test]
fn a_journey_cut_off_at_the_end_is_in_failures() {
    let server = ok_server();
    let yaml = "target: \"{{TARGET}}\"\nload: { users: 1, spawn_rate: 100, duration: 300ms }\nusers:\n  - name: u\n    journeys:\n      - name: j\n        steps:\n          - get: /x\n          - think: 1h\n";
    let config = RunConfig {
        workers: 1,
        stop_timeout: Duration::from_millis(100),
        collect_every: Duration::from_millis(100),
        ..RunConfig::default()
    };
    let outcome = starling_engine::run(
        std::sync::Arc::new(plan(yaml, &server.url)),
        &config,
        &Control::new(),
        |_| {},
    )
    .unwrap();
    let (error, _) = journey_failure(&outcome.summary, FailureCategory::Interrupted);
    assert!(error.contains("cut off at step 2"), "{error}");
}
