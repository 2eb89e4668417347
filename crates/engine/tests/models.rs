//! Load models: the open model starts journeys at the configured rate, a
//! stop from the control channel ends a run gracefully with its results.

mod support;

use std::time::Duration;

use starling_engine::Control;
use support::{Shop, plan, run, run_with};

#[test]
fn the_open_model_starts_exactly_the_scheduled_arrivals() {
    let shop = Shop::start();
    let yaml = r#"
target: "{{TARGET}}"
load: { arrival_rate: 50, duration: 2s, max_users: 20 }
users:
  - name: visitor
    journeys:
      - name: browse
        steps: [ { get: /browse } ]
"#;
    let outcome = run(plan(yaml, &shop.url));
    let s = &outcome.summary;
    // 50/s for 2 s: arrivals are due at 0, 20 ms, ..., 1.98 s, and a
    // healthy server leaves none of them dropped (not even the last).
    assert_eq!(s.journeys["browse"].started, 100);
    assert_eq!(s.totals.dropped_arrivals, 0);
    assert_eq!(shop.seen.count("GET /browse"), s.journeys["browse"].started);
    assert_eq!(s.run.model, "open");
}

#[test]
fn a_stop_ends_the_run_early_and_keeps_what_was_measured() {
    let shop = Shop::start();
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 5, spawn_rate: 100, duration: 1h }
users:
  - name: shopper
    wait: constant(10ms)
    journeys:
      - name: browse
        steps: [ { get: /browse } ]
"#;
    let control = Control::new();
    let stopper = {
        let control = control.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(700));
            control.stop();
        })
    };
    let outcome = run_with(plan(yaml, &shop.url), &control);
    stopper.join().unwrap();
    assert!(outcome.stopped_early);
    let s = &outcome.summary;
    assert!(s.run.stopped_early);
    let sent = shop.seen.count("GET /browse");
    assert!(sent > 0);
    // Every request the server answered was counted, none twice.
    assert_eq!(s.requests["GET /browse"].count, sent);
    assert_eq!(s.journeys["browse"].started, s.journeys["browse"].succeeded);
}
