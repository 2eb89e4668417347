//! Verdicts: thresholds as the results file declares them, each judged on
//! a `Summary` alone, and the run's verdict derived from them.
//!
//! Thresholds name what they judge (`journey checkout`, `request POST
//! /orders`) instead of pointing into a plan, so a results file carries
//! everything needed to judge it again: after `merge`, in `report`, on
//! another machine.

mod judge;

use serde::{Deserialize, Serialize};

pub use judge::judge;

/// One threshold as declared: a metric of a scope against a limit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThresholdSpec {
    /// As a person reads it, e.g. `journey checkout: p95 < 800ms`.
    pub label: String,
    pub scope: ThresholdScope,
    pub metric: ThresholdMetric,
    /// In the metric's unit: microseconds for durations, a fraction (0 to
    /// 1) for `errors`, `success` and `dropped`, per second for `rps`.
    pub limit: f64,
    /// A breach, judged at every collection round, stops the run.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub abort: bool,
    /// How long into the run an `abort` threshold is first judged.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub delay_ms: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What a threshold's metric is taken over, by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum ThresholdScope {
    /// Every request of the run (and, for `dropped`, every arrival).
    All,
    Journey(String),
    Service(String),
    /// A request metric name; several steps may share it.
    Request(String),
    /// A group or a poll.
    Group(String),
}

/// Which number of the scope is compared with the limit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "metric", content = "of", rename_all = "snake_case")]
pub enum ThresholdMetric {
    /// A percentile (e.g. 95.0) of the duration: at most the limit.
    Percentile(f64),
    Mean,
    Max,
    /// The share of failures: at most the limit.
    Errors,
    /// The share of successes: at least the limit.
    Success,
    /// Requests per second over the run: at least the limit.
    Rps,
    /// Open model: the share of arrivals dropped, at most the limit.
    Dropped,
}

impl ThresholdMetric {
    /// Whether the limit is a floor (`success`, `rps`) rather than a
    /// ceiling. Reaching the limit exactly passes either way.
    pub fn is_floor(self) -> bool {
        matches!(self, ThresholdMetric::Success | ThresholdMetric::Rps)
    }

    /// Whether the metric is a duration (limit and actual in µs).
    pub fn is_duration(self) -> bool {
        matches!(
            self,
            ThresholdMetric::Percentile(_) | ThresholdMetric::Mean | ThresholdMetric::Max
        )
    }
}

/// How one threshold fared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdStatus {
    Pass,
    Fail,
    /// Its scope received nothing to judge: a failure, never a silent pass.
    NoData,
}

/// A threshold and its judgement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThresholdResult {
    #[serde(flatten)]
    pub threshold: ThresholdSpec,
    /// The metric's value, in the limit's unit; `None` with no data.
    pub actual: Option<f64>,
    pub status: ThresholdStatus,
}

impl ThresholdResult {
    pub fn passed(&self) -> bool {
        self.status == ThresholdStatus::Pass
    }
}

/// What the run's thresholds say of it, as a whole.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every threshold held (or there were none).
    #[default]
    Pass,
    /// At least one threshold failed or had no data.
    Fail,
    /// A threshold with `abort` failed during the run and stopped it.
    Aborted,
}
