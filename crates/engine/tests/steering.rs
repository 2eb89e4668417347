//! Live steering, as a web UI does it: a running run's load changed
//! through its `Control`. The users follow (up, then down), the arrivals
//! follow the changed rate to the arrival, and every journey started is
//! counted once, succeeded or failed.
//!
//! The changes are made from the run's own observer, on the collector's
//! thread, when a round shows the load where the test wants it: nothing
//! sleeps to wait. Each run is watched: if it has not ended well within
//! its limit, the test fails instead of hanging.

mod support;

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use starling_engine::{Control, RunConfig, RunOutcome, StatsReset, Target};
use starling_scenario::Plan;
use support::{Shop, plan};

/// Runs `plan` on two workers, calling `observe` with each round's active
/// users; fails the test if the run has not returned within `limit`.
fn run_steered(
    plan: Plan,
    control: &Control,
    limit: Duration,
    mut observe: impl FnMut(u64, Duration) + Send + 'static,
) -> RunOutcome {
    let (tx, rx) = mpsc::channel();
    let control = control.clone();
    std::thread::spawn(move || {
        let config = RunConfig {
            workers: 2,
            seed: Some(7),
            stop_timeout: Duration::from_secs(5),
            collect_every: Duration::from_millis(100),
            ..RunConfig::default()
        };
        let outcome = starling_engine::run(Arc::new(plan), &config, &control, |round| {
            observe(round.progress.active_users, round.progress.elapsed);
        });
        let _ = tx.send(outcome);
    });
    match rx.recv_timeout(limit) {
        Ok(outcome) => outcome.expect("run starts"),
        Err(_) => panic!("the run did not end within {limit:?}"),
    }
}

/// 2 users, then 6 once both run, then 1 once all six run, then a stop
/// once only one is left. The active users reach 6 and no more, the peak
/// says 6, and the users told to leave finish their journeys: every
/// journey started succeeded, and the shop saw each request once.
#[test]
fn a_closed_run_follows_its_users_up_and_down_when_told() {
    let shop = Shop::start();
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 2, spawn_rate: 100, duration: 60s }
users:
  - name: shopper
    wait: constant(10ms)
    journeys:
      - name: browse
        steps: [ { get: /browse } ]
"#;
    let control = Control::new();
    let seen: Arc<Mutex<Vec<u64>>> = Arc::default();
    let targets: Arc<Mutex<Vec<Target>>> = Arc::default();
    let (steer, log, shown) = (control.clone(), seen.clone(), targets.clone());
    let mut phase = 0;
    let outcome = run_steered(
        plan(yaml, &shop.url),
        &control,
        Duration::from_secs(50),
        move |users, _| {
            log.lock().unwrap().push(users);
            match (phase, users) {
                (0, 2) => {
                    steer.set_users(6, 100.0).unwrap();
                    shown.lock().unwrap().push(steer.target().unwrap());
                    phase = 1;
                }
                (1, 6) => {
                    steer.set_users(1, 100.0).unwrap();
                    shown.lock().unwrap().push(steer.target().unwrap());
                    phase = 2;
                }
                (2, 1) => {
                    steer.stop();
                    phase = 3;
                }
                _ => {}
            }
        },
    );
    let seen = seen.lock().unwrap();
    assert!(seen.contains(&6), "never 6 users: {seen:?}");
    assert!(seen.iter().all(|&u| u <= 6), "{seen:?}");
    let after_six = seen.iter().position(|&u| u == 6).unwrap();
    assert!(seen[after_six..].contains(&1), "never back to 1: {seen:?}");

    let targets = targets.lock().unwrap();
    assert_eq!(targets[0].heading, 6.0);
    assert_eq!(targets[1].heading, 1.0);
    assert_eq!(targets[1].ends_at, Some(Duration::from_secs(60)));

    assert!(outcome.stopped_early);
    let s = &outcome.summary;
    assert_eq!(s.run.peak_users, 6);
    let j = &s.journeys["browse"];
    assert!(j.started > 0);
    assert_eq!(j.started, j.succeeded + j.failed);
    assert_eq!(j.failed, 0);
    assert_eq!(shop.seen.count("GET /browse"), j.started);
    assert_eq!(s.requests["GET /browse"].count, j.started);
}

/// 20 arrivals/s for 3 s; once a round shows half a second gone, 100/s
/// at once. Every worker follows the change from the instant it was made,
/// so the run's arrivals are exactly the changed curve's integral:
/// 20·t + 100·(3 − t) for the change at t, each started once.
#[test]
fn an_open_run_follows_a_rate_change_to_the_arrival() {
    let shop = Shop::start();
    let yaml = r#"
target: "{{TARGET}}"
load: { arrival_rate: 20, duration: 3s, max_users: 50 }
users:
  - name: visitor
    journeys:
      - name: look
        steps: [ { get: /browse } ]
"#;
    let control = Control::new();
    let change: Arc<Mutex<Option<Target>>> = Arc::default();
    let (steer, shown) = (control.clone(), change.clone());
    let outcome = run_steered(
        plan(yaml, &shop.url),
        &control,
        Duration::from_secs(30),
        move |_, elapsed| {
            let mut shown = shown.lock().unwrap();
            if shown.is_none() && elapsed >= Duration::from_millis(500) {
                steer.set_rate(100.0, Duration::ZERO).unwrap();
                *shown = steer.target();
            }
        },
    );
    let target = change.lock().unwrap().expect("the rate was changed");
    assert_eq!(target.heading, 100.0);
    let at = target.changed_at.unwrap().as_secs_f64();
    assert!(at < 2.0, "changed at {at} s: too late to show");

    let s = &outcome.summary;
    let expected = 20.0 * at + 100.0 * (3.0 - at);
    let arrivals = s.journeys["look"].started + s.totals.dropped_arrivals;
    if (expected - expected.round()).abs() > 1e-6 {
        assert_eq!(arrivals as f64, expected.ceil(), "change at {at} s");
    } else {
        // An arrival due at the very end is a float's call.
        assert!(
            (arrivals as f64 - expected).abs() <= 1.0,
            "change at {at} s"
        );
    }
    assert_eq!(s.totals.dropped_arrivals, 0);
    let j = &s.journeys["look"];
    assert_eq!(j.started, j.succeeded + j.failed);
    assert_eq!(shop.seen.count("GET /browse"), j.started);
    assert!(!outcome.stopped_early);
}

/// Statistics reset as a web UI does it: once a round shows 300 ms gone,
/// `reset_stats`; once the reset statistics cover 300 ms, a stop. The
/// round of the reset says what it dropped; what the shop saw is exactly
/// that plus what the results count; the journeys in flight at the reset
/// are carried, so every journey counted started and ended once; and the
/// results say they cover only the time since the reset.
#[test]
fn a_reset_of_the_statistics_drops_what_was_counted_and_keeps_the_rest() {
    let shop = Shop::start();
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 4, spawn_rate: 100, duration: 60s }
users:
  - name: shopper
    journeys:
      - name: browse
        steps:
          - get: /browse
          - think: 40ms
          - get: /browse
"#;
    let control = Control::new();
    let resets: Arc<Mutex<Vec<StatsReset>>> = Arc::default();
    let after: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let (steer, seen, elapsed_after) = (control.clone(), resets.clone(), after.clone());
    let (tx, rx) = mpsc::channel();
    let run_control = control.clone();
    let plan = plan(yaml, &shop.url);
    std::thread::spawn(move || {
        let config = RunConfig {
            workers: 2,
            seed: Some(7),
            stop_timeout: Duration::from_secs(5),
            collect_every: Duration::from_millis(100),
            ..RunConfig::default()
        };
        let mut asked = false;
        let outcome = starling_engine::run(Arc::new(plan), &config, &run_control, |round| {
            if let Some(reset) = round.reset {
                seen.lock().unwrap().push(reset);
            }
            let elapsed = round.progress.elapsed;
            if !asked && elapsed >= Duration::from_millis(300) {
                steer.reset_stats().unwrap();
                asked = true;
            } else if !seen.lock().unwrap().is_empty() {
                elapsed_after.lock().unwrap().push(elapsed);
                if elapsed >= Duration::from_millis(300) {
                    steer.stop();
                }
            }
        });
        let _ = tx.send(outcome);
    });
    let outcome = rx
        .recv_timeout(Duration::from_secs(50))
        .expect("the run ended in time")
        .expect("run starts");

    let resets = resets.lock().unwrap();
    assert_eq!(resets.len(), 1, "{resets:?}");
    let reset = resets[0];
    assert!(reset.dropped_requests > 0, "{reset:?}");
    assert!(
        reset.carried_journeys > 0,
        "users always in a journey: {reset:?}"
    );
    let after = after.lock().unwrap();
    assert!(
        after[0] < Duration::from_millis(250),
        "the clock restarts at the reset: {after:?}"
    );

    let s = &outcome.summary;
    let j = &s.journeys["browse"];
    assert_eq!(j.started, j.succeeded + j.failed);
    assert_eq!(j.failed, 0);
    assert_eq!(
        shop.seen.count("GET /browse"),
        reset.dropped_requests + s.requests["GET /browse"].count,
        "each request is in the dropped statistics or the new ones, once"
    );
    let reset_after = s.run.stats_reset_after_ms.expect("marked reset");
    assert!(reset_after >= 300, "{reset_after}");
    assert!(s.run.duration_ms < 10_000 && s.run.duration_ms >= 300);
    assert!(control.reset_stats().is_err(), "no run, nothing to reset");
}
