//! Bad input gets a 400 or 404 with a JSON error, never a 500; ids may
//! arrive as numeric strings.

use reqwest::{Method, StatusCode};
use serde_json::json;
use starling_demo::DemoConfig;

use crate::common::{assert_error, call, client, get, post, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_bodies_and_wrong_types_are_400() {
    let demo = start(DemoConfig::ephemeral()).await;
    let gateway = demo.gateway_url();
    let client = client();
    let (_, user) = post(
        &client,
        &format!("{gateway}/users"),
        &json!({"username": "dee"}),
    )
    .await;
    let (_, order) = post(
        &client,
        &format!("{gateway}/orders"),
        &json!({"user_id": user["id"], "item": "widget"}),
    )
    .await;

    let cases: Vec<(&str, String)> = vec![
        ("/users", "{not json".to_owned()),
        ("/users", "[1, 2]".to_owned()),
        ("/users", json!({"username": 5}).to_string()),
        ("/users", json!({"username": ""}).to_string()),
        ("/users", String::new()),
        ("/orders", "{\"user_id\": ".to_owned()),
        (
            "/orders",
            json!({"user_id": "abc", "item": "widget"}).to_string(),
        ),
        (
            "/orders",
            json!({"user_id": true, "item": "widget"}).to_string(),
        ),
        (
            "/orders",
            json!({"user_id": -4, "item": "widget"}).to_string(),
        ),
        (
            "/orders",
            json!({"user_id": 1.5, "item": "widget"}).to_string(),
        ),
        ("/orders", json!({"user_id": user["id"]}).to_string()),
        (
            "/orders",
            json!({"user_id": user["id"], "item": ["widget"]}).to_string(),
        ),
        ("/orders", json!({"item": "widget"}).to_string()),
        (
            "/payments",
            json!({"order_id": order["id"], "amount": -1}).to_string(),
        ),
        (
            "/payments",
            json!({"order_id": order["id"], "amount": 0}).to_string(),
        ),
        (
            "/payments",
            json!({"order_id": order["id"], "amount": "ten"}).to_string(),
        ),
        (
            "/payments",
            json!({"order_id": order["id"], "amount": null}).to_string(),
        ),
        ("/payments", json!({"order_id": order["id"]}).to_string()),
        (
            "/payments",
            json!({"order_id": {"id": 1}, "amount": 3}).to_string(),
        ),
    ];
    for (path, body) in cases {
        let answer = call(
            &client,
            Method::POST,
            &format!("{gateway}{path}"),
            Some(&body),
        )
        .await;
        assert_eq!(
            answer.0,
            StatusCode::BAD_REQUEST,
            "{path} {body}: {answer:?}"
        );
        assert!(answer.1["error"].is_string(), "{path} {body}: {answer:?}");
    }
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_ids_and_routes_are_404() {
    let demo = start(DemoConfig::ephemeral()).await;
    let gateway = demo.gateway_url();
    let client = client();

    for path in [
        "/users/999",
        "/users/abc",
        "/orders/999",
        "/payments/999",
        "/products/999",
        "/products/unicorn",
        "/nowhere",
    ] {
        assert_error(
            &get(&client, &format!("{gateway}{path}")).await,
            StatusCode::NOT_FOUND,
        );
    }
    let (_, user) = post(
        &client,
        &format!("{gateway}/users"),
        &json!({"username": "eve"}),
    )
    .await;
    let unknown_user = post(
        &client,
        &format!("{gateway}/orders"),
        &json!({"user_id": 999, "item": "widget"}),
    )
    .await;
    assert_error(&unknown_user, StatusCode::NOT_FOUND);
    let unknown_item = post(
        &client,
        &format!("{gateway}/orders"),
        &json!({"user_id": user["id"], "item": "unicorn"}),
    )
    .await;
    assert_error(&unknown_item, StatusCode::NOT_FOUND);
    let unknown_order = post(
        &client,
        &format!("{gateway}/payments"),
        &json!({"order_id": 999, "amount": 10}),
    )
    .await;
    assert_error(&unknown_order, StatusCode::NOT_FOUND);

    let wrong_method = call(
        &client,
        Method::DELETE,
        &format!("{gateway}/orders/1"),
        None,
    )
    .await;
    assert_error(&wrong_method, StatusCode::METHOD_NOT_ALLOWED);
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numeric_string_ids_are_accepted() {
    let demo = start(DemoConfig::ephemeral()).await;
    let gateway = demo.gateway_url();
    let client = client();
    let (_, user) = post(
        &client,
        &format!("{gateway}/users"),
        &json!({"username": "fay"}),
    )
    .await;
    let user_id = user["id"].to_string();

    let (status, order) = post(
        &client,
        &format!("{gateway}/orders"),
        &json!({"user_id": user_id, "item": "widget"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    assert_eq!(order["user_id"], user["id"], "ids are answered as numbers");

    let (status, payment) = post(
        &client,
        &format!("{gateway}/payments"),
        &json!({"order_id": order["id"].to_string(), "amount": "10.00"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{payment}");
    assert_eq!(payment["order_id"], order["id"]);
    assert_eq!(payment["amount"], 10.0);
    demo.shutdown().await;
}
