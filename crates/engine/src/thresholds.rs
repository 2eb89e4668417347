//! The plan's thresholds as the results declare them (by name, in the
//! metric's unit), and the live watch of those with `abort`: judged at
//! every collection round on the collector's thread, never on the request
//! path.

use std::time::Duration;

use starling_metrics::{Aggregate, RunMeta, ThresholdMetric, ThresholdScope, ThresholdSpec, judge};
use starling_scenario::Plan;
use starling_scenario::threshold::{Condition, Threshold, ThresholdScope as PlanScope};

/// Every threshold of `plan`, declared by name.
pub(crate) fn declared(plan: &Plan) -> Vec<ThresholdSpec> {
    plan.thresholds.iter().map(|t| spec(plan, t)).collect()
}

fn spec(plan: &Plan, threshold: &Threshold) -> ThresholdSpec {
    let scope = match &threshold.scope {
        PlanScope::All => ThresholdScope::All,
        PlanScope::Journey(id) => ThresholdScope::Journey(plan.journeys[*id].name.clone()),
        PlanScope::Service(id) => ThresholdScope::Service(plan.services[*id].name.clone()),
        PlanScope::Request { name, .. } => ThresholdScope::Request(name.clone()),
        PlanScope::Section(ids) => ThresholdScope::Group(
            ids.first()
                .map(|&id| plan.sections[id].name.clone())
                .unwrap_or_default(),
        ),
    };
    let micros = |d: Duration| d.as_micros() as f64;
    let (metric, limit) = match threshold.condition {
        Condition::Percentile { percentile, limit } => {
            (ThresholdMetric::Percentile(percentile), micros(limit))
        }
        Condition::Mean(limit) => (ThresholdMetric::Mean, micros(limit)),
        Condition::Max(limit) => (ThresholdMetric::Max, micros(limit)),
        Condition::ErrorRate(limit) => (ThresholdMetric::Errors, limit),
        Condition::SuccessRate(limit) => (ThresholdMetric::Success, limit),
        Condition::Rps(limit) => (ThresholdMetric::Rps, limit),
        Condition::Dropped(limit) => (ThresholdMetric::Dropped, limit),
    };
    ThresholdSpec {
        label: threshold.label.clone(),
        scope,
        metric,
        limit,
        abort: threshold.abort,
        delay_ms: u64::try_from(threshold.delay.as_millis()).unwrap_or(u64::MAX),
    }
}

/// The `abort` thresholds of a run, judged as the run goes.
#[derive(Debug)]
pub(crate) struct AbortWatch {
    thresholds: Vec<ThresholdSpec>,
    /// The label of the first one that failed.
    tripped: Option<String>,
}

impl AbortWatch {
    pub(crate) fn new(declared: &[ThresholdSpec]) -> AbortWatch {
        AbortWatch {
            thresholds: declared.iter().filter(|t| t.abort).cloned().collect(),
            tripped: None,
        }
    }

    /// Judges the thresholds past their delay on the results so far;
    /// returns the label of the first to fail, once. A threshold whose
    /// scope has no data yet (its request has not run) does not stop the
    /// run: only a measured breach does.
    pub(crate) fn check(
        &mut self,
        aggregate: &Aggregate,
        meta: impl FnOnce() -> RunMeta,
    ) -> Option<&str> {
        if self.tripped.is_some() {
            return None;
        }
        let elapsed = aggregate.progress().elapsed;
        let due: Vec<&ThresholdSpec> = self
            .thresholds
            .iter()
            .filter(|t| Duration::from_millis(t.delay_ms) <= elapsed)
            .collect();
        if due.is_empty() {
            return None;
        }
        let summary = aggregate.summary(meta());
        let failed = due
            .into_iter()
            .find(|t| judge(t, &summary).status == starling_metrics::ThresholdStatus::Fail)?;
        self.tripped = Some(failed.label.clone());
        self.tripped.as_deref()
    }

    pub(crate) fn tripped(&self) -> Option<&str> {
        self.tripped.as_deref()
    }
}
