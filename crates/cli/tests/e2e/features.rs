//! examples/features.yaml: every feature of the format, run for real.

use crate::support::{Demo, Run, example};

#[test]
fn the_features_example_runs_cleanly_against_the_demo() {
    let demo = Demo::start();
    let ran = Run::new(example("features.yaml"))
        .against(&demo)
        .args(["--users", "3", "--spawn-rate", "100", "--duration", "3s"])
        .succeeds();
    let totals = &ran.summary.totals;
    assert!(totals.requests > 0);
    assert_eq!(totals.failures, 0, "{:?}", totals.failure_categories);
}
