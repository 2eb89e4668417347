//! Errors: `ApiError`, the JSON error every handler answers with, and
//! `KnobsError`, a knob value out of range, and `FaultError`, a `--fault`
//! that cannot be read.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A knob value that cannot be applied.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum KnobsError {
    /// `error_rate` outside 0.0..=1.0.
    #[error("error_rate must be between 0 and 1, got {0}")]
    ErrorRate(f64),
    /// Latency bounds in the wrong order.
    #[error("latency minimum {min_ms}ms is above its maximum {max_ms}ms")]
    LatencyOrder { min_ms: u64, max_ms: u64 },
    /// Latency beyond what a demo service may add.
    #[error("latency {max_ms}ms is above the limit of {limit_ms}ms")]
    LatencyTooLong { max_ms: u64, limit_ms: u64 },
    /// Latency text that is not `30ms`, `1s` or `20ms..40ms`.
    #[error("cannot read latency {0:?}: expected e.g. \"30ms\", \"1s\" or \"20ms..40ms\"")]
    LatencySyntax(String),
    /// A service name that is not one of the demo's.
    #[error("unknown service {0:?}: expected gateway, users, products, orders or payments")]
    UnknownService(String),
}

/// A `--fault` that cannot be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FaultError {
    #[error(
        "cannot read fault {0:?}: expected SERVICE:KNOB=VALUE[,KNOB=VALUE], e.g. users:latency=2s"
    )]
    Shape(String),
    #[error("unknown knob {0:?}: expected latency, error_rate or concurrency_limit")]
    UnknownKnob(String),
    #[error("{0}")]
    Knob(String),
}

/// An HTTP error answered as `{"error": "..."}` with its status.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub(crate) fn bad_gateway(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_GATEWAY, message)
    }
}

/// The message of an error answer, kept on the response so the service
/// layer can put it on the request's span without reading the body.
#[derive(Debug, Clone)]
pub(crate) struct ErrorNote(pub(crate) String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let note = ErrorNote(self.message.clone());
        let mut response = (self.status, Json(json!({ "error": self.message }))).into_response();
        response.extensions_mut().insert(note);
        response
    }
}

/// The fallback for paths no route matches: a JSON 404.
pub(crate) async fn no_route() -> ApiError {
    ApiError::not_found("no such route")
}

/// The answer for a known path with the wrong method: a JSON 405.
pub(crate) async fn wrong_method() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed on this route",
    )
}
