//! One journey iteration: pick a journey by weight, bind its data rows, run
//! its steps in order, and report its outcome, funnel and duration.

use std::time::Duration;

use tokio::time::Instant;

use starling_metrics::{FailureCategory, FailureExample, JourneyOutcome};
use starling_scenario::{Exhausted, JourneyId};

use crate::feeder::NoRow;
use crate::pacer::Start;
use crate::steps::{self, Flow};
use crate::vu::{Iteration, Vu};
use crate::worker::Worker;

/// How a journey iteration left its user.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ended {
    /// False when the user must stop (its `unique` data ran out, or the
    /// run was aborted).
    pub(crate) alive: bool,
    /// Think time the journey skipped because a failure ended it early.
    pub(crate) skipped_think: Duration,
}

impl Ended {
    const STOP: Ended = Ended {
        alive: false,
        skipped_think: Duration::ZERO,
    };
}

/// Runs one journey that was due at `start.intended`.
pub(crate) async fn run(worker: &Worker, vu: &mut Vu, start: Start) -> Ended {
    let Some(id) = worker.pick_journey(vu.user_type, &mut vu.rng) else {
        return Ended::STOP;
    };
    let plan = &worker.plan;
    let started = start.now;
    let lag = started.saturating_duration_since(start.intended);

    // Rows are drawn before the journey counts as started: a user whose
    // `unique` data ran out stops without a journey to report.
    for &data in &plan.journeys[id].data {
        let source = &plan.data[data];
        match worker
            .feeders
            .draw(data, source, &mut vu.rng, &mut vu.unique_rows[data])
        {
            Ok(row) => vu.vars.set(&source.name, row),
            Err(NoRow::Exhausted) if source.on_exhausted == Exhausted::Stop => {
                return Ended::STOP;
            }
            Err(problem) => {
                let journey = Started::new(worker, id, started, lag);
                worker.journey_example(Some(id), FailureCategory::Data, |_| FailureExample {
                    url: String::new(),
                    status: None,
                    body: String::new(),
                    error: match problem {
                        NoRow::Empty => format!("data source `{}` has no rows", source.name),
                        NoRow::Exhausted => format!(
                            "data source `{}` ran out of unique rows (on_exhausted: error)",
                            source.name
                        ),
                    },
                });
                journey.finish(failed_at(0, FailureCategory::Data));
                return Ended {
                    alive: true,
                    skipped_think: crate::steps::think::skipped(
                        &plan.journeys[id].steps,
                        &mut vu.rng,
                    ),
                };
            }
        }
    }

    let mut journey = Started::new(worker, id, started, lag);
    let mut it = Iteration::new(Some(id), worker.journey_name(id), lag);
    let mut outcome = JourneyOutcome::Success;
    for (index, step) in plan.journeys[id].steps.iter().enumerate() {
        journey.step = index;
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
                let rest = &plan.journeys[id].steps[index + 1..];
                it.skip_think(rest, &mut vu.rng);
                break;
            }
            // The run was aborted: `journey` records the cut on drop.
            Flow::StopUser => return Ended::STOP,
        }
    }
    journey.finish(outcome);
    Ended {
        alive: true,
        skipped_think: it.skipped_think,
    }
}

/// A started journey, which ends in the counts however it ends: finished
/// normally, or cut off where it stood when its task is dropped (the stop
/// timeout passed, or the run was aborted). Every journey started is
/// succeeded or failed; none is lost.
struct Started<'w> {
    worker: &'w Worker,
    id: JourneyId,
    started: Instant,
    lag: Duration,
    /// The top-level step running now.
    step: usize,
    outcome: Option<JourneyOutcome>,
}

impl<'w> Started<'w> {
    fn new(worker: &'w Worker, id: JourneyId, started: Instant, lag: Duration) -> Self {
        worker.shard().journey_started(id);
        Started {
            worker,
            id,
            started,
            lag,
            step: 0,
            outcome: None,
        }
    }

    fn finish(mut self, outcome: JourneyOutcome) {
        self.outcome = Some(outcome);
    }
}

impl Drop for Started<'_> {
    fn drop(&mut self) {
        let outcome = self.outcome.take().unwrap_or_else(|| {
            let step = self.step;
            self.worker
                .journey_example(Some(self.id), FailureCategory::Interrupted, |_| {
                    FailureExample {
                        url: String::new(),
                        status: None,
                        body: String::new(),
                        error: format!(
                            "cut off at step {} by the end of the run (the stop timeout passed, or a second Ctrl-C)",
                            step + 1
                        ),
                    }
                });
            failed_at(step, FailureCategory::Interrupted)
        });
        self.worker
            .shard()
            .journey_finished(self.id, outcome, self.started.elapsed(), self.lag);
    }
}

fn failed_at(step: usize, category: FailureCategory) -> JourneyOutcome {
    JourneyOutcome::Failed { step, category }
}
