//! The one-line summary `starling validate` prints for a valid scenario.

use crate::plan::{Plan, Step};

/// Counts every step, nested ones included.
fn count_steps(steps: &[Step]) -> usize {
    steps
        .iter()
        .map(|step| {
            1 + match step {
                Step::If(s) => count_steps(&s.then) + count_steps(&s.otherwise),
                Step::Repeat(s) => count_steps(&s.steps),
                Step::Group(s) => count_steps(&s.steps),
                Step::Request(_) | Step::Think(_) | Step::Poll(_) | Step::Set(_) => 0,
            }
        })
        .sum()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// e.g. `2 user types, 3 journeys, 9 steps, 7 requests`. Steps count every
/// step wherever it stands (journeys, on_start, on_stop, nested); requests
/// count every request, polled ones included.
pub fn summary_line(plan: &Plan) -> String {
    let steps: usize = plan
        .journeys
        .iter()
        .map(|j| count_steps(&j.steps))
        .sum::<usize>()
        + plan
            .user_types
            .iter()
            .map(|u| count_steps(&u.on_start) + count_steps(&u.on_stop))
            .sum::<usize>();
    format!(
        "{}, {}, {}, {}",
        plural(plan.user_types.len(), "user type", "user types"),
        plural(plan.journeys.len(), "journey", "journeys"),
        plural(steps, "step", "steps"),
        plural(plan.requests.len(), "request", "requests"),
    )
}
