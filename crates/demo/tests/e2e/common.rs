//! Helpers: a client that never uses a proxy, and JSON request shorthands.

use reqwest::{Client, Method, StatusCode};
use serde_json::Value;
use starling_demo::{Demo, DemoConfig};

pub(crate) async fn start(config: DemoConfig) -> Demo {
    match Demo::start(config).await {
        Ok(demo) => demo,
        Err(err) => panic!("demo did not start: {err}"),
    }
}

pub(crate) fn client() -> Client {
    match Client::builder().no_proxy().build() {
        Ok(client) => client,
        Err(err) => panic!("no client: {err}"),
    }
}

/// Sends `method url` with an optional raw body; returns status and JSON
/// (`Value::Null` when the body is not JSON).
pub(crate) async fn call(
    client: &Client,
    method: Method,
    url: &str,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = client.request(method, url);
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(err) => panic!("{url}: {err}"),
    };
    let status = response.status();
    let bytes = response.bytes().await.unwrap_or_default();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

pub(crate) async fn post(client: &Client, url: &str, body: &Value) -> (StatusCode, Value) {
    call(client, Method::POST, url, Some(&body.to_string())).await
}

pub(crate) async fn get(client: &Client, url: &str) -> (StatusCode, Value) {
    call(client, Method::GET, url, None).await
}

pub(crate) async fn put(client: &Client, url: &str, body: &Value) -> (StatusCode, Value) {
    call(client, Method::PUT, url, Some(&body.to_string())).await
}

/// Asserts a JSON error answer with the given status.
pub(crate) fn assert_error(answer: &(StatusCode, Value), status: StatusCode) {
    assert_eq!(answer.0, status, "{answer:?}");
    assert!(answer.1["error"].is_string(), "no JSON error in {answer:?}");
}
