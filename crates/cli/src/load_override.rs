//! Load flags (`--users`, `--spawn-rate`, `--duration`, `--arrival-rate`)
//! applied on top of the scenario's load, keeping what they do not name.

use std::time::Duration;

use starling_scenario::{Load, LoadModel};

/// What the command line says about the load; `None` keeps the file's.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct LoadOverride {
    pub(crate) users: Option<u32>,
    pub(crate) spawn_rate: Option<f64>,
    pub(crate) duration: Option<Duration>,
    pub(crate) arrival_rate: Option<f64>,
    /// Journeys per user, then it stops (`--iterations`, closed model).
    pub(crate) iterations: Option<u64>,
}

impl LoadOverride {
    pub(crate) fn is_empty(&self) -> bool {
        self.users.is_none()
            && self.spawn_rate.is_none()
            && self.duration.is_none()
            && self.arrival_rate.is_none()
            && self.iterations.is_none()
    }

    /// Rewrites `load`'s stages. Errors name the flag that cannot apply.
    pub(crate) fn apply(&self, load: &mut Load) -> Result<(), String> {
        if self.is_empty() {
            return Ok(());
        }
        if let Some(rate) = self.spawn_rate
            && !(rate > 0.0 && rate.is_finite())
        {
            return Err(format!("--spawn-rate must be above 0, got {rate}"));
        }
        if self.duration.is_some_and(|d| d.is_zero()) {
            return Err("--duration must be above 0".into());
        }
        if self.users == Some(0) {
            return Err("--users must be at least 1".into());
        }
        if let Some(n) = self.iterations {
            if n == 0 {
                return Err("--iterations must be at least 1".into());
            }
            if load.model == LoadModel::Open || self.arrival_rate.is_some() {
                return Err(
                    "--iterations applies to the closed model (users that each run N journeys); the open model runs by arrivals"
                        .into(),
                );
            }
            load.iterations = Some(n);
        }
        if is_profile(load) {
            return self.scale_profile(load);
        }
        let duration = self.duration.or_else(|| load.duration());
        if let Some(rate) = self.arrival_rate {
            if !(rate > 0.0 && rate.is_finite()) {
                return Err(format!("--arrival-rate must be above 0, got {rate}"));
            }
            let Some(duration) = duration else {
                return Err("--arrival-rate needs a duration (--duration)".into());
            };
            *load = Load::open(rate, duration, load.max_users);
            return Ok(());
        }
        if load.model == LoadModel::Open {
            if self.users.is_some() || self.spawn_rate.is_some() {
                return Err(
                    "--users and --spawn-rate apply to the closed model; this scenario sets an arrival rate (use --arrival-rate)"
                        .into(),
                );
            }
            if let Some(duration) = duration {
                let rate = load.stages.last().map_or(0.0, |s| s.target);
                *load = Load::open(rate, duration, load.max_users);
            }
            return Ok(());
        }
        let users = self
            .users
            .unwrap_or_else(|| load.stages.last().map_or(1, |s| s.target.round() as u32));
        if duration.is_none() && load.iterations.is_none() {
            return Err(
                "the run needs a duration (--duration) or iterations in the scenario".into(),
            );
        }
        let ramp = match self.spawn_rate.or_else(|| spawn_rate_of(load)) {
            Some(rate) => Duration::try_from_secs_f64(f64::from(users) / rate)
                .map_err(|_| format!("--spawn-rate {rate} is too small for {users} users"))?,
            None => Duration::ZERO,
        };
        *load = Load::closed(users, ramp, duration, load.iterations);
        Ok(())
    }
}

impl LoadOverride {
    /// A load profile (`stages:` whose targets change, e.g. up, hold, down
    /// to zero) keeps its shape: `--users` or `--arrival-rate` scales every
    /// target so the peak is the one given, `--duration` scales every stage
    /// so they last that long in all. Flattening it into a constant load
    /// once turned a ramp-down-to-zero profile into a 0-user run.
    fn scale_profile(&self, load: &mut Load) -> Result<(), String> {
        let (peak_flag, model_word) = match load.model {
            LoadModel::Closed => (self.users.map(f64::from), "--users"),
            LoadModel::Open => (self.arrival_rate, "--arrival-rate"),
        };
        if self.spawn_rate.is_some() {
            return Err("--spawn-rate cannot apply to a scenario with `stages:` (its stages set the ramp); give --users and --duration, which scale the stages".into());
        }
        let wrong = match load.model {
            LoadModel::Closed => self.arrival_rate.map(|_| "--arrival-rate"),
            LoadModel::Open => self.users.map(|_| "--users"),
        };
        if let Some(flag) = wrong {
            return Err(format!(
                "{flag} does not fit this scenario's stages ({} model); use {model_word}",
                match load.model {
                    LoadModel::Closed => "closed",
                    LoadModel::Open => "open",
                }
            ));
        }
        if let Some(peak) = peak_flag {
            if !(peak > 0.0 && peak.is_finite()) {
                return Err(format!("{model_word} must be above 0, got {peak}"));
            }
            let old_peak = load.stages.iter().map(|s| s.target).fold(0.0, f64::max);
            for stage in &mut load.stages {
                stage.target *= peak / old_peak;
            }
        }
        if let Some(duration) = self.duration {
            let Some(total) = load.duration().filter(|t| !t.is_zero()) else {
                return Err("--duration cannot scale stages that run by iterations".into());
            };
            let factor = duration.as_secs_f64() / total.as_secs_f64();
            for stage in &mut load.stages {
                stage.duration = stage.duration.map(|d| d.mul_f64(factor));
            }
        }
        Ok(())
    }
}

/// Whether the stages change their target (a profile), rather than ramp
/// once to a level and hold it.
/// `--users N` when every user type has a fixed `count`: the engine starts
/// those counts and no more, so asking for more is silently not done.
/// Said at the end of the run, not refused: the fixed counts are the
/// scenario's own choice.
pub(crate) fn users_ignored(
    users: Option<u32>,
    plan: &starling_scenario::Plan,
) -> Option<starling_metrics::RunWarning> {
    let asked = users?;
    let mut fixed = 0u64;
    for user_type in &plan.user_types {
        fixed += u64::from(user_type.count?);
    }
    (u64::from(asked) > fixed)
        .then_some(starling_metrics::RunWarning::UsersIgnored { asked, fixed })
}

pub(crate) fn is_profile(load: &Load) -> bool {
    load.stages.windows(2).any(|w| w[0].target != w[1].target)
}

/// The file's spawn rate: its first stage's slope, if it ramps from zero.
pub(crate) fn spawn_rate_of(load: &Load) -> Option<f64> {
    let first = load.stages.first()?;
    let secs = first.duration?.as_secs_f64();
    (secs > 0.0 && first.target > 0.0).then(|| first.target / secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use starling_scenario::Stage;

    fn closed(users: u32, ramp: u64, hold: u64) -> Load {
        let total = Duration::from_secs(ramp + hold);
        Load::closed(users, Duration::from_secs(ramp), Some(total), None)
    }

    /// Up to 40 over 10 s, hold 20 s, down to zero over 10 s.
    fn profile() -> Load {
        let stage = |secs, target| Stage {
            duration: Some(Duration::from_secs(secs)),
            target,
        };
        Load {
            model: LoadModel::Closed,
            stages: vec![stage(10, 40.0), stage(20, 40.0), stage(10, 0.0)],
            iterations: None,
            max_users: None,
        }
    }

    #[test]
    fn a_profile_keeps_its_shape_under_users_and_duration() {
        let mut load = profile();
        LoadOverride {
            users: Some(10),
            duration: Some(Duration::from_secs(20)),
            ..Default::default()
        }
        .apply(&mut load)
        .unwrap();
        let shape: Vec<(u64, f64)> = load
            .stages
            .iter()
            .map(|s| (s.duration.unwrap().as_millis() as u64, s.target))
            .collect();
        assert_eq!(shape, vec![(5_000, 10.0), (10_000, 10.0), (5_000, 0.0)]);
    }

    #[test]
    fn a_profile_refuses_a_spawn_rate_and_zero_users_are_refused() {
        let spawn = LoadOverride {
            spawn_rate: Some(5.0),
            ..Default::default()
        }
        .apply(&mut profile())
        .unwrap_err();
        assert!(spawn.contains("--spawn-rate cannot apply"), "{spawn}");
        let zero = LoadOverride {
            users: Some(0),
            ..Default::default()
        }
        .apply(&mut closed(10, 1, 1))
        .unwrap_err();
        assert_eq!(zero, "--users must be at least 1");
    }

    #[test]
    fn users_override_keeps_the_files_spawn_rate_and_duration() {
        let mut load = closed(100, 10, 50);
        LoadOverride {
            users: Some(20),
            ..Default::default()
        }
        .apply(&mut load)
        .unwrap();
        assert_eq!(
            load.stages,
            vec![
                Stage {
                    duration: Some(Duration::from_secs(2)),
                    target: 20.0
                },
                Stage {
                    duration: Some(Duration::from_secs(58)),
                    target: 20.0
                },
            ]
        );
    }

    #[test]
    fn a_duration_shorter_than_the_ramp_cuts_it() {
        let mut load = closed(100, 10, 50);
        let d = Some(Duration::from_secs(5));
        LoadOverride {
            duration: d,
            ..Default::default()
        }
        .apply(&mut load)
        .unwrap();
        assert_eq!(
            load.stages,
            vec![Stage {
                duration: d,
                target: 50.0
            }]
        );
    }

    #[test]
    fn arrival_rate_switches_to_the_open_model() {
        let mut load = closed(100, 10, 50);
        LoadOverride {
            arrival_rate: Some(40.0),
            ..Default::default()
        }
        .apply(&mut load)
        .unwrap();
        assert_eq!(load.model, LoadModel::Open);
        assert_eq!(load.stages.last().unwrap().target, 40.0);
        assert_eq!(load.duration(), Some(Duration::from_secs(60)));
    }

    #[test]
    fn bad_values_name_their_flag() {
        let mut load = closed(10, 1, 1);
        let err = LoadOverride {
            spawn_rate: Some(0.0),
            ..Default::default()
        }
        .apply(&mut load)
        .unwrap_err();
        assert!(err.contains("--spawn-rate"), "{err}");
    }
}
