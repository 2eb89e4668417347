//! The think step: a pause inside a journey, as a person reads a page;
//! and the think time a journey skips when a failure ends it early.

use std::time::Duration;

use starling_scenario::{RepeatTimes, Step, Think};

use super::Flow;
use crate::pacer::wait_duration;
use crate::vu::Vu;
use crate::worker::Worker;

pub(crate) async fn run(worker: &Worker, vu: &mut Vu, think: &Think) -> Flow {
    let pause = wait_duration(think.wait, &mut vu.rng, std::time::Duration::ZERO);
    if let Some(debug) = &vu.debug
        && !debug.keeps_think()
    {
        debug.emit(crate::debug::DebugEvent::ThinkSkipped { pause });
        return Flow::Passed;
    }
    // A think is part of the journey: a graceful stop lets it finish, only
    // an abort cuts it short.
    if worker.sleep_unless_aborted(pause).await {
        Flow::Passed
    } else {
        Flow::StopUser
    }
}

/// The think time `steps` would have spent had they run: what a user still
/// waits after a failure skipped them, so a failing system never receives
/// more load than a healthy one. A lower bound where the steps decide at
/// run time: the shorter branch of an `if`, no round of a `repeat while`.
pub(crate) fn skipped(steps: &[Step], rng: &mut fastrand::Rng) -> Duration {
    steps.iter().map(|step| skipped_in(step, rng)).sum()
}

fn skipped_in(step: &Step, rng: &mut fastrand::Rng) -> Duration {
    match step {
        Step::Think(think) => wait_duration(think.wait, rng, Duration::ZERO),
        Step::Group(group) => skipped(&group.steps, rng),
        Step::If(if_) => skipped(&if_.then, rng).min(skipped(&if_.otherwise, rng)),
        Step::Repeat(repeat) => match repeat.times {
            RepeatTimes::Count(n) => {
                // Each round draws its own pause, as running it would; the
                // count is capped so a huge loop cannot stall the user here.
                (0..n.min(10_000))
                    .map(|_| skipped(&repeat.steps, rng))
                    .sum()
            }
            RepeatTimes::While { .. } => Duration::ZERO,
        },
        Step::Request(_) | Step::Poll(_) | Step::Set(_) => Duration::ZERO,
    }
}
