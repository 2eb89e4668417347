//! Running steps: one module per step kind, mirroring the scenario crate's
//! compile modules. Each kind's `run` takes the worker, the user and the
//! iteration, and says whether the journey may go on.

mod group;
mod header_list;
mod if_;
mod poll;
mod repeat;
pub(crate) mod request;
mod set;
pub(crate) mod think;

use std::future::Future;
use std::pin::Pin;

use starling_metrics::FailureCategory;
use starling_scenario::{OnFailure, Step};

use crate::vu::{Iteration, Vu};
use crate::worker::Worker;

/// How a list of steps ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Every step passed.
    Passed,
    /// Every step ran, but at least one failed with `on_failure: continue`.
    Failed(FailureCategory),
    /// A step failed and stopped the journey.
    Aborted(FailureCategory),
    /// The user must stop (a `unique` data source ran out, or the run was
    /// aborted).
    StopUser,
}

/// Runs one step.
pub(crate) async fn run(worker: &Worker, vu: &mut Vu, it: &mut Iteration, step: &Step) -> Flow {
    match step {
        Step::Request(request) => request::run_step(worker, vu, it, request).await,
        Step::Think(think) => think::run(worker, vu, think).await,
        Step::Poll(poll) => poll::run(worker, vu, it, poll).await,
        Step::If(if_) => if_::run(worker, vu, it, if_).await,
        Step::Repeat(repeat) => repeat::run(worker, vu, it, repeat).await,
        Step::Group(group) => group::run(worker, vu, it, group).await,
        Step::Set(set) => set::run(worker, vu, it, set),
    }
}

/// Runs a list of steps (a branch, a loop body, a group). Boxed because
/// lists nest: an `if` holds lists that may hold another `if`.
pub(crate) fn run_list<'a>(
    worker: &'a Worker,
    vu: &'a mut Vu,
    it: &'a mut Iteration,
    steps: &'a [Step],
) -> Pin<Box<dyn Future<Output = Flow> + 'a>> {
    Box::pin(async move {
        let mut flow = Flow::Passed;
        for (index, step) in steps.iter().enumerate() {
            match run(worker, vu, it, step).await {
                Flow::Passed => {}
                Flow::Failed(category) => {
                    if flow == Flow::Passed {
                        flow = Flow::Failed(category);
                    }
                }
                aborted @ Flow::Aborted(_) => {
                    it.skip_think(&steps[index + 1..], &mut vu.rng);
                    return aborted;
                }
                Flow::StopUser => return Flow::StopUser,
            }
        }
        flow
    })
}

/// Keeps an example of an expression (`if`, `set`, `repeat while`, `poll
/// until`) that could not be evaluated: the journey fails, and FAILURES
/// must say why, though no request failed. The message may quote a value
/// the user holds, so the user's secrets are redacted from it.
pub(crate) fn expression_failed(worker: &Worker, vu: &Vu, it: &mut Iteration, message: &str) {
    if let Some(debug) = &vu.debug {
        let redactor = crate::debug::redactor(worker, vu, &[], "", &[]);
        debug.emit(crate::debug::DebugEvent::TemplateFailed {
            error: redactor.text(message),
        });
    }
    worker.journey_example(
        it.journey,
        FailureCategory::Template,
        it.trace_id(),
        |redactor| {
            vu.secrets_into(redactor);
            starling_metrics::FailureExample {
                url: String::new(),
                status: None,
                body: String::new(),
                error: message.to_owned(),
            }
        },
    );
    it.failed_unsent(FailureCategory::Template, "", message);
}

/// Turns a step's failure into the flow its `on_failure` asks for.
pub(crate) fn failed(category: FailureCategory, on_failure: OnFailure) -> Flow {
    match on_failure {
        OnFailure::Abort => Flow::Aborted(category),
        OnFailure::Continue => Flow::Failed(category),
    }
}
