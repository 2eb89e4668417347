//! The admin endpoints every service has: `GET/PUT /admin/knobs`,
//! `GET /admin/stats`, `GET /admin/traces?trace_id=…` and Prometheus text
//! at `GET /metrics`.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use bytes::Bytes;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::input;
use crate::knobs::Knobs;
use crate::service::Shared;
use crate::trace::parse_trace_id;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/admin/knobs", get(get_knobs).put(put_knobs))
        .route("/admin/stats", get(stats))
        .route("/admin/traces", get(traces))
        .route("/metrics", get(metrics))
        .with_state(shared)
}

async fn get_knobs(State(shared): State<Arc<Shared>>) -> Json<Knobs> {
    Json(shared.knobs.get())
}

/// Replaces the fields the body names and keeps the others, so
/// `{"error_rate": 0.5}` alone is a valid change.
async fn put_knobs(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Json<Knobs>, ApiError> {
    let patch = input::json_object(&body)?;
    let mut merged = match serde_json::to_value(shared.knobs.get()) {
        Ok(Value::Object(map)) => map,
        _ => return Err(ApiError::bad_request("current knobs are not an object")),
    };
    merged.extend(patch);
    let knobs: Knobs = serde_json::from_value(Value::Object(merged))
        .map_err(|err| ApiError::bad_request(format!("invalid knobs: {err}")))?;
    knobs
        .validate()
        .map_err(|err| ApiError::bad_request(err.to_string()))?;
    shared.knobs.set(knobs);
    Ok(Json(knobs))
}

async fn stats(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({
        "service": shared.service.name(),
        "requests": shared.stats.requests(),
        "traced": shared.stats.traced(),
    }))
}

/// `GET /admin/traces?trace_id=<32 hex>` → `{"trace_id", "spans": [...]}`:
/// the kept server spans of that trace across every service (an empty
/// list for a trace the store never saw or has forgotten).
async fn traces(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let text = query
        .get("trace_id")
        .ok_or_else(|| ApiError::bad_request("missing query parameter trace_id"))?;
    let trace_id = parse_trace_id(text).ok_or_else(|| {
        ApiError::bad_request(format!(
            "trace_id must be 32 hex digits, not all zero; got {:?}",
            text.chars().take(64).collect::<String>()
        ))
    })?;
    Ok(Json(json!({
        "trace_id": format!("{trace_id:032x}"),
        "spans": shared.spans.trace(trace_id),
    })))
}

async fn metrics(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        shared.stats.prometheus(shared.service.name()),
    )
}
