//! Walking a plan's step trees: every step of every journey and user
//! type hook, nested ones (if, repeat, group) included, in order. For
//! what needs each step once and not at run time: the tag filter's
//! renumbering, the engine's end-of-run warnings.

use crate::plan::{Plan, Step};

/// Calls `f` on each step of `steps` and of the steps nested in them,
/// parents before their children.
pub fn each_step<'a>(steps: &'a [Step], f: &mut impl FnMut(&'a Step)) {
    for step in steps {
        f(step);
        match step {
            Step::If(branch) => {
                each_step(&branch.then, f);
                each_step(&branch.otherwise, f);
            }
            Step::Repeat(repeat) => each_step(&repeat.steps, f),
            Step::Group(group) => each_step(&group.steps, f),
            Step::Request(_) | Step::Think(_) | Step::Poll(_) | Step::Set(_) => {}
        }
    }
}

/// [`each_step`], with each step lent mutably.
pub fn each_step_mut(steps: &mut [Step], f: &mut impl FnMut(&mut Step)) {
    for step in steps {
        f(step);
        match step {
            Step::If(branch) => {
                each_step_mut(&mut branch.then, f);
                each_step_mut(&mut branch.otherwise, f);
            }
            Step::Repeat(repeat) => each_step_mut(&mut repeat.steps, f),
            Step::Group(group) => each_step_mut(&mut group.steps, f),
            Step::Request(_) | Step::Think(_) | Step::Poll(_) | Step::Set(_) => {}
        }
    }
}

impl Plan {
    /// Every step of the plan: each journey's, then each user type's
    /// `on_start` and `on_stop`.
    pub fn each_step<'a>(&'a self, f: &mut impl FnMut(&'a Step)) {
        for journey in &self.journeys {
            each_step(&journey.steps, f);
        }
        for user_type in &self.user_types {
            each_step(&user_type.on_start, f);
            each_step(&user_type.on_stop, f);
        }
    }
}
