//! Unusable flags and files: exit 2 with a message naming the problem,
//! and not one request sent.

use crate::support::{Demo, Outcome, example, starling};

/// Runs checkout.yaml at `demo` with `flags`, expecting exit 2.
#[track_caller]
fn refused(demo: &Demo, flags: &[&str]) -> Outcome {
    let outcome = Outcome::of(
        starling()
            .arg("run")
            .arg(example("checkout.yaml"))
            .args(["--quiet", "--users", "2", "--duration", "1s"])
            .args(["--host", &demo.gateway()])
            .args(flags),
    )
    .code(2);
    assert!(outcome.stdout.is_empty(), "no summary: {}", outcome.stdout);
    outcome
}

#[test]
fn bad_flags_exit_2_before_any_load() {
    let demo = Demo::start();
    refused(&demo, &["--duration", "0s"]).stderr_has("--duration");
    refused(&demo, &["--spawn-rate=-1"]).stderr_has("--spawn-rate must be above 0, got -1");
    refused(&demo, &["--spawn-rate", "0"]).stderr_has("--spawn-rate must be above 0");
    refused(&demo, &["--workers", "0"]).stderr_has("--workers must be at least 1");
    refused(&demo, &["--stop-timeout", "soon"]).stderr_has("--stop-timeout `soon`");
    refused(&demo, &["--users", "many"]).stderr_has("--users");
    refused(&demo, &["--arrival-rate", "0"]).stderr_has("--arrival-rate must be above 0");
    refused(&demo, &["--http", "3"]).stderr_has("--http `3`: unknown HTTP version");
    refused(&demo, &["--trace-sample", "1.5"])
        .stderr_has("--trace-sample must be between 0 and 1, found 1.5");
    // Given as a separate word, `-1` reads as a flag; still refused.
    refused(&demo, &["--spawn-rate", "-1"]).stderr_has("-1");
    assert_eq!(demo.total_received(), 0, "{:?}", demo.stats());
}

#[test]
fn a_negative_spawn_rate_given_apart_names_the_flag() {
    let demo = Demo::start();
    refused(&demo, &["--spawn-rate", "-1"]).stderr_has("--spawn-rate must be above 0, got -1");
    assert_eq!(demo.total_received(), 0, "{:?}", demo.stats());
}

#[test]
fn a_host_that_is_not_a_url_is_refused() {
    // The scenario's own target is the demo, so had the bad --host been
    // ignored rather than refused, the demo would have counted the load.
    let demo = Demo::start();
    let dir = tempfile::tempdir().expect("a temp dir");
    let scenario = dir.path().join("checkout.yaml");
    let text = std::fs::read_to_string(example("checkout.yaml")).expect("the example");
    let text = text.replace("http://127.0.0.1:8000", &demo.gateway());
    std::fs::write(&scenario, text).expect("write the scenario");

    let outcome = Outcome::of(
        starling()
            .arg("run")
            .arg(&scenario)
            .args(["--quiet", "--users", "2", "--duration", "1s"])
            .args(["--host", "not-a-url"]),
    )
    .code(2)
    .stderr_has("--host `not-a-url`");
    assert!(outcome.stdout.is_empty(), "no summary: {}", outcome.stdout);
    assert_eq!(demo.total_received(), 0, "{:?}", demo.stats());
}

#[test]
fn a_missing_file_is_named() {
    let missing = example("no-such-scenario.yaml");
    for command in ["run", "validate"] {
        Outcome::of(starling().arg(command).arg(&missing))
            .code(2)
            .stderr_has("no-such-scenario.yaml");
    }
}
