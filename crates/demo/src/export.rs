//! The services' spans over OTLP/HTTP (protobuf), as real services send
//! theirs to a tracing backend: one resource per service (its
//! `service.name`), server spans with the HTTP semantic-convention
//! attributes, posted in batches by a task of their own. A span finished
//! while the queue is full is dropped and counted, never waited for: a
//! slow backend must not slow the system under test.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use opentelemetry_proto::tonic::trace::v1::status::StatusCode;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span as OtlpSpan, Status};
use prost::Message;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::config::{ExportCounts, Service, SpanExport};
use crate::spans::Span;

/// Spans waiting to be posted; beyond it they are dropped.
const QUEUE: usize = 16_384;
/// Spans per export request.
const BATCH: usize = 512;
/// How long a span may wait for its batch to fill.
const LINGER: Duration = Duration::from_millis(500);
/// How long one post may take.
const POST_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Default)]
struct Counters {
    exported: AtomicU64,
    dropped: AtomicU64,
    failed: AtomicU64,
}

/// The services' side: a queue that never blocks.
#[derive(Debug, Clone)]
pub(crate) struct ExportQueue {
    tx: mpsc::Sender<Span>,
    counters: Arc<Counters>,
}

impl ExportQueue {
    pub(crate) fn push(&self, span: &Span) {
        if self.tx.try_send(span.clone()).is_err() {
            self.counters.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The running exporter task; `finish` sends what is left and stops it.
#[derive(Debug)]
pub(crate) struct Exporter {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
    counters: Arc<Counters>,
}

impl Exporter {
    /// Starts the task on the current runtime.
    pub(crate) fn start(target: SpanExport, client: reqwest::Client) -> (Exporter, ExportQueue) {
        let (tx, rx) = mpsc::channel(QUEUE);
        let (stop, stopped) = oneshot::channel();
        let counters = Arc::new(Counters::default());
        let task = tokio::spawn(run(target, client, rx, stopped, counters.clone()));
        (
            Exporter {
                stop,
                task,
                counters: counters.clone(),
            },
            ExportQueue { tx, counters },
        )
    }

    /// Posts the spans still queued, then stops; waits at most `limit`.
    pub(crate) async fn finish(self, limit: Duration) -> ExportCounts {
        let _ = self.stop.send(());
        let mut task = self.task;
        if tokio::time::timeout(limit, &mut task).await.is_err() {
            task.abort();
        }
        ExportCounts {
            exported: self.counters.exported.load(Ordering::Relaxed),
            dropped: self.counters.dropped.load(Ordering::Relaxed),
            failed: self.counters.failed.load(Ordering::Relaxed),
        }
    }
}

async fn run(
    target: SpanExport,
    client: reqwest::Client,
    mut rx: mpsc::Receiver<Span>,
    mut stopped: oneshot::Receiver<()>,
    counters: Arc<Counters>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    let mut stopping = false;
    while !stopping {
        tokio::select! {
            span = rx.recv() => match span {
                Some(span) => batch.push(span),
                None => stopping = true,
            },
            _ = tokio::time::sleep(LINGER), if !batch.is_empty() => {}
            _ = &mut stopped => stopping = true,
        }
        if stopping {
            while let Ok(span) = rx.try_recv() {
                batch.push(span);
            }
        }
        while batch.len() >= BATCH || (!batch.is_empty() && (stopping || rx.is_empty())) {
            let rest = batch.split_off(batch.len().min(BATCH));
            post(&target, &client, &batch, &counters).await;
            batch = rest;
        }
    }
}

async fn post(target: &SpanExport, client: &reqwest::Client, spans: &[Span], counters: &Counters) {
    let body = request(spans).encode_to_vec();
    let mut post = client
        .post(&target.url)
        .timeout(POST_TIMEOUT)
        .header("content-type", "application/x-protobuf")
        .body(body);
    for (name, value) in &target.headers {
        post = post.header(name, value);
    }
    let delivered = matches!(post.send().await, Ok(answer) if answer.status().is_success());
    let counter = if delivered {
        &counters.exported
    } else {
        &counters.failed
    };
    counter.fetch_add(spans.len() as u64, Ordering::Relaxed);
}

/// One export request: the spans grouped by the service that made them.
pub(crate) fn request(spans: &[Span]) -> ExportTraceServiceRequest {
    let resource_spans = Service::ALL
        .into_iter()
        .filter_map(|service| {
            let of_service: Vec<OtlpSpan> = spans
                .iter()
                .filter(|s| s.service == service)
                .map(otlp_span)
                .collect();
            (!of_service.is_empty()).then(|| ResourceSpans {
                resource: Some(Resource {
                    attributes: vec![
                        text("service.name", service.name()),
                        text("service.namespace", "starling-demo"),
                    ],
                    ..Resource::default()
                }),
                scope_spans: vec![ScopeSpans {
                    scope: Some(InstrumentationScope {
                        name: "starling-demo".to_owned(),
                        version: env!("CARGO_PKG_VERSION").to_owned(),
                        ..InstrumentationScope::default()
                    }),
                    spans: of_service,
                    schema_url: String::new(),
                }],
                schema_url: String::new(),
            })
        })
        .collect();
    ExportTraceServiceRequest { resource_spans }
}

fn otlp_span(span: &Span) -> OtlpSpan {
    let start = span.start_unix_us.saturating_mul(1_000);
    let mut attributes = vec![
        text("http.request.method", &span.method),
        text("http.route", &span.route),
        int("http.response.status_code", u64::from(span.status)),
    ];
    if span.status >= 500 {
        attributes.push(text("error.type", &span.status.to_string()));
    }
    if let Some(fault) = &span.fault {
        attributes.push(text("starling_demo.fault", fault));
    }
    OtlpSpan {
        trace_id: span.trace_id.to_be_bytes().to_vec(),
        span_id: span.span_id.to_be_bytes().to_vec(),
        parent_span_id: span
            .parent_span_id
            .map(|p| p.to_be_bytes().to_vec())
            .unwrap_or_default(),
        name: span.name(),
        kind: SpanKind::Server as i32,
        start_time_unix_nano: start,
        end_time_unix_nano: start.saturating_add(span.duration_us.saturating_mul(1_000)),
        attributes,
        // Server spans: a 5xx is an error, a 4xx is the client's
        // (OpenTelemetry's HTTP conventions).
        status: (span.status >= 500).then(|| Status {
            message: span.error.clone().unwrap_or_default(),
            code: StatusCode::Error as i32,
        }),
        ..OtlpSpan::default()
    }
}

fn text(key: &str, value: &str) -> KeyValue {
    attribute(key, any_value::Value::StringValue(value.to_owned()))
}

fn int(key: &str, value: u64) -> KeyValue {
    attribute(
        key,
        any_value::Value::IntValue(i64::try_from(value).unwrap_or(i64::MAX)),
    )
}

fn attribute(key: &str, value: any_value::Value) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue { value: Some(value) }),
        ..KeyValue::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(service: Service, status: u16, parent: Option<u64>) -> Span {
        Span {
            trace_id: 0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736,
            span_id: 0xb7,
            parent_span_id: parent,
            service,
            method: "GET".into(),
            route: "/users/{id}".into(),
            status,
            start_unix_us: 1_000,
            duration_us: 2_000_000,
            error: (status >= 500).then(|| "users did not answer in time".to_owned()),
            fault: None,
        }
    }

    #[test]
    fn spans_are_grouped_by_service_with_their_ids_and_status() {
        let spans = [
            span(Service::Users, 200, Some(0xa)),
            span(Service::Orders, 504, None),
            span(Service::Users, 200, Some(0xa)),
        ];
        let decoded = ExportTraceServiceRequest::decode(request(&spans).encode_to_vec().as_slice());
        let Ok(decoded) = decoded else {
            panic!("the request decodes: {decoded:?}");
        };
        let by_service: Vec<(String, usize)> = decoded
            .resource_spans
            .iter()
            .map(|r| {
                let name = r
                    .resource
                    .as_ref()
                    .and_then(|r| r.attributes.iter().find(|a| a.key == "service.name"))
                    .and_then(|a| a.value.as_ref())
                    .and_then(|v| match &v.value {
                        Some(any_value::Value::StringValue(s)) => Some(s.clone()),
                        _ => None,
                    })
                    .unwrap_or_default();
                (name, r.scope_spans[0].spans.len())
            })
            .collect();
        assert_eq!(
            by_service,
            [("users".to_owned(), 2), ("orders".to_owned(), 1)]
        );
        let users = &decoded.resource_spans[0].scope_spans[0].spans[0];
        assert_eq!(
            users.trace_id,
            0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736u128.to_be_bytes()
        );
        assert_eq!(users.parent_span_id, 0xau64.to_be_bytes());
        assert_eq!(users.kind, SpanKind::Server as i32);
        assert_eq!(
            users.end_time_unix_nano - users.start_time_unix_nano,
            2_000_000_000
        );
        assert!(users.status.is_none());
        let orders = &decoded.resource_spans[1].scope_spans[0].spans[0];
        assert!(orders.parent_span_id.is_empty(), "a root has no parent");
        assert_eq!(
            orders.status.as_ref().map(|s| (s.code, s.message.as_str())),
            Some((StatusCode::Error as i32, "users did not answer in time"))
        );
    }
}
