//! `--start-at`: segments on several machines begin together. Before the
//! time, a run waits; after it, the run starts its clock in the past and
//! says how late it is, and in the open model the arrivals already due
//! start at once with their lag counted (coordinated omission), none lost.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use starling_engine::{Control, RunConfig, RunOutcome};
use support::plan;
use support::wire::{Reply, Wire};

const OPEN: &str = r#"
target: "{{TARGET}}"
load: { arrival_rate: 20, duration: 1s, max_users: 50 }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /x
"#;

fn run_at(server: &Wire, start_at: SystemTime) -> RunOutcome {
    let config = RunConfig {
        workers: 1,
        seed: Some(3),
        start_at: Some(start_at),
        collect_every: Duration::from_millis(100),
        ..RunConfig::default()
    };
    starling_engine::run(
        Arc::new(plan(OPEN, &server.url)),
        &config,
        &Control::new(),
        |_| {},
    )
    .unwrap()
}

#[test]
fn a_run_waits_for_its_common_start() {
    let server = Wire::respond(|_| Reply::text(200, "ok"));
    let asked = Instant::now();
    let outcome = run_at(&server, SystemTime::now() + Duration::from_millis(700));
    let first = server.seen.requests().first().map(|r| r.at).unwrap();
    assert!(
        first.duration_since(asked) >= Duration::from_millis(690),
        "the first request came {:?} after the run was asked for",
        first.duration_since(asked)
    );
    assert_eq!(outcome.summary.totals.journeys_started, 20);
    assert_eq!(outcome.summary.run.started_late_ms, None);
}

#[test]
fn a_late_segment_says_so_and_starts_the_due_arrivals_late() {
    let server = Wire::respond(|_| Reply::text(200, "ok"));
    let outcome = run_at(&server, SystemTime::now() - Duration::from_millis(500));
    let summary = &outcome.summary;
    let late = summary.run.started_late_ms.expect("lateness reported");
    assert!((500..1500).contains(&late), "{late} ms late");
    // All 20 planned arrivals, the first ten due before the run began.
    assert_eq!(
        summary.totals.journeys_started + summary.totals.dropped_arrivals,
        20
    );
    assert_eq!(summary.totals.dropped_arrivals, 0);
    // The ones that were due in the past are late by up to half a second,
    // and the corrected latency says so; the measured one does not.
    let corrected = summary.totals.latency_corrected.max_us;
    assert!(corrected >= 400_000, "corrected max {corrected} µs");
    assert!(summary.totals.latency.max_us < corrected);
}
