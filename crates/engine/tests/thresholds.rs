//! Thresholds judged on real runs: every scope and metric passes when the
//! run is within its limit and fails when it is not; a scope that received
//! nothing is `no data` and fails; `abort` stops a run at its first breach
//! (not before its `delay`), and the verdict says so.

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use starling_metrics::{Summary, ThresholdStatus, Verdict};
use support::wire::{Reply, Wire};
use support::{plan, run};

/// GET /fast answers at once; GET /slow after 30 ms; GET /broken with 500.
fn server() -> Wire {
    Wire::respond(|req| match req.path() {
        "/slow" => Reply::text(200, "slow").after(Duration::from_millis(30)),
        "/broken" => Reply::text(500, "down"),
        _ => Reply::text(200, "ok"),
    })
}

fn statuses(summary: &Summary) -> BTreeMap<String, ThresholdStatus> {
    summary
        .thresholds
        .iter()
        .map(|t| (t.threshold.label.clone(), t.status))
        .collect()
}

const SCENARIO: &str = r#"
target: "{{TARGET}}"
services:
  api: "{{TARGET}}"
load: { users: 2, spawn_rate: 100, iterations: 10 }
users:
  - name: shopper
    journeys:
      - name: browse
        steps:
          - group: look
            steps:
              - get: /fast
              - get: /slow
          - get: /broken
            service: api
            name: broken
            on_failure: continue
      - name: never
        weight: 0
        steps:
          - get: /never
thresholds:
  all: { errors: 40%, p50: 20ms, max: 1s, rps: 1 }
  journey browse: { p95: 1s, success: 1% }
  service api: { errors: 50%, mean: 5ms }
  request GET /slow: { p99: 25ms, p75: 1s, success: 99% }
  request broken: { errors: 99.9%, rps: 100000 }
  group look: { p90: 10ms, max: 2s, errors: 1% }
  request GET /never: { p95: 1s }
"#;

/// Expected: one third of the requests fail (so `errors: 40%` holds), the
/// slow request takes 30 ms (over 25 ms, under 1 s), a journey with a
/// failed `continue` step is failed (0% success), the weight-0 journey
/// never runs (no data).
#[test]
fn every_scope_and_metric_is_judged_on_the_run() {
    let server = server();
    let outcome = run(plan(SCENARIO, &server.url));
    let got = statuses(&outcome.summary);
    use ThresholdStatus::{Fail, NoData, Pass};
    let expected: BTreeMap<String, ThresholdStatus> = [
        ("all: errors < 40%", Pass),
        ("all: p50 < 20ms", Pass),
        ("all: max < 1s", Pass),
        ("all: rps > 1", Pass),
        ("journey browse: p95 < 1s", Pass),
        ("journey browse: success > 1%", Fail),
        ("service api: errors < 50%", Fail),
        ("service api: mean < 5ms", Pass),
        ("request GET /slow: p99 < 25ms", Fail),
        ("request GET /slow: p75 < 1s", Pass),
        ("request GET /slow: success > 99%", Pass),
        ("request broken: errors < 99.9%", Fail),
        ("request broken: rps > 100000", Fail),
        ("group look: p90 < 10ms", Fail),
        ("group look: max < 2s", Pass),
        ("group look: errors < 1%", Pass),
        ("request GET /never: p95 < 1s", NoData),
    ]
    .into_iter()
    .map(|(label, status)| (label.to_owned(), status))
    .collect();
    assert_eq!(got, expected);
    assert_eq!(outcome.summary.verdict, Verdict::Fail);
    assert!(!outcome.stopped_early);

    // The actual values are the summary's own numbers, in the limit's unit.
    let slow = outcome
        .summary
        .thresholds
        .iter()
        .find(|t| t.threshold.label == "request GET /slow: p99 < 25ms")
        .unwrap();
    let p99 = outcome.summary.requests["GET /slow"].total.p99_us as f64;
    assert_eq!(slow.actual, Some(p99));
    assert!(p99 >= 30_000.0, "{p99}");
    let never = outcome
        .summary
        .thresholds
        .iter()
        .find(|t| t.status == NoData)
        .unwrap();
    assert_eq!(never.actual, None);
}

#[test]
fn a_run_within_every_threshold_passes() {
    let server = server();
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 2, spawn_rate: 100, iterations: 5 }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /fast
thresholds:
  all: { errors: 0%, p99: 1s }
  journey j: { success: 100% }
"#;
    let outcome = run(plan(yaml, &server.url));
    assert!(
        outcome.summary.thresholds.iter().all(|t| t.passed()),
        "{:?}",
        outcome.summary.thresholds
    );
    assert_eq!(outcome.summary.verdict, Verdict::Pass);
}

#[test]
fn the_open_model_judges_dropped_arrivals() {
    // One user at most, each journey 200 ms, twenty arrivals a second: an
    // arrival waits for a free user at most the request timeout (300 ms
    // here), so most of them are dropped.
    let server = Wire::respond(|_| Reply::text(200, "ok").after(Duration::from_millis(200)));
    let yaml = r#"
target: "{{TARGET}}"
defaults: { timeout: 300ms }
load: { arrival_rate: 20, duration: 2s, max_users: 1 }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /x
thresholds:
  all: { dropped: 10% }
"#;
    let outcome = run(plan(yaml, &server.url));
    let totals = &outcome.summary.totals;
    assert!(totals.dropped_arrivals > 0, "{totals:?}");
    let result = &outcome.summary.thresholds[0];
    let arrivals = totals.journeys_started + totals.dropped_arrivals;
    assert_eq!(
        result.actual,
        Some(totals.dropped_arrivals as f64 / arrivals as f64)
    );
    assert_eq!(result.status, ThresholdStatus::Fail);
}

/// A run planned for an hour, with a threshold every request breaks:
/// `abort` stops it at the first collection round past its delay, gracefully,
/// and the verdict names it.
#[test]
fn an_abort_threshold_stops_the_run_after_its_delay() {
    let server = server();
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 2, duration: 1h }
users:
  - name: u
    wait: 10ms
    journeys:
      - name: j
        steps:
          - get: /slow
thresholds:
  all: { p50: 1ms, abort: true, delay: 1s }
  journey j: { success: 50% }
"#;
    let started = Instant::now();
    let outcome = run(plan(yaml, &server.url));
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(1),
        "judged before its delay: {took:?}"
    );
    assert!(took < Duration::from_secs(30), "not stopped: {took:?}");
    let summary = &outcome.summary;
    assert_eq!(summary.verdict, Verdict::Aborted);
    assert_eq!(summary.run.aborted_by.as_deref(), Some("all: p50 < 1ms"));
    assert!(
        !outcome.stopped_early,
        "a threshold, not the control, stopped it"
    );
    // Graceful: journeys in flight finished, none was cut off.
    let j = &summary.journeys["j"];
    assert_eq!(j.started, j.succeeded + j.failed);
    assert_eq!(j.failed, 0);
    // The other threshold is still judged on what was measured.
    assert_eq!(summary.thresholds[1].status, ThresholdStatus::Pass);
}

/// A scope with no data yet does not abort a run: only a measured breach
/// does (a request that runs late in the journey would otherwise stop
/// every run at its first round).
#[test]
fn no_data_does_not_abort_a_run_but_fails_it() {
    let server = server();
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 1, duration: 1500ms }
users:
  - name: u
    wait: 10ms
    journeys:
      - name: j
        steps:
          - get: /fast
          - if: vu.id < 0
            then:
              - get: /never
thresholds:
  request GET /never: { p95: 1s, abort: true }
"#;
    let started = Instant::now();
    let outcome = run(plan(yaml, &server.url));
    assert!(started.elapsed() >= Duration::from_millis(1400));
    assert_eq!(outcome.summary.run.aborted_by, None);
    assert_eq!(
        outcome.summary.thresholds[0].status,
        ThresholdStatus::NoData
    );
    assert_eq!(outcome.summary.verdict, Verdict::Fail);
}
