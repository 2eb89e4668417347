//! The group step: a named sub-journey with a duration metric of its own.

use tokio::time::Instant;

use starling_scenario::Group;

use super::{Flow, run_list};
use crate::vu::{Iteration, Vu};
use crate::worker::Worker;

pub(crate) async fn run(worker: &Worker, vu: &mut Vu, it: &mut Iteration, group: &Group) -> Flow {
    let started = Instant::now();
    let flow = run_list(worker, vu, it, &group.steps).await;
    if flow != Flow::StopUser {
        worker.section_finished(group.section, started.elapsed(), flow == Flow::Passed);
    }
    flow
}
