//! The results of a run as plain serde data: what every renderer reads and
//! what `--out` writes. Every metric sits under a stable key (journey,
//! request, service or section name) so thresholds can find it; all
//! latencies are integer microseconds, rates are per second.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::sample::JourneySamples;
use crate::trace_export::TraceExport;
use crate::tracks::Tracks;
use crate::verdict::{ThresholdResult, ThresholdSpec, Verdict, judge};
use crate::{FailureCategory, FailureExample, SectionKind, TraceId};

/// The `format` field of a results file.
pub const FORMAT: &str = "starling-results";
/// The current results `version`: 2 added the per-name `tracks`.
pub const VERSION: u32 = 2;
/// The oldest `version` still read (its missing parts read as empty).
pub const OLDEST_VERSION: u32 = 1;

/// A whole run. Maps keep the scenario's order (journeys and requests as
/// declared; services as first used) and serialise as JSON objects.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Always `"starling-results"`.
    pub format: String,
    /// [`VERSION`] when written by this build; files from
    /// [`OLDEST_VERSION`] on are read.
    pub version: u32,
    pub run: RunInfo,
    pub totals: Totals,
    pub journeys: IndexMap<String, JourneySummary>,
    pub requests: IndexMap<String, RequestSummary>,
    /// Derived from the requests: the load each service received.
    pub services: IndexMap<String, ServiceSummary>,
    /// Groups and polls.
    pub sections: IndexMap<String, SectionSummary>,
    /// One point per collection round (about one a second).
    pub timeseries: Vec<TimePoint>,
    /// The same per journey, service and request, on a coarser shared axis
    /// (absent before version 2).
    #[serde(default)]
    pub tracks: Tracks,
    /// Every threshold as declared and judged (absent in files written
    /// before thresholds were judged; such files have no verdict to keep).
    #[serde(default)]
    pub thresholds: Vec<ThresholdResult>,
    #[serde(default)]
    pub verdict: Verdict,
}

impl Summary {
    /// Judges `thresholds` on these results and sets the verdict.
    /// `aborted_by` is the label of an `abort` threshold that stopped the
    /// run, if one did.
    pub fn judge(&mut self, thresholds: &[ThresholdSpec], aborted_by: Option<&str>) {
        self.thresholds = thresholds.iter().map(|t| judge(t, self)).collect();
        self.run.aborted_by = aborted_by.map(str::to_owned);
        self.verdict = if self.run.aborted_by.is_some() {
            Verdict::Aborted
        } else if self.thresholds.iter().all(ThresholdResult::passed) {
            Verdict::Pass
        } else {
            Verdict::Fail
        };
    }

    /// The thresholds as declared, without their last judgement (what a
    /// merge judges again).
    pub fn declared_thresholds(&self) -> Vec<ThresholdSpec> {
        self.thresholds
            .iter()
            .map(|t| t.threshold.clone())
            .collect()
    }
}

/// What was run, and how.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    pub scenario: String,
    pub started_at_unix_ms: u64,
    pub duration_ms: u64,
    pub workers: usize,
    /// `"closed"` or `"open"`.
    pub model: String,
    pub seed: Option<u64>,
    /// Stopped by Ctrl-C or SIGTERM before its planned end.
    pub stopped_early: bool,
    /// Most active virtual users seen at any collection round.
    pub peak_users: u64,
    /// The `abort` threshold that stopped the run, as labelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aborted_by: Option<String>,
    /// What broke inside starling (a worker or user task that panicked):
    /// the run is incomplete, its figures miss what that part measured.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// A checkpoint written while the run went on: not its final results.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// A fingerprint of the scenario's text (`fnv1a64:` and 16 hex
    /// digits): results of one scenario, whatever their flags, share it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_hash: Option<String>,
    /// Which share of a run spread over several machines this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<SegmentInfo>,
    /// How long after its common start (`--start-at`) this process began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_late_ms: Option<u64>,
    /// The machine that ran it (with `segment`, which pod ran which share).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Where the load went: the base URL of each service, in the scenario's
    /// order (absent in older files).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub targets: IndexMap<String, String>,
    /// Service labels starling guessed from a request path's first
    /// segment (no `services:` entry claims the path): shown as guesses,
    /// since `/login` or `/me` need not be services of the system.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guessed_services: Vec<String>,
    /// What silently changed the run (see [`RunWarning`]); absent when
    /// nothing did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<crate::RunWarning>,
    /// The load as planned (absent in older files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load: Option<LoadInfo>,
    /// The starling version that ran it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starling: Option<String>,
    /// What the span export did (absent without `--otlp-endpoint`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_export: Option<TraceExport>,
    /// The statistics were reset this long after the run started (a web
    /// UI's "reset statistics"): every figure covers only the time since,
    /// and `started_at_unix_ms` is the reset's instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats_reset_after_ms: Option<u64>,
}

/// The planned load curve: stages followed in order, each reaching its
/// target at its end (users in the closed model, journeys started per
/// second in the open one), linear from the previous stage's target.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadInfo {
    pub stages: Vec<StageInfo>,
    /// Journeys per user before it stops (closed model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<u64>,
    /// The most users that may exist at once (open model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_users: Option<u32>,
    /// The part of the scenario run (`--tags`, `--exclude-tags`); absent
    /// when the whole scenario ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<TagsInfo>,
}

/// `--tags a,b --exclude-tags c`: the journeys that ran carry one of
/// `keep` (when not empty) and none of `exclude`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagsInfo {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keep: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}

/// One stage of the curve; no duration means "until the iterations are
/// done".
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StageInfo {
    pub duration_ms: Option<u64>,
    pub target: f64,
}

/// Segment `index` of `count` (`--segment index/count`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentInfo {
    pub index: u32,
    pub count: u32,
}

/// The whole run, over every request and journey.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub requests: u64,
    pub failures: u64,
    /// failures / requests, 0 to 1.
    pub failure_ratio: f64,
    pub rps: f64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub status_codes: BTreeMap<u16, u64>,
    pub failure_categories: BTreeMap<FailureCategory, u64>,
    /// Total time of every request.
    pub latency: Latency,
    /// The same, measured from the intended start (open model).
    pub latency_corrected: Latency,
    pub journeys_started: u64,
    pub journeys_succeeded: u64,
    pub journeys_failed: u64,
    /// Open model: arrivals that found no free virtual user.
    pub dropped_arrivals: u64,
}

/// Distribution of one latency, in microseconds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Latency {
    pub count: u64,
    pub min_us: u64,
    pub mean_us: u64,
    pub p50_us: u64,
    pub p90_us: u64,
    pub p95_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
    /// The histogram itself: HdrHistogram V2 + deflate, base64. Empty
    /// when nothing was recorded. Merging these is exact.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hdr: String,
}

/// One request metric.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestSummary {
    pub method: String,
    pub service: String,
    pub count: u64,
    pub failures: u64,
    pub failure_ratio: f64,
    pub rps: f64,
    pub failure_categories: BTreeMap<FailureCategory, u64>,
    pub status_codes: BTreeMap<u16, u64>,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// Redirects followed on the way to the final responses.
    #[serde(default)]
    pub redirects: u64,
    /// New connections only.
    pub connect: Latency,
    pub ttfb: Latency,
    pub total: Latency,
    /// total + schedule lag: equal to `total` in the closed model.
    pub total_corrected: Latency,
    pub examples: Vec<ExampleSummary>,
}

/// A sampled failure with its category.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExampleSummary {
    pub category: FailureCategory,
    #[serde(flatten)]
    pub example: FailureExample,
    /// The trace of the journey iteration it failed in (absent when the
    /// run sent no trace context, and in older files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<TraceId>,
}

/// One journey.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JourneySummary {
    pub user_type: String,
    pub started: u64,
    pub succeeded: u64,
    pub failed: u64,
    /// succeeded / (succeeded + failed), 0 to 1; 0 when none finished.
    pub success_ratio: f64,
    /// End to end, over finished iterations (successful and failed).
    pub duration: Latency,
    pub duration_corrected: Latency,
    /// One entry per top-level step, in order.
    pub funnel: Vec<FunnelStep>,
    /// Failures by step and category, most frequent first.
    pub failures: Vec<StepFailure>,
    pub examples: Vec<ExampleSummary>,
    /// Failed and slowest iterations kept whole (absent in older files).
    #[serde(default, skip_serializing_if = "JourneySamples::is_empty")]
    pub samples: JourneySamples,
}

/// How many iterations reached and passed one top-level step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelStep {
    pub label: String,
    pub reached: u64,
    pub passed: u64,
}

/// Journey failures at one step in one category.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepFailure {
    /// Index of the top-level step.
    pub step: usize,
    pub label: String,
    pub category: FailureCategory,
    pub count: u64,
}

/// The load one service received: the sum of its requests.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceSummary {
    pub requests: u64,
    pub failures: u64,
    pub failure_ratio: f64,
    pub rps: f64,
    pub latency: Latency,
    pub latency_corrected: Latency,
}

/// One group or poll.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectionSummary {
    pub kind: SectionKind,
    /// Name of the journey it belongs to.
    pub journey: Option<String>,
    pub count: u64,
    pub failures: u64,
    pub duration: Latency,
}

/// One collection round: rates and percentiles of that interval only.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TimePoint {
    /// Since the run started.
    pub elapsed_ms: u64,
    pub active_users: u64,
    pub requests: u64,
    pub failures: u64,
    pub rps: f64,
    pub failures_per_s: f64,
    pub p50_us: u64,
    pub p95_us: u64,
    pub p99_us: u64,
    pub p99_corrected_us: u64,
}

pub(crate) fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

pub(crate) fn per_second(count: u64, millis: u64) -> f64 {
    if millis == 0 {
        0.0
    } else {
        count as f64 * 1000.0 / millis as f64
    }
}
