//! Spans over OTLP/HTTP (protobuf) to the user's tracing backend: every
//! failed journey iteration and the sampled share of the others, batched
//! off the request path by a thread of its own.
//!
//! # Layout
//!
//! - `endpoint` — where spans go (`--otlp-endpoint`, the `OTEL_EXPORTER_OTLP_*`
//!   variables) and the headers sent with them.
//! - `queue` — the workers' side: a bounded queue that never blocks.
//! - `spans` — a kept iteration as OTLP spans, one per request plus one.
//! - `sender` — the exporter thread: batch, encode, post, count.

mod endpoint;
mod queue;
#[cfg(feature = "otlp")]
mod sender;
#[cfg(feature = "otlp")]
mod spans;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::Duration;

use starling_http::ClientConfig;
use starling_metrics::TraceExport;

pub use endpoint::{OtlpConfig, OtlpError};
pub(crate) use queue::{ExportQueue, Exported, spans_of};

use queue::Counters;

/// A running export. The workers hold its queue; the run finishes it.
#[derive(Debug)]
pub(crate) struct Exporter {
    queue: Option<ExportQueue>,
    counters: Arc<Counters>,
    done: mpsc::Receiver<()>,
    endpoint: String,
    sample: f64,
}

impl Exporter {
    /// Starts the exporter thread. `http` is the run's client settings
    /// (its TLS trust), `scenario` names the spans' resource.
    #[cfg(feature = "otlp")]
    pub(crate) fn start(
        config: &OtlpConfig,
        http: &ClientConfig,
        sample: f64,
        scenario: &str,
    ) -> Result<Exporter, crate::EngineError> {
        let target = endpoint::Target::parse(&config.endpoint)
            .map_err(|e| crate::EngineError::Otlp(e.to_string()))?;
        let (tx, rx) = mpsc::sync_channel(queue::QUEUE_JOURNEYS);
        let (done_tx, done) = mpsc::channel();
        let counters = Arc::new(Counters::default());
        let thread = sender::ExportThread {
            rx,
            counters: counters.clone(),
            config: config.clone(),
            target,
            http: ClientConfig {
                max_redirects: 0,
                keep_body_bytes: 64 * 1024,
                ..http.clone()
            },
            resource: spans::resource(scenario),
            done: done_tx,
        };
        std::thread::Builder::new()
            .name("starling-otlp".into())
            .spawn(move || thread.run())
            .map_err(|e| crate::EngineError::Otlp(format!("could not start the exporter: {e}")))?;
        Ok(Exporter {
            queue: Some(ExportQueue {
                tx,
                counters: counters.clone(),
                capacity: queue::QUEUE_JOURNEYS,
            }),
            counters,
            done,
            endpoint: config.endpoint.clone(),
            sample,
        })
    }

    /// Built without the `otlp` feature: there is no exporter.
    #[cfg(not(feature = "otlp"))]
    pub(crate) fn start(
        _config: &OtlpConfig,
        _http: &ClientConfig,
        _sample: f64,
        _scenario: &str,
    ) -> Result<Exporter, crate::EngineError> {
        Err(crate::EngineError::Otlp(
            "this build has no OTLP export (the `otlp` feature of starling-engine)".into(),
        ))
    }

    /// A handle for one worker.
    pub(crate) fn queue(&self) -> Option<ExportQueue> {
        self.queue.clone()
    }

    /// After the workers are gone: lets the thread send what is left,
    /// waiting at most `wait`, and says what the export did. Spans still
    /// queued or on the wire then count as failed.
    pub(crate) fn finish(mut self, wait: Duration) -> TraceExport {
        self.queue = None;
        // If it does not finish in time, it goes on alone; what it has
        // not settled by now counts as failed.
        let _ = self.done.recv_timeout(wait);
        let c = &self.counters;
        let exported = c.exported.load(Ordering::Relaxed);
        let handed = c.handed.load(Ordering::Relaxed);
        TraceExport {
            endpoint: self.endpoint,
            sample: self.sample,
            journeys: c.journeys.load(Ordering::Relaxed),
            spans_exported: exported,
            spans_dropped: c.dropped.load(Ordering::Relaxed),
            spans_failed: handed.saturating_sub(exported),
        }
    }
}
