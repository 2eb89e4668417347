//! The poll step: a request repeated every interval until a condition
//! holds, up to a timeout; reported as one operation with its total wait,
//! as a user waits for asynchronous work such as a payment settling. An
//! attempt slower than `every` makes the next one late, which the run's
//! drift counts (a `poll_late` warning at the end).

use tokio::time::Instant;

use starling_metrics::FailureCategory;
use starling_scenario::Poll;
use starling_scenario::runtime::with_rng;

use super::{Flow, failed};
use crate::steps::request::send;
use crate::vu::Received;
use crate::vu::{Iteration, Vu, scope};
use crate::worker::Worker;

pub(crate) async fn run(worker: &Worker, vu: &mut Vu, it: &mut Iteration, poll: &Poll) -> Flow {
    let started = Instant::now();
    let deadline = started + poll.timeout;
    let outcome = loop {
        let attempt = Instant::now();
        // A failed attempt (a 404 before the resource exists, a timeout) is
        // counted as a request failure but does not end the poll: only the
        // poll's own timeout does.
        // Each attempt's own timeout is cut to the time left.
        let sent = send(worker, vu, it, &poll.request, Some(deadline)).await;
        if sent.is_ok() {
            let done = {
                let info = vu.info();
                let last = it.last.as_ref().map(Received::view);
                let scope = scope(&vu.vars, info, it, last.as_ref());
                with_rng(&mut vu.rng, || poll.until.is_true(&scope))
            };
            match done {
                Ok(true) => break Ok(()),
                Ok(false) => {}
                Err(error) => {
                    super::expression_failed(worker, vu, it, &format!("poll until: {error}"));
                    break Err(FailureCategory::Template);
                }
            }
        }
        let next = attempt + poll.every;
        if next >= deadline {
            if sent.is_ok() {
                // Every attempt was answered, the condition never held: no
                // request failed, so the poll itself must say why.
                let error = format!(
                    "poll did not see `until` hold within its timeout of {:?}",
                    poll.timeout
                );
                let trace = it.trace_id();
                worker.journey_example(
                    it.journey,
                    FailureCategory::Expectation,
                    trace,
                    |redactor| {
                        vu.secrets_into(redactor);
                        starling_metrics::FailureExample {
                            url: poll.request.url.source().to_owned(),
                            status: it.last.as_ref().map(|r| r.0.status),
                            body: String::new(),
                            error: error.clone(),
                        }
                    },
                );
                it.failed_unsent(
                    FailureCategory::Expectation,
                    poll.request.url.source(),
                    &error,
                );
            }
            break Err(sent.err().unwrap_or(FailureCategory::Expectation));
        }
        // The next attempt is due at `next`; past it, this one took longer
        // than `every` and the cadence slips (said at the end of the run).
        worker
            .drift
            .poll_repeat(poll.section, Instant::now() > next);
        if !worker.sleep_until_unless_aborted(next).await {
            return Flow::StopUser;
        }
    };
    worker.section_finished(poll.section, started.elapsed(), outcome.is_ok());
    match outcome {
        Ok(()) => Flow::Passed,
        Err(category) => failed(category, poll.on_failure),
    }
}
