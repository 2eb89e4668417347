//! The run's control channel: how the outside (Ctrl-C, a test, a web UI)
//! tells the workers to stop, or to change the load while the run runs.
//! Commands are state on `watch` channels, so a worker that looks late
//! still sees the latest one.

use std::time::Duration;

use tokio::sync::watch;

use crate::steering::{LoadChange, LoadView, SteerError, Target, Until};

/// Where the run stands, as the workers should see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RunState {
    Running,
    /// No new journeys; in-flight ones finish within the stop timeout,
    /// then users run their `on_stop`.
    Draining,
    /// Stop at once; what was measured is still reported.
    Abort,
}

/// The handle that steers a run. Clone it freely (one for the signal
/// handler, one for a UI).
#[derive(Debug, Clone)]
pub struct Control {
    tx: watch::Sender<RunState>,
    /// The load while a run runs (`None` before and after): workers hear
    /// of each change on it, and `target` reads it.
    load: watch::Sender<Option<LoadView>>,
    /// How many times the statistics were asked to restart: the collector
    /// compares it with the last it applied.
    resets: watch::Sender<u64>,
}

impl Control {
    pub fn new() -> Control {
        let (tx, _rx) = watch::channel(RunState::Running);
        let (load, _rx) = watch::channel(None);
        let (resets, _rx) = watch::channel(0);
        Control { tx, load, resets }
    }

    /// Changes the load of the running run: from where it is now, as
    /// `change` says. The change is stamped with this instant on the run's
    /// clock, and every worker follows it from that instant (one that hears
    /// a moment later catches up at once): no user appears or vanishes at
    /// once, and no arrival is lost or started twice.
    pub fn steer(&self, change: LoadChange) -> Result<(), SteerError> {
        if self.state() != RunState::Running {
            return Err(SteerError::NotRunning);
        }
        let mut result = Err(SteerError::NotRunning);
        // Checked and applied under the channel's lock, so two changes
        // made at once from two clones apply one after the other.
        self.load.send_if_modified(|view| {
            if let Some(view) = view {
                result = view.steer(change);
            }
            result.is_ok()
        });
        result
    }

    /// Closed model: ramp to `users` at `spawn_rate` users per second from
    /// the users there are now, then hold until the planned end (or until
    /// stopped, if the plan has no end).
    pub fn set_users(&self, users: u32, spawn_rate: f64) -> Result<(), SteerError> {
        self.steer(LoadChange::Users {
            users,
            spawn_rate,
            until: Until::PlannedEnd,
        })
    }

    /// Open model: move to `per_second` arrivals per second over `ramp`
    /// (zero: at once) from the rate now, then hold until the planned end.
    pub fn set_rate(&self, per_second: f64, ramp: Duration) -> Result<(), SteerError> {
        self.steer(LoadChange::Rate {
            per_second,
            ramp,
            until: Until::PlannedEnd,
        })
    }

    /// Starts the running run's statistics afresh, as Locust's "reset
    /// statistics" does: from the next collection round (within a beat)
    /// the results cover only the time since. The load is untouched;
    /// journeys in flight are counted in the new statistics when they end.
    pub fn reset_stats(&self) -> Result<(), SteerError> {
        if self.state() != RunState::Running || self.load.borrow().is_none() {
            return Err(SteerError::NotRunning);
        }
        self.resets.send_modify(|n| *n += 1);
        Ok(())
    }

    /// The reset requests, for the collector: only requests made after
    /// this call count as news.
    pub(crate) fn reset_requests(&self) -> watch::Receiver<u64> {
        self.resets.subscribe()
    }

    /// Where the running run's load stands; `None` when no run runs.
    pub fn target(&self) -> Option<Target> {
        self.load.borrow().as_ref().map(LoadView::target)
    }

    /// A run starts following `view`; changes apply to it from now on.
    pub(crate) fn begin(&self, view: LoadView) {
        self.load.send_replace(Some(view));
    }

    /// The run is over: its load can no longer be changed.
    pub(crate) fn end(&self) {
        self.load.send_replace(None);
    }

    /// The load, for a worker: it follows each change it sees. Taken after
    /// `begin`, so only changes count as news.
    pub(crate) fn load_changes(&self) -> watch::Receiver<Option<LoadView>> {
        self.load.subscribe()
    }

    /// When the run is planned to end now, changes included.
    pub(crate) fn ends_at(&self) -> Option<Duration> {
        self.load.borrow().as_ref().and_then(LoadView::ends_at)
    }

    /// Graceful stop: the first Ctrl-C.
    pub fn stop(&self) {
        self.advance(RunState::Draining);
    }

    /// Immediate stop: the second Ctrl-C.
    pub fn abort(&self) {
        self.advance(RunState::Abort);
    }

    pub fn state(&self) -> RunState {
        *self.tx.borrow()
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<RunState> {
        self.tx.subscribe()
    }

    /// States only move forward: a late `stop` never undoes an `abort`.
    fn advance(&self, to: RunState) {
        self.tx.send_if_modified(|state| {
            let moved = to > *state;
            if moved {
                *state = to;
            }
            moved
        });
    }
}

impl Default for Control {
    fn default() -> Self {
        Control::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_only_move_forward() {
        let c = Control::new();
        let rx = c.subscribe();
        c.stop();
        assert_eq!(*rx.borrow(), RunState::Draining);
        c.abort();
        c.stop();
        assert_eq!(c.state(), RunState::Abort);
    }

    use std::time::Instant;

    use starling_scenario::{LoadModel, Stage};

    use crate::schedule::Schedule;

    fn begun(model: LoadModel, stages: &[Stage], started_ago: Duration) -> Control {
        let c = Control::new();
        let start = Instant::now() - started_ago;
        c.begin(LoadView::new(model, Schedule::new(stages), start));
        c
    }

    fn stage(secs: u64, target: f64) -> Stage {
        Stage {
            duration: Some(Duration::from_secs(secs)),
            target,
        }
    }

    #[test]
    fn a_change_reaches_the_workers_and_the_target_shows_it() {
        let c = begun(
            LoadModel::Closed,
            &[stage(0, 10.0), stage(3600, 10.0)],
            Duration::ZERO,
        );
        let mut rx = c.load_changes();
        let before = c.target().unwrap();
        assert_eq!((before.current, before.heading), (10.0, 10.0));
        assert_eq!(before.latest, None);
        c.set_users(30, 10.0).unwrap();
        assert!(rx.has_changed().unwrap());
        let change = LoadChange::Users {
            users: 30,
            spawn_rate: 10.0,
            until: Until::PlannedEnd,
        };
        let heard = rx
            .borrow_and_update()
            .as_ref()
            .unwrap()
            .changes_since(0)
            .to_vec();
        assert_eq!(heard.len(), 1);
        assert_eq!(heard[0].1, change);
        assert_eq!(c.target().unwrap().changed_at, Some(heard[0].0));
        let target = c.target().unwrap();
        assert_eq!(target.heading, 30.0);
        assert!((10.0..11.0).contains(&target.current), "{target:?}");
        assert_eq!(target.ends_at, Some(Duration::from_secs(3600)));
        assert_eq!(target.latest, Some(change));
        assert_eq!(c.ends_at(), Some(Duration::from_secs(3600)));
    }

    #[test]
    fn changes_that_make_no_sense_for_the_run_are_refused() {
        let c = Control::new();
        assert_eq!(c.set_users(5, 1.0), Err(SteerError::NotRunning));
        assert_eq!(c.target(), None);

        let c = begun(
            LoadModel::Open,
            &[stage(0, 20.0), stage(10, 20.0)],
            Duration::ZERO,
        );
        assert_eq!(c.set_users(5, 1.0), Err(SteerError::UsersOfAnOpenRun));
        assert_eq!(
            c.set_rate(-1.0, Duration::ZERO),
            Err(SteerError::Rate(-1.0))
        );
        assert!(matches!(
            c.set_rate(f64::NAN, Duration::ZERO),
            Err(SteerError::Rate(_))
        ));
        assert_eq!(c.target().unwrap().latest, None, "nothing was applied");
        c.set_rate(0.0, Duration::from_secs(1)).unwrap();

        let c = begun(
            LoadModel::Closed,
            &[stage(0, 20.0), stage(10, 20.0)],
            Duration::ZERO,
        );
        assert_eq!(
            c.set_rate(5.0, Duration::ZERO),
            Err(SteerError::RateOfAClosedRun)
        );
        assert_eq!(c.set_users(5, 0.0), Err(SteerError::SpawnRate(0.0)));
        c.stop();
        assert_eq!(c.set_users(5, 1.0), Err(SteerError::NotRunning));
    }

    /// Past the planned end (a run kept going until stopped), "until the
    /// planned end" would end the run at once: refused, with the way out.
    #[test]
    fn a_change_held_to_a_planned_end_that_has_passed_is_refused() {
        let c = begun(
            LoadModel::Open,
            &[stage(0, 20.0), stage(10, 20.0)],
            Duration::from_secs(5),
        );
        let forever = LoadChange::Rate {
            per_second: 30.0,
            ramp: Duration::ZERO,
            until: Until::Stopped,
        };
        c.steer(forever).unwrap();
        assert_eq!(c.target().unwrap().ends_at, None);
        let c2 = begun(
            LoadModel::Open,
            &[stage(0, 20.0), stage(10, 20.0)],
            Duration::from_secs(15),
        );
        assert_eq!(
            c2.set_rate(30.0, Duration::ZERO),
            Err(SteerError::PlannedEndPassed)
        );
        assert_eq!(
            SteerError::PlannedEndPassed.to_string(),
            "the run's planned end has passed: hold the new load until stopped instead"
        );
    }

    #[test]
    fn after_the_run_nothing_can_be_changed() {
        let c = begun(
            LoadModel::Open,
            &[stage(0, 20.0), stage(10, 20.0)],
            Duration::ZERO,
        );
        c.end();
        assert_eq!(c.target(), None);
        assert_eq!(
            c.set_rate(30.0, Duration::ZERO),
            Err(SteerError::NotRunning)
        );
    }
}
