//! One trace per journey iteration: the W3C trace context every request
//! carries, the chain of steps an iteration ran, and the iterations kept
//! whole (failed and slowest) with their trace ids.
//!
//! # Layout
//!
//! - `context` — an iteration's trace id, root span, sampled flag and the
//!   `traceparent` text; the `baggage` text.
//! - `chain` — the steps an iteration ran, recorded cheaply as it runs,
//!   and the worker's pool of chains.
//! - `sample` — a chain made into the `JourneySample` the results keep
//!   (names, URLs, redaction: only for kept iterations).
//! - `secrets` — the plan's secret header names, so a request notes the
//!   values a kept sample must redact.
//! - `export/` — every failed iteration and the sampled share of the
//!   others as OTLP spans, sent by a thread of its own.

mod chain;
mod context;
mod export;
mod sample;
mod secrets;

pub(crate) use chain::{Chain, ChainPool, Sent, UrlBase};
pub(crate) use context::{TraceContext, TraceIds, baggage};
pub(crate) use export::{ExportQueue, Exporter};
pub use export::{OtlpConfig, OtlpError};
pub(crate) use sample::{Ending, keep};
pub(crate) use secrets::secret_header_names;

use starling_scenario::Plan;

/// The default share of iterations sampled (`--trace-sample`).
pub const DEFAULT_SAMPLE: f64 = 0.01;

/// How a run traces, beyond what the scenario's `defaults.trace` says.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceConfig {
    /// `--no-trace`: no trace context is sent, whatever the scenario says.
    pub off: bool,
    /// The share of iterations whose `traceparent` says "sampled", 0 to 1
    /// (`--trace-sample`). A system that samples by its parent then traces
    /// that share of the load test, not all of it. The same share of
    /// successful iterations is exported.
    pub sample: f64,
    /// Where spans are exported (`--otlp-endpoint`), if anywhere: every
    /// failed iteration and the sampled successful ones.
    pub otlp: Option<OtlpConfig>,
}

impl Default for TraceConfig {
    fn default() -> Self {
        TraceConfig {
            off: false,
            sample: DEFAULT_SAMPLE,
            otlp: None,
        }
    }
}

/// What the workers do, resolved once from the scenario and the config.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TraceSettings {
    pub(crate) enabled: bool,
    pub(crate) baggage: bool,
    pub(crate) sample: f64,
}

impl TraceSettings {
    pub(crate) fn new(plan: &Plan, config: &TraceConfig) -> TraceSettings {
        let enabled = plan.defaults.trace.enabled && !config.off;
        TraceSettings {
            enabled,
            baggage: enabled && plan.defaults.trace.baggage,
            sample: config.sample,
        }
    }

    /// The ratio must be a share: 0 to 1.
    pub(crate) fn check(config: &TraceConfig) -> Result<(), crate::EngineError> {
        if (0.0..=1.0).contains(&config.sample) {
            Ok(())
        } else {
            Err(crate::EngineError::TraceSample(config.sample))
        }
    }
}
