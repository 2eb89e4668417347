//! The payments service: settles a payment for an existing order (checked
//! by a call to orders), at once or, in async mode, after a delay while
//! `GET /payments/{id}` answers "pending".

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::Bytes;
use serde_json::{Value, json};
use tokio::time::Instant;

use super::lock;
use super::orders::check;
use crate::config::Service;
use crate::error::ApiError;
use crate::input;
use crate::service::{self, Shared};
use crate::upstream::Upstream;

/// How payments settle.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settlement {
    /// `false`: settled in the answer to the POST (200). `true`: 202
    /// pending, settled once `after` has passed.
    pub(crate) deferred: bool,
    pub(crate) after: Duration,
}

#[derive(Debug)]
struct Payments {
    orders: Upstream,
    settlement: Settlement,
    next_id: AtomicU64,
    payments: Mutex<HashMap<u64, Payment>>,
}

#[derive(Debug, Clone, Copy)]
struct Payment {
    order_id: u64,
    amount: f64,
    /// When it counts as settled. Computed on read rather than by a timer
    /// task: nothing to spawn, nothing to cancel on shutdown.
    settles_at: Instant,
}

impl Payment {
    fn to_json(self, id: u64, now: Instant) -> Value {
        let status = if now >= self.settles_at {
            "settled"
        } else {
            "pending"
        };
        json!({
            "id": id,
            "status": status,
            "order_id": self.order_id,
            "amount": self.amount,
        })
    }
}

pub(crate) fn router(shared: Arc<Shared>, orders: Upstream, settlement: Settlement) -> Router {
    let state = Arc::new(Payments {
        orders,
        settlement,
        next_id: AtomicU64::new(0),
        payments: Mutex::new(HashMap::new()),
    });
    let routes = Router::new()
        .route("/payments", post(create))
        .route("/payments/{id}", get(show))
        .with_state(state);
    service::finish(routes, shared)
}

/// `POST /payments {"order_id", "amount"}` → `200 {"id", "status":
/// "settled", "order_id", "amount"}`, or `202` with `"pending"` in async
/// mode.
async fn create(
    State(state): State<Arc<Payments>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = input::json_object(&body)?;
    let order_id = input::id_field(&body, "order_id")?;
    let amount = input::amount_field(&body, "amount")?;

    let order = state
        .orders
        .get(&format!("/orders/{order_id}"), &headers)
        .await?;
    check(order, Service::Orders, &format!("no order {order_id}"))?;

    let now = Instant::now();
    let (status, settles_at) = if state.settlement.deferred {
        (StatusCode::ACCEPTED, now + state.settlement.after)
    } else {
        (StatusCode::OK, now)
    };
    let payment = Payment {
        order_id,
        amount,
        settles_at,
    };
    let id = state.next_id.fetch_add(1, Ordering::Relaxed) + 1;
    lock(&state.payments).insert(id, payment);
    Ok((status, Json(payment.to_json(id, now))).into_response())
}

/// `GET /payments/{id}` → the payment with its current status, or 404.
async fn show(
    State(state): State<Arc<Payments>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = input::path_id(&id, "payment")?;
    let payment = lock(&state.payments).get(&id).copied();
    payment
        .map(|payment| Json(payment.to_json(id, Instant::now())))
        .ok_or_else(|| ApiError::not_found(format!("no payment {id}")))
}
