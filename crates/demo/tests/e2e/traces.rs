//! Server spans: a request with a `traceparent` yields spans of that trace
//! in `/admin/traces` for every service it reached, linked parent to
//! child; no or a malformed `traceparent` starts a new trace; a slow
//! service deep in the graph makes its caller time out.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use starling_demo::{DemoConfig, Latency, Service};

use crate::common::{client, get, post, start};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN: &str = "00f067aa0ba902b7";

/// The spans of `trace` from `/admin/traces`, by service name.
async fn spans_by_service(url: &str, trace: &str) -> BTreeMap<String, Vec<Value>> {
    let (status, body) = get(&client(), &format!("{url}/admin/traces?trace_id={trace}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["trace_id"], trace);
    let mut by_service: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for span in body["spans"].as_array().cloned().unwrap_or_default() {
        assert_eq!(span["trace_id"], trace, "{span}");
        let service = span["service"].as_str().unwrap_or("?").to_owned();
        by_service.entry(service).or_default().push(span);
    }
    by_service
}

/// Creates a user (untraced), then orders for it with `traceparent`
/// naming [`TRACE`] and the client span [`CLIENT_SPAN`]; the order's status.
async fn traced_order(demo: &starling_demo::Demo) -> Option<StatusCode> {
    let http = client();
    let (_, user) = post(
        &http,
        &format!("{}/users", demo.gateway_url()),
        &json!({"username": "ada"}),
    )
    .await;
    http.post(format!("{}/orders", demo.gateway_url()))
        .header("traceparent", format!("00-{TRACE}-{CLIENT_SPAN}-01"))
        .json(&json!({"user_id": user["id"], "item": "widget"}))
        .send()
        .await
        .map(|r| r.status())
        .ok()
}

fn one<'a>(spans: &'a BTreeMap<String, Vec<Value>>, service: &str) -> &'a Value {
    match spans.get(service).map(Vec::as_slice) {
        Some([span]) => span,
        other => panic!("expected one {service} span, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_traceparent_yields_linked_spans_in_every_service_it_reaches() {
    let demo = start(DemoConfig::ephemeral()).await;
    assert_eq!(traced_order(&demo).await, Some(StatusCode::CREATED));

    // Any service's admin interface serves the whole trace.
    let spans = spans_by_service(&demo.url(Service::Users), TRACE).await;
    assert_eq!(
        spans.keys().map(String::as_str).collect::<Vec<_>>(),
        ["gateway", "orders", "products", "users"]
    );
    let gateway = one(&spans, "gateway");
    let orders = one(&spans, "orders");
    let users = one(&spans, "users");
    let products = one(&spans, "products");

    assert_eq!(gateway["parent_span_id"], CLIENT_SPAN);
    assert_eq!(orders["parent_span_id"], gateway["span_id"]);
    assert_eq!(users["parent_span_id"], orders["span_id"]);
    assert_eq!(products["parent_span_id"], orders["span_id"]);
    let ids: std::collections::BTreeSet<&str> = [gateway, orders, users, products]
        .iter()
        .filter_map(|s| s["span_id"].as_str())
        .collect();
    assert_eq!(ids.len(), 4, "span ids are fresh per span");

    assert_eq!(
        (gateway["method"].as_str(), gateway["route"].as_str()),
        (Some("POST"), Some("/orders"))
    );
    assert_eq!(
        (users["method"].as_str(), users["route"].as_str()),
        (Some("GET"), Some("/users/{id}"))
    );
    assert_eq!(gateway["status"], 201);
    assert_eq!(users["status"], 200);
    assert!(gateway.get("error").is_none(), "{gateway}");
    // The caller's span encloses its inner calls.
    let start = |s: &Value| s["start_unix_us"].as_u64().unwrap_or(0);
    let end = |s: &Value| start(s) + s["duration_us"].as_u64().unwrap_or(0);
    assert!(start(gateway) <= start(orders) && end(orders) <= end(gateway));
    assert!(start(orders) <= start(users) && end(users) <= end(orders));
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_or_a_malformed_traceparent_starts_a_new_trace() {
    let demo = start(DemoConfig::ephemeral()).await;
    let http = client();
    let url = format!("{}/products/widget", demo.gateway_url());
    let bad = "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01";
    for request in [http.get(&url), http.get(&url).header("traceparent", bad)] {
        assert_eq!(
            request.send().await.map(|r| r.status()).ok(),
            Some(StatusCode::OK)
        );
    }
    // The upper-case header is not valid W3C, so it named no trace.
    assert!(
        demo.trace(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736)
            .is_empty()
    );
    let spans = demo.span_store().all();
    assert_eq!(spans.len(), 4, "gateway and products, twice: {spans:?}");
    let traces: std::collections::BTreeSet<u128> = spans.iter().map(|s| s.trace_id).collect();
    assert_eq!(traces.len(), 2, "each request started its own trace");
    for trace in traces {
        let of_trace: Vec<_> = spans.iter().filter(|s| s.trace_id == trace).collect();
        let root = of_trace.iter().find(|s| s.service == Service::Gateway);
        let child = of_trace.iter().find(|s| s.service == Service::Products);
        match (root, child) {
            (Some(root), Some(child)) => {
                assert_eq!(
                    root.parent_span_id, None,
                    "a new trace's first span is its root"
                );
                assert_eq!(child.parent_span_id, Some(root.span_id));
            }
            _ => panic!("expected a gateway and a products span: {of_trace:?}"),
        }
    }
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_service_deep_in_the_graph_makes_its_caller_time_out() {
    let mut config = DemoConfig::ephemeral();
    config.knobs.users.latency = Latency::fixed_ms(600);
    config.call_timeout = Duration::from_millis(200);
    let demo = start(config).await;
    assert_eq!(traced_order(&demo).await, Some(StatusCode::GATEWAY_TIMEOUT));
    // users goes on to finish the answer orders no longer waits for.
    assert!(demo.span_store().settled(Duration::from_secs(10)).await);

    let spans = spans_by_service(&demo.gateway_url(), TRACE).await;
    let (gateway, orders, users) = (
        one(&spans, "gateway"),
        one(&spans, "orders"),
        one(&spans, "users"),
    );
    assert_eq!(gateway["status"], 504);
    assert_eq!(gateway["error"], "orders answered 504");
    assert_eq!(orders["status"], 504);
    assert_eq!(orders["error"], "users did not answer in time");
    assert_eq!(users["status"], 200, "users answered, only too late");
    assert_eq!(users["fault"], "injected latency 600ms");
    assert_eq!(users["parent_span_id"], orders["span_id"]);
    let end = |s: &Value| {
        s["start_unix_us"].as_u64().unwrap_or(0) + s["duration_us"].as_u64().unwrap_or(0)
    };
    assert!(
        end(users) > end(orders),
        "users ended after orders gave up on it"
    );
    demo.shutdown().await;
}
