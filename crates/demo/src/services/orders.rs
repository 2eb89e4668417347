//! The orders service: creates an order after checking its user (a call to
//! users) and its item (a call to products), both at once; shows orders.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::lock;
use crate::config::Service;
use crate::error::ApiError;
use crate::input;
use crate::service::{self, Shared};
use crate::upstream::{Upstream, encode_segment};

#[derive(Debug)]
struct Orders {
    users: Upstream,
    products: Upstream,
    next_id: AtomicU64,
    /// id → the order as answered.
    orders: Mutex<HashMap<u64, Value>>,
}

pub(crate) fn router(shared: Arc<Shared>, users: Upstream, products: Upstream) -> Router {
    let state = Arc::new(Orders {
        users,
        products,
        next_id: AtomicU64::new(0),
        orders: Mutex::new(HashMap::new()),
    });
    let routes = Router::new()
        .route("/orders", post(create))
        .route("/orders/{id}", get(show))
        .with_state(state);
    service::finish(routes, shared)
}

/// `POST /orders {"user_id", "item"}` → `201 {"id", "status": "created",
/// "user_id", "item", "product_id"}`.
async fn create(
    State(state): State<Arc<Orders>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = input::json_object(&body)?;
    let user_id = input::id_field(&body, "user_id")?;
    let item = item_key(&body)?;

    // Both checks always run, side by side: the fan-out per order is fixed
    // (one users call, one products call), so counts reconcile exactly.
    let user_path = format!("/users/{user_id}");
    let product_path = format!("/products/{}", encode_segment(&item));
    let (user, product) = tokio::join!(
        state.users.get(&user_path, &headers),
        state.products.get(&product_path, &headers),
    );
    check(user?, Service::Users, &format!("no user {user_id}"))?;
    let product = check(product?, Service::Products, &format!("no product {item:?}"))?;
    let product_id = product.get("id").and_then(Value::as_u64);

    let id = state.next_id.fetch_add(1, Ordering::Relaxed) + 1;
    let order = json!({
        "id": id,
        "status": "created",
        "user_id": user_id,
        "item": body.get("item"),
        "product_id": product_id,
    });
    lock(&state.orders).insert(id, order.clone());
    Ok((StatusCode::CREATED, Json(order)).into_response())
}

/// `GET /orders/{id}` → the order, or 404.
async fn show(
    State(state): State<Arc<Orders>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = input::path_id(&id, "order")?;
    let order = lock(&state.orders).get(&id).cloned();
    order
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no order {id}")))
}

/// The item as a product key: a product name, or its id as a number or a
/// numeric string.
fn item_key(body: &Map<String, Value>) -> Result<String, ApiError> {
    match body.get("item") {
        Some(Value::String(name)) if !name.trim().is_empty() => Ok(name.trim().to_owned()),
        Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.to_string()),
        Some(other) => Err(ApiError::bad_request(format!(
            "field \"item\" must be a product name or id, got {other}"
        ))),
        None => Err(ApiError::bad_request("missing field \"item\"")),
    }
}

/// A dependency's answer: its JSON on 200; a 404 becomes ours with
/// `missing`; anything else is a 502 that names the dependency.
pub(crate) fn check(
    reply: crate::upstream::Reply,
    service: Service,
    missing: &str,
) -> Result<Value, ApiError> {
    match reply.status {
        StatusCode::OK => reply.json(service),
        StatusCode::NOT_FOUND => Err(ApiError::not_found(missing)),
        status => Err(ApiError::bad_gateway(format!(
            "{service} answered {status}"
        ))),
    }
}
