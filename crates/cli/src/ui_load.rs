//! The web UI's side of a scenario's load: the start form's values taken
//! from it (`prefill`), a start's load applied to it (`apply`, by the load
//! flags' rules where they say the same thing), and a live change turned
//! into the engine's `LoadChange`.

use std::time::Duration;

use starling_engine::{LoadChange, Until};
use starling_scenario::{BaseUrl, Load, LoadModel, Plan, Stage};
use starling_web::{
    Change, Hold, Model, Prefill, RunLength, StartLoad, StartRun, SteerLoad, UserTypeShare,
};

use crate::load_override::{LoadOverride, is_profile, spawn_rate_of};

pub(crate) fn model(model: LoadModel) -> Model {
    match model {
        LoadModel::Closed => Model::Closed,
        LoadModel::Open => Model::Open,
    }
}

/// The start form as the scenario (with the command line's flags) has it.
pub(crate) fn prefill(plan: &Plan, host: Option<&BaseUrl>) -> Prefill {
    let load = &plan.load;
    let peak = load.stages.iter().map(|s| s.target).fold(0.0, f64::max);
    let closed = load.model == LoadModel::Closed;
    Prefill {
        model: model(load.model),
        users: closed.then(|| peak.round() as u32),
        spawn_rate: closed.then(|| spawn_rate_of(load)).flatten(),
        arrival_rate: (!closed).then_some(peak),
        duration: load.duration().map(duration_text),
        host: host.or(plan.target.as_ref()).map(ToString::to_string),
        user_types: plan
            .user_types
            .iter()
            .map(|t| UserTypeShare {
                name: t.name.clone(),
                weight: t.weight,
                count: t.count,
            })
            .collect(),
        stages: is_profile(load).then(|| stages_text(load)),
    }
}

/// Rewrites `load` as `start` asks. Users or a rate make a ramp-and-hold
/// load (of either model, whatever the scenario's); the scenario's own
/// load keeps its shape, a duration scaling it as `--duration` does.
/// "Until stopped" holds the last level with no end.
pub(crate) fn apply(start: &StartRun, load: &mut Load) -> Result<(), String> {
    let duration = match start.length {
        RunLength::For(d) => Some(d),
        RunLength::Scenario => load.duration(),
        RunLength::UntilStopped => None,
    };
    match start.load {
        StartLoad::Users { users, spawn_rate } => {
            let rate = spawn_rate.or_else(|| spawn_rate_of(load));
            let ramp = match rate {
                Some(rate) => {
                    Duration::try_from_secs_f64(f64::from(users) / rate).map_err(|_| {
                        format!("a spawn rate of {rate}/s is too slow for {users} users")
                    })?
                }
                None => Duration::ZERO,
            };
            let iterations = (load.model == LoadModel::Closed)
                .then_some(load.iterations)
                .flatten();
            *load = Load::closed(users, ramp, duration, iterations);
        }
        StartLoad::Rate { per_second } => {
            let max_users = load.max_users;
            *load = match duration {
                Some(d) => Load::open(per_second, d, max_users),
                None => Load {
                    model: LoadModel::Open,
                    stages: vec![
                        stage(Some(Duration::ZERO), per_second),
                        stage(None, per_second),
                    ],
                    iterations: None,
                    max_users,
                },
            };
        }
        StartLoad::Scenario => {
            if let RunLength::For(d) = start.length {
                let scale = LoadOverride {
                    duration: Some(d),
                    ..LoadOverride::default()
                };
                scale
                    .apply(load)
                    .map_err(|e| e.replace("--duration", "the duration"))?;
            }
            if start.length == RunLength::UntilStopped
                && load.stages.last().is_some_and(|s| s.duration.is_some())
            {
                let last = load.stages.last().map_or(0.0, |s| s.target);
                load.stages.push(stage(None, last));
            }
        }
    }
    Ok(())
}

fn stage(duration: Option<Duration>, target: f64) -> Stage {
    Stage { duration, target }
}

/// A change from the page as the engine takes it. Users without a spawn
/// rate move at `default_spawn_rate` (the run's start rate).
pub(crate) fn change(steer: &SteerLoad, default_spawn_rate: f64) -> LoadChange {
    let until = match steer.hold {
        Hold::PlannedEnd => Until::PlannedEnd,
        Hold::UntilStopped => Until::Stopped,
    };
    match steer.change {
        Change::Users { users, spawn_rate } => LoadChange::Users {
            users,
            spawn_rate: spawn_rate.unwrap_or(default_spawn_rate),
            until,
        },
        Change::Rate { per_second, ramp } => LoadChange::Rate {
            per_second,
            ramp,
            until,
        },
    }
}

/// A duration as a scenario writes it, in its largest whole unit.
pub(crate) fn duration_text(d: Duration) -> String {
    let ms = d.as_millis();
    match ms {
        _ if ms > 0 && ms.is_multiple_of(3_600_000) => format!("{}h", ms / 3_600_000),
        _ if ms > 0 && ms.is_multiple_of(60_000) => format!("{}m", ms / 60_000),
        _ if ms.is_multiple_of(1_000) => format!("{}s", ms / 1_000),
        _ => format!("{ms}ms"),
    }
}

/// `to 50 users over 1m, hold 2m, to 0 over 30s`.
fn stages_text(load: &Load) -> String {
    let unit = match load.model {
        LoadModel::Closed => "users",
        LoadModel::Open => "journeys/s",
    };
    let mut from = 0.0;
    let parts: Vec<String> = load
        .stages
        .iter()
        .map(|s| {
            let over = s
                .duration
                .map_or_else(|| "until done".to_owned(), duration_text);
            let text = if s.target == from {
                format!("hold {over}")
            } else {
                format!("to {} {unit} over {over}", s.target)
            };
            from = s.target;
            text
        })
        .collect();
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    fn start(load: StartLoad, length: RunLength) -> StartRun {
        StartRun {
            load,
            length,
            host: None,
        }
    }

    fn profile() -> Load {
        Load {
            model: LoadModel::Closed,
            stages: vec![
                stage(Some(S(10)), 40.0),
                stage(Some(S(20)), 40.0),
                stage(Some(S(10)), 0.0),
            ],
            iterations: None,
            max_users: None,
        }
    }

    #[test]
    fn users_make_a_ramp_and_hold_at_their_spawn_rate_or_the_scenarios() {
        let mut load = Load::closed(100, S(10), Some(S(60)), None);
        let users = StartLoad::Users {
            users: 20,
            spawn_rate: None,
        };
        apply(&start(users, RunLength::Scenario), &mut load).unwrap();
        assert_eq!(load, Load::closed(20, S(2), Some(S(60)), None));
        let users = StartLoad::Users {
            users: 30,
            spawn_rate: Some(10.0),
        };
        apply(&start(users, RunLength::UntilStopped), &mut load).unwrap();
        assert_eq!(load.stages, [stage(Some(S(3)), 30.0), stage(None, 30.0)]);
        assert_eq!(load.duration(), None);
    }

    #[test]
    fn a_rate_makes_an_open_run_of_a_closed_scenario() {
        let mut load = Load::closed(100, S(10), Some(S(60)), None);
        let rate = StartLoad::Rate { per_second: 25.0 };
        apply(&start(rate, RunLength::For(S(30))), &mut load).unwrap();
        assert_eq!(load, Load::open(25.0, S(30), None));
        apply(&start(rate, RunLength::UntilStopped), &mut load).unwrap();
        assert_eq!(load.model, LoadModel::Open);
        assert_eq!(load.stages.last(), Some(&stage(None, 25.0)));
    }

    #[test]
    fn the_scenarios_stages_keep_their_shape() {
        let mut load = profile();
        apply(
            &start(StartLoad::Scenario, RunLength::For(S(20))),
            &mut load,
        )
        .unwrap();
        let lengths: Vec<u64> = load
            .stages
            .iter()
            .map(|s| s.duration.unwrap().as_secs())
            .collect();
        assert_eq!(lengths, [5, 10, 5]);
        let mut load = profile();
        apply(
            &start(StartLoad::Scenario, RunLength::UntilStopped),
            &mut load,
        )
        .unwrap();
        assert_eq!(load.stages.len(), 4);
        assert_eq!(load.stages[3], stage(None, 0.0));
        let mut load = profile();
        apply(&start(StartLoad::Scenario, RunLength::Scenario), &mut load).unwrap();
        assert_eq!(load, profile());
    }

    #[test]
    fn the_form_is_prefilled_from_the_load() {
        let plan = starling_scenario::compile_str(
            include_str!("../../../examples/checkout.yaml"),
            std::path::Path::new("checkout.yaml"),
        )
        .expect("the example compiles")
        .plan;
        let form = prefill(&plan, None);
        assert_eq!(form.model, Model::Closed);
        assert_eq!(form.users, Some(1000));
        assert_eq!(form.spawn_rate, Some(50.0));
        assert_eq!(form.duration.as_deref(), Some("5m"));
        assert_eq!(form.host.as_deref(), Some("http://127.0.0.1:8000"));
        assert_eq!(form.stages, None);
        assert!(!form.user_types.is_empty());
        let host = BaseUrl::parse("http://127.0.0.1:9000").unwrap();
        assert_eq!(
            prefill(&plan, Some(&host)).host.as_deref(),
            Some("http://127.0.0.1:9000")
        );

        let mut plan = plan;
        plan.load = profile();
        let form = prefill(&plan, None);
        assert_eq!(form.users, Some(40));
        assert_eq!(
            form.stages.as_deref(),
            Some("to 40 users over 10s, hold 20s, to 0 users over 10s")
        );
    }

    #[test]
    fn a_change_takes_the_runs_spawn_rate_when_given_none() {
        let steer = SteerLoad {
            change: Change::Users {
                users: 30,
                spawn_rate: None,
            },
            hold: Hold::UntilStopped,
        };
        assert_eq!(
            change(&steer, 5.0),
            LoadChange::Users {
                users: 30,
                spawn_rate: 5.0,
                until: Until::Stopped
            }
        );
    }

    #[test]
    fn durations_are_written_in_their_largest_unit() {
        assert_eq!(duration_text(S(300)), "5m");
        assert_eq!(duration_text(S(7200)), "2h");
        assert_eq!(duration_text(S(90)), "90s");
        assert_eq!(duration_text(Duration::from_millis(1500)), "1500ms");
    }
}
