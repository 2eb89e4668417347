//! The think step: a pause inside a journey, as a person reads a page.

use starling_scenario::Think;

use super::Flow;
use crate::pacer::wait_duration;
use crate::vu::Vu;
use crate::worker::Worker;

pub(crate) async fn run(worker: &Worker, vu: &mut Vu, think: &Think) -> Flow {
    let pause = wait_duration(think.wait, &mut vu.rng, std::time::Duration::ZERO);
    // A think is part of the journey: a graceful stop lets it finish, only
    // an abort cuts it short.
    if worker.sleep_unless_aborted(pause).await {
        Flow::Passed
    } else {
        Flow::StopUser
    }
}
