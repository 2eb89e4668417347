//! What the page asks of the run manager, as typed values. The server
//! checks each request's shape and numbers (`input.rs`); the manager, in
//! the binary, applies the command to the engine and answers through the
//! [`Request`], so the page hears at once whether it was done or why not.

use std::fmt;
use std::time::Duration;

use starling_scenario::BaseUrl;
use tokio::sync::oneshot;

/// One thing the page asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Start a run (refused while one runs).
    Start(StartRun),
    /// Change the running run's load.
    Steer(SteerLoad),
    /// Graceful stop: no new journeys, in-flight ones finish.
    Stop,
    /// Stop at once; what was measured is still kept.
    Abort,
    /// Start the running run's statistics afresh (Locust's "reset
    /// statistics"); the load is untouched.
    ResetStats,
}

/// A new run: its load, how long it lasts, and where it goes.
#[derive(Debug, Clone, PartialEq)]
pub struct StartRun {
    pub load: StartLoad,
    pub length: RunLength,
    /// Replaces the scenario's `target` (as `--host` does).
    pub host: Option<BaseUrl>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StartLoad {
    /// The scenario's load as written (its stages, if it has some).
    Scenario,
    /// Closed model: this many users, started at `spawn_rate` a second
    /// (the scenario's rate when `None`).
    Users { users: u32, spawn_rate: Option<f64> },
    /// Open model: journeys arriving at this rate.
    Rate { per_second: f64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunLength {
    /// The scenario's duration (or its iterations).
    Scenario,
    For(Duration),
    UntilStopped,
}

/// A live change of load.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SteerLoad {
    pub change: Change,
    pub hold: Hold,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// Closed model: to `users`, at `spawn_rate` users a second up or down
    /// (the run's start rate when `None`).
    Users { users: u32, spawn_rate: Option<f64> },
    /// Open model: to `per_second` arrivals a second over `ramp`.
    Rate { per_second: f64, ramp: Duration },
}

/// How long a changed load holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Hold {
    /// Until the run's planned end (or until stopped if it has none).
    #[default]
    PlannedEnd,
    UntilStopped,
}

/// Why the manager did not do what was asked. The API answers 400, 409
/// or 500, with the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The request makes no sense for this scenario or run.
    Invalid(String),
    /// It cannot be done now (a run is already going, none is).
    Conflict(String),
    /// Something broke inside starling.
    Failed(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Invalid(m) | Refusal::Conflict(m) | Refusal::Failed(m) => f.write_str(m),
        }
    }
}

/// A command on its way to the manager, with the way back.
#[derive(Debug)]
pub struct Request {
    command: Command,
    reply: oneshot::Sender<Result<(), Refusal>>,
}

impl Request {
    pub(crate) fn new(command: Command) -> (Request, oneshot::Receiver<Result<(), Refusal>>) {
        let (reply, answer) = oneshot::channel();
        (Request { command, reply }, answer)
    }

    pub fn command(&self) -> &Command {
        &self.command
    }

    /// Answers the page; update the board first, so the answer's state
    /// already shows what the command did.
    pub fn answer(self, result: Result<(), Refusal>) {
        // The caller may have gone (a closed tab): nobody to tell.
        let _ = self.reply.send(result);
    }
}
