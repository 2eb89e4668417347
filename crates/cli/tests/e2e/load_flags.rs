//! Command-line overrides of the scenario: `--iterations N` (Locust's and
//! k6's habit) and `--service NAME=URL` (the services' base URLs, which
//! nothing could override before).

use starling_demo::Service;

use crate::support::{Demo, Outcome, Run, example, starling};

#[test]
fn iterations_bound_the_run_by_journeys_per_user() {
    let demo = Demo::start();
    let ran = Run::new(example("checkout.yaml"))
        .against(&demo)
        .args(["--users", "3", "--spawn-rate", "100", "--iterations", "2"])
        .succeeds();
    // checkout.yaml says five minutes; three users of two journeys each
    // end it as soon as they are done.
    assert_eq!(ran.summary.totals.journeys_started, 6);
    assert!(ran.summary.run.duration_ms < 60_000);
    // The results keep the load as it was planned after the flags, so a
    // report read back later can say what ran.
    let load = ran
        .summary
        .run
        .load
        .as_ref()
        .expect("the plan's load is kept");
    assert_eq!(load.iterations, Some(2));
    assert_eq!(load.stages.last().map(|s| s.target), Some(3.0));
    assert_eq!(
        starling_report::describe_load(&ran.summary.run).as_deref(),
        Some("0 → 3 users over 30ms (100 users/s), hold 3 users for 5m, 2 journeys per user")
    );
    assert_eq!(
        ran.summary.run.starling.as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_service_flag_replaces_its_base_url() {
    let demo = Demo::start();
    // services.yaml points payments at 127.0.0.1:8004; the flag points it
    // at this demo's payments instead.
    let ran = Run::new(example("services.yaml"))
        .against(&demo)
        .args(["--users", "2", "--duration", "2s", "--service"])
        .args([format!("payments={}", demo.url(Service::Payments))])
        .succeeds();
    // Every base the load went to is kept, the overridden one as given.
    let targets = &ran.summary.run.targets;
    assert_eq!(targets.get("target"), Some(&demo.url(Service::Gateway)));
    assert_eq!(targets.get("payments"), Some(&demo.url(Service::Payments)));
    let direct = ran.request("POST /payments (direct)");
    assert!(direct.count > 0);
    assert_eq!(direct.failures, 0, "{:?}", direct.examples);
    assert!(demo.received("payments", "POST /payments") >= direct.count);
}

#[test]
fn bad_overrides_exit_2_before_any_load() {
    let demo = Demo::start();
    let cases: [(&[&str], &str); 4] = [
        (
            &["--service", "paymnts=http://127.0.0.1:1"],
            "declares no service `paymnts` under `services:` (it declares: payments)",
        ),
        (&["--service", "payments"], "expected NAME=URL"),
        (&["--iterations", "0"], "--iterations must be at least 1"),
        (
            &["--arrival-rate", "5", "--iterations", "2"],
            "--iterations applies to the closed model",
        ),
    ];
    for (flags, message) in cases {
        Outcome::of(
            starling()
                .arg("run")
                .arg(example("services.yaml"))
                .args(["--host", &demo.gateway(), "--duration", "1s"])
                .args(flags),
        )
        .code(2)
        .stderr_has(message);
    }
    assert_eq!(demo.total_received(), 0);
}
