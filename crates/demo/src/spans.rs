//! The services' server spans and the one bounded store they share: every
//! request to a service's own routes becomes a [`Span`], kept in a ring of
//! the latest [`SPAN_CAPACITY`] across all services and found by trace id
//! (`GET /admin/traces?trace_id=…`, [`Demo::trace`](crate::Demo::trace)).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

use serde::Serialize;

use crate::config::Service;
use crate::services::lock;

/// Spans kept across all services, newest kept. A few minutes of a
/// `starling demo` run at its usual rate: a run's kept failed samples
/// come from anywhere in it, so the ring must reach back to the start of
/// a short run, and stay a bounded few tens of MiB on a long one.
pub const SPAN_CAPACITY: usize = 200_000;

/// One request as a service saw it: a server span of the trace its
/// `traceparent` named (or of a new trace when it carried none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    /// 32 hex digits.
    #[serde(serialize_with = "hex32")]
    pub trace_id: u128,
    /// 16 hex digits; also the parent id this service's inner calls carry.
    #[serde(serialize_with = "hex16")]
    pub span_id: u64,
    /// The span id the incoming `traceparent` carried (the caller's span);
    /// absent when this request started the trace.
    #[serde(serialize_with = "hex16_opt")]
    pub parent_span_id: Option<u64>,
    #[serde(serialize_with = "service_name")]
    pub service: Service,
    pub method: String,
    /// The route template, e.g. `/users/{id}`.
    pub route: String,
    pub status: u16,
    /// Wall-clock start, microseconds since the Unix epoch.
    pub start_unix_us: u64,
    pub duration_us: u64,
    /// Why it failed, when its status is 5xx (e.g. "users did not answer
    /// in time").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// A fault the knobs injected into it that matters (e.g. "injected
    /// latency 2.0s"): see `service::fault_note` for what counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
}

impl Span {
    /// `METHOD /route`, the span's name.
    pub fn name(&self) -> String {
        format!("{} {}", self.method, self.route)
    }
}

/// The shared span store. Cloning shares it.
#[derive(Debug, Clone)]
pub struct SpanStore {
    inner: Arc<Mutex<Ring>>,
    pending: Arc<Pending>,
    /// Each finished span is also queued for the OTLP export, if any.
    #[cfg(feature = "otlp")]
    export: Option<crate::export::ExportQueue>,
}

/// Requests being served whose spans are not in yet.
#[derive(Debug, Default)]
struct Pending {
    count: AtomicUsize,
    settled: Notify,
}

/// One request in flight; its span is (or will never be) in the store
/// when this is dropped.
#[derive(Debug)]
pub(crate) struct InFlight(Arc<Pending>);

impl Drop for InFlight {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.settled.notify_waiters();
        }
    }
}

#[derive(Debug)]
struct Ring {
    capacity: usize,
    /// Oldest first; `spans[i]` has sequence number `first + i`.
    spans: VecDeque<Span>,
    first: u64,
    /// trace id → sequence numbers of its spans, oldest first. Eviction
    /// takes the oldest span, which is the first of its trace's list.
    by_trace: HashMap<u128, VecDeque<u64>>,
}

impl SpanStore {
    pub(crate) fn new(capacity: usize) -> Self {
        SpanStore {
            inner: Arc::new(Mutex::new(Ring {
                capacity: capacity.max(1),
                spans: VecDeque::with_capacity(capacity.clamp(1, 4_096)),
                first: 0,
                by_trace: HashMap::new(),
            })),
            pending: Arc::default(),
            #[cfg(feature = "otlp")]
            export: None,
        }
    }

    /// The same store, also queueing every span for an OTLP export.
    #[cfg(feature = "otlp")]
    pub(crate) fn exporting(mut self, queue: crate::export::ExportQueue) -> Self {
        self.export = Some(queue);
        self
    }

    /// Counts a request in flight until the guard is dropped.
    pub(crate) fn begin(&self) -> InFlight {
        self.pending.count.fetch_add(1, Ordering::AcqRel);
        InFlight(self.pending.clone())
    }

    /// Waits until no request is in flight (every span is in), or `limit`
    /// passed; whether it settled. A request a caller gave up on goes on
    /// to its end, so its span comes in after the caller's.
    pub async fn settled(&self, limit: Duration) -> bool {
        let wait = async {
            loop {
                let notified = self.pending.settled.notified();
                if self.pending.count.load(Ordering::Acquire) == 0 {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(limit, wait).await.is_ok()
    }

    /// Keeps `span`, dropping the oldest one when full: O(1).
    pub(crate) fn insert(&self, span: Span) {
        #[cfg(feature = "otlp")]
        if let Some(queue) = &self.export {
            queue.push(&span);
        }
        let mut ring = lock(&self.inner);
        if ring.spans.len() == ring.capacity
            && let Some(old) = ring.spans.pop_front()
        {
            ring.first += 1;
            if let Some(list) = ring.by_trace.get_mut(&old.trace_id) {
                list.pop_front();
                if list.is_empty() {
                    ring.by_trace.remove(&old.trace_id);
                }
            }
        }
        let seq = ring.first + ring.spans.len() as u64;
        ring.by_trace
            .entry(span.trace_id)
            .or_default()
            .push_back(seq);
        ring.spans.push_back(span);
    }

    /// The kept spans of one trace, across services, in the order they
    /// ended (a caller ends after its inner calls, unless it gave up).
    pub fn trace(&self, trace_id: u128) -> Vec<Span> {
        let ring = lock(&self.inner);
        let Some(list) = ring.by_trace.get(&trace_id) else {
            return Vec::new();
        };
        list.iter()
            .filter_map(|seq| ring.spans.get((seq - ring.first) as usize))
            .cloned()
            .collect()
    }

    /// Every kept span, oldest first.
    pub fn all(&self) -> Vec<Span> {
        lock(&self.inner).spans.iter().cloned().collect()
    }

    /// How many spans are kept now.
    pub fn len(&self) -> usize {
        lock(&self.inner).spans.len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn hex32<S: serde::Serializer>(id: &u128, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{id:032x}"))
}

fn hex16<S: serde::Serializer>(id: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{id:016x}"))
}

fn hex16_opt<S: serde::Serializer>(id: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match id {
        Some(id) => hex16(id, s),
        None => s.serialize_none(),
    }
}

fn service_name<S: serde::Serializer>(service: &Service, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(service.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(trace_id: u128, span_id: u64) -> Span {
        Span {
            trace_id,
            span_id,
            parent_span_id: None,
            service: Service::Users,
            method: "GET".into(),
            route: "/users/{id}".into(),
            status: 200,
            start_unix_us: 0,
            duration_us: 1,
            error: None,
            fault: None,
        }
    }

    #[test]
    fn finds_spans_by_trace_and_forgets_the_oldest_when_full() {
        let store = SpanStore::new(3);
        store.insert(span(1, 10));
        store.insert(span(2, 20));
        store.insert(span(1, 11));
        let ids = |trace| {
            store
                .trace(trace)
                .iter()
                .map(|s| s.span_id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(1), [10, 11]);
        assert_eq!(ids(2), [20]);

        store.insert(span(3, 30));
        assert_eq!(ids(1), [11]);
        store.insert(span(3, 31));
        store.insert(span(3, 32));
        assert_eq!(store.len(), 3);
        assert!(ids(1).is_empty());
        assert!(ids(2).is_empty());
        assert_eq!(ids(3), [30, 31, 32]);
        assert!(
            lock(&store.inner).by_trace.len() == 1,
            "evicted traces leave no entry"
        );
    }

    #[test]
    fn serialises_ids_as_hex() {
        let mut one = span(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736, 0xb7);
        one.parent_span_id = Some(0xa);
        let json = serde_json::to_value(&one).unwrap_or_default();
        assert_eq!(json["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(json["span_id"], "00000000000000b7");
        assert_eq!(json["parent_span_id"], "000000000000000a");
        assert_eq!(json["service"], "users");
        assert!(json.get("error").is_none());
    }
}
