//! A run always ends: journeys that await nothing (only `set` steps, a
//! branch not taken, a runtime template error, a data column that is not
//! there) once spun a worker forever, deaf to its clock and to a stop. And
//! a failing system never receives more load than a healthy one: a failed
//! step still costs its user the think time it skipped.
//!
//! Each run here is watched: if it has not ended well after its planned
//! end, the test fails instead of hanging.

mod support;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use starling_engine::{Control, RunConfig, RunOutcome};
use starling_metrics::FailureCategory;
use support::plan;
use support::wire::{Reply, Wire};

/// Runs `plan` on `workers` threads; fails the test if the run has not
/// returned within `limit` (the spinning thread is left behind: the test
/// process ends with the failure).
fn run_watched(
    plan: starling_scenario::Plan,
    workers: usize,
    limit: Duration,
    control: Control,
) -> RunOutcome {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let config = RunConfig {
            workers,
            seed: Some(7),
            stop_timeout: Duration::from_secs(2),
            collect_every: Duration::from_millis(200),
            ..RunConfig::default()
        };
        let outcome = starling_engine::run(Arc::new(plan), &config, &control, |_| {});
        let _ = tx.send(outcome);
    });
    match rx.recv_timeout(limit) {
        Ok(outcome) => outcome.expect("run starts"),
        Err(_) => panic!("the run did not end within {limit:?}"),
    }
}

const LOAD: &str = "load: { users: 2, duration: 1s }";

fn scenario(target: &str, steps: &str) -> String {
    format!(
        "target: \"{target}\"\n{LOAD}\nusers:\n  - name: u\n    journeys:\n      - name: j\n        steps:\n{steps}"
    )
}

/// The reproduction from the report: a journey of one `set` step, one
/// worker, no think time.
#[test]
fn a_journey_of_only_set_steps_ends_on_time() {
    let yaml = scenario("http://127.0.0.1:9", "          - set: { a: 1 }\n");
    let outcome = run_watched(plan(&yaml, ""), 1, Duration::from_secs(20), Control::new());
    let j = &outcome.summary.journeys["j"];
    assert!(j.started > 100, "journeys ran: {}", j.started);
    assert_eq!(j.succeeded, j.started);
    assert_eq!(outcome.summary.totals.requests, 0);
}

#[test]
fn an_if_whose_branch_is_not_taken_ends_on_time() {
    let server = Wire::respond(|_| Reply::text(200, "ok"));
    let steps = "          - if: vu.id < 0\n            then:\n              - get: /never\n";
    let yaml = scenario(&server.url, steps);
    let outcome = run_watched(plan(&yaml, ""), 1, Duration::from_secs(20), Control::new());
    assert!(outcome.summary.journeys["j"].succeeded > 100);
    assert_eq!(server.seen.total(), 0, "the branch sent nothing");
}

#[test]
fn a_runtime_template_error_ends_on_time_and_fails_every_journey() {
    let server = Wire::respond(|_| Reply::text(200, "ok"));
    // The bounds come from a variable, so only running finds them wrong.
    let steps = "          - set: { low: 1 }\n          - get: /x/{{ random_int(5, low) }}\n";
    let yaml = scenario(&server.url, steps);
    let outcome = run_watched(plan(&yaml, ""), 1, Duration::from_secs(20), Control::new());
    let j = &outcome.summary.journeys["j"];
    assert!(j.started > 100, "journeys ran: {}", j.started);
    assert_eq!(j.failed, j.started);
    assert_eq!(server.seen.total(), 0);
}

#[test]
fn a_data_column_the_file_lacks_ends_on_time() {
    let dir = std::env::temp_dir().join(format!("starling-never-hang-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv: PathBuf = dir.join("d.csv");
    std::fs::write(&csv, "name\nada\nbob\n").unwrap();
    // The column is chosen at run time: a literal `d.nope` is found by
    // `validate` now, and this test is about a run that meets the fault.
    let server = Wire::respond(|_| Reply::text(200, "ok"));
    let yaml = format!(
        "target: \"{}\"\ndata:\n  d: {{ csv: \"{}\" }}\n{LOAD}\nusers:\n  - name: u\n    journeys:\n      - name: j\n        steps:\n          - set: {{ col: \"'nope'\" }}\n          - get: /x/{{{{ d[col] }}}}\n",
        server.url,
        csv.display()
    );
    let outcome = run_watched(plan(&yaml, ""), 1, Duration::from_secs(20), Control::new());
    let _ = std::fs::remove_dir_all(&dir);
    let j = &outcome.summary.journeys["j"];
    assert!(j.started > 100, "journeys ran: {}", j.started);
    assert_eq!(j.failed, j.started);
    assert_eq!(server.seen.total(), 0);
}

/// A spinning user must not hide the stop signal either: a run planned for
/// an hour ends soon after `stop`.
#[test]
fn a_stop_reaches_a_worker_whose_journeys_await_nothing() {
    let yaml = "target: \"http://127.0.0.1:9\"\nload: { users: 4, duration: 1h }\nusers:\n  - name: u\n    journeys:\n      - name: j\n        steps:\n          - set: { a: 1 }\n";
    let control = Control::new();
    let stopper = control.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        stopper.stop();
    });
    let outcome = run_watched(plan(yaml, ""), 1, Duration::from_secs(20), control);
    assert!(outcome.stopped_early);
    assert!(outcome.summary.journeys["j"].succeeded > 0);
}

/// A loopback port with nothing listening on it.
fn refused_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

/// The report: three users paced only by a think step sent 81,298
/// requests in one second to a refused port, because the failed first
/// step skipped the think. Now each iteration costs its think time however
/// it ends: at most one request per user per second here, as when healthy.
#[test]
fn a_failed_step_still_costs_the_think_time_it_skipped() {
    let steps = "          - get: /first\n          - think: 1s\n          - get: /second\n";
    let yaml = format!(
        "target: \"{}\"\nload: {{ users: 3, spawn_rate: 100, duration: 2s }}\nusers:\n  - name: u\n    journeys:\n      - name: j\n        steps:\n{steps}",
        refused_port()
    );
    let outcome = run_watched(plan(&yaml, ""), 1, Duration::from_secs(20), Control::new());
    let totals = &outcome.summary.totals;
    assert_eq!(
        totals.failure_categories.get(&FailureCategory::Connect),
        Some(&totals.requests),
        "{:?}",
        totals.failure_categories
    );
    // Two seconds, three users, one second of think per iteration: three
    // iterations each at most (and at least the first).
    assert!(
        (3..=9).contains(&totals.requests),
        "requests to the refused port: {}",
        totals.requests
    );
}

/// The same holds for a think nested in a group after the failure, and a
/// failing status (not only a transport error).
#[test]
fn a_failure_inside_a_group_still_costs_the_thinks_after_it() {
    let server = Wire::respond(|_| Reply::text(500, "down"));
    let steps = "          - group: shop\n            steps:\n              - get: /first\n                expect: { status: 200 }\n              - think: 500ms\n          - think: 500ms\n          - get: /second\n";
    let yaml = format!(
        "target: \"{}\"\nload: {{ users: 3, spawn_rate: 100, duration: 2s }}\nusers:\n  - name: u\n    journeys:\n      - name: j\n        steps:\n{steps}",
        server.url
    );
    let outcome = run_watched(plan(&yaml, ""), 1, Duration::from_secs(20), Control::new());
    assert!(
        (3..=9).contains(&server.seen.count("/first")),
        "requests to the failing server: {}",
        server.seen.count("/first")
    );
    assert_eq!(server.seen.count("/second"), 0);
    assert_eq!(outcome.summary.journeys["j"].succeeded, 0);
}
