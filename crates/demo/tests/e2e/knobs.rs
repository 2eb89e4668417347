//! Knobs: error rate, added latency and the concurrency limit, set by
//! config and changed live through `PUT /admin/knobs`. Timing is checked
//! by lower bounds only.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use starling_demo::{DemoConfig, Knobs, Latency, Service};
use tokio::task::JoinSet;

use crate::common::{assert_error, client, get, post, put, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_rate_one_fails_every_request_and_cascades() {
    let mut config = DemoConfig::ephemeral();
    config.knobs.users.error_rate = 1.0;
    let demo = start(config).await;
    let gateway = demo.gateway_url();
    let client = client();

    let failed = post(
        &client,
        &format!("{gateway}/users"),
        &json!({"username": "x"}),
    )
    .await;
    assert_error(&failed, StatusCode::SERVICE_UNAVAILABLE);
    // orders depends on users, so its answer names the failed dependency.
    let cascaded = post(
        &client,
        &format!("{gateway}/orders"),
        &json!({"user_id": 1, "item": "widget"}),
    )
    .await;
    assert_error(&cascaded, StatusCode::BAD_GATEWAY);
    assert!(
        cascaded.1["error"]
            .as_str()
            .unwrap_or_default()
            .contains("users")
    );
    // Failed requests still count as received.
    assert_eq!(demo.stats().await["users"]["POST /users"], 1);
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_endpoint_changes_knobs_while_running() {
    let demo = start(DemoConfig::ephemeral()).await;
    let gateway = demo.gateway_url();
    let payments = demo.url(Service::Payments);
    let client = client();

    let (status, knobs) = get(&client, &format!("{payments}/admin/knobs")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(knobs["concurrency_limit"], 16);
    assert_eq!(knobs["latency"], json!({"min_ms": 20, "max_ms": 40}));

    // A partial PUT changes only what it names.
    let (status, knobs) = put(
        &client,
        &format!("{payments}/admin/knobs"),
        &json!({"error_rate": 1.0}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{knobs}");
    assert_eq!(knobs["error_rate"], 1.0);
    assert_eq!(knobs["concurrency_limit"], 16);
    assert_eq!(demo.knobs(Service::Payments).error_rate, 1.0);

    let (_, user) = post(
        &client,
        &format!("{gateway}/users"),
        &json!({"username": "gil"}),
    )
    .await;
    let (_, order) = post(
        &client,
        &format!("{gateway}/orders"),
        &json!({"user_id": user["id"], "item": "widget"}),
    )
    .await;
    let pay = json!({"order_id": order["id"], "amount": 10});
    assert_error(
        &post(&client, &format!("{gateway}/payments"), &pay).await,
        StatusCode::SERVICE_UNAVAILABLE,
    );

    let (status, _) = put(
        &client,
        &format!("{payments}/admin/knobs"),
        &json!({"error_rate": 0}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = post(&client, &format!("{gateway}/payments"), &pay).await;
    assert_eq!(status, StatusCode::OK);
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_knobs_are_rejected_and_kept() {
    let demo = start(DemoConfig::ephemeral()).await;
    let users = demo.url(Service::Users);
    let client = client();
    let before = demo.knobs(Service::Users);
    for bad in [
        json!({"error_rate": 2}),
        json!({"bogus": 1}),
        json!({"latency": "40..20ms"}),
        json!({"latency": "soon"}),
        json!({"concurrency_limit": -1}),
    ] {
        let answer = put(&client, &format!("{users}/admin/knobs"), &bad).await;
        assert_error(&answer, StatusCode::BAD_REQUEST);
    }
    assert_eq!(demo.knobs(Service::Users), before);
    assert!(
        demo.set_knobs(
            Service::Users,
            Knobs {
                error_rate: -0.5,
                ..before
            }
        )
        .is_err()
    );
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn added_latency_is_applied() {
    let mut config = DemoConfig::ephemeral();
    config.knobs.products.latency = Latency::fixed_ms(200);
    let demo = start(config).await;
    let client = client();
    let products = demo.url(Service::Products);

    let started = Instant::now();
    let (status, _) = get(&client, &format!("{products}/products")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(200));

    // Changed live, in the text form, and felt through the gateway.
    let users = demo.url(Service::Users);
    let (status, knobs) = put(
        &client,
        &format!("{users}/admin/knobs"),
        &json!({"latency": "300ms"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{knobs}");
    let started = Instant::now();
    let (status, _) = post(
        &client,
        &format!("{}/users", demo.gateway_url()),
        &json!({"username": "hal"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(started.elapsed() >= Duration::from_millis(300));
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_beyond_the_concurrency_limit_queue() {
    let demo = start(DemoConfig::ephemeral()).await;
    let products = demo.url(Service::Products);
    let client = client();
    let set = demo.set_knobs(
        Service::Products,
        Knobs {
            latency: Latency::fixed_ms(150),
            error_rate: 0.0,
            concurrency_limit: 1,
        },
    );
    assert!(set.is_ok());

    // Three at once through one slot of 150 ms each: at least 450 ms.
    let started = Instant::now();
    let mut running = JoinSet::new();
    for _ in 0..3 {
        let (client, url) = (client.clone(), format!("{products}/products/1"));
        running.spawn(async move { get(&client, &url).await.0 });
    }
    while let Some(status) = running.join_next().await {
        assert_eq!(status.ok(), Some(StatusCode::OK));
    }
    assert!(started.elapsed() >= Duration::from_millis(450));
    demo.shutdown().await;
}
