//! Async payments: 202 pending, then settled once `settle_after` passed.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use starling_demo::DemoConfig;

use crate::common::{client, get, post, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_payments_are_pending_then_settled() {
    let settle_after = Duration::from_millis(300);
    let demo = start(DemoConfig {
        async_payments: true,
        settle_after,
        ..DemoConfig::ephemeral()
    })
    .await;
    let gateway = demo.gateway_url();
    let client = client();

    let (_, user) = post(
        &client,
        &format!("{gateway}/users"),
        &json!({"username": "bo"}),
    )
    .await;
    let (_, order) = post(
        &client,
        &format!("{gateway}/orders"),
        &json!({"user_id": user["id"], "item": "laptop"}),
    )
    .await;
    let sent = Instant::now();
    let (status, payment) = post(
        &client,
        &format!("{gateway}/payments"),
        &json!({"order_id": order["id"], "amount": 999}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{payment}");
    assert_eq!(payment["status"], "pending");
    let id = payment["id"].as_u64().unwrap_or_default();
    assert!(id > 0);

    // Poll like a journey would. Whenever "settled" shows, at least
    // settle_after must have passed since the POST was sent.
    let url = format!("{gateway}/payments/{id}");
    let mut polls: u64 = 0;
    loop {
        let (status, seen) = get(&client, &url).await;
        assert_eq!(status, StatusCode::OK, "{seen}");
        polls += 1;
        match seen["status"].as_str() {
            Some("settled") => {
                assert!(sent.elapsed() >= settle_after);
                assert_eq!(seen["order_id"], order["id"]);
                break;
            }
            Some("pending") => {}
            other => panic!("unexpected status {other:?}"),
        }
        assert!(polls < 600, "never settled");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(demo.stats().await["payments"]["GET /payments/{id}"], polls);
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_payments_show_settled() {
    let demo = start(DemoConfig::ephemeral()).await;
    let gateway = demo.gateway_url();
    let client = client();
    let (_, user) = post(
        &client,
        &format!("{gateway}/users"),
        &json!({"username": "cy"}),
    )
    .await;
    let (_, order) = post(
        &client,
        &format!("{gateway}/orders"),
        &json!({"user_id": user["id"], "item": 3}),
    )
    .await;
    let (status, payment) = post(
        &client,
        &format!("{gateway}/payments"),
        &json!({"order_id": order["id"], "amount": 5}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, seen) = get(&client, &format!("{gateway}/payments/{}", payment["id"])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["status"], "settled");
    demo.shutdown().await;
}
