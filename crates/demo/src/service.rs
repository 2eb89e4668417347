//! What every service shares: its name, live knobs and counters, and the
//! layer that counts each request and applies the knobs to it.

use std::sync::Arc;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

use crate::admin;
use crate::config::Service;
use crate::error::{self, ApiError};
use crate::knobs::{KnobState, Knobs};
use crate::stats::RouteStats;
use crate::upstream::TRACEPARENT;

/// One running service's name, knobs and counters, shared by its requests,
/// its admin endpoints and the `Demo` handle.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) service: Service,
    pub(crate) knobs: KnobState,
    pub(crate) stats: RouteStats,
}

impl Shared {
    pub(crate) fn new(service: Service, knobs: Knobs) -> Arc<Self> {
        Arc::new(Shared {
            service,
            knobs: KnobState::new(knobs),
            stats: RouteStats::default(),
        })
    }
}

/// Wraps a service's own routes: counts and knobs on each of them, then
/// the admin routes (neither counted nor slowed) and JSON fallbacks.
pub(crate) fn finish(routes: Router, shared: Arc<Shared>) -> Router {
    // `route_layer` runs after routing, so the matched route template is
    // known, and it leaves out the admin routes merged afterwards.
    routes
        .route_layer(middleware::from_fn_with_state(shared.clone(), apply_knobs))
        .merge(admin::router(shared))
        .fallback(error::no_route)
        .method_not_allowed_fallback(error::wrong_method)
}

/// Counts the request under its route template, waits for a concurrency
/// slot, adds latency, maybe fails it, and counts the response status.
async fn apply_knobs(
    State(shared): State<Arc<Shared>>,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let path = matched.as_ref().map_or("(unmatched)", MatchedPath::as_str);
    let route = format!("{} {path}", request.method());
    let traced = request.headers().contains_key(TRACEPARENT);
    shared.stats.received(&route, traced);

    // The slot is held for the whole handler, fan-out calls included: that
    // is what makes a slow dependency back up into its callers.
    let (knobs, slot) = shared.knobs.admit().await;
    let delay = knobs.latency.sample();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let response = if knobs.roll_error() {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{} failed on purpose (error_rate knob)", shared.service),
        )
        .into_response()
    } else {
        next.run(request).await
    };
    drop(slot);

    shared.stats.answered(&route, response.status().as_u16());
    response
}
