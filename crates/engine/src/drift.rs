//! Drift: what made a run differ from its plan while it ran, counted by
//! the users on every worker and said at the end as warnings. Today: a
//! user type's `wait: pacing(..)` that could not be kept.
//!
//! An atomic add once per journey start of a paced user type, never per
//! request.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use starling_metrics::RunWarning;
use starling_scenario::{Plan, UserTypeId, Wait};

#[derive(Debug)]
pub(crate) struct Drift {
    /// Per user type: journeys started after a previous one (the ones a
    /// pacing applies to).
    paced: Vec<AtomicU64>,
    /// Per user type: those of them that started late, because the journey
    /// before took longer than the period.
    late: Vec<AtomicU64>,
}

impl Drift {
    pub(crate) fn new(plan: &Plan) -> Drift {
        let zeros = || plan.user_types.iter().map(|_| AtomicU64::new(0)).collect();
        Drift {
            paced: zeros(),
            late: zeros(),
        }
    }

    /// A paced journey start of `user_type`, `late` or on time.
    pub(crate) fn paced_start(&self, user_type: UserTypeId, late: bool) {
        self.paced[user_type].fetch_add(1, Ordering::Relaxed);
        if late {
            self.late[user_type].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A warning per user type whose pacing ran late at least once.
    pub(crate) fn warnings(&self, plan: &Plan) -> Vec<RunWarning> {
        plan.user_types
            .iter()
            .enumerate()
            .filter_map(|(i, user_type)| {
                let Wait::Pacing(period) = user_type.wait else {
                    return None;
                };
                let late = self.late[i].load(Ordering::Relaxed);
                (late > 0).then(|| RunWarning::PacingLate {
                    user_type: user_type.name.clone(),
                    period_ms: millis(period),
                    late,
                    paced: self.paced[i].load(Ordering::Relaxed),
                })
            })
            .collect()
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
