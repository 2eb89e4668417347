//! The repeat step: a step list run a number of times, or while a
//! condition holds (with a cap, so a condition that never turns false
//! cannot trap a user forever).

use starling_metrics::FailureCategory;
use starling_scenario::runtime::with_rng;
use starling_scenario::{OnFailure, Repeat, RepeatTimes};

use super::{Flow, failed, run_list};
use crate::vu::Received;
use crate::vu::{Iteration, Vu, scope};
use crate::worker::Worker;

pub(crate) async fn run(worker: &Worker, vu: &mut Vu, it: &mut Iteration, step: &Repeat) -> Flow {
    let mut flow = Flow::Passed;
    let mut round = 0u64;
    loop {
        let go_on = match &step.times {
            RepeatTimes::Count(n) => round < *n,
            RepeatTimes::While { condition, max } => {
                if round >= *max {
                    false
                } else {
                    let info = vu.info();
                    let last = it.last.as_ref().map(Received::view);
                    let scope = scope(&vu.vars, info, it, last.as_ref());
                    match with_rng(&mut vu.rng, || condition.is_true(&scope)) {
                        Ok(holds) => holds,
                        Err(error) => {
                            super::expression_failed(
                                worker,
                                vu,
                                it,
                                &format!("repeat while: {error}"),
                            );
                            return failed(FailureCategory::Template, OnFailure::Abort);
                        }
                    }
                }
            }
        };
        if !go_on {
            return flow;
        }
        match run_list(worker, vu, it, &step.steps).await {
            Flow::Passed => {}
            Flow::Failed(category) => flow = Flow::Failed(category),
            stop => return stop,
        }
        round += 1;
        // A loop body of `set` steps awaits nothing: yield now and then so
        // the worker still sees its clock and its stop signal.
        tokio::task::coop::consume_budget().await;
    }
}
