//! Goose driving bench/run.sh's journeys (issue 19): `get` is workload (a),
//! one GET per journey; `checkout` is (b2), the checkout chain with the ids
//! taken from the JSON answers, and the browse journey beside it, as in
//! bench/scenarios/checkout_nowait.yaml and bench/locustfile.py.
//!
//! Pick one with Goose's own `--scenarios get` or `--scenarios checkout`;
//! every other flag is Goose's (`-H`, `-u`, `-r`, `-t`, `--report-file`).

use goose::goose::GooseResponse;
use goose::metrics::GooseRequestMetric;
use goose::prelude::*;
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), GooseError> {
    GooseAttack::initialize()?
        .register_scenario(scenario!("get").register_transaction(transaction!(get_root)))
        // Round-robin over the two transactions: one checkout, then one
        // browse, the even mix of the other tools' two journeys of equal
        // weight.
        .register_scenario(
            scenario!("checkout")
                .register_transaction(transaction!(checkout))
                .register_transaction(transaction!(browse)),
        )
        .execute()
        .await?;
    Ok(())
}

async fn get_root(user: &mut GooseUser) -> TransactionResult {
    let goose = user.get("/").await?;
    expect_status(user, goose, 200).await.map(|_| ())
}

/// POST /users (201, capture id) → POST /orders (201, capture id) →
/// POST /payments (200). A wrong status or a missing id fails the request
/// in Goose's statistics and ends the journey, as in the other tools.
async fn checkout(user: &mut GooseUser) -> TransactionResult {
    let goose = user
        .post_json("/users", &json!({"username": "testuser"}))
        .await?;
    let user_id = expect_id(user, goose, 201).await?;
    let goose = user
        .post_json("/orders", &json!({"user_id": user_id, "item": "widget"}))
        .await?;
    let order_id = expect_id(user, goose, 201).await?;
    let goose = user
        .post_json("/payments", &json!({"order_id": order_id, "amount": 10.00}))
        .await?;
    expect_status(user, goose, 200).await.map(|_| ())
}

async fn browse(user: &mut GooseUser) -> TransactionResult {
    let goose = user.get("/products?category=electronics").await?;
    expect_status(user, goose, 200).await.map(|_| ())
}

/// The body of an answer with the expected status (and its request, to
/// fail it later), or a failure recorded against the request in Goose's
/// statistics.
async fn expect_status(
    user: &mut GooseUser,
    goose: GooseResponse,
    status: u16,
) -> Result<(GooseRequestMetric, String), Box<TransactionError>> {
    let GooseResponse {
        mut request,
        response,
    } = goose;
    let response = match response {
        Ok(response) => response,
        Err(_) => return Err(fail(user, &mut request, "no response")),
    };
    if response.status().as_u16() != status {
        return Err(fail(user, &mut request, "unexpected status"));
    }
    match response.text().await {
        Ok(body) => Ok((request, body)),
        Err(_) => Err(fail(user, &mut request, "body not read")),
    }
}

/// The `id` of a JSON answer with the expected status.
async fn expect_id(
    user: &mut GooseUser,
    goose: GooseResponse,
    status: u16,
) -> Result<Value, Box<TransactionError>> {
    let (mut request, body) = expect_status(user, goose, status).await?;
    match serde_json::from_str::<Value>(&body) {
        Ok(Value::Object(mut map)) => match map.remove("id") {
            Some(id) => Ok(id),
            None => Err(fail(user, &mut request, "no id")),
        },
        _ => Err(fail(user, &mut request, "not a JSON object")),
    }
}

fn fail(
    user: &mut GooseUser,
    request: &mut GooseRequestMetric,
    tag: &str,
) -> Box<TransactionError> {
    // set_failure always answers Err; the fallback only keeps this total.
    user.set_failure(tag, request, None, None)
        .err()
        .unwrap_or_else(|| Box::new(TransactionError::Custom(tag.to_string())))
}
