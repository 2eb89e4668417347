//! The server's routes. Every one passes `access::guard` first.
//!
//! | route | what |
//! |---|---|
//! | `GET /` | the page |
//! | `GET /assets/{report,ui}.{js,css}` | its code and styles |
//! | `GET /api/state` | `{"seq", "status", "downloads"}` |
//! | `GET /api/stream` | server-sent events, one `frame` a change (status + page data) |
//! | `POST /api/start` | start a run: `{"users", "spawn_rate"}` or `{"arrival_rate"}`, `"host"`, `"duration"` or `"until_stopped": true` |
//! | `POST /api/steer` | change the load: `{"users", "spawn_rate"}` or `{"arrival_rate", "ramp"}` |
//! | `POST /api/stop`, `POST /api/abort` | stop gracefully, or at once |
//! | `POST /api/reset` | reset the running run's statistics (the load goes on) |
//! | `GET /api/download/{name}` | `results.json`, `report.html`, `stats.csv`, ... |

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, Uri};
use axum::middleware;
use axum::routing::{get, post};

use crate::app::App;
use crate::error::ApiError;
use crate::{access, api, downloads, page, stream};

/// A command's body is a few fields; nothing bigger is read.
const MAX_BODY: usize = 16 * 1024;

pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/assets/{name}", get(page::asset))
        .route("/api/state", get(api::state))
        .route("/api/stream", get(stream::stream))
        .route("/api/start", post(api::start))
        .route("/api/steer", post(api::steer))
        .route("/api/stop", post(api::stop))
        .route("/api/abort", post(api::abort))
        .route("/api/reset", post(api::reset))
        .route("/api/download/{name}", get(downloads::download))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(app.clone(), access::guard))
        .with_state(app)
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, format!("nothing at {}", uri.path()))
}
