//! End-of-run warnings (issue 18): what silently changed the test is
//! said in WARNINGS at the end of the summary and kept in the results.

use crate::support::{Demo, Run};

#[test]
fn users_beyond_the_fixed_counts_are_a_warning_in_the_summary_and_the_results() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().expect("a temp dir");
    let scenario = dir.path().join("fixed.yaml");
    std::fs::write(
        &scenario,
        r#"target: http://127.0.0.1:8000
load: { users: 1, spawn_rate: 100, iterations: 1 }
users:
  - name: browser
    count: 2
    journeys:
      - name: browse
        steps:
          - get: /products
"#,
    )
    .expect("the scenario is written");
    let ran = Run::new(&scenario)
        .against(&demo)
        .args(["--users", "10"])
        .succeeds();
    // Two users ran, one journey each: the other eight never started.
    assert_eq!(ran.summary.totals.journeys_started, 2);
    let text = "--users 10 was ignored: every user type has a fixed `count`, so 2 users ran";
    let stdout = &ran.outcome.stdout;
    let warnings = &stdout[stdout.find("WARNINGS").expect("a WARNINGS section")..];
    assert!(warnings.contains(&format!("- {text}")), "{warnings}");
    assert_eq!(
        ran.json["run"]["warnings"],
        serde_json::json!([{ "kind": "users_ignored", "asked": 10, "fixed": 2 }])
    );
    assert_eq!(ran.summary.run.warnings[0].to_string(), text);
}

#[test]
fn a_run_with_nothing_changed_has_no_warnings() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().expect("a temp dir");
    let scenario = dir.path().join("weighted.yaml");
    std::fs::write(
        &scenario,
        r#"target: http://127.0.0.1:8000
load: { users: 1, spawn_rate: 100, iterations: 1 }
users:
  - name: browser
    journeys:
      - name: browse
        steps:
          - get: /products
"#,
    )
    .expect("the scenario is written");
    let ran = Run::new(&scenario)
        .against(&demo)
        .args(["--users", "3"])
        .succeeds();
    assert_eq!(ran.summary.totals.journeys_started, 3);
    assert!(!ran.outcome.stdout.contains("WARNINGS"));
    assert!(ran.json["run"].get("warnings").is_none());
}

#[test]
fn unique_data_that_ran_out_is_a_warning_naming_the_source_and_the_users_it_stopped() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(dir.path().join("names.csv"), "name\nada\ngrace\n").expect("the data");
    let scenario = dir.path().join("unique.yaml");
    std::fs::write(
        &scenario,
        r#"target: http://127.0.0.1:8000
data:
  people: { csv: names.csv, order: unique }
load: { users: 5, spawn_rate: 100, iterations: 1 }
users:
  - name: signup
    journeys:
      - name: signup
        steps:
          - post: /users
            json: { username: "{{ people.name }}" }
            expect: { status: 201 }
"#,
    )
    .expect("the scenario is written");
    let ran = Run::new(&scenario).against(&demo).succeeds();
    // Two rows: two users signed up, the other three found none.
    assert_eq!(ran.count("POST /users"), 2);
    let text = "data source `people` ran out of unique rows: 3 users found none and stopped (on_exhausted: stop)";
    let stdout = &ran.outcome.stdout;
    let warnings = &stdout[stdout.find("WARNINGS").expect("a WARNINGS section")..];
    assert!(warnings.contains(&format!("- {text}")), "{warnings}");
    assert_eq!(
        ran.json["run"]["warnings"],
        serde_json::json!([{ "kind": "data_ran_out", "source": "people", "users": 3 }])
    );
}

#[test]
fn pacing_that_could_not_be_kept_is_a_warning_counting_the_late_starts() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().expect("a temp dir");
    let scenario = dir.path().join("paced.yaml");
    // Each journey thinks 100ms, so a 20ms pacing cannot be kept: every
    // start after a user's first is late.
    std::fs::write(
        &scenario,
        r#"target: http://127.0.0.1:8000
load: { users: 1, spawn_rate: 100, iterations: 3 }
users:
  - name: poller
    wait: pacing(20ms)
    journeys:
      - name: look
        steps:
          - get: /products
          - think: 100ms
"#,
    )
    .expect("the scenario is written");
    let ran = Run::new(&scenario).against(&demo).succeeds();
    assert_eq!(ran.summary.totals.journeys_started, 3);
    let text = "user type `poller` could not keep `pacing(20ms)`: 2 of 2 journeys started late (the journey before took longer than the period)";
    let stdout = &ran.outcome.stdout;
    let warnings = &stdout[stdout.find("WARNINGS").expect("a WARNINGS section")..];
    assert!(warnings.contains(&format!("- {text}")), "{warnings}");
    assert_eq!(
        ran.json["run"]["warnings"],
        serde_json::json!([{ "kind": "pacing_late", "user_type": "poller", "period_ms": 20, "late": 2, "paced": 2 }])
    );
}
