//! The worker's one load loop, for both models: ask the driver what is due
//! now, do it, and sleep until the driver's next deadline or until
//! something happens (a stop, a user's end, a change of load). The
//! decisions are the driver's (`crate::drivers`); this file only awaits,
//! hands the driver its events and applies its actions.

use std::rc::Rc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::{Instant, sleep_until};

use starling_scenario::LoadModel;

use crate::control::RunState;
use crate::drivers::{Action, Driver, Next};
use crate::pacer::{Arrivals, Pacer};
use crate::population::UserTypeSequence;
use crate::schedule::share;
use crate::steering::LoadView;
use crate::vu::VuHandle;
use crate::worker::Worker;

/// Users an open model may create when the scenario sets no `max_users`.
const DEFAULT_MAX_USERS: u32 = 10_000;
/// Arrivals a worker keeps waiting for a free user, at most (memory bound).
const MAX_WAITING: usize = 100_000;

/// Runs this worker's share of the load until the driver says it is over
/// or the run stops, following each change of load it hears of.
pub(crate) async fn drive(
    worker: &Rc<Worker>,
    mut driver: Driver,
    mut load: watch::Receiver<Option<LoadView>>,
) {
    let mut hands = Hands::new(worker);
    let mut actions = Vec::new();
    let mut hearing = true;
    // Changes made before this worker subscribed count too.
    let mut heard = follow(&mut driver, &mut load, 0);
    while worker.state() == RunState::Running {
        for number in worker.take_ended() {
            driver.ended(number);
        }
        let next = driver.poll(worker.elapsed(), &mut actions);
        hands.apply(worker, &mut actions);
        let deadline = match next {
            Next::Over => break,
            Next::At(at) => Some(worker.start() + at),
            Next::Idle => None,
        };
        // Work already due is done without sleeping: the timer fires at
        // most once a millisecond, and a sleep on a past deadline would
        // still cost a trip through the scheduler.
        if deadline.is_some_and(|d| d <= Instant::now()) {
            continue;
        }
        tokio::select! {
            () = sleep_until_some(deadline) => {}
            () = worker.woken() => {}
            () = worker.user_gone() => {}
            news = load.changed(), if hearing => match news {
                Ok(()) => heard = follow(&mut driver, &mut load, heard),
                // The control is gone: no change can come any more.
                Err(_) => hearing = false,
            },
        }
    }
    hands.finish(worker);
}

/// Hands the driver the changes after the first `heard`, each at its own
/// instant on the run's clock (a worker that hears late catches up at
/// once, as a late start does); returns how many it has had.
fn follow(
    driver: &mut Driver,
    load: &mut watch::Receiver<Option<LoadView>>,
    heard: usize,
) -> usize {
    let view = load.borrow_and_update();
    let Some(view) = view.as_ref() else {
        return heard;
    };
    let news = view.changes_since(heard);
    for (at, change) in news {
        driver.steer(*at, change);
    }
    heard + news.len()
}

async fn sleep_until_some(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// What the loop holds to carry out the driver's actions.
#[derive(Debug)]
struct Hands {
    /// Closed model: the users started and not stopped, oldest first, so a
    /// ramp-down finds the newest at the end.
    users: Vec<(u64, Rc<VuHandle>)>,
    /// Open model: where arrivals wait for a free user.
    door: Option<Door>,
}

/// The open model's arrival queue, and how users are made to serve it.
#[derive(Debug)]
struct Door {
    arrivals: Rc<Arrivals>,
    types: UserTypeSequence,
    max_users: usize,
    max_wait: Duration,
}

impl Hands {
    fn new(worker: &Worker) -> Hands {
        let door = (worker.plan.load.model == LoadModel::Open).then(|| {
            let lane = worker.lane();
            Door {
                arrivals: Rc::new(Arrivals::default()),
                types: UserTypeSequence::new(&worker.plan),
                max_users: share(
                    u64::from(worker.plan.load.max_users.unwrap_or(DEFAULT_MAX_USERS)),
                    lane.slot,
                    lane.stride,
                ) as usize,
                max_wait: worker.plan.defaults.timeout,
            }
        });
        Hands {
            users: Vec::new(),
            door,
        }
    }

    fn apply(&mut self, worker: &Rc<Worker>, actions: &mut Vec<Action>) {
        let mut stopped = false;
        for action in actions.drain(..) {
            match action {
                Action::Start { number, user_type } => {
                    let pacer = Pacer::Closed { last_start: None };
                    let handle = worker.spawn_user(number, user_type, pacer);
                    self.users.push((number, handle));
                }
                Action::Stop { number } => {
                    if let Some(i) = self.users.iter().rposition(|(n, _)| *n == number) {
                        self.users.remove(i).1.stop.set(true);
                        stopped = true;
                    }
                }
                Action::Arrive { due, .. } => {
                    if let Some(door) = &mut self.door {
                        door.admit(worker, worker.start() + due);
                    }
                }
            }
        }
        if stopped {
            worker.wake_all();
        }
    }

    /// No more arrivals: the ones still waiting are dropped, and counted.
    fn finish(&self, worker: &Worker) {
        if let Some(door) = &self.door {
            door.arrivals.close();
            while door.arrivals.drop_oldest() {
                worker.shard().arrival_dropped();
            }
        }
    }
}

impl Door {
    /// Queues an arrival for a ready user, creating one if none is ready
    /// and this worker's share of `max_users` allows.
    fn admit(&mut self, worker: &Rc<Worker>, due: Instant) {
        self.arrivals.push(due);
        let lane = worker.lane();
        if self.arrivals.unserved() > 0
            && worker.live_users() < self.max_users
            && let Some((number, user_type)) = self.types.next_for_worker(lane.slot, lane.stride)
        {
            worker.spawn_user(number, user_type, Pacer::open(self.arrivals.clone()));
        }
        // An arrival waits for a free user as long as a request may take
        // (the default timeout): started late, its lag shows in the
        // corrected latencies, so a stalled system cannot hide. Older ones
        // are dropped, and counted.
        while self.arrivals.oldest_waited(due) > self.max_wait || self.arrivals.len() > MAX_WAITING
        {
            self.arrivals.drop_oldest();
            worker.shard().arrival_dropped();
        }
    }
}
