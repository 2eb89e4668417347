//! `STARLING_*` variables override the file; flags override both.

use crate::support::{Demo, Run, example};

fn checkout(demo: &Demo) -> Run {
    Run::new(example("checkout.yaml")).against(demo).args([
        "--spawn-rate",
        "100",
        "--duration",
        "2s",
    ])
}

#[test]
fn an_environment_variable_overrides_the_file() {
    let demo = Demo::start();
    let ran = checkout(&demo).env("STARLING_USERS", "3").succeeds();
    assert_eq!(ran.summary.run.peak_users, 3);
}

#[test]
fn a_flag_overrides_the_environment() {
    let demo = Demo::start();
    let ran = checkout(&demo)
        .env("STARLING_USERS", "3")
        .args(["--users", "4"])
        .succeeds();
    assert_eq!(ran.summary.run.peak_users, 4);
}

#[test]
fn the_http_version_comes_from_the_environment_and_the_flag_wins() {
    let demo = Demo::start();
    // The demo speaks HTTP/1.1 only: HTTP/2 with prior knowledge fails.
    let ran = checkout(&demo)
        .args(["--users", "2"])
        .env("STARLING_HTTP", "2")
        .succeeds();
    let totals = &ran.summary.totals;
    assert!(totals.requests > 0);
    assert_eq!(totals.failures, totals.requests, "{totals:?}");
    assert_eq!(demo.total_received(), 0, "{:?}", demo.stats());

    let ran = checkout(&demo)
        .args(["--users", "2", "--http", "1.1"])
        .env("STARLING_HTTP", "2")
        .succeeds();
    let totals = &ran.summary.totals;
    assert!(totals.requests > 0);
    assert_eq!(totals.failures, 0, "{totals:?}");
}
