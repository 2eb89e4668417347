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
