//! What can go wrong setting the UI up ([`WebError`], reported before it
//! serves), and the API's error answers: a status and `{"error": "..."}`,
//! the message written for the person at the form.

use std::io;
use std::net::SocketAddr;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Why the UI could not start.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(
        "the web UI would listen on `{host}`, which is not loopback: anyone who can reach it could send load from this machine; give --web-token TOKEN or --web-token auto"
    )]
    TokenRequired { host: String },
    #[error("--web-host `{host}`: {why}")]
    BadHost { host: String, why: &'static str },
    #[error("--web-token: {0}")]
    BadToken(String),
    #[error("could not draw a random token: {0}")]
    Random(String),
    #[error("the web UI could not listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
    #[error("the web UI could not start its thread: {0}")]
    Thread(io::Error),
}

/// An API call refused, with what to tell its caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(json!({ "error": self.message }))).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"starling\""),
            );
        }
        response
    }
}
