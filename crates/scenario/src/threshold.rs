//! Thresholds: pass/fail criteria on the run's metrics, parsed into the
//! Plan now (so a typo is an error today) and evaluated by a later feature.
//!
//! ```yaml
//! thresholds:
//!   journey checkout: { p95: 800ms, success: 99% }
//!   service payments: { p99: 1s }
//!   request POST /payments: { errors: 1% }
//!   group pay: { max: 2s }
//!   all: { errors: 1% }
//! ```

use std::time::Duration;

use crate::plan::{JourneyId, RequestId, SectionId, ServiceId};

/// One criterion: a metric of a scope compared with a limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub scope: ThresholdScope,
    pub condition: Condition,
    /// As written, e.g. `journey checkout: p95 < 800ms`, for reports.
    pub label: String,
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
}
