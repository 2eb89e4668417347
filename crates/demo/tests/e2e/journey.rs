//! The article's Locust journey through the gateway, and exact per-route
//! counts on every service, fan-out calls included.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{Value, json};
use starling_demo::DemoConfig;
use tokio::task::JoinSet;

use crate::common::{client, get, post, start};

/// create user → order → payment, asserting what the locustfile expects.
async fn checkout(client: reqwest::Client, gateway: String) {
    let (status, user) = post(
        &client,
        &format!("{gateway}/users"),
        &json!({"username": "testuser"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let user_id = user["id"].as_u64().unwrap_or_default();
    assert!(user_id > 0, "{user}");
    assert_eq!(user["username"], "testuser");

    let (status, order) = post(
        &client,
        &format!("{gateway}/orders"),
        &json!({"user_id": user_id, "item": "widget"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    assert_eq!(order["status"], "created");
    assert_eq!(order["user_id"], user_id);
    assert_eq!(order["item"], "widget");
    let order_id = order["id"].as_u64().unwrap_or_default();
    assert!(order_id > 0, "{order}");

    let (status, payment) = post(
        &client,
        &format!("{gateway}/payments"),
        &json!({"order_id": order_id, "amount": 10.00}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{payment}");
    assert_eq!(payment["status"], "settled");
    assert_eq!(payment["order_id"], order_id);
    assert_eq!(payment["amount"], 10.0);
    assert!(payment["id"].as_u64().is_some());
}

async fn browse(client: &reqwest::Client, gateway: &str) {
    let (status, products) = get(client, &format!("{gateway}/products?category=electronics")).await;
    assert_eq!(status, StatusCode::OK);
    let products = products.as_array().cloned().unwrap_or_default();
    assert!(!products.is_empty());
    assert!(products.iter().all(|p| p["category"] == "electronics"));
}

fn counts(entries: &[(&str, u64)]) -> BTreeMap<String, u64> {
    entries
        .iter()
        .map(|(route, n)| ((*route).to_owned(), *n))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locust_journey_passes_and_counts_reconcile_exactly() {
    let demo = start(DemoConfig::ephemeral()).await;
    let gateway = demo.gateway_url();
    let client = client();

    const JOURNEYS: u64 = 24;
    let mut running = JoinSet::new();
    for _ in 0..JOURNEYS {
        running.spawn(checkout(client.clone(), gateway.clone()));
    }
    while let Some(done) = running.join_next().await {
        assert!(done.is_ok(), "a journey failed: {done:?}");
    }
    browse(&client, &gateway).await;
    browse(&client, &gateway).await;

    let n = JOURNEYS;
    let mut expected = BTreeMap::new();
    expected.insert(
        "gateway".to_owned(),
        counts(&[
            ("POST /users", n),
            ("POST /orders", n),
            ("POST /payments", n),
            ("GET /products", 2),
        ]),
    );
    expected.insert(
        "users".to_owned(),
        counts(&[("POST /users", n), ("GET /users/{id}", n)]),
    );
    expected.insert(
        "products".to_owned(),
        counts(&[("GET /products", 2), ("GET /products/{id}", n)]),
    );
    expected.insert(
        "orders".to_owned(),
        counts(&[("POST /orders", n), ("GET /orders/{id}", n)]),
    );
    expected.insert("payments".to_owned(), counts(&[("POST /payments", n)]));
    assert_eq!(demo.stats().await, expected);

    // The same counts over HTTP, and admin calls are not counted.
    for (name, url) in demo.service_urls() {
        let (status, stats) = get(&client, &format!("{url}/admin/stats")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(stats["service"], name);
        let over_http: BTreeMap<String, u64> =
            serde_json::from_value(stats["requests"].clone()).unwrap_or_default();
        assert_eq!(Some(&over_http), expected.get(name), "{name}");
    }
    let (_, stats) = get(&client, &format!("{gateway}/admin/stats")).await;
    assert_eq!(stats["service"], "gateway");
    assert_eq!(demo.stats().await, expected, "admin calls must not count");

    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_expose_the_counts_as_prometheus_text() {
    let demo = start(DemoConfig::ephemeral()).await;
    let client = client();
    checkout(client.clone(), demo.gateway_url()).await;

    let orders = demo
        .service_urls()
        .into_iter()
        .find(|(name, _)| *name == "orders")
        .map(|(_, url)| url)
        .unwrap_or_default();
    let response = client.get(format!("{orders}/metrics")).send().await;
    let text = match response {
        Ok(response) => response.text().await.unwrap_or_default(),
        Err(err) => panic!("{err}"),
    };
    assert!(
        text.contains("# TYPE demo_requests_total counter"),
        "{text}"
    );
    assert!(
        text.contains("demo_requests_total{service=\"orders\",route=\"POST /orders\"} 1"),
        "{text}"
    );
    assert!(
        text.contains(
            "demo_responses_total{service=\"orders\",route=\"POST /orders\",code=\"201\"} 1"
        ),
        "{text}"
    );
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn products_list_and_lookup() {
    let demo = start(DemoConfig::ephemeral()).await;
    let client = client();
    let gateway = demo.gateway_url();

    let (status, all) = get(&client, &format!("{gateway}/products")).await;
    assert_eq!(status, StatusCode::OK);
    let all = all.as_array().map_or(0, Vec::len);
    let (_, electronics) = get(&client, &format!("{gateway}/products?category=electronics")).await;
    assert!(electronics.as_array().map_or(0, Vec::len) < all);
    let (status, none) = get(&client, &format!("{gateway}/products?category=nothing")).await;
    assert_eq!((status, none), (StatusCode::OK, Value::Array(Vec::new())));

    let (status, widget) = get(&client, &format!("{gateway}/products/widget")).await;
    assert_eq!(status, StatusCode::OK);
    let id = widget["id"].as_u64().unwrap_or_default();
    let (status, same) = get(&client, &format!("{gateway}/products/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(same["name"], "widget");
    demo.shutdown().await;
}
