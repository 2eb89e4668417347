//! What every service shares: its name, live knobs, counters and the span
//! store, and the layer that counts each request, applies the knobs to it
//! and records it as a server span.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

use crate::admin;
use crate::config::Service;
use crate::error::{self, ApiError, ErrorNote};
use crate::knobs::{KnobState, Knobs};
use crate::spans::{Span, SpanStore};
use crate::stats::RouteStats;
use crate::trace::{TraceContext, fresh_span_id};
use crate::upstream::TRACEPARENT;

/// Injected delays below this are the demo's baseline (a few ms on every
/// service), not a fault: naming them on every span would drown the one
/// that matters. A delay or a queue wait at least this long is noted.
const NOTABLE_DELAY: Duration = Duration::from_millis(100);

/// One running service's name, knobs and counters, shared by its requests,
/// its admin endpoints and the `Demo` handle.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) service: Service,
    pub(crate) knobs: KnobState,
    pub(crate) stats: RouteStats,
    /// One store for all services (they run in one process), so a trace
    /// is read whole from any service's `/admin/traces`.
    pub(crate) spans: SpanStore,
}

impl Shared {
    pub(crate) fn new(service: Service, knobs: Knobs, spans: SpanStore) -> Arc<Self> {
        Arc::new(Shared {
            service,
            knobs: KnobState::new(knobs),
            stats: RouteStats::default(),
            spans,
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
/// slot, adds latency, maybe fails it, counts the response status, and
/// records the whole as a server span of the request's trace.
async fn apply_knobs(
    State(shared): State<Arc<Shared>>,
    matched: Option<MatchedPath>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let start_unix_us = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_micros() as u64);
    let path = matched
        .as_ref()
        .map_or("(unmatched)", MatchedPath::as_str)
        .to_owned();
    let route = format!("{} {path}", request.method());
    let incoming = request.headers().get(TRACEPARENT);
    shared.stats.received(&route, incoming.is_some());

    // No or a malformed traceparent starts a new trace. The inner calls
    // pass on whatever traceparent the handler sees, so replacing it with
    // this span's context makes this span their parent.
    let parent = incoming
        .and_then(|value| value.to_str().ok())
        .and_then(TraceContext::parse);
    let context = TraceContext {
        trace_id: parent.map_or_else(TraceContext::fresh_trace_id, |p| p.trace_id),
        span_id: fresh_span_id(),
        flags: parent.map_or(1, |p| p.flags),
    };
    if let Ok(value) = HeaderValue::from_str(&context.header()) {
        request.headers_mut().insert(TRACEPARENT, value);
    }
    let span = Span {
        trace_id: context.trace_id,
        span_id: context.span_id,
        parent_span_id: parent.map(|p| p.span_id),
        service: shared.service,
        method: request.method().as_str().to_owned(),
        route: path,
        status: 0,
        start_unix_us,
        duration_us: 0,
        error: None,
        fault: None,
    };

    // The work runs in a task of its own, so a caller that stops waiting
    // (a timeout closes its connection, and hyper drops the request's
    // future) does not cancel it: like most real servers, the service
    // finishes the request nobody waits for, and its span shows how late
    // it answered. The store counts it in flight until then.
    let pending = shared.spans.begin();
    let work = tokio::spawn(async move {
        let _pending = pending;
        serve(&shared, route, span, started, request, next).await
    });
    match work.await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request's handler panicked",
        )
        .into_response(),
    }
}

/// The knobs applied to one request, its handler, and its span recorded.
async fn serve(
    shared: &Shared,
    route: String,
    mut span: Span,
    started: Instant,
    request: Request,
    next: Next,
) -> Response {
    // The slot is held for the whole handler, fan-out calls included: that
    // is what makes a slow dependency back up into its callers.
    let (knobs, slot) = shared.knobs.admit().await;
    let queued = started.elapsed();
    let delay = knobs.latency.sample();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let injected_error = knobs.roll_error();
    let response = if injected_error {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{} failed on purpose (error_rate knob)", shared.service),
        )
        .into_response()
    } else {
        next.run(request).await
    };
    drop(slot);

    let status = response.status();
    shared.stats.answered(&route, status.as_u16());
    span.status = status.as_u16();
    span.duration_us = started.elapsed().as_micros() as u64;
    span.error = status
        .is_server_error()
        .then(|| response.extensions().get::<ErrorNote>())
        .flatten()
        .map(|note| note.0.clone());
    span.fault = fault_note(queued, delay, injected_error);
    shared.spans.insert(span);
    response
}

/// What the knobs did to one request that is worth naming on its span:
/// an injected error, a delay or a queue wait of [`NOTABLE_DELAY`] or more.
fn fault_note(queued: Duration, delay: Duration, injected_error: bool) -> Option<String> {
    let mut notes = Vec::new();
    if queued >= NOTABLE_DELAY {
        notes.push(format!(
            "queued {} for a slot (concurrency_limit)",
            seconds(queued)
        ));
    }
    if delay >= NOTABLE_DELAY {
        notes.push(format!("injected latency {}", seconds(delay)));
    }
    if injected_error {
        notes.push("injected error (error_rate)".to_owned());
    }
    (!notes.is_empty()).then(|| notes.join(", "))
}

/// `2.0s`, `150ms`: one decimal from a second up.
fn seconds(duration: Duration) -> String {
    if duration >= Duration::from_secs(1) {
        format!("{:.1}s", duration.as_secs_f64())
    } else {
        format!("{}ms", duration.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_notable_faults_are_named() {
        let ms = Duration::from_millis;
        assert_eq!(fault_note(ms(2), ms(3), false), None);
        assert_eq!(
            fault_note(ms(0), ms(2_000), false).as_deref(),
            Some("injected latency 2.0s")
        );
        assert_eq!(
            fault_note(ms(150), ms(1), true).as_deref(),
            Some("queued 150ms for a slot (concurrency_limit), injected error (error_rate)")
        );
    }
}
