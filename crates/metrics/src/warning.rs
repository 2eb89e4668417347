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
    /// A `unique` data source handed out every row, and the users that
    /// came after found none and stopped (`on_exhausted: stop`).
    DataRanOut {
        /// The source's name (its variable).
        source: String,
        /// The users that stopped for want of a row.
        users: u64,
    },
}

impl std::fmt::Display for RunWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunWarning::UsersIgnored { asked, fixed } => write!(
                f,
                "--users {asked} was ignored: every user type has a fixed `count`, so {fixed} users ran"
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
            RunWarning::DataRanOut { source, users } => write!(
                f,
                "data source `{source}` ran out of unique rows: {users} {} found none and stopped (on_exhausted: stop)",
                if *users == 1 { "user" } else { "users" }
            ),
        }
    }
}
