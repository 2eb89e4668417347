//! The gateway: forwards each request to the service that owns its path,
//! passing method, path, query, body and headers (cookies, `traceparent`)
//! through, and the answer (status, headers such as `Set-Cookie`, body) back.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use bytes::Bytes;

use crate::config::Service;
use crate::error::{ApiError, ErrorNote};
use crate::service::{self, Shared};
use crate::upstream::{Upstream, is_hop_header};

/// The path templates the gateway forwards, and to whom. Matching the
/// services' own templates makes the gateway's counts line up with theirs.
const ROUTES: [(&str, Service); 10] = [
    ("/users", Service::Users),
    ("/users/{id}", Service::Users),
    ("/login", Service::Users),
    ("/me", Service::Users),
    ("/products", Service::Products),
    ("/products/{id}", Service::Products),
    ("/orders", Service::Orders),
    ("/orders/{id}", Service::Orders),
    ("/payments", Service::Payments),
    ("/payments/{id}", Service::Payments),
];

/// The gateway's router; `upstreams` must hold every service it routes to.
pub(crate) fn router(shared: Arc<Shared>, upstreams: Vec<Upstream>) -> Router {
    let mut routes = Router::new();
    for (path, service) in ROUTES {
        if let Some(upstream) = upstreams.iter().find(|u| u.service() == service) {
            let upstream = Arc::new(upstream.clone());
            routes = routes.route(path, any(forward).with_state(upstream));
        }
    }
    service::finish(routes, shared)
}

async fn forward(
    State(upstream): State<Arc<Upstream>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let path_and_query = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
    let mut request = upstream.request(method, path_and_query).body(body);
    for (name, value) in &headers {
        if !is_hop_header(name) {
            request = request.header(name, value);
        }
    }
    let reply = upstream.send(request).await?;

    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = reply.status;
    if reply.status.is_server_error() {
        // The gateway's span says whose error it passed on.
        response.extensions_mut().insert(ErrorNote(format!(
            "{} answered {}",
            upstream.service(),
            reply.status.as_u16()
        )));
    }
    let out = response.headers_mut();
    // `append`, not `insert`: several Set-Cookie headers must all pass.
    for (name, value) in &reply.headers {
        if !is_hop_header(name) {
            out.append(name, value.clone());
        }
    }
    Ok(response.into_response())
}
