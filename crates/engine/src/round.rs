//! What the collector hands its caller after each collection round: the
//! live figures, and on demand the results so far (for checkpoints, and
//! later a web UI's snapshots). Building a `Summary` serialises every
//! histogram, so it is done only when asked, on the collector's thread.

use starling_metrics::{Aggregate, Progress, RunMeta, Summary, ThresholdSpec};

use crate::stamp::Stamp;

/// One collection round, as the run's observer sees it.
#[derive(Debug)]
pub struct Round<'a> {
    pub progress: &'a Progress,
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
        self.stamp.apply(&mut summary.run);
        summary
    }
}
