//! The figures of the live progress line.

use std::time::Duration;

/// A cheap view of the run so far, from `Aggregate::progress`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    /// Elapsed at the latest collection round.
    pub elapsed: Duration,
    /// Planned run length, when known: the aggregate does not know the
    /// load shape, so the engine sets this before rendering.
    pub planned: Option<Duration>,
    pub active_users: u64,
    /// Since the start of the run.
    pub requests: u64,
    pub failures: u64,
    /// Requests per second over the last few seconds.
    pub rps: f64,
    /// p95 of request total time in the latest round.
    pub p95: Duration,
}
