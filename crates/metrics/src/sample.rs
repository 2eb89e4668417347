//! Journey iterations kept whole: a bounded sample of each journey's
//! failed iterations and its slowest successful ones, each with its trace
//! id and the chain of steps it ran. They answer what the counts cannot:
//! which calls this particular user made before it failed, how long each
//! took, and which trace to open in the services' tracing backend.

use serde::{Deserialize, Serialize};

use crate::failure::{EXAMPLE_TEXT_MAX, FailureCategory, truncate};
use crate::trace_id::{SpanId, TraceId};

/// Failed iterations kept per journey: a uniform random sample of all of
/// them (each drew a random rank; the lowest ranks are kept, which is how
/// shards and results files merge into one uniform sample).
pub const FAILED_SAMPLES: usize = 20;
/// Slowest successful iterations kept per journey.
pub const SLOWEST_SAMPLES: usize = 5;
/// Steps kept in one sample's chain: a journey that loops longer keeps
/// its first and its last steps and counts the ones between as omitted.
pub const SAMPLE_STEPS_MAX: usize = 64;

/// The kept iterations of one journey (absent in older files).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JourneySamples {
    /// In the order they started.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed: Vec<JourneySample>,
    /// Slowest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slowest: Vec<JourneySample>,
}

impl JourneySamples {
    pub fn is_empty(&self) -> bool {
        self.failed.is_empty() && self.slowest.is_empty()
    }
}

/// One journey iteration and every step it ran.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JourneySample {
    /// Sent in every request's `traceparent` (absent when tracing was off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<TraceId>,
    /// Its `traceparent` said "sampled" (`--trace-sample`): a system that
    /// samples by its parent kept its own spans of this trace.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sampled: bool,
    /// The virtual user that ran it, and its iteration number.
    pub vu: u64,
    pub iteration: u64,
    pub started_at_unix_ms: u64,
    pub duration_us: u64,
    /// Where it failed; absent for a successful (slow) one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<SampleFailure>,
    /// The random rank that chose a failed iteration (merges keep the
    /// lowest ranks, so the union stays a uniform sample).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rank: u32,
    pub steps: Vec<StepSample>,
    /// Steps left out of the middle of a chain longer than
    /// [`SAMPLE_STEPS_MAX`].
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub omitted_steps: u64,
}

/// The top-level step an iteration failed at, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleFailure {
    /// Index of the top-level step (as in the journey's funnel).
    pub step: usize,
    pub label: String,
    pub category: FailureCategory,
}

/// One step of a kept iteration: a request sent (with its response or
/// transport error), or a failure that sent nothing (a template, an
/// expression, a data source, a poll that never settled).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepSample {
    /// Index of the top-level step it ran in.
    pub step: usize,
    /// The request's metric name (`POST /orders`); absent for a failure
    /// that sent nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub method: String,
    /// Redacted like failure examples.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// The request's span: the parent id its `traceparent` carried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span_id: Option<SpanId>,
    /// Since the iteration started.
    pub offset_us: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// New connections only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_us: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttfb_us: Option<u64>,
    pub total_us: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<FailureCategory>,
    /// Why it failed (redacted).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

impl JourneySample {
    /// Cuts texts to the example limits and the chain to
    /// [`SAMPLE_STEPS_MAX`], so no caller can make a results file grow
    /// without bound.
    pub(crate) fn bounded(mut self) -> JourneySample {
        if self.steps.len() > SAMPLE_STEPS_MAX {
            let head = SAMPLE_STEPS_MAX / 2;
            let cut = self.steps.len() - SAMPLE_STEPS_MAX;
            self.steps.drain(head..head + cut);
            self.omitted_steps += cut as u64;
        }
        for step in &mut self.steps {
            truncate(&mut step.url, EXAMPLE_TEXT_MAX);
            truncate(&mut step.message, EXAMPLE_TEXT_MAX);
        }
        self
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn is_zero_u64(n: &u64) -> bool {
    *n == 0
}
