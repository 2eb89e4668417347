//! The JSON API's handlers: read the body into a command, hand it to the
//! run manager, and answer with the state it left (or why it refused).

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::Value;

use crate::app::App;
use crate::command::{Command, Refusal, Request};
use crate::error::ApiError;
use crate::frame;
use crate::input;

/// How long the manager may take to answer. A start waits for the engine
/// to accept the plan (a fraction of a second); more means it is stuck.
const ANSWER_WITHIN: Duration = Duration::from_secs(30);

/// `GET /api/state`: `{"seq", "status", "downloads"}`.
pub(crate) async fn state(State(app): State<Arc<App>>) -> Json<Value> {
    Json(frame::state(&app.board.latest()))
}

/// `POST /api/start` with a JSON body.
pub(crate) async fn start(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    json_body(&headers)?;
    let start = input::start(&body).map_err(ApiError::bad_request)?;
    ask(&app, Command::Start(start)).await
}

/// `POST /api/steer` with a JSON body.
pub(crate) async fn steer(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    json_body(&headers)?;
    let steer = input::steer(&body).map_err(ApiError::bad_request)?;
    ask(&app, Command::Steer(steer)).await
}

/// `POST /api/stop`: no body.
pub(crate) async fn stop(State(app): State<Arc<App>>) -> Result<Json<Value>, ApiError> {
    ask(&app, Command::Stop).await
}

/// `POST /api/abort`: no body.
pub(crate) async fn abort(State(app): State<Arc<App>>) -> Result<Json<Value>, ApiError> {
    ask(&app, Command::Abort).await
}

/// `POST /api/reset`: no body.
pub(crate) async fn reset(State(app): State<Arc<App>>) -> Result<Json<Value>, ApiError> {
    ask(&app, Command::ResetStats).await
}

/// Hands `command` to the manager and waits for its answer; the state is
/// read after it, so it shows what the command did.
async fn ask(app: &App, command: Command) -> Result<Json<Value>, ApiError> {
    let (request, answer) = Request::new(command);
    (app.commands)(request);
    match tokio::time::timeout(ANSWER_WITHIN, answer).await {
        Ok(Ok(Ok(()))) => Ok(Json(frame::state(&app.board.latest()))),
        Ok(Ok(Err(refusal))) => Err(refused(refusal)),
        Ok(Err(_)) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the run manager has stopped: starling is shutting down",
        )),
        Err(_) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "the run manager did not answer within {} s",
                ANSWER_WITHIN.as_secs()
            ),
        )),
    }
}

fn refused(refusal: Refusal) -> ApiError {
    let status = match &refusal {
        Refusal::Invalid(_) => StatusCode::BAD_REQUEST,
        Refusal::Conflict(_) => StatusCode::CONFLICT,
        Refusal::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    ApiError::new(status, refusal.to_string())
}

/// A body must say it is JSON: a form of another site can send only
/// form types and `text/plain`.
fn json_body(headers: &HeaderMap) -> Result<(), ApiError> {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = kind.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "send the body as JSON (Content-Type: application/json), not `{}`",
                if kind.is_empty() { "nothing" } else { kind }
            ),
        ))
    }
}
