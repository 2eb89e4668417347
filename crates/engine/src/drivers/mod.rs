//! Load drivers: the closed and open models' decisions as pure state
//! machines. Each is fed the time since the run's start (and events: a
//! user's end, a live change of load) and answers with actions and when to
//! ask it again. The worker's loop (`crate::drive`) only sleeps and applies
//! them, so the decisions can be tested over simulated hours and changed
//! while a run goes on.

mod closed;
mod open;
#[cfg(test)]
mod sim;

use std::time::Duration;

use starling_scenario::{LoadModel, Plan, UserTypeId};

pub(crate) use closed::ClosedDriver;
pub(crate) use open::OpenDriver;

use crate::population::UserTypeSequence;
use crate::schedule::Schedule;
use crate::segment::Lane;
use crate::steering::LoadChange;

/// What a driver asks the worker to do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Action {
    /// Closed model: create user `number` of the run, of `user_type`.
    Start { number: u64, user_type: UserTypeId },
    /// Closed model, ramp-down: user `number` finishes its journey and
    /// leaves.
    Stop { number: u64 },
    /// Open model: arrival `number` of the run is due at `due` (since the
    /// run's start), to be started on a free user.
    Arrive { number: u64, due: Duration },
}

/// When to ask the driver again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// At this time since the run's start (now or in the past: at once).
    At(Duration),
    /// Nothing is due until an event: a user's end, a change, a stop.
    Idle,
    /// This worker's share of the load is done.
    Over,
}

/// One worker's driver, for the plan's load model.
#[derive(Debug)]
pub(crate) enum Driver {
    Closed(ClosedDriver),
    Open(OpenDriver),
}

impl Driver {
    pub(crate) fn new(plan: &Plan, lane: Lane) -> Driver {
        let curve = Schedule::new(&plan.load.stages);
        match plan.load.model {
            LoadModel::Closed => Driver::Closed(ClosedDriver::new(
                curve,
                lane,
                plan.load.iterations.is_some(),
                UserTypeSequence::new(plan),
            )),
            LoadModel::Open => Driver::Open(OpenDriver::new(curve, lane)),
        }
    }

    /// What is due at `now`, into `out`, and when to ask again.
    pub(crate) fn poll(&mut self, now: Duration, out: &mut Vec<Action>) -> Next {
        match self {
            Driver::Closed(d) => d.poll(now, out),
            Driver::Open(d) => d.poll(now, out),
        }
    }

    /// Follows a live change of load made at `at` (now, or a moment ago
    /// if the worker heard late); a change for the other model (the
    /// control refuses those) is ignored.
    pub(crate) fn steer(&mut self, at: Duration, change: &LoadChange) {
        match self {
            Driver::Closed(d) => d.steer(at, change),
            Driver::Open(d) => d.steer(at, change),
        }
    }

    /// User `number` has ended (its iterations done, its `on_start` failed,
    /// or it was stopped).
    pub(crate) fn ended(&mut self, number: u64) {
        if let Driver::Closed(d) = self {
            d.ended(number);
        }
    }
}
