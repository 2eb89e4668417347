//! What a run's span export (OTLP, `--otlp-endpoint`) did: how many spans
//! the endpoint took, and how many were lost and why, so an incomplete
//! trace backend is never mistaken for a complete one.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TraceExport {
    /// Where the spans went (`…/v1/traces`).
    pub endpoint: String,
    /// The share of successful iterations exported (`--trace-sample`);
    /// every failed one is exported.
    pub sample: f64,
    /// Journey iterations handed to the exporter.
    pub journeys: u64,
    /// Spans the endpoint accepted.
    pub spans_exported: u64,
    /// Spans dropped because the export queue was full (the exporter
    /// never holds a virtual user back).
    pub spans_dropped: u64,
    /// Spans the endpoint refused or never answered for (after a retry),
    /// or still queued when the run's end stopped waiting for it.
    pub spans_failed: u64,
}

impl TraceExport {
    /// Two processes' exports, as one merged run's.
    pub fn add(&mut self, other: &TraceExport) {
        if self.endpoint.is_empty() {
            self.endpoint.clone_from(&other.endpoint);
            self.sample = other.sample;
        }
        self.journeys += other.journeys;
        self.spans_exported += other.spans_exported;
        self.spans_dropped += other.spans_dropped;
        self.spans_failed += other.spans_failed;
    }
}
