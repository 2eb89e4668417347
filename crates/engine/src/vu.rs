//! A virtual user: one simulated person with its own connections, cookies,
//! variables and random numbers, and the loop it lives in.
//!
//! Both load models run this same loop; only the pacer differs (it decides
//! when the next journey starts). A user holds nothing while it waits but
//! its session (sockets and cookie jar) and its variables.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use starling_http::{Response, Session};
use starling_scenario::response::{ResponseHeaders, ResponseView};
use starling_scenario::scope::{Scope, Vars, VuInfo};
use starling_scenario::{UserTypeId, Wait};

use crate::control::RunState;
use crate::debug::{DebugEvent, Part};
use crate::journey;
use crate::pacer::{Pacer, Start};
use crate::steps::{self, Flow};
use crate::trace::{Chain, TraceContext};
use crate::worker::Worker;

/// A virtual user's own state.
#[derive(Debug)]
pub(crate) struct Vu {
    pub(crate) id: u64,
    pub(crate) user_type: UserTypeId,
    pub(crate) session: Session,
    /// Captures and `set` values persist for the user's life, so a token
    /// captured in `on_start` serves every later journey.
    pub(crate) vars: Vars,
    pub(crate) iteration: u64,
    pub(crate) rng: fastrand::Rng,
    /// The row of each `unique` data source this user holds for its life.
    pub(crate) unique_rows: Vec<Option<usize>>,
    /// The values of its `secret: true` captures, by variable: kept out of
    /// its failure examples. One entry per variable (a new value replaces
    /// the old), so the list stays as short as the scenario's secrets.
    pub(crate) secrets: Vec<(Box<str>, Box<str>)>,
    /// Trace and span ids, and the ranks of failed samples: seeded from
    /// the OS, never from `--seed` (see `TraceIds::new`).
    pub(crate) ids: fastrand::Rng,
    /// Where a debug run (`starling try`) tells what this user does;
    /// `None` on a load run, where each hook costs one branch.
    pub(crate) debug: Option<crate::debug::DebugSink>,
}

/// What one journey iteration carries from step to step.
#[derive(Debug)]
pub(crate) struct Iteration {
    /// `None` in `on_start` and `on_stop`, which are not journeys.
    pub(crate) journey: Option<starling_scenario::JourneyId>,
    pub(crate) journey_name: Rc<str>,
    /// How late this iteration started against its intended start (open
    /// model). Charged to the first request only: later ones were not
    /// delayed by the scheduler.
    pub(crate) schedule_lag: std::time::Duration,
    /// The latest response, for `if`, `until` and `while` after a request.
    /// Dropped with the iteration, so an idle user keeps no body.
    pub(crate) last: Option<Received>,
    /// Think time of the steps a failure skipped, which the user still
    /// waits before its next journey.
    pub(crate) skipped_think: std::time::Duration,
    /// The top-level step running now.
    pub(crate) step: usize,
    /// Sent with every request; `None` when tracing is off.
    pub(crate) trace: Option<TraceContext>,
    /// What the iteration ran, for a kept sample and exported spans;
    /// `None` in `on_start` and `on_stop`, which keep no samples.
    pub(crate) chain: Option<Chain>,
}

impl Iteration {
    pub(crate) fn new(
        journey: Option<starling_scenario::JourneyId>,
        name: Rc<str>,
        schedule_lag: std::time::Duration,
        trace: Option<TraceContext>,
        chain: Option<Chain>,
    ) -> Self {
        Iteration {
            journey,
            journey_name: name,
            schedule_lag,
            last: None,
            skipped_think: std::time::Duration::ZERO,
            step: 0,
            trace,
            chain,
        }
    }

    /// The trace id failure examples keep.
    pub(crate) fn trace_id(&self) -> Option<starling_metrics::TraceId> {
        self.trace.as_ref().map(|t| t.trace)
    }

    /// Notes a request this iteration sent, in the current step.
    #[inline]
    pub(crate) fn record(&mut self, sent: &crate::trace::Sent<'_>) {
        if let Some(chain) = &mut self.chain {
            chain.sent(self.step, sent);
        }
    }

    /// Notes a failure that sent nothing in the current step.
    pub(crate) fn failed_unsent(
        &mut self,
        category: starling_metrics::FailureCategory,
        what: &str,
        message: &str,
    ) {
        if let Some(chain) = &mut self.chain {
            chain.failed(self.step, category, what, message);
        }
    }

    /// Notes the think time of `steps`, which a failure skipped.
    pub(crate) fn skip_think(
        &mut self,
        steps: &[starling_scenario::Step],
        rng: &mut fastrand::Rng,
    ) {
        self.skipped_think += crate::steps::think::skipped(steps, rng);
    }

    /// The lag for the next request to report, then zero.
    pub(crate) fn take_lag(&mut self) -> std::time::Duration {
        std::mem::take(&mut self.schedule_lag)
    }
}

/// A response as an iteration keeps it for the steps after its request.
/// (A type of the engine's own, so it can lend the response's headers to
/// captures and expectations through the scenario's trait.)
#[derive(Debug)]
pub(crate) struct Received(pub(crate) Response);

impl ResponseHeaders for Received {
    fn first(&self, name: &str) -> Option<&[u8]> {
        self.0.headers.get(name)
    }

    fn each(&self, visit: &mut dyn FnMut(&str, &[u8])) {
        for (name, value) in &self.0.headers {
            visit(name, value);
        }
    }
}

impl Received {
    /// The view captures, expectations and conditions read.
    pub(crate) fn view(&self) -> ResponseView<'_> {
        let response = &self.0;
        ResponseView::new(
            response.status,
            self,
            &response.body,
            response.timings.total,
        )
    }
}

/// Builds the scope templates see. A free function over the fields, so the
/// borrow of `vars` does not lock the whole user (its session stays usable).
pub(crate) fn scope<'a>(
    vars: &'a Vars,
    vu: VuInfo,
    it: &'a Iteration,
    response: Option<&'a ResponseView<'a>>,
) -> Scope<'a> {
    Scope {
        vars,
        vu,
        journey: &it.journey_name,
        response,
    }
}

impl Vu {
    pub(crate) fn info(&self) -> VuInfo {
        VuInfo {
            id: self.id,
            iteration: self.iteration,
        }
    }

    /// Notes the value of a `secret: true` capture.
    pub(crate) fn keep_secret(&mut self, var: &str, value: &starling_scenario::value::Value) {
        let text: Box<str> = match value.as_str() {
            Some(text) => text.into(),
            None => value.to_string().into(),
        };
        match self.secrets.iter_mut().find(|(name, _)| &**name == var) {
            Some((_, kept)) => *kept = text,
            None => self.secrets.push((var.into(), text)),
        }
    }

    /// Tells `redactor` this user's secrets: its secret captures and the
    /// cookies its jar holds (a session cookie the server set).
    pub(crate) fn secrets_into<'a>(&'a self, redactor: &mut crate::redact::Redactor<'a>) {
        for (_, value) in &self.secrets {
            redactor.value(&**value);
        }
        for cookie in self.session.cookies().iter_any() {
            redactor.value(cookie.value());
        }
    }
}

/// Flags the worker uses to steer one user.
#[derive(Debug, Default)]
pub(crate) struct VuHandle {
    /// Set by a ramp-down: finish the current journey, then stop.
    pub(crate) stop: Cell<bool>,
}

/// The user's whole life: `on_start`, journeys as the pacer allows, then
/// `on_stop` unless the run is aborted.
pub(crate) async fn live(
    worker: Rc<Worker>,
    mut vu: Vu,
    mut pacer: Pacer,
    handle: Rc<VuHandle>,
    alive: Alive,
) {
    // Dropped with the task, however it ends.
    let _alive = alive;
    let user_type = &worker.plan.user_types[vu.user_type];
    if let Some(debug) = &vu.debug {
        debug.emit(DebugEvent::UserStarted {
            user_type: user_type.name.clone(),
            vu: vu.id,
        });
    }
    if run_hook(&worker, &mut vu, &user_type.on_start, Part::OnStart).await {
        // Where a journey's (large, ~2 KiB) state lives. A user that waits
        // between journeys, or for arrivals, holds it on the heap only while
        // a journey runs, so an idle user costs little memory. A user that
        // never waits always runs one: its journeys share one allocation
        // for its whole life instead of an allocation and a copy of that
        // state per journey (the largest user-space cost of a throughput
        // run's request path).
        let back_to_back = matches!(pacer, Pacer::Closed { .. })
            && matches!(user_type.wait, Wait::None | Wait::Constant(Duration::ZERO));
        if back_to_back {
            Box::pin(journeys(&worker, &mut vu, &mut pacer, &handle, Inline)).await;
        } else {
            journeys(&worker, &mut vu, &mut pacer, &handle, BoxedEach).await;
        }
    }
    if worker.state() != RunState::Abort {
        run_hook(&worker, &mut vu, &user_type.on_stop, Part::OnStop).await;
    }
    vu.session.close();
}

/// A user counted live from the moment it is created (not when its task
/// first runs: a burst of arrivals creates many users before any runs, and
/// `max_users` must hold through it) until its task ends, however it ends:
/// normally, cut off at the end of the run, before it ever ran, or by a
/// panic (which must not leave the worker waiting for a user that is gone).
#[derive(Debug)]
pub(crate) struct Alive {
    worker: Rc<Worker>,
    /// The user's number, so the load loop learns whose life ended.
    number: u64,
}

impl Alive {
    pub(crate) fn new(worker: Rc<Worker>, number: u64) -> Self {
        worker.users_started();
        Alive { worker, number }
    }
}

impl Drop for Alive {
    fn drop(&mut self) {
        self.worker.users_stopped(self.number);
    }
}

/// Journeys one after another, as the pacer allows, until the user must
/// stop or has done its iterations. One loop for every load model; `R`
/// only decides where each journey's state is kept.
async fn journeys<R: RunJourney>(
    worker: &Worker,
    vu: &mut Vu,
    pacer: &mut Pacer,
    handle: &VuHandle,
    runner: R,
) {
    let iterations = worker.plan.load.iterations;
    while let Some(start) = pacer.next_start(worker, vu, handle).await {
        let ended = runner.run(worker, vu, start).await;
        vu.iteration += 1;
        if !ended.alive || iterations.is_some_and(|n| vu.iteration >= n) {
            break;
        }
        // A failure ended the journey before its think steps: the user
        // still spends them, as it would have against a healthy system,
        // instead of coming straight back (a failing system would get more
        // requests than a healthy one).
        if !ended.skipped_think.is_zero()
            && vu.debug.as_ref().is_none_or(|debug| debug.keeps_think())
            && !worker
                .wait_until_running(tokio::time::Instant::now() + ended.skipped_think, handle)
                .await
        {
            break;
        }
        // A journey may finish without awaiting anything that is pending
        // (only `set` steps, a branch not taken, a template error, a
        // connect refused by the open-files limit). With no wait between
        // journeys such a user would never give its thread back, and the
        // worker could not see the clock, a stop or a signal: it spun
        // forever. Spending one unit of tokio's cooperative budget per
        // journey makes it yield at least every 128 journeys, and costs a
        // thread-local decrement when it does not.
        tokio::task::coop::consume_budget().await;
    }
}

/// Runs one journey, its state kept where the implementation says.
trait RunJourney {
    async fn run(&self, worker: &Worker, vu: &mut Vu, start: Start) -> journey::Ended;
}

/// In the caller's own state.
struct Inline;

impl RunJourney for Inline {
    async fn run(&self, worker: &Worker, vu: &mut Vu, start: Start) -> journey::Ended {
        journey::run(worker, vu, start).await
    }
}

/// In an allocation of its own, freed when the journey ends.
struct BoxedEach;

impl RunJourney for BoxedEach {
    async fn run(&self, worker: &Worker, vu: &mut Vu, start: Start) -> journey::Ended {
        Box::pin(journey::run(worker, vu, start)).await
    }
}

/// Runs `on_start` or `on_stop`: its requests count in the request and
/// service views, not as a journey. Returns false when the user must stop.
async fn run_hook(
    worker: &Worker,
    vu: &mut Vu,
    steps_: &[starling_scenario::Step],
    part: Part,
) -> bool {
    if steps_.is_empty() {
        return true;
    }
    let name = match part {
        Part::OnStop => "on_stop",
        Part::OnStart | Part::Journey => "on_start",
    };
    if let Some(debug) = &vu.debug {
        debug.emit(DebugEvent::PartStarted {
            part,
            name: name.to_owned(),
        });
    }
    // A hook's requests carry a trace of their own, but keep no samples.
    let trace = worker.trace_context(&mut vu.ids);
    let mut it = Iteration::new(None, Rc::from(name), std::time::Duration::ZERO, trace, None);
    let flow = steps::run_list(worker, vu, &mut it, steps_).await;
    if let Some(debug) = &vu.debug
        && flow != Flow::StopUser
    {
        debug.emit(DebugEvent::PartEnded {
            part,
            name: name.to_owned(),
            passed: flow == Flow::Passed,
        });
    }
    flow != Flow::StopUser
}
