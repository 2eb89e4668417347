//! Thresholds: pass/fail criteria on the run's metrics, compiled into the
//! Plan with every name checked; the engine judges them on the results
//! (and live, at every collection round, for those with `abort`).
//!
//! ```yaml
//! thresholds:
//!   journey checkout: { p95: 800ms, success: 99% }
//!   service payments: { p99: 1s }
//!   request POST /payments: { errors: 1% }
//!   group pay: { max: 2s }
//!   all: { errors: 1%, abort: true, delay: 30s }
//! ```

use std::time::Duration;

use crate::plan::{JourneyId, RequestId, SectionId, ServiceId};

/// One criterion: a metric of a scope compared with a limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub scope: ThresholdScope,
    pub condition: Condition,
    /// As a person reads it, e.g. `journey checkout: p95 < 800ms`.
    pub label: String,
    /// A breach during the run stops it (k6's `abortOnFail`).
    pub abort: bool,
    /// How long into the run an `abort` threshold is first judged.
    pub delay: Duration,
}

/// What the metric is taken over.
#[derive(Debug, Clone, PartialEq)]
pub enum ThresholdScope {
    /// Every request of the run.
    All,
    Journey(JourneyId),
    Service(ServiceId),
    /// Every request with this metric name (one name may cover several
    /// steps, e.g. the same call in two journeys).
    Request {
        name: String,
        ids: Vec<RequestId>,
    },
    /// A group or poll's duration.
    Section(Vec<SectionId>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Condition {
    /// The given percentile (e.g. 95.0) of the duration is at most `limit`.
    Percentile { percentile: f64, limit: Duration },
    /// The mean duration is at most `limit`.
    Mean(Duration),
    /// The longest duration is at most `limit`.
    Max(Duration),
    /// The share of failed requests (or iterations, for a journey) is at
    /// most this fraction (0.01 for `1%`).
    ErrorRate(f64),
    /// The share of successful ones is at least this fraction.
    SuccessRate(f64),
    /// At least this many requests per second over the run.
    Rps(f64),
    /// Open model: at most this share of arrivals dropped.
    Dropped(f64),
}

impl Condition {
    /// Whether the limit is a floor (`success`, `rps`): the value must
    /// reach it; otherwise it is a ceiling the value must not pass.
    pub fn is_floor(&self) -> bool {
        matches!(self, Condition::SuccessRate(_) | Condition::Rps(_))
    }
}
