//! The workers' side of the export: a bounded queue that never blocks a
//! virtual user. A journey that finds it full is not built at all; its
//! spans are counted as dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError};

use starling_metrics::{JourneySample, SpanId};
use starling_scenario::{JourneyId, Plan};

/// Journey iterations the queue holds at most (each up to 65 spans).
#[cfg_attr(not(feature = "otlp"), allow(dead_code))]
pub(crate) const QUEUE_JOURNEYS: usize = 2048;

/// One iteration to export: its kept form, with what its spans also need.
/// (Read by the exporter thread, which only the `otlp` feature builds.)
#[derive(Debug)]
#[cfg_attr(not(feature = "otlp"), allow(dead_code))]
pub(crate) struct Exported {
    /// For the journey's name and its steps' labels, read on the
    /// exporter's thread instead of copied per journey on the worker's.
    pub(crate) plan: Arc<Plan>,
    pub(crate) journey: JourneyId,
    /// The journey span's id (the requests' parent).
    pub(crate) root: SpanId,
    pub(crate) start_unix_nanos: u64,
    pub(crate) sample: JourneySample,
}

impl Exported {
    /// One span per request and one for the journey.
    pub(crate) fn spans(&self) -> u64 {
        spans_of(
            self.sample
                .steps
                .iter()
                .filter(|s| s.request.is_some())
                .count(),
        )
    }
}

pub(crate) fn spans_of(requests: usize) -> u64 {
    requests as u64 + 1
}

/// The export's counters, shared by the workers and the exporter thread.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) journeys: AtomicU64,
    /// Spans of the journeys handed to the queue.
    pub(crate) handed: AtomicU64,
    /// Spans the endpoint accepted; the rest of `handed` failed.
    pub(crate) exported: AtomicU64,
    pub(crate) dropped: AtomicU64,
    /// Journeys in the queue now.
    pub(crate) queued: AtomicUsize,
}

/// A worker's handle on the queue. Cloned per worker; a send is one
/// channel push per exported journey, never per request.
#[derive(Debug, Clone)]
pub(crate) struct ExportQueue {
    pub(crate) tx: SyncSender<Exported>,
    pub(crate) counters: Arc<Counters>,
    /// The channel's bound ([`QUEUE_JOURNEYS`]).
    pub(crate) capacity: usize,
}

impl ExportQueue {
    /// Whether a journey sent now would be taken (checked before building
    /// it, so a full queue costs nothing but a count).
    pub(crate) fn has_room(&self) -> bool {
        self.counters.queued.load(Ordering::Relaxed) < self.capacity
    }

    pub(crate) fn send(&self, exported: Exported) {
        let spans = exported.spans();
        self.counters.queued.fetch_add(1, Ordering::Relaxed);
        match self.tx.try_send(exported) {
            Ok(()) => {
                self.counters.journeys.fetch_add(1, Ordering::Relaxed);
                self.counters.handed.fetch_add(spans, Ordering::Relaxed);
            }
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.counters.queued.fetch_sub(1, Ordering::Relaxed);
                self.dropped(spans);
            }
        }
    }

    /// Counts the spans of a journey the queue had no room for.
    pub(crate) fn dropped(&self, spans: u64) {
        self.counters.dropped.fetch_add(spans, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exported(plan: &Arc<Plan>, requests: usize) -> Exported {
        let step = starling_metrics::StepSample {
            step: 0,
            request: Some("GET /".into()),
            method: "GET".into(),
            url: String::new(),
            span_id: None,
            offset_us: 0,
            status: Some(200),
            connect_us: None,
            ttfb_us: None,
            total_us: 1,
            failure: None,
            message: String::new(),
        };
        Exported {
            plan: plan.clone(),
            journey: 0,
            root: SpanId(1),
            start_unix_nanos: 0,
            sample: JourneySample {
                trace_id: None,
                sampled: true,
                vu: 0,
                iteration: 0,
                started_at_unix_ms: 0,
                duration_us: 1,
                failure: None,
                rank: 0,
                steps: vec![step; requests],
                omitted_steps: 0,
            },
        }
    }

    /// A full queue never blocks the sender: the journey is dropped and
    /// its spans counted.
    #[test]
    fn a_full_queue_drops_and_counts() {
        let yaml = "target: http://127.0.0.1:1\nload: { users: 1, duration: 1s }\n\
                    users:\n  - name: u\n    journeys:\n      - name: j\n        steps:\n          - get: /\n";
        let plan = Arc::new(
            starling_scenario::compile_str(yaml, std::path::Path::new("t.yaml"))
                .unwrap()
                .plan,
        );
        let (tx, rx) = std::sync::mpsc::sync_channel(2);
        let queue = ExportQueue {
            tx,
            counters: Arc::default(),
            capacity: 2,
        };
        for _ in 0..2 {
            assert!(queue.has_room());
            queue.send(exported(&plan, 3));
        }
        assert!(!queue.has_room(), "two journeys fill it");
        // Sent anyway (another worker raced it in): dropped, not blocked.
        queue.send(exported(&plan, 4));
        let c = &queue.counters;
        assert_eq!(c.journeys.load(Ordering::Relaxed), 2);
        assert_eq!(c.handed.load(Ordering::Relaxed), 8);
        assert_eq!(c.dropped.load(Ordering::Relaxed), 5);
        assert_eq!(rx.try_iter().count(), 2);
    }
}
