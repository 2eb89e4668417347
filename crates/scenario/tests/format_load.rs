//! Every load shape compiles into one stage list.

use std::path::Path;
use std::time::Duration;

use starling_scenario::{Load, LoadModel, Stage, compile_str};

fn load_of(load: &str) -> Result<Load, String> {
    let source = format!(
        "target: http://127.0.0.1:8000\nload: {load}\nusers: [{{ name: u, journeys: [{{ name: j, steps: [{{ get: /a }}] }}] }}]\n"
    );
    compile_str(&source, Path::new("scenario.yaml"))
        .map(|c| c.plan.load)
        .map_err(|e| e.to_string())
}

fn stage(secs: Option<f64>, target: f64) -> Stage {
    Stage {
        duration: secs.map(Duration::from_secs_f64),
        target,
    }
}

#[test]
fn users_without_spawn_rate_start_at_once() {
    let load = load_of("{ users: 10, duration: 1m }").unwrap();
    assert_eq!(
        load.stages,
        [stage(Some(0.0), 10.0), stage(Some(60.0), 10.0)]
    );
    assert_eq!(load.model, LoadModel::Closed);
}

#[test]
fn a_ramp_longer_than_the_duration_ends_mid_ramp() {
    let load = load_of("{ users: 100, spawn_rate: 1, duration: 50s }").unwrap();
    assert_eq!(load.stages, [stage(Some(50.0), 50.0)]);
}

#[test]
fn iterations_and_duration_both_bound_the_run() {
    let load = load_of("{ users: 10, spawn_rate: 5, duration: 1m30s, iterations: 3 }").unwrap();
    assert_eq!(
        load.stages,
        [stage(Some(2.0), 10.0), stage(Some(88.0), 10.0)]
    );
    assert_eq!(load.iterations, Some(3));
}

#[test]
fn rate_stages_are_the_open_model() {
    let load = load_of(
        "{ stages: [{ duration: 1m, rate: 10 }, { duration: 5m, rate: 100 }], max_users: 50 }",
    )
    .unwrap();
    assert_eq!(load.model, LoadModel::Open);
    assert_eq!(
        load.stages,
        [stage(Some(60.0), 10.0), stage(Some(300.0), 100.0)]
    );
    assert_eq!(load.max_users, Some(50));
}

#[test]
fn bad_shapes_are_errors() {
    let err = load_of("{ users: 10, spawn_rate: 1e-300, duration: 1m }").unwrap_err();
    assert!(
        err.contains("error: `spawn_rate` is too small: starting the users would take years"),
        "{err}"
    );
    let err = load_of("{ users: 10, arrival_rate: 5, duration: 1m }").unwrap_err();
    assert!(
        err.contains("error: `users` and `arrival_rate` cannot be used together"),
        "{err}"
    );
    let err = load_of("{ arrival_rate: 5 }").unwrap_err();
    assert!(
        err.contains("error: the open model (`arrival_rate`) needs a `duration`"),
        "{err}"
    );
    let err = load_of("{ users: 10 }").unwrap_err();
    assert!(
        err.contains("error: `load` needs a `duration`, `iterations` or both"),
        "{err}"
    );
    let err = load_of("{ users: 0, duration: 1s }").unwrap_err();
    assert!(
        err.contains("error: `users` must be greater than zero"),
        "{err}"
    );
    let err = load_of("{ stages: [{ duration: 0s, users: 1 }] }").unwrap_err();
    assert!(
        err.contains("error: a stage's `duration` must be greater than zero"),
        "{err}"
    );
    let err = load_of("{ users: 1, duration: 1s, max_users: 5 }").unwrap_err();
    assert!(
        err.contains("error: `max_users` is for the open model (`arrival_rate`)"),
        "{err}"
    );
}
