//! Issue 15, part 3: spans over OTLP/HTTP, received by an OTLP receiver in
//! the test (axum on 127.0.0.1:0, decoding with the protobuf types): one
//! root span per exported journey iteration and one client span per
//! request under it (requests + 1), the request spans' ids those the
//! server saw in `traceparent`, every failed iteration exported at sample
//! 0, the semantic-convention attributes present, and no secret anywhere
//! in the bytes sent; an endpoint that refuses is counted, not fatal.

#![cfg(feature = "otlp")]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::Span;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use prost::Message;
use starling_engine::{Control, OtlpConfig, RunConfig, TraceConfig};
use starling_metrics::Summary;
use support::wire::{Reply, Wire};
use support::{plan, server_runtime};

const TOKEN: &str = "tok-0c4a9e";
const API_KEY: &str = "key-7f13b2";

/// What the receiver got: every request body, decoded, and its raw bytes.
#[derive(Default)]
struct Received {
    requests: Vec<ExportTraceServiceRequest>,
    raw: Vec<u8>,
}

struct Receiver {
    endpoint: String,
    got: Arc<Mutex<Received>>,
    _runtime: tokio::runtime::Runtime,
}

impl Receiver {
    fn start() -> Receiver {
        let got = Arc::new(Mutex::new(Received::default()));
        let app = Router::new()
            .route("/v1/traces", post(receive))
            .with_state(got.clone());
        let (runtime, listener) = server_runtime();
        let addr = listener.local_addr().unwrap();
        runtime.spawn(async move { axum::serve(listener, app).await });
        Receiver {
            endpoint: format!("http://{addr}"),
            got,
            _runtime: runtime,
        }
    }

    fn spans(&self) -> Vec<Span> {
        let got = self.got.lock().unwrap();
        let mut spans = Vec::new();
        for request in &got.requests {
            for resource in &request.resource_spans {
                let resource = resource.resource.as_ref().expect("a resource");
                assert_eq!(
                    attr_of(&resource.attributes, "service.name"),
                    Some("starling".into())
                );
                for scope in &request.resource_spans[0].scope_spans {
                    spans.extend(scope.spans.iter().cloned());
                }
            }
        }
        spans
    }
}

async fn receive(State(got): State<Arc<Mutex<Received>>>, body: Bytes) -> Vec<u8> {
    let request = ExportTraceServiceRequest::decode(&body[..]).expect("a protobuf export request");
    let mut got = got.lock().unwrap();
    got.raw.extend_from_slice(&body);
    got.requests.push(request);
    // An empty ExportTraceServiceResponse: everything accepted.
    Vec::new()
}

fn attr_of(
    attributes: &[opentelemetry_proto::tonic::common::v1::KeyValue],
    key: &str,
) -> Option<String> {
    let value = attributes.iter().find(|kv| kv.key == key)?.value.as_ref()?;
    match value.value.as_ref()? {
        Value::StringValue(s) => Some(s.clone()),
        Value::IntValue(n) => Some(n.to_string()),
        other => Some(format!("{other:?}")),
    }
}

fn attr(span: &Span, key: &str) -> Option<String> {
    attr_of(&span.attributes, key)
}

/// `/login` hands out a token; `/pay` fails for odd users; the rest 201.
/// It keeps each request's `traceparent` parent id by path.
fn shop(seen: Arc<Mutex<Vec<(String, String)>>>) -> Wire {
    Wire::respond(move |req| {
        if let Some(header) = req.header("traceparent") {
            let span = header.split('-').nth(2).unwrap_or("").to_owned();
            seen.lock().unwrap().push((req.path().to_owned(), span));
        }
        match req.path() {
            "/login" => Reply::json(200, &format!(r#"{{"token":"{TOKEN}"}}"#)),
            "/pay" if req.body_text().contains("\"odd\":true") => Reply::json(502, "{}"),
            _ => Reply::json(201, r#"{"id": 1}"#),
        }
    })
}

const SCENARIO: &str = r#"
target: "{{TARGET}}"
load: { users: 4, spawn_rate: 100, iterations: 5 }
users:
  - name: shopper
    on_start:
      - post: /login
        capture: { token: { json: $.token, secret: true } }
    journeys:
      - name: checkout
        steps:
          - post: /users
          - get: /orders/{{ token }}
            query: { api_key: "KEY" }
          - post: /pay
            json: { odd: "{{ vu.id % 2 == 1 }}" }
"#;

fn run(target: &str, endpoint: &str, sample: f64) -> Summary {
    let yaml = SCENARIO.replace("KEY", API_KEY);
    let config = RunConfig {
        workers: 2,
        seed: Some(5),
        stop_timeout: Duration::from_secs(5),
        collect_every: Duration::from_millis(200),
        scenario_name: "otlp.yaml".into(),
        trace: TraceConfig {
            sample,
            otlp: Some(OtlpConfig::from_base(endpoint).unwrap()),
            ..TraceConfig::default()
        },
        ..RunConfig::default()
    };
    starling_engine::run(
        Arc::new(plan(&yaml, target)),
        &config,
        &Control::new(),
        |_| {},
    )
    .expect("run starts")
    .summary
}

/// Spans grouped by trace: (root, children).
fn traces(spans: &[Span]) -> BTreeMap<Vec<u8>, (Span, Vec<Span>)> {
    let mut by_trace: BTreeMap<Vec<u8>, Vec<Span>> = BTreeMap::new();
    for span in spans {
        assert_eq!(span.trace_id.len(), 16);
        assert_eq!(span.span_id.len(), 8);
        assert!(span.trace_id.iter().any(|&b| b != 0) && span.span_id.iter().any(|&b| b != 0));
        by_trace
            .entry(span.trace_id.clone())
            .or_default()
            .push(span.clone());
    }
    by_trace
        .into_iter()
        .map(|(trace, spans)| {
            let (roots, children): (Vec<Span>, Vec<Span>) =
                spans.into_iter().partition(|s| s.parent_span_id.is_empty());
            assert_eq!(roots.len(), 1, "one journey span per trace");
            (trace, (roots.into_iter().next().unwrap(), children))
        })
        .collect()
}

#[test]
fn every_failed_journey_is_exported_at_sample_zero_with_a_span_per_request() {
    let receiver = Receiver::start();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let server = shop(seen.clone());
    let summary = run(&server.url, &receiver.endpoint, 0.0);
    let checkout = &summary.journeys["checkout"];
    assert_eq!(
        (checkout.started, checkout.failed),
        (20, 10),
        "odd users fail"
    );

    let export = summary
        .run
        .trace_export
        .as_ref()
        .expect("the export is reported");
    assert_eq!(export.endpoint, format!("{}/v1/traces", receiver.endpoint));
    assert_eq!(
        export.journeys, 10,
        "every failed journey, no successful one"
    );
    assert_eq!((export.spans_dropped, export.spans_failed), (0, 0));
    let spans = receiver.spans();
    assert_eq!(export.spans_exported, spans.len() as u64);

    let traces = traces(&spans);
    assert_eq!(traces.len(), 10);
    let sent: BTreeSet<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(_, s)| s.clone())
        .collect();
    for (root, children) in traces.values() {
        // The journey's span.
        assert_eq!(root.name, "checkout");
        assert_eq!(root.kind, SpanKind::Internal as i32);
        assert_eq!(attr(root, "starling.journey").as_deref(), Some("checkout"));
        assert_eq!(attr(root, "error.type").as_deref(), Some("status"));
        assert!(
            attr(root, "starling.failure")
                .unwrap()
                .contains("POST /pay")
        );
        assert_eq!(root.status.as_ref().unwrap().code, 2, "error status");
        let vu: u64 = attr(root, "starling.vu").unwrap().parse().unwrap();
        assert_eq!(vu % 2, 1, "only odd users failed");

        // requests + 1 spans: users, orders, pay, each a child of the root.
        let names: Vec<&str> = children.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["POST /users", "GET /orders/{{ token }}", "POST /pay"]
        );
        for child in children {
            assert_eq!(child.parent_span_id, root.span_id, "parent link");
            assert_eq!(child.kind, SpanKind::Client as i32);
            assert!(root.start_time_unix_nano <= child.start_time_unix_nano);
            assert!(child.start_time_unix_nano <= child.end_time_unix_nano);
            assert!(child.end_time_unix_nano <= root.end_time_unix_nano + 1_000);
            for key in [
                "http.request.method",
                "url.full",
                "http.response.status_code",
                "server.address",
                "server.port",
                "starling.journey",
                "starling.step",
                "starling.vu",
            ] {
                assert!(attr(child, key).is_some(), "{key} on {}", child.name);
            }
            // Its id is the one its traceparent carried to the server.
            let id: String = child.span_id.iter().map(|b| format!("{b:02x}")).collect();
            assert!(sent.contains(&id), "span {id} was sent as a traceparent");
        }
        let pay = &children[2];
        assert_eq!(
            attr(pay, "http.response.status_code").as_deref(),
            Some("502")
        );
        assert_eq!(attr(pay, "error.type").as_deref(), Some("502"));
        assert!(attr(pay, "starling.failure").is_some());
        assert_eq!(attr(pay, "server.address").as_deref(), Some("127.0.0.1"));
        let orders = attr(&children[1], "url.full").unwrap();
        assert!(
            orders.ends_with("/orders/[redacted]?api_key=[redacted]"),
            "{orders}"
        );
    }
    let raw = receiver.got.lock().unwrap().raw.clone();
    for secret in [TOKEN, API_KEY] {
        assert!(
            !raw.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} was exported"
        );
    }
}

#[test]
fn sample_one_exports_every_journey() {
    let receiver = Receiver::start();
    let server = shop(Arc::new(Mutex::new(Vec::new())));
    let summary = run(&server.url, &receiver.endpoint, 1.0);
    let export = summary.run.trace_export.as_ref().unwrap();
    assert_eq!(export.journeys, 20);
    let traces = traces(&receiver.spans());
    assert_eq!(traces.len(), 20);
    let ok = traces
        .values()
        .filter(|(root, _)| root.status.is_none())
        .count();
    assert_eq!(ok, 10, "the successful ones too");
    assert!(traces.values().all(|(_, children)| children.len() == 3));
    assert_eq!(export.spans_exported, 80);
}

#[test]
fn an_endpoint_that_refuses_is_counted_and_the_run_goes_on() {
    // A port nothing listens on.
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let server = shop(Arc::new(Mutex::new(Vec::new())));
    let started = std::time::Instant::now();
    let summary = run(&server.url, &dead, 0.0);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the run is not held up"
    );
    assert_eq!(summary.totals.requests, 4 + 20 * 3);
    let export = summary.run.trace_export.as_ref().unwrap();
    assert_eq!(export.journeys, 10);
    assert_eq!(export.spans_exported, 0);
    assert_eq!(export.spans_failed, 40, "10 journeys of 3 requests + 1");

    let mut text = Vec::new();
    starling_report::render_terminal(&summary, &mut text, &Default::default()).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("40 spans lost: 0 dropped (export queue full), 40 failed"),
        "{text}"
    );
}
