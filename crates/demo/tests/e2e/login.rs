//! The session cookie round trip through the gateway, and `traceparent`
//! passing through.

use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::json;
use starling_demo::DemoConfig;

use crate::common::{assert_error, call, client, get, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_cookie_round_trips_through_the_gateway() {
    let demo = start(DemoConfig::ephemeral()).await;
    let gateway = demo.gateway_url();
    let client = client();

    let response = client
        .post(format!("{gateway}/login"))
        .json(&json!({"username": "ann"}))
        .send()
        .await;
    let response = match response {
        Ok(response) => response,
        Err(err) => panic!("{err}"),
    };
    assert_eq!(response.status(), StatusCode::OK);
    let set_cookie = response
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(set_cookie.starts_with("session="), "{set_cookie}");
    assert!(set_cookie.contains("Path=/"), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap_or_default().to_owned();

    let me = client
        .get(format!("{gateway}/me"))
        .header(COOKIE, format!("theme=dark; {cookie}"))
        .send()
        .await;
    let me = match me {
        Ok(me) => me,
        Err(err) => panic!("{err}"),
    };
    assert_eq!(me.status(), StatusCode::OK);
    let body: serde_json::Value = me.json().await.unwrap_or_default();
    assert_eq!(body["username"], "ann");

    assert_error(
        &get(&client, &format!("{gateway}/me")).await,
        StatusCode::UNAUTHORIZED,
    );
    let forged = client
        .get(format!("{gateway}/me"))
        .header(COOKIE, "session=forged")
        .send()
        .await
        .map(|r| r.status());
    assert_eq!(forged.ok(), Some(StatusCode::UNAUTHORIZED));

    let stats = demo.stats().await;
    assert_eq!(stats["gateway"]["GET /me"], 3);
    assert_eq!(stats["users"]["POST /login"], 1);
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_needs_a_username() {
    let demo = start(DemoConfig::ephemeral()).await;
    let client = client();
    let url = format!("{}/login", demo.gateway_url());
    let answer = call(&client, reqwest::Method::POST, &url, Some("{}")).await;
    assert_error(&answer, StatusCode::BAD_REQUEST);
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_login_works_as_a_browser_sends_it() {
    let demo = start(DemoConfig::ephemeral()).await;
    let client = client();
    let url = format!("{}/login", demo.gateway_url());
    let form = |body: &'static str| {
        client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let ok = form("username=bo+b&x=1").await.map(|r| r.status());
    assert_eq!(ok.ok(), Some(StatusCode::OK));
    let empty = form("x=1").await.map(|r| r.status());
    assert_eq!(empty.ok(), Some(StatusCode::BAD_REQUEST));
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traceparent_reaches_every_service_of_the_fan_out() {
    let demo = start(DemoConfig::ephemeral()).await;
    let gateway = demo.gateway_url();
    let client = client();
    let trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let send = |path: &str, body: serde_json::Value| {
        client
            .post(format!("{gateway}{path}"))
            .header("traceparent", trace)
            .json(&body)
            .send()
    };
    let user: serde_json::Value = match send("/users", json!({"username": "ivy"})).await {
        Ok(response) => response.json().await.unwrap_or_default(),
        Err(err) => panic!("{err}"),
    };
    let order: serde_json::Value =
        match send("/orders", json!({"user_id": user["id"], "item": "widget"})).await {
            Ok(response) => response.json().await.unwrap_or_default(),
            Err(err) => panic!("{err}"),
        };
    let paid = send("/payments", json!({"order_id": order["id"], "amount": 1})).await;
    assert_eq!(paid.map(|r| r.status()).ok(), Some(StatusCode::OK));
    // One untraced request: the gateway does not count it as traced.
    let _ = get(&client, &format!("{gateway}/products")).await;

    let expected = [
        (
            "gateway",
            json!({"POST /users": 1, "POST /orders": 1, "POST /payments": 1}),
        ),
        ("users", json!({"POST /users": 1, "GET /users/{id}": 1})),
        // The untraced GET /products started a trace at the gateway,
        // which passed it on.
        (
            "products",
            json!({"GET /products/{id}": 1, "GET /products": 1}),
        ),
        ("orders", json!({"POST /orders": 1, "GET /orders/{id}": 1})),
        ("payments", json!({"POST /payments": 1})),
    ];
    for (name, traced) in expected {
        let url = match name.parse() {
            Ok(service) => demo.url(service),
            Err(err) => panic!("{err}"),
        };
        let (_, stats) = get(&client, &format!("{url}/admin/stats")).await;
        assert_eq!(stats["traced"], traced, "{name}");
    }
    demo.shutdown().await;
}
