//! End-of-run warnings (issue 18): what silently changed the test is
//! said in WARNINGS at the end of the summary and kept in the results,
//! and `merge` adds up the parts' warnings.

use std::time::Duration;

use starling_demo::{DemoConfig, Latency};

use crate::support::{Demo, Outcome, Run, example, starling};

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

#[test]
fn a_poll_slower_than_its_every_is_a_warning_counting_the_late_attempts() {
    // Payments answer in 100ms and settle after 300ms: the poll asks every
    // 20ms, so each attempt after the first goes out late.
    let mut config = DemoConfig {
        async_payments: true,
        settle_after: Duration::from_millis(300),
        ..DemoConfig::ephemeral()
    };
    config.knobs.payments.latency = Latency::fixed_ms(100);
    let demo = Demo::with(config);
    let dir = tempfile::tempdir().expect("a temp dir");
    let scenario = dir.path().join("poll.yaml");
    std::fs::write(
        &scenario,
        r#"target: http://127.0.0.1:8000
load: { users: 1, spawn_rate: 100, iterations: 1 }
users:
  - name: payer
    journeys:
      - name: pay
        steps:
          - post: /users
            json: { username: "payer-{{ vu.id }}" }
            expect: { status: 201 }
            capture: { user_id: $.id }
          - post: /orders
            json: { user_id: "{{ user_id }}", item: widget }
            expect: { status: 201 }
            capture: { order_id: $.id }
          - post: /payments
            json: { order_id: "{{ order_id }}", amount: 5 }
            expect: { status: 202 }
            capture: { payment_id: $.id }
          - poll:
              get: /payments/{{ payment_id }}
              expect: { status: 200 }
            every: 20ms
            until: response.json.status == "settled"
            timeout: 10s
            name: payment settles
"#,
    )
    .expect("the scenario is written");
    let ran = Run::new(&scenario).against(&demo).succeeds();
    assert_eq!(ran.summary.journeys["pay"].succeeded, 1);
    // Every attempt but the first came after one that took 100ms.
    let attempts = ran.count("GET /payments/{{ payment_id }}");
    assert!(attempts >= 2, "the payment settled only after polling");
    assert_eq!(attempts, demo.received("payments", "GET /payments/{id}"));
    let late = attempts - 1;
    let text = format!(
        "poll `payment settles` in journey `pay` could not keep `every: 20ms`: {late} of {late} attempts went out late (the attempt before took longer than the interval)"
    );
    let stdout = &ran.outcome.stdout;
    let warnings = &stdout[stdout.find("WARNINGS").expect("a WARNINGS section")..];
    assert!(warnings.contains(&format!("- {text}")), "{warnings}");
    assert_eq!(
        ran.json["run"]["warnings"],
        serde_json::json!([{ "kind": "poll_late", "poll": "payment settles", "journey": "pay", "every_ms": 20, "late": late, "repeated": late }])
    );
}

#[test]
fn a_poll_that_keeps_its_every_is_no_warning() {
    // Payments answer in 1ms and settle after 150ms: a 50ms `every` holds.
    let mut config = DemoConfig {
        async_payments: true,
        settle_after: Duration::from_millis(150),
        ..DemoConfig::ephemeral()
    };
    config.knobs.payments.latency = Latency::fixed_ms(1);
    let demo = Demo::with(config);
    let ran = Run::new(example("polling.yaml"))
        .against(&demo)
        .args(["--users", "1", "--iterations", "1"])
        .succeeds();
    let poll = &ran.summary.sections["payment settles"];
    assert_eq!(poll.failures, 0, "{poll:?}");
    assert!(
        ran.summary
            .requests
            .iter()
            .any(|(_, r)| r.service == "payments" && r.method == "GET" && r.count > 1),
        "the poll repeated: {:?}",
        ran.summary.requests.keys().collect::<Vec<_>>()
    );
    assert!(
        ran.json["run"].get("warnings").is_none(),
        "{}",
        ran.json["run"]
    );
}

/// The pacing scenario above as one user with a fixed count, so that
/// `--users` beyond it is a warning too.
const FIXED_AND_PACED: &str = r#"target: http://127.0.0.1:8000
load: { users: 1, spawn_rate: 100, iterations: 3 }
users:
  - name: poller
    count: 1
    wait: pacing(20ms)
    journeys:
      - name: look
        steps:
          - get: /products
          - think: 100ms
"#;

#[test]
fn merge_sums_the_counts_of_one_warning_and_keeps_each_other_once() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().expect("a temp dir");
    let scenario = dir.path().join("paced.yaml");
    std::fs::write(&scenario, FIXED_AND_PACED).expect("the scenario is written");
    let (a, b, all) = (
        dir.path().join("a.json"),
        dir.path().join("b.json"),
        dir.path().join("all.json"),
    );
    // Part a: --users 5 ignored, and 2 of 2 late starts; part b: 2 of 2.
    let part = |out: &std::path::Path, args: &[&str]| {
        Outcome::of(
            starling()
                .arg("run")
                .arg(&scenario)
                .args(["--host", &demo.gateway(), "--quiet", "--out"])
                .arg(out)
                .args(args),
        )
        .code(0);
    };
    part(&a, &["--users", "5"]);
    part(&b, &[]);
    let merged = Outcome::of(
        starling()
            .arg("merge")
            .arg(&a)
            .arg(&b)
            .arg("--out")
            .arg(&all),
    )
    .code(0);
    let ignored = "--users 5 was ignored: every user type has a fixed `count`, so 1 user ran";
    let late = "user type `poller` could not keep `pacing(20ms)`: 4 of 4 journeys started late (the journey before took longer than the period)";
    let stdout = &merged.stdout;
    let warnings = &stdout[stdout.find("WARNINGS").expect("a WARNINGS section")..];
    assert!(warnings.contains(&format!("- {ignored}\n")), "{warnings}");
    assert!(warnings.contains(&format!("- {late}")), "{warnings}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&all).expect("merged results"))
            .expect("JSON");
    assert_eq!(
        json["run"]["warnings"],
        serde_json::json!([
            { "kind": "users_ignored", "asked": 5, "fixed": 1 },
            { "kind": "pacing_late", "user_type": "poller", "period_ms": 20, "late": 4, "paced": 4 },
        ])
    );
}
