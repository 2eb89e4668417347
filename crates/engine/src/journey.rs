//! One journey iteration: pick a journey by weight, bind its data rows, run
//! its steps in order, and report its outcome, funnel and duration; a
//! failed or slow one is kept whole (`trace::keep`).

use std::time::Duration;

use tokio::time::Instant;

use starling_metrics::{FailureCategory, FailureExample, JourneyOutcome};
use starling_scenario::{Exhausted, JourneyId};

use crate::debug::{DebugEvent, Part};
use crate::feeder::NoRow;
use crate::pacer::Start;
use crate::steps::{self, Flow};
use crate::trace::{self, Ending};
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
    // A debug run goes through the journeys in order instead of by weight.
    let picked = match &vu.debug {
        None => worker.pick_journey(vu.user_type, &mut vu.rng),
        Some(_) => crate::debug::journey_in_order(&worker.plan, vu.user_type, vu.iteration),
    };
    let Some(id) = picked else {
        return Ended::STOP;
    };
    if let Some(debug) = &vu.debug {
        debug.emit(DebugEvent::PartStarted {
            part: Part::Journey,
            name: worker.plan.journeys[id].name.clone(),
        });
    }
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
                let mut journey = Started::new(worker, vu, id, started, lag);
                let error = match problem {
                    NoRow::Empty => format!("data source `{}` has no rows", source.name),
                    NoRow::Exhausted => format!(
                        "data source `{}` ran out of unique rows (on_exhausted: error)",
                        source.name
                    ),
                };
                let trace = journey.it.trace_id();
                worker.journey_example(Some(id), FailureCategory::Data, trace, |_| {
                    FailureExample {
                        url: String::new(),
                        status: None,
                        body: String::new(),
                        error: error.clone(),
                    }
                });
                journey
                    .it
                    .failed_unsent(FailureCategory::Data, &source.name, &error);
                journey.finish(vu, failed_at(0, FailureCategory::Data));
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

    let mut journey = Started::new(worker, vu, id, started, lag);
    let mut outcome = JourneyOutcome::Success;
    for (index, step) in plan.journeys[id].steps.iter().enumerate() {
        journey.it.step = index;
        worker.shard().step_reached(id, index);
        match steps::run(worker, vu, &mut journey.it, step).await {
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
                journey.it.skip_think(rest, &mut vu.rng);
                break;
            }
            // The run was aborted: `journey` records the cut on drop.
            Flow::StopUser => return Ended::STOP,
        }
    }
    let skipped_think = journey.it.skipped_think;
    journey.finish(vu, outcome);
    Ended {
        alive: true,
        skipped_think,
    }
}

/// A started journey, which ends in the counts however it ends: finished
/// normally, or cut off where it stood when its task is dropped (the stop
/// timeout passed, or the run was aborted). Every journey started is
/// succeeded or failed; none is lost. It holds the iteration, so a cut-off
/// one is still kept whole.
struct Started<'w> {
    worker: &'w Worker,
    id: JourneyId,
    started: Instant,
    lag: Duration,
    vu: u64,
    iteration: u64,
    it: Iteration,
    /// Set by `finish`: the outcome and the duration.
    ended: Option<(JourneyOutcome, Duration)>,
}

impl<'w> Started<'w> {
    fn new(
        worker: &'w Worker,
        vu: &mut Vu,
        id: JourneyId,
        started: Instant,
        lag: Duration,
    ) -> Self {
        worker.shard().journey_started(id);
        let trace = worker.trace_context(&mut vu.ids);
        let chain = Some(worker.chains.lend());
        Started {
            worker,
            id,
            started,
            lag,
            vu: vu.id,
            iteration: vu.iteration,
            it: Iteration::new(Some(id), worker.journey_name(id), lag, trace, chain),
            ended: None,
        }
    }

    /// Ends the journey with its user at hand, so a kept sample can have
    /// the user's secrets redacted from it. (By reference: moving the
    /// whole state into the call cost a 500-byte copy per journey.)
    fn finish(&mut self, vu: &mut Vu, outcome: JourneyOutcome) {
        if let Some(debug) = &vu.debug {
            debug.emit(DebugEvent::PartEnded {
                part: Part::Journey,
                name: self.it.journey_name.to_string(),
                passed: outcome == JourneyOutcome::Success,
            });
        }
        let duration = self.started.elapsed();
        self.keep(outcome, duration, Some(vu));
        self.ended = Some((outcome, duration));
    }

    fn keep(&self, outcome: JourneyOutcome, duration: Duration, vu: Option<&mut Vu>) {
        let Some(chain) = &self.it.chain else { return };
        let ending = Ending {
            journey: self.id,
            vu: self.vu,
            iteration: self.iteration,
            started: self.started,
            duration,
            outcome,
        };
        match vu {
            Some(vu) => {
                let rank = vu.ids.u32(..);
                trace::keep(
                    self.worker,
                    &ending,
                    self.it.trace.as_ref(),
                    chain,
                    Some(vu),
                    || rank,
                );
            }
            None => trace::keep(
                self.worker,
                &ending,
                self.it.trace.as_ref(),
                chain,
                None,
                || fastrand::u32(..),
            ),
        }
    }
}

impl Drop for Started<'_> {
    fn drop(&mut self) {
        let (outcome, duration) = self.ended.take().unwrap_or_else(|| {
            let step = self.it.step;
            self.worker.journey_example(
                Some(self.id),
                FailureCategory::Interrupted,
                self.it.trace_id(),
                |_| FailureExample {
                    url: String::new(),
                    status: None,
                    body: String::new(),
                    error: format!(
                        "cut off at step {} by the end of the run (the stop timeout passed, or a second Ctrl-C)",
                        step + 1
                    ),
                },
            );
            let outcome = failed_at(step, FailureCategory::Interrupted);
            let duration = self.started.elapsed();
            self.keep(outcome, duration, None);
            (outcome, duration)
        });
        self.worker
            .shard()
            .journey_finished(self.id, outcome, duration, self.lag);
        if let Some(chain) = self.it.chain.take() {
            self.worker.chains.give_back(chain);
        }
    }
}

fn failed_at(step: usize, category: FailureCategory) -> JourneyOutcome {
    JourneyOutcome::Failed { step, category }
}
