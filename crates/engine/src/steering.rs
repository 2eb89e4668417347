//! Live changes of load: the typed message a UI sends through `Control`,
//! the checks it passes, and what the run shows of where its load stands.

use std::time::{Duration, Instant};

use starling_scenario::LoadModel;

use crate::schedule::Schedule;

/// A new load for a running run. It starts where the load is at the
/// instant it is made (no jump in users, no arrival lost or counted
/// twice) and holds as `until` says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LoadChange {
    /// Closed model: from the users the curve holds now to `users`, at
    /// `spawn_rate` users per second (up or down), then hold.
    Users {
        users: u32,
        spawn_rate: f64,
        until: Until,
    },
    /// Open model: from the arrival rate now to `per_second` over `ramp`
    /// (zero: at once), then hold.
    Rate {
        per_second: f64,
        ramp: Duration,
        until: Until,
    },
}

/// How long a new load holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Until {
    /// Until the run's planned end (the plan's, whatever changes came
    /// since), or until stopped if the plan has none.
    #[default]
    PlannedEnd,
    /// Until the run is stopped (Ctrl-C, a UI, a threshold).
    Stopped,
}

/// Why a load change was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SteerError {
    #[error("no run is going on: a load can only be changed while a run runs")]
    NotRunning,
    #[error("this run is an open model (arrivals per second): change its rate, not its users")]
    UsersOfAnOpenRun,
    #[error("this run is a closed model (a number of users): change its users, not a rate")]
    RateOfAClosedRun,
    #[error("a spawn rate is users per second, more than zero: got {0}")]
    SpawnRate(f64),
    #[error("an arrival rate is arrivals per second, zero or more: got {0}")]
    Rate(f64),
    #[error("the run's planned end has passed: hold the new load until stopped instead")]
    PlannedEndPassed,
}

/// Where a run's load stands, for a UI to show.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    pub model: LoadModel,
    /// The curve's value now: users (closed model) or arrivals per second
    /// (open model), over the whole run (every worker).
    pub current: f64,
    /// The value the curve is heading for: the current stage's target,
    /// or the latest change's.
    pub heading: f64,
    /// When the curve ends, from the run's start; `None` until stopped
    /// (closed model with `iterations`: until they are done).
    pub ends_at: Option<Duration>,
    /// The latest change made, if any, and when (from the run's start).
    pub latest: Option<LoadChange>,
    pub changed_at: Option<Duration>,
}

impl LoadChange {
    pub fn model(&self) -> LoadModel {
        match self {
            LoadChange::Users { .. } => LoadModel::Closed,
            LoadChange::Rate { .. } => LoadModel::Open,
        }
    }

    pub fn until(&self) -> Until {
        match *self {
            LoadChange::Users { until, .. } | LoadChange::Rate { until, .. } => until,
        }
    }

    /// The level it goes to from `current`, and in how many seconds.
    pub(crate) fn ramp_from(&self, current: f64) -> (f64, f64) {
        match *self {
            LoadChange::Users {
                users, spawn_rate, ..
            } => {
                let to = f64::from(users);
                (to, (to - current).abs() / spawn_rate)
            }
            LoadChange::Rate {
                per_second, ramp, ..
            } => (per_second, ramp.as_secs_f64()),
        }
    }

    /// Whether the numbers make a load at all.
    fn check(&self) -> Result<(), SteerError> {
        match *self {
            LoadChange::Users { spawn_rate, .. }
                if !(spawn_rate.is_finite() && spawn_rate > 0.0) =>
            {
                Err(SteerError::SpawnRate(spawn_rate))
            }
            LoadChange::Rate { per_second, .. }
                if !(per_second.is_finite() && per_second >= 0.0) =>
            {
                Err(SteerError::Rate(per_second))
            }
            _ => Ok(()),
        }
    }
}

/// The load as the control knows it while a run runs: what workers hear
/// of and a UI reads.
#[derive(Debug, Clone)]
pub(crate) struct LoadView {
    model: LoadModel,
    start: Instant,
    /// The curve with every change applied, as each worker's is.
    curve: Schedule,
    /// Every change so far, with its instant on the run's clock, in order.
    /// A worker applies the ones it has not yet seen, at their instants, so
    /// every worker and this view follow the very same curve however late
    /// each hears of a change (a watch channel shows only its latest
    /// value; a list lets none be skipped). A UI makes few changes.
    changes: Vec<(Duration, LoadChange)>,
}

impl LoadView {
    pub(crate) fn new(model: LoadModel, curve: Schedule, start: Instant) -> LoadView {
        LoadView {
            model,
            start,
            curve,
            changes: Vec::new(),
        }
    }

    /// The changes from number `seen` on (for a worker that has applied
    /// the first `seen`).
    pub(crate) fn changes_since(&self, seen: usize) -> &[(Duration, LoadChange)] {
        self.changes.get(seen..).unwrap_or_default()
    }

    /// Checks `change` against this run and applies it now.
    pub(crate) fn steer(&mut self, change: LoadChange) -> Result<(), SteerError> {
        change.check()?;
        match (self.model, change.model()) {
            (LoadModel::Open, LoadModel::Closed) => return Err(SteerError::UsersOfAnOpenRun),
            (LoadModel::Closed, LoadModel::Open) => return Err(SteerError::RateOfAClosedRun),
            _ => {}
        }
        let at = self.start.elapsed();
        if change.until() == Until::PlannedEnd
            && self.curve.planned_end().is_some_and(|end| end <= at)
        {
            return Err(SteerError::PlannedEndPassed);
        }
        self.curve.steer(at, &change);
        self.changes.push((at, change));
        Ok(())
    }

    pub(crate) fn target(&self) -> Target {
        let at = self.start.elapsed();
        Target {
            model: self.model,
            current: self.curve.value_at(at),
            heading: self.curve.heading_at(at),
            ends_at: self.curve.end(),
            latest: self.changes.last().map(|c| c.1),
            changed_at: self.changes.last().map(|c| c.0),
        }
    }

    /// When the run is now planned to end.
    pub(crate) fn ends_at(&self) -> Option<Duration> {
        self.curve.end()
    }
}
