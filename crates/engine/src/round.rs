//! What the collector hands its caller after each collection round: the
//! live figures, and on demand the results so far (for checkpoints, and
//! later a web UI's snapshots). Building a `Summary` serialises every
//! histogram, so it is done only when asked, on the collector's thread.

use starling_metrics::{Aggregate, Progress, RunMeta, SegmentInfo, Summary, ThresholdSpec};

/// One collection round, as the run's observer sees it.
#[derive(Debug)]
pub struct Round<'a> {
    pub progress: &'a Progress,
    pub(crate) aggregate: &'a Aggregate,
    pub(crate) meta: RunMeta,
    pub(crate) thresholds: &'a [ThresholdSpec],
    pub(crate) aborted_by: Option<&'a str>,
    pub(crate) scenario_hash: Option<&'a str>,
    pub(crate) segment: Option<SegmentInfo>,
}

impl Round<'_> {
    /// The results so far, thresholds judged on them, marked partial: a
    /// checkpoint file says it is not the run's end.
    pub fn summary(&self) -> Summary {
        let mut summary = self.aggregate.summary(self.meta.clone());
        summary.judge(self.thresholds, self.aborted_by);
        summary.run.partial = true;
        summary.run.scenario_hash = self.scenario_hash.map(str::to_owned);
        summary.run.segment = self.segment;
        summary
    }
}
