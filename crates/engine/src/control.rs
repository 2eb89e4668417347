//! The run's control channel: how the outside (Ctrl-C, a test, later a web
//! UI) tells the workers to stop. Commands are state on a `watch` channel,
//! so a worker that looks late still sees the latest one.

use tokio::sync::watch;

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
}

impl Control {
    pub fn new() -> Control {
        let (tx, _rx) = watch::channel(RunState::Running);
        Control { tx }
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
}
