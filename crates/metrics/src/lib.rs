//! starling-metrics: latency histograms, per-worker metric shards, their
//! merge, and the serialisable run `Summary` every renderer reads. No I/O.
//!
//! Each worker thread owns a [`Shard`] and records into it without locks;
//! about once a second the collector [`Shard::take`]s a [`Snapshot`] from
//! every shard and hands the round to [`Aggregate::absorb`], which keeps
//! the run's totals and a per-round time series. At the end,
//! [`Aggregate::summary`] produces the [`Summary`]; [`Summary::merge`]
//! joins the summaries of several processes exactly.
//!
//! Metric keys are the dense indices of the [`Catalog`] the engine builds
//! from its Plan. Latencies are HDR histograms in microseconds, 1 µs to
//! 1 h, 3 significant digits (see `histogram.rs` for their memory).
//!
//! # Layout
//! - `catalog.rs`: the keys and their names ([`Catalog`]).
//! - `record.rs`, `failure.rs`: what the engine reports ([`RequestRecord`],
//!   [`FailureCategory`], [`FailureExample`], [`JourneyOutcome`]).
//! - `histogram.rs`: lazily created, auto-resizing HDR histograms, the
//!   measured/corrected pair, serialisation.
//! - `sample.rs`: journey iterations kept whole ([`JourneySample`]);
//!   `call_tree.rs`: one joined with its trace's server spans, and where
//!   its failure began ([`join`], [`Origin`]).
//! - `tally/`: the counters of one key (request, journey, section), shared
//!   by shards, snapshots and the aggregate.
//! - `shard.rs`: [`Shard`] and [`Snapshot`].
//! - `aggregate.rs`, `progress.rs`: [`Aggregate`] and [`Progress`].
//! - `summary.rs`: the [`Summary`] data; `summarize.rs` builds it;
//!   `merge.rs` merges several; `tracks.rs` keeps the per-name series.
//! - `trace_id.rs`: [`TraceId`] and [`SpanId`], as `traceparent` writes them;
//!   `trace_export.rs`: what the span export did ([`TraceExport`]).
//!   `warning.rs`: what silently changed a run ([`RunWarning`]).
//! - `compare.rs`: two results side by side ([`compare`]).
//! - `verdict/`: thresholds as declared ([`ThresholdSpec`]), judged on a
//!   `Summary` ([`judge`]), and the run's [`Verdict`].
//! - `error.rs`: [`DecodeError`].

mod aggregate;
mod call_tree;
mod catalog;
mod compare;
mod error;
mod failure;
mod histogram;
mod merge;
mod progress;
mod record;
mod sample;
mod shard;
mod summarize;
mod summary;
mod tally;
mod trace_export;
mod trace_id;
mod tracks;
mod verdict;
mod warning;

pub use aggregate::{Aggregate, TIMESERIES_MAX_POINTS};
pub use call_tree::{
    CallNode, JoinedSample, LATE_TOLERANCE_US, Origin, Role, ServerSpan, count_origins, join,
};
pub use catalog::{Catalog, JourneyMeta, RequestMeta, SectionKind, SectionMeta};
pub use compare::{CompareKind, ComparedRow, Figures, compare};
pub use error::DecodeError;
pub use failure::{
    EXAMPLE_BODY_MAX, EXAMPLE_TEXT_MAX, EXAMPLES_PER_CATEGORY, FailureCategory, FailureExample,
    JourneyOutcome,
};
pub use histogram::MAX_MICROS;
pub use progress::Progress;
pub use record::RequestRecord;
pub use sample::{
    FAILED_SAMPLES, JourneySample, JourneySamples, SAMPLE_STEPS_MAX, SLOWEST_SAMPLES,
    SampleFailure, StepSample,
};
pub use shard::{Shard, Snapshot};
pub use summarize::RunMeta;
pub use summary::{
    ExampleSummary, FORMAT, FunnelStep, JourneySummary, Latency, LoadInfo, OLDEST_VERSION,
    RequestSummary, RunInfo, SectionSummary, SegmentInfo, ServiceSummary, StageInfo, StepFailure,
    Summary, TagsInfo, TimePoint, Totals, VERSION,
};
pub use trace_export::TraceExport;
pub use trace_id::{IdError, SpanId, TraceId};
pub use tracks::{TRACK_MAX_POINTS, Track, Tracks};
pub use verdict::{
    ThresholdMetric, ThresholdResult, ThresholdScope, ThresholdSpec, ThresholdStatus, Verdict,
    judge,
};
pub use warning::RunWarning;
