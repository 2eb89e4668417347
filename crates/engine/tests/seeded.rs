//! `--seed` makes a run reproducible, template functions included: the
//! same seed sends the same `uuid()`, `random_int` and `random_string`
//! values (they drew from a thread-global generator, so two seeded runs
//! sent different ids); another seed sends others.

mod support;

use std::sync::Arc;
use std::time::Duration;

use starling_engine::{Control, RunConfig};
use support::plan;
use support::wire::{Reply, Wire};

const SCENARIO: &str = r#"
target: "{{TARGET}}"
load: { users: 3, spawn_rate: 1000, iterations: 4 }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /x/{{ uuid() }}?n={{ random_int(1, 1000000000) }}&s={{ random_string(12) }}
          - set: { pick: "random_int(1, 1000000000)" }
          - get: /y/{{ pick }}
"#;

/// What the server received in a run with `seed`, sorted (users on two
/// workers interleave differently every run; the multiset must not).
fn requests_with_seed(seed: u64) -> Vec<String> {
    let server = Wire::respond(|_| Reply::text(200, "ok"));
    let config = RunConfig {
        workers: 2,
        seed: Some(seed),
        stop_timeout: Duration::from_secs(5),
        collect_every: Duration::from_millis(200),
        ..RunConfig::default()
    };
    let outcome = starling_engine::run(
        Arc::new(plan(SCENARIO, &server.url)),
        &config,
        &Control::new(),
        |_| {},
    )
    .unwrap();
    assert_eq!(outcome.summary.totals.requests, 24);
    let mut targets: Vec<String> = server
        .seen
        .requests()
        .into_iter()
        .map(|r| r.target)
        .collect();
    targets.sort();
    targets
}

#[test]
fn one_seed_sends_the_same_random_values_and_another_does_not() {
    let first = requests_with_seed(11);
    let second = requests_with_seed(11);
    assert_eq!(first, second);
    // Twelve iterations drew twelve different ids.
    let ids: std::collections::BTreeSet<&str> = first
        .iter()
        .filter(|t| t.starts_with("/x/"))
        .map(|t| t.split('?').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 12, "{first:?}");
    assert_ne!(first, requests_with_seed(12));
}
