//! The simple load shapes as stage lists: how `users` + `spawn_rate` +
//! `duration` and `arrival_rate` + `duration` become the one representation
//! the engine follows. Used by the compiler and by command-line overrides.

use std::time::Duration;

use crate::plan::{Load, LoadModel, Stage};

impl Load {
    /// Closed model: ramp to `users` over `ramp`, then hold until
    /// `duration` ends (a ramp longer than the duration is cut where the
    /// run ends), or without a duration until every user has done its
    /// `iterations`. A zero ramp starts every user at once.
    pub fn closed(
        users: u32,
        ramp: Duration,
        duration: Option<Duration>,
        iterations: Option<u64>,
    ) -> Load {
        let users = f64::from(users);
        let stage = |duration, target| Stage { duration, target };
        let stages = match duration {
            Some(total) if ramp >= total => {
                let reached = if ramp.is_zero() {
                    users
                } else {
                    users * total.as_secs_f64() / ramp.as_secs_f64()
                };
                vec![stage(Some(total), reached)]
            }
            Some(total) => vec![stage(Some(ramp), users), stage(Some(total - ramp), users)],
            None => vec![stage(Some(ramp), users), stage(None, users)],
        };
        Load {
            model: LoadModel::Closed,
            stages,
            iterations,
            max_users: None,
        }
    }

    /// Open model: `rate` journeys per second from the first instant, for
    /// `duration`.
    pub fn open(rate: f64, duration: Duration, max_users: Option<u32>) -> Load {
        Load {
            model: LoadModel::Open,
            stages: vec![
                Stage {
                    duration: Some(Duration::ZERO),
                    target: rate,
                },
                Stage {
                    duration: Some(duration),
                    target: rate,
                },
            ],
            iterations: None,
            max_users,
        }
    }

    /// The sum of the stage durations; `None` when the last is open-ended.
    pub fn duration(&self) -> Option<Duration> {
        self.stages.iter().map(|s| s.duration).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn closed_ramps_then_holds() {
        let load = Load::closed(100, S(10), Some(S(60)), None);
        assert_eq!(
            load.stages,
            vec![
                Stage {
                    duration: Some(S(10)),
                    target: 100.0
                },
                Stage {
                    duration: Some(S(50)),
                    target: 100.0
                },
            ]
        );
        assert_eq!(load.duration(), Some(S(60)));
    }

    #[test]
    fn a_duration_shorter_than_the_ramp_cuts_it() {
        let load = Load::closed(100, S(10), Some(S(5)), None);
        assert_eq!(
            load.stages,
            vec![Stage {
                duration: Some(S(5)),
                target: 50.0
            }]
        );
    }

    #[test]
    fn iterations_without_duration_hold_open_ended() {
        let load = Load::closed(4, Duration::ZERO, None, Some(3));
        assert_eq!(load.stages.last().unwrap().duration, None);
        assert_eq!(load.duration(), None);
    }

    #[test]
    fn open_starts_at_full_rate() {
        let load = Load::open(40.0, S(60), Some(10));
        assert_eq!(load.model, LoadModel::Open);
        assert_eq!(
            load.stages[0],
            Stage {
                duration: Some(Duration::ZERO),
                target: 40.0
            }
        );
        assert_eq!(load.duration(), Some(S(60)));
    }
}
