//! Bounded against any load shape: `max_users` holds at any arrival rate.
//! (At 20,000 arrivals/s, `max_users: 500` once reached 711 users and 712
//! connections: users were counted when their task first ran, so a burst
//! of arrivals created many before any was counted.)

mod support;

use std::time::Duration;

use support::wire::{Reply, Wire};
use support::{plan, run};

#[test]
fn max_users_holds_at_twenty_thousand_arrivals_a_second() {
    // Every journey takes 300 ms, so nearly every arrival needs a new user
    // and only the cap stops them.
    let server = Wire::respond(|_| Reply::text(200, "ok").after(Duration::from_millis(300)));
    let yaml = r#"
target: "{{TARGET}}"
load: { arrival_rate: 20000, duration: 1s, max_users: 50 }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /x
"#;
    let outcome = run(plan(yaml, &server.url));
    let summary = &outcome.summary;
    assert!(
        summary.totals.dropped_arrivals > 10_000,
        "{:?}",
        summary.totals
    );
    assert!(
        summary.run.peak_users <= 50,
        "peak {}",
        summary.run.peak_users
    );
    // One connection per user: the server saw no more than the cap.
    let connections = server
        .seen
        .connections
        .load(std::sync::atomic::Ordering::Relaxed);
    assert!(connections <= 50, "{connections} connections");
    assert!(connections >= 40, "the cap was reached: {connections}");
}

/// A run shorter than a collection round still reports its peak of users
/// (it said `0 users (peak)`: users were only sampled at rounds).
#[test]
fn a_run_shorter_than_a_round_reports_its_peak_users() {
    let server = Wire::respond(|_| Reply::text(200, "ok"));
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 3, spawn_rate: 1000, duration: 300ms }
users:
  - name: u
    wait: 50ms
    journeys:
      - name: j
        steps:
          - get: /x
"#;
    let config = starling_engine::RunConfig {
        workers: 2,
        collect_every: Duration::from_secs(5),
        ..starling_engine::RunConfig::default()
    };
    let outcome = starling_engine::run(
        std::sync::Arc::new(plan(yaml, &server.url)),
        &config,
        &starling_engine::Control::new(),
        |_| {},
    )
    .unwrap();
    assert!(outcome.summary.totals.requests > 0);
    assert_eq!(outcome.summary.run.peak_users, 3);
}
