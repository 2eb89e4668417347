//! Drift: what made a run differ from its plan while it ran, counted by
//! the users on every worker and said at the end as warnings: a user
//! type's `wait: pacing(..)` that could not be kept, and a poll whose
//! `every` could not be kept.
//!
//! An atomic add once per journey start of a paced user type and once per
//! repeated poll attempt (itself paced by `every`), never per request.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use starling_metrics::RunWarning;
use starling_scenario::{Plan, SectionId, SectionKind, Step, UserTypeId, Wait};

#[derive(Debug)]
pub(crate) struct Drift {
    /// Per user type: journeys started after a previous one (the ones a
    /// pacing applies to).
    paced: Vec<AtomicU64>,
    /// Per user type: those of them that started late, because the journey
    /// before took longer than the period.
    late: Vec<AtomicU64>,
    /// Per section (only polls count): attempts after the first, the ones
    /// `every` applies to.
    repeated: Vec<AtomicU64>,
    /// Per section: those of them that came late, because the attempt
    /// before took longer than `every`.
    repeated_late: Vec<AtomicU64>,
    /// Per section: a poll's `every` (`None` for a group).
    every: Vec<Option<Duration>>,
}

impl Drift {
    pub(crate) fn new(plan: &Plan) -> Drift {
        let zeros = |n: usize| (0..n).map(|_| AtomicU64::new(0)).collect();
        Drift {
            paced: zeros(plan.user_types.len()),
            late: zeros(plan.user_types.len()),
            repeated: zeros(plan.sections.len()),
            repeated_late: zeros(plan.sections.len()),
            every: every_of_polls(plan),
        }
    }

    /// A paced journey start of `user_type`, `late` or on time.
    pub(crate) fn paced_start(&self, user_type: UserTypeId, late: bool) {
        self.paced[user_type].fetch_add(1, Ordering::Relaxed);
        if late {
            self.late[user_type].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A poll's next attempt is due, `late` (the attempt before took
    /// longer than `every`) or on time.
    pub(crate) fn poll_repeat(&self, poll: SectionId, late: bool) {
        let (Some(repeated), Some(repeated_late)) =
            (self.repeated.get(poll), self.repeated_late.get(poll))
        else {
            return;
        };
        repeated.fetch_add(1, Ordering::Relaxed);
        if late {
            repeated_late.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A warning per user type whose pacing ran late at least once, then
    /// one per poll whose `every` did.
    pub(crate) fn warnings(&self, plan: &Plan) -> Vec<RunWarning> {
        let pacing = plan
            .user_types
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
            });
        let polls = plan
            .sections
            .iter()
            .zip(&self.every)
            .enumerate()
            .filter_map(|(i, (section, every))| {
                let every = (*every).filter(|_| section.kind == SectionKind::Poll)?;
                let late = self.repeated_late[i].load(Ordering::Relaxed);
                (late > 0).then(|| RunWarning::PollLate {
                    poll: section.name.clone(),
                    journey: section
                        .journey
                        .and_then(|j| plan.journeys.get(j))
                        .map(|j| j.name.clone()),
                    every_ms: millis(every),
                    late,
                    repeated: self.repeated[i].load(Ordering::Relaxed),
                })
            });
        pacing.chain(polls).collect()
    }
}

/// Each section's poll interval (`None` for a group), by section id:
/// found by walking the plan's steps once, before the run.
fn every_of_polls(plan: &Plan) -> Vec<Option<Duration>> {
    let mut every = vec![None; plan.sections.len()];
    plan.each_step(&mut |step| {
        if let Step::Poll(poll) = step
            && let Some(slot) = every.get_mut(poll.section)
        {
            *slot = Some(poll.every);
        }
    });
    every
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
