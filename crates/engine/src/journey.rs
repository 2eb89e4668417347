//! One journey iteration: pick a journey by weight, bind its data rows, run
//! its steps in order, and report its outcome, funnel and duration.

use std::time::Duration;

use tokio::time::Instant;

use starling_metrics::{FailureCategory, JourneyOutcome};
use starling_scenario::Exhausted;

use crate::feeder::NoRow;
use crate::steps::{self, Flow};
use crate::vu::{Iteration, Vu};
use crate::worker::Worker;

/// Runs one journey that was due at `intended`. Returns false when the user
/// must stop (its `unique` data ran out, or the run was aborted).
pub(crate) async fn run(worker: &Worker, vu: &mut Vu, intended: Instant) -> bool {
    let Some(id) = worker.pick_journey(vu.user_type, &mut vu.rng) else {
        return false;
    };
    let plan = &worker.plan;
    let journey = &plan.journeys[id];
    let started = Instant::now();
    let lag = started.saturating_duration_since(intended);

    // Rows are drawn before the journey counts as started: a user whose
    // `unique` data ran out stops without a journey to report.
    for &data in &journey.data {
        let source = &plan.data[data];
        match worker
            .feeders
            .draw(data, source, &mut vu.rng, &mut vu.unique_rows[data])
        {
            Ok(row) => vu.vars.set(&source.name, row),
            Err(NoRow::Exhausted) if source.on_exhausted == Exhausted::Stop => {
                return false;
            }
            Err(_) => {
                worker.shard().journey_started(id);
                finish(
                    worker,
                    id,
                    failed_at(0, FailureCategory::Data),
                    started,
                    lag,
                );
                return true;
            }
        }
    }

    worker.shard().journey_started(id);
    let mut it = Iteration::new(worker.journey_name(id), lag);
    let mut outcome = JourneyOutcome::Success;
    for (index, step) in journey.steps.iter().enumerate() {
        worker.shard().step_reached(id, index);
        match steps::run(worker, vu, &mut it, step).await {
            Flow::Passed => worker.shard().step_passed(id, index),
            // `on_failure: continue`: the journey goes on, but it did not
            // succeed; it is counted failed at its first failed step.
            Flow::Failed(category) => {
                if outcome == JourneyOutcome::Success {
                    outcome = failed_at(index, category);
                }
            }
            Flow::Aborted(category) => {
                if outcome == JourneyOutcome::Success {
                    outcome = failed_at(index, category);
                }
                break;
            }
            Flow::StopUser => return false,
        }
    }
    finish(worker, id, outcome, started, lag);
    true
}

fn finish(worker: &Worker, id: usize, outcome: JourneyOutcome, started: Instant, lag: Duration) {
    worker
        .shard()
        .journey_finished(id, outcome, started.elapsed(), lag);
}

fn failed_at(step: usize, category: FailureCategory) -> JourneyOutcome {
    JourneyOutcome::Failed { step, category }
}
