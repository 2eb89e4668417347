//! What the collector hands its caller after each collection round: the
//! live figures, and on demand the results so far (for checkpoints, and
//! later a web UI's snapshots). Building a `Summary` serialises every
//! histogram, so it is done only when asked, on the collector's thread.

use std::time::Duration;

use starling_metrics::{Aggregate, Progress, RunMeta, Summary, ThresholdSpec};

use crate::stamp::Stamp;

/// One collection round, as the run's observer sees it.
#[derive(Debug)]
pub struct Round<'a> {
    pub progress: &'a Progress,
    /// Set on the round where the statistics were reset
    /// ([`crate::Control::reset_stats`]): what was dropped.
    pub reset: Option<StatsReset>,
    /// How long after the run's start the statistics last restarted.
    pub(crate) reset_after: Option<Duration>,
    pub(crate) aggregate: &'a Aggregate,
    pub(crate) meta: RunMeta,
    pub(crate) thresholds: &'a [ThresholdSpec],
    pub(crate) aborted_by: Option<&'a str>,
    pub(crate) stamp: &'a Stamp,
}

impl Round<'_> {
    /// The results so far, thresholds judged on them, marked partial: a
    /// checkpoint file says it is not the run's end.
    pub fn summary(&self) -> Summary {
        let mut summary = self.aggregate.summary(self.meta.clone());
        summary.judge(self.thresholds, self.aborted_by);
        summary.run.partial = true;
        summary.run.stats_reset_after_ms = self
            .reset_after
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        self.stamp.apply(&mut summary.run);
        summary
    }
}

/// What a reset of the statistics dropped, so a UI can say so and a test
/// can add it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsReset {
    /// Requests counted before the reset (all of them, failed included).
    pub dropped_requests: u64,
    /// Journeys in flight at the reset, carried into the new statistics
    /// as started.
    pub carried_journeys: u64,
}
