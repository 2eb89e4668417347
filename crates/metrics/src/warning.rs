//! What silently changed a run, said at its end: a typed list kept in the
//! results (`run.warnings`) and printed as WARNINGS by the terminal.

use serde::{Deserialize, Serialize};

/// One thing that made the run differ from what was asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RunWarning {
    /// `--users` asked for more users than ran: every user type has a
    /// fixed `count`, so only their sum started.
    UsersIgnored {
        /// What `--users` asked for.
        asked: u32,
        /// The user types' fixed counts, summed: the users that ran.
        fixed: u64,
    },
    /// A user type's `wait: pacing(..)` could not be kept: journeys took
    /// longer than the period, so the next started late.
    PacingLate {
        user_type: String,
        /// The period, in milliseconds.
        period_ms: u64,
        /// Journey starts that came late.
        late: u64,
        /// Journey starts the pacing applied to (all but each user's first).
        paced: u64,
    },
    /// A poll's `every` could not be kept: an attempt took longer than
    /// the interval, so the next one went out late (at once, after it).
    PollLate {
        /// The poll's name (`poll` and its request when it has none).
        poll: String,
        /// The journey it is in (none in a user type's `on_start`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        journey: Option<String>,
        /// The interval, in milliseconds.
        every_ms: u64,
        /// Attempts that went out late.
        late: u64,
        /// Attempts `every` applied to (all but each poll's first).
        repeated: u64,
    },
    /// A `unique` data source handed out every row, and the users that
    /// came after found none and stopped (`on_exhausted: stop`).
    DataRanOut {
        /// The source's name (its variable).
        source: String,
        /// The users that stopped for want of a row.
        users: u64,
    },
}

impl RunWarning {
    /// The warnings of several parts of one run (`merge`), in the order
    /// they first appear: the counts of one warning (same kind, same user
    /// type, poll or source) are summed, and any other is kept once.
    pub fn merged<'a>(parts: impl IntoIterator<Item = &'a RunWarning>) -> Vec<RunWarning> {
        let mut merged: Vec<RunWarning> = Vec::new();
        for warning in parts {
            if !merged.iter_mut().any(|kept| kept.absorb(warning)) {
                merged.push(warning.clone());
            }
        }
        merged
    }

    /// Adds `other`'s counts to this one if both say the same of the same
    /// thing; an identical warning without counts (`users_ignored`, a fact
    /// of the plan every part states) is absorbed as it is.
    fn absorb(&mut self, other: &RunWarning) -> bool {
        match (self, other) {
            (
                RunWarning::PacingLate {
                    user_type,
                    period_ms,
                    late,
                    paced,
                },
                RunWarning::PacingLate {
                    user_type: other_type,
                    period_ms: other_period,
                    late: more_late,
                    paced: more_paced,
                },
            ) if user_type == other_type && period_ms == other_period => {
                *late += more_late;
                *paced += more_paced;
                true
            }
            (
                RunWarning::PollLate {
                    poll,
                    journey,
                    every_ms,
                    late,
                    repeated,
                },
                RunWarning::PollLate {
                    poll: other_poll,
                    journey: other_journey,
                    every_ms: other_every,
                    late: more_late,
                    repeated: more_repeated,
                },
            ) if poll == other_poll && journey == other_journey && every_ms == other_every => {
                *late += more_late;
                *repeated += more_repeated;
                true
            }
            (
                RunWarning::DataRanOut { source, users },
                RunWarning::DataRanOut {
                    source: other_source,
                    users: more_users,
                },
            ) if source == other_source => {
                *users += more_users;
                true
            }
            (kept, other) => kept == other,
        }
    }
}

impl std::fmt::Display for RunWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunWarning::UsersIgnored { asked, fixed } => write!(
                f,
                "--users {asked} was ignored: every user type has a fixed `count`, so {fixed} {} ran",
                if *fixed == 1 { "user" } else { "users" }
            ),
            RunWarning::PacingLate {
                user_type,
                period_ms,
                late,
                paced,
            } => write!(
                f,
                "user type `{user_type}` could not keep `pacing({period_ms}ms)`: {late} of {paced} journeys started late (the journey before took longer than the period)"
            ),
            RunWarning::PollLate {
                poll,
                journey,
                every_ms,
                late,
                repeated,
            } => {
                write!(f, "poll `{poll}`")?;
                if let Some(journey) = journey {
                    write!(f, " in journey `{journey}`")?;
                }
                write!(
                    f,
                    " could not keep `every: {every_ms}ms`: {late} of {repeated} attempts went out late (the attempt before took longer than the interval)"
                )
            }
            RunWarning::DataRanOut { source, users } => write!(
                f,
                "data source `{source}` ran out of unique rows: {users} {} found none and stopped (on_exhausted: stop)",
                if *users == 1 { "user" } else { "users" }
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RunWarning;

    fn late(user_type: &str, late: u64, paced: u64) -> RunWarning {
        RunWarning::PacingLate {
            user_type: user_type.to_owned(),
            period_ms: 20,
            late,
            paced,
        }
    }

    #[test]
    fn merged_warnings_sum_the_same_subject_and_keep_the_rest_once() {
        let ignored = RunWarning::UsersIgnored { asked: 9, fixed: 2 };
        let ran_out = |users| RunWarning::DataRanOut {
            source: "people".to_owned(),
            users,
        };
        let a = [ignored.clone(), late("shopper", 2, 5), ran_out(1)];
        let b = [
            late("admin", 1, 1),
            ignored.clone(),
            late("shopper", 3, 4),
            ran_out(2),
        ];
        assert_eq!(
            RunWarning::merged(a.iter().chain(&b)),
            [
                ignored,
                late("shopper", 5, 9),
                ran_out(3),
                late("admin", 1, 1)
            ]
        );
    }

    #[test]
    fn a_different_period_or_fixed_count_is_another_warning() {
        let mut other_period = late("shopper", 1, 1);
        if let RunWarning::PacingLate { period_ms, .. } = &mut other_period {
            *period_ms = 50;
        }
        let parts = [
            late("shopper", 1, 1),
            other_period.clone(),
            RunWarning::UsersIgnored { asked: 9, fixed: 2 },
            RunWarning::UsersIgnored { asked: 9, fixed: 3 },
        ];
        assert_eq!(RunWarning::merged(&parts), parts);
    }
}
