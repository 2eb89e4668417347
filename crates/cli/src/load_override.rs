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
}

impl LoadOverride {
    pub(crate) fn is_empty(&self) -> bool {
        self.users.is_none()
            && self.spawn_rate.is_none()
            && self.duration.is_none()
            && self.arrival_rate.is_none()
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

/// The file's spawn rate: its first stage's slope, if it ramps from zero.
fn spawn_rate_of(load: &Load) -> Option<f64> {
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
