//! A worker: one OS thread with its own single-threaded runtime, its own
//! virtual users and its own metrics shard.
//!
//! Nothing on the request path crosses threads: users are `spawn_local`
//! tasks, the shard is a `RefCell` borrowed for one record at a time (never
//! across an await), and the collector receives one snapshot per second.

use std::cell::{Cell, RefCell, RefMut};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until};

use starling_http::{Client, ClientConfig};
use starling_metrics::{
    Catalog, FailureCategory, FailureExample, RequestRecord, Shard, Snapshot, TraceId,
};
use starling_scenario::scope::Vars;
use starling_scenario::{JourneyId, Plan, SectionId, UserTypeId};

use crate::control::RunState;
use crate::drivers::Driver;
use crate::feeder::Feeders;
use crate::pacer::Pacer;
use crate::redact::Redactor;
use crate::segment::Lane;
use crate::steering::LoadView;
use crate::target::Targets;
use crate::trace::{ChainPool, ExportQueue, TraceContext, TraceIds, TraceSettings};
use crate::vu::{self, Vu, VuHandle};

/// What a worker reports to the collector.
#[derive(Debug)]
pub(crate) struct Report {
    pub(crate) snapshot: Snapshot,
    /// The worker has finished; this is its last snapshot.
    pub(crate) last: bool,
    /// In the last report: what each user task that panicked said.
    pub(crate) panics: Vec<String>,
}

/// Everything a worker thread is started with.
#[derive(Debug)]
pub(crate) struct WorkerInit {
    pub(crate) index: usize,
    /// The users and arrivals this worker runs (its segment's share).
    pub(crate) lane: Lane,
    pub(crate) plan: Arc<Plan>,
    pub(crate) targets: Arc<Targets>,
    pub(crate) feeders: Arc<Feeders>,
    pub(crate) drift: Arc<crate::drift::Drift>,
    pub(crate) catalog: Arc<Catalog>,
    pub(crate) http: ClientConfig,
    pub(crate) seed: u64,
    pub(crate) start: std::time::Instant,
    /// `start` on the wall clock, since the Unix epoch.
    pub(crate) unix_start: Duration,
    pub(crate) trace: TraceSettings,
    /// The span export's queue, with `--otlp-endpoint`.
    pub(crate) export: Option<ExportQueue>,
    pub(crate) stop_timeout: Duration,
    pub(crate) collect_every: Duration,
    pub(crate) state: watch::Receiver<RunState>,
    /// Live changes of load, each followed from the instant it was made.
    pub(crate) load: watch::Receiver<Option<LoadView>>,
    pub(crate) active_users: Arc<AtomicU64>,
    /// The most users alive at once, kept as they start.
    pub(crate) peak_users: Arc<AtomicU64>,
    pub(crate) reports: Sender<Report>,
    /// A debug run's sink, handed to every user.
    pub(crate) debug: Option<crate::debug::DebugSink>,
}

/// State shared by all tasks of one worker thread.
#[derive(Debug)]
pub(crate) struct Worker {
    pub(crate) plan: Arc<Plan>,
    pub(crate) targets: Arc<Targets>,
    pub(crate) feeders: Arc<Feeders>,
    /// What changed the run while it ran (late pacing), run-wide.
    pub(crate) drift: Arc<crate::drift::Drift>,
    lane: Lane,
    client: Client,
    shard: RefCell<Shard>,
    state: Cell<RunState>,
    /// Woken (all waiters) when the run state changes or a user is told to
    /// stop, so sleeping users notice at once.
    wake: Notify,
    live_users: Cell<usize>,
    /// Numbers of the users whose task ended since the load loop last
    /// looked (the closed model's `--iterations` end waits for them).
    ended: RefCell<Vec<u64>>,
    /// Every user task, so the end of the run can cut off what is left.
    users: RefCell<JoinSet<()>>,
    users_gone: Notify,
    active_users: Arc<AtomicU64>,
    peak_users: Arc<AtomicU64>,
    /// Per user type: cumulative journey weights, for picking by weight.
    journey_picks: Vec<Vec<(f64, JourneyId)>>,
    journey_names: Vec<Rc<str>>,
    seed: u64,
    start: Instant,
    unix_start: Duration,
    pub(crate) trace: TraceSettings,
    /// Chains lent to running journeys.
    pub(crate) chains: ChainPool,
    /// This worker's trace ids.
    pub(crate) trace_ids: TraceIds,
    /// Seeds each user's id generator: from the OS, not `--seed`.
    id_seed: u64,
    /// Header names of the plan whose values are secret, as written.
    pub(crate) secret_headers: Vec<String>,
    pub(crate) export: Option<ExportQueue>,
    debug: Option<crate::debug::DebugSink>,
}

/// Runs a worker thread to its end.
pub(crate) fn spawn(init: WorkerInit) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name(format!("starling-worker-{}", init.index))
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(_) => return,
            };
            let local = tokio::task::LocalSet::new();
            local.block_on(&runtime, main(init));
        })
}

async fn main(init: WorkerInit) {
    let reports = init.reports.clone();
    let (collect_every, stop_timeout) = (init.collect_every, init.stop_timeout);
    let mut state_rx = init.state.clone();
    let load = init.load.clone();
    let Some(worker) = Worker::new(init) else {
        return;
    };
    let worker = Rc::new(worker);

    // Forward run-state changes from the control channel to local sleepers.
    let forward = {
        let worker = worker.clone();
        tokio::task::spawn_local(async move {
            while state_rx.changed().await.is_ok() {
                let state = *state_rx.borrow_and_update();
                worker.state.set(state);
                worker.wake.notify_waiters();
            }
        })
    };
    // Send the shard's deltas to the collector on a steady beat.
    let reporter = {
        let (worker, reports) = (worker.clone(), reports.clone());
        tokio::task::spawn_local(async move {
            let mut beat = tokio::time::interval_at(worker.start + collect_every, collect_every);
            loop {
                beat.tick().await;
                let snapshot = worker.shard.borrow_mut().take();
                if reports
                    .send(Report {
                        snapshot,
                        last: false,
                        panics: Vec::new(),
                    })
                    .is_err()
                {
                    break;
                }
            }
        })
    };

    let driver = Driver::new(&worker.plan, worker.lane);
    crate::drive::drive(&worker, driver, load).await;
    drain(&worker, stop_timeout).await;
    // Users still running now are cut off; dropping their tasks records
    // their in-flight requests and journeys as interrupted, so it must
    // happen before the last snapshot is taken.
    let mut users = worker.users.take();
    users.abort_all();
    let panics = crate::panics::reap(&mut users, "a virtual user").await;

    reporter.abort();
    forward.abort();
    let snapshot = worker.shard.borrow_mut().take();
    let _ = reports.send(Report {
        snapshot,
        last: true,
        panics,
    });
}

impl Worker {
    fn new(init: WorkerInit) -> Option<Worker> {
        let client = Client::new(init.http).ok()?;
        let plan = init.plan;
        let journey_picks = plan
            .user_types
            .iter()
            .map(|u| {
                let mut sum = 0.0;
                u.journeys
                    .iter()
                    .map(|&j| {
                        sum += plan.journeys[j].weight;
                        (sum, j)
                    })
                    .collect()
            })
            .collect();
        let journey_names = plan
            .journeys
            .iter()
            .map(|j| Rc::from(j.name.as_str()))
            .collect();
        let state = *init.state.borrow();
        Some(Worker {
            targets: init.targets,
            feeders: init.feeders,
            drift: init.drift,
            lane: init.lane,
            client,
            shard: RefCell::new(Shard::new(&init.catalog)),
            state: Cell::new(state),
            wake: Notify::new(),
            live_users: Cell::new(0),
            ended: RefCell::new(Vec::new()),
            users: RefCell::new(JoinSet::new()),
            users_gone: Notify::new(),
            active_users: init.active_users,
            peak_users: init.peak_users,
            journey_picks,
            journey_names,
            seed: init.seed,
            start: Instant::from_std(init.start),
            unix_start: init.unix_start,
            trace: init.trace,
            chains: ChainPool::default(),
            trace_ids: TraceIds::new(fastrand::u64(..), init.trace.sample),
            id_seed: fastrand::u64(..),
            secret_headers: crate::trace::secret_header_names(&plan, &plan.redact),
            export: init.export,
            debug: init.debug,
            plan,
        })
    }

    /// The shard, for one record. Never hold it across an await.
    pub(crate) fn shard(&self) -> RefMut<'_, Shard> {
        self.shard.borrow_mut()
    }

    pub(crate) fn record_request(&self, request: usize, record: &RequestRecord) {
        self.shard.borrow_mut().record_request(request, record);
    }

    /// Keeps a failure example if the shard still wants one; the example is
    /// only built then, so a failing run does not format every failure.
    /// `build` may tell the redactor the secrets it knows of (the user's,
    /// the request's); the plan's are known already, and every example is
    /// redacted here, whoever built it.
    /// `trace` is the iteration's, so the example leads to its trace.
    pub(crate) fn example<'a>(
        &'a self,
        request: usize,
        category: FailureCategory,
        trace: Option<TraceId>,
        build: impl FnOnce(&mut Redactor<'a>) -> FailureExample,
    ) {
        let mut shard = self.shard.borrow_mut();
        if shard.wants_example(request, category) {
            let mut redactor = Redactor::new(&self.plan.redact);
            let example = build(&mut redactor);
            shard.record_traced_example(request, category, redactor.example(example), trace);
        }
    }

    /// Keeps an example of a journey failure that no request records (a
    /// template or expression error, a data source, a poll that never
    /// settled, a cut-off): without it the journey fails with nothing in
    /// FAILURES to say why. `on_start`/`on_stop` (no journey) keep none.
    pub(crate) fn journey_example<'a>(
        &'a self,
        journey: Option<JourneyId>,
        category: FailureCategory,
        trace: Option<TraceId>,
        build: impl FnOnce(&mut Redactor<'a>) -> FailureExample,
    ) {
        let Some(journey) = journey else { return };
        let mut shard = self.shard.borrow_mut();
        if shard.wants_journey_example(journey, category) {
            let mut redactor = Redactor::new(&self.plan.redact);
            let example = build(&mut redactor);
            shard.record_traced_journey_example(
                journey,
                category,
                redactor.example(example),
                trace,
            );
        }
    }

    /// A new trace for an iteration, unless tracing is off.
    pub(crate) fn trace_context(&self, ids: &mut fastrand::Rng) -> Option<TraceContext> {
        self.trace
            .enabled
            .then(|| TraceContext::new(&self.trace_ids, ids))
    }

    /// `at` on the wall clock, in nanoseconds since the Unix epoch.
    pub(crate) fn unix_nanos(&self, at: Instant) -> u64 {
        let since = self.unix_start + at.saturating_duration_since(self.start);
        u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
    }

    /// `at` on the wall clock, in milliseconds since the Unix epoch.
    pub(crate) fn unix_ms(&self, at: Instant) -> u64 {
        let since = self.unix_start + at.saturating_duration_since(self.start);
        u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
    }

    pub(crate) fn section_finished(&self, section: SectionId, duration: Duration, ok: bool) {
        self.shard
            .borrow_mut()
            .section_finished(section, duration, ok);
    }

    pub(crate) fn state(&self) -> RunState {
        self.state.get()
    }

    /// Whether a user may start another journey.
    pub(crate) fn running(&self, handle: &VuHandle) -> bool {
        self.state.get() == RunState::Running && !handle.stop.get()
    }

    /// Completes at the next wake-up (state change, ramp-down).
    pub(crate) async fn woken(&self) {
        self.wake.notified().await;
    }

    /// Waits until `deadline` unless the user is stopped first; true if it
    /// may go on.
    pub(crate) async fn wait_until_running(&self, deadline: Instant, handle: &VuHandle) -> bool {
        self.sleep_while(deadline, || self.running(handle)).await
    }

    /// Sleeps inside a journey; only an abort cuts it short.
    pub(crate) async fn sleep_unless_aborted(&self, pause: Duration) -> bool {
        self.sleep_until_unless_aborted(Instant::now() + pause)
            .await
    }

    pub(crate) async fn sleep_until_unless_aborted(&self, deadline: Instant) -> bool {
        self.sleep_while(deadline, || self.state.get() != RunState::Abort)
            .await
    }

    /// Sleeps until `deadline`, re-checking `go_on` at every wake-up; true
    /// if the deadline came with `go_on` still holding.
    async fn sleep_while(&self, deadline: Instant, go_on: impl Fn() -> bool) -> bool {
        loop {
            if !go_on() {
                return false;
            }
            if Instant::now() >= deadline {
                return true;
            }
            tokio::select! {
                () = sleep_until(deadline) => {}
                () = self.wake.notified() => {}
            }
        }
    }

    /// Picks one of a user type's journeys by weight.
    pub(crate) fn pick_journey(
        &self,
        user_type: UserTypeId,
        rng: &mut fastrand::Rng,
    ) -> Option<JourneyId> {
        let picks = &self.journey_picks[user_type];
        let total = picks.last()?.0;
        let x = rng.f64() * total;
        picks
            .iter()
            .find(|(cum, _)| x < *cum)
            .or(picks.last())
            .map(|(_, j)| *j)
    }

    pub(crate) fn journey_name(&self, id: JourneyId) -> Rc<str> {
        self.journey_names[id].clone()
    }

    pub(crate) fn users_started(&self) {
        self.live_users.set(self.live_users.get() + 1);
        // Once per user, not per request: the peak is exact however short
        // the run.
        let now = self.active_users.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak_users.fetch_max(now, Ordering::Relaxed);
    }

    /// User `number`'s task has ended, however it ended.
    pub(crate) fn users_stopped(&self, number: u64) {
        self.live_users.set(self.live_users.get() - 1);
        self.active_users.fetch_sub(1, Ordering::Relaxed);
        self.ended.borrow_mut().push(number);
        self.users_gone.notify_waiters();
    }

    /// The users whose task ended since the last call.
    pub(crate) fn take_ended(&self) -> Vec<u64> {
        self.ended.take()
    }

    /// Completes when a user's task ends.
    pub(crate) async fn user_gone(&self) {
        self.users_gone.notified().await;
    }

    /// Wakes every sleeper (users told to stop look at their flag).
    pub(crate) fn wake_all(&self) {
        self.wake.notify_waiters();
    }

    pub(crate) fn live_users(&self) -> usize {
        self.live_users.get()
    }

    pub(crate) fn lane(&self) -> Lane {
        self.lane
    }

    /// The run's start, on this thread's clock.
    pub(crate) fn start(&self) -> Instant {
        self.start
    }

    /// Creates user number `number` of type `user_type` and starts its life.
    pub(crate) fn spawn_user(
        self: &Rc<Self>,
        number: u64,
        user_type: UserTypeId,
        pacer: Pacer,
    ) -> Rc<VuHandle> {
        let handle = Rc::new(VuHandle::default());
        let vu = Vu {
            id: number,
            user_type,
            session: self.client.session(),
            vars: Vars::new(),
            iteration: 0,
            // Each user's randomness derives from the run seed and its
            // number, so a seeded run makes the same choices every time.
            rng: fastrand::Rng::with_seed(self.seed ^ number.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            unique_rows: vec![None; self.plan.data.len()],
            secrets: Vec::new(),
            ids: fastrand::Rng::with_seed(
                self.id_seed ^ number.wrapping_mul(0xD1B5_4A32_D192_ED03),
            ),
            debug: self.debug.clone(),
        };
        let alive = vu::Alive::new(self.clone(), number);
        self.users.borrow_mut().spawn_local(vu::live(
            self.clone(),
            vu,
            pacer,
            handle.clone(),
            alive,
        ));
        handle
    }

    /// Time since the run's start.
    pub(crate) fn elapsed(&self) -> Duration {
        Instant::now().saturating_duration_since(self.start)
    }
}

/// Stops the users: no new journeys; in-flight ones get `stop_timeout` to
/// finish (unless the run is aborted), then whatever is left is dropped.
async fn drain(worker: &Rc<Worker>, stop_timeout: Duration) {
    if worker.state.get() == RunState::Running {
        worker.state.set(RunState::Draining);
    }
    worker.wake.notify_waiters();
    let deadline = Instant::now() + stop_timeout;
    while worker.live_users.get() > 0 && worker.state.get() != RunState::Abort {
        tokio::select! {
            () = worker.users_gone.notified() => {}
            () = worker.wake.notified() => {}
            () = sleep_until(deadline) => break,
        }
    }
}
