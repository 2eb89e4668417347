//! Test support: a small shop on 127.0.0.1:0 that counts what it received,
//! and a helper that compiles a scenario and runs it for real.

#![allow(dead_code, unreachable_pub)]

pub mod nginx;
pub mod wire;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use starling_engine::{Control, RunConfig, RunOutcome};
use starling_metrics::Summary;

/// What the shop saw, per route template (`POST /orders`).
#[derive(Debug, Default)]
pub struct Seen {
    pub routes: Mutex<BTreeMap<String, u64>>,
    /// JSON bodies of POST /orders, to check captured types.
    pub orders: Mutex<Vec<Value>>,
    /// Cookie headers that reached GET /whoami.
    pub cookies: Mutex<Vec<String>>,
    next_id: AtomicU64,
    /// Status POST /orders answers with (201 unless a test changes it).
    pub orders_status: AtomicU64,
}

impl Seen {
    pub fn count(&self, route: &str) -> u64 {
        self.routes.lock().unwrap().get(route).copied().unwrap_or(0)
    }
}

/// A shop served on its own runtime; stops when dropped.
pub struct Shop {
    pub url: String,
    pub seen: Arc<Seen>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Shop {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

async fn count(
    State(seen): State<Arc<Seen>>,
    path: Option<MatchedPath>,
    req: Request,
    next: Next,
) -> Response {
    let route = format!(
        "{} {}",
        req.method(),
        path.map_or_else(|| req.uri().path().to_owned(), |p| p.as_str().to_owned())
    );
    *seen.routes.lock().unwrap().entry(route).or_default() += 1;
    next.run(req).await
}

async fn create_user(State(seen): State<Arc<Seen>>, body: axum::Json<Value>) -> impl IntoResponse {
    let id = seen.next_id.fetch_add(1, Ordering::Relaxed) + 1;
    (
        StatusCode::CREATED,
        axum::Json(json!({ "id": id, "username": body["username"] })),
    )
}

async fn create_order(State(seen): State<Arc<Seen>>, body: axum::Json<Value>) -> Response {
    seen.orders.lock().unwrap().push(body.0.clone());
    let status = StatusCode::from_u16(seen.orders_status.load(Ordering::Relaxed) as u16).unwrap();
    if !body["user_id"].is_u64() {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({ "error": "user_id must be a number" })),
        )
            .into_response();
    }
    let id = seen.next_id.fetch_add(1, Ordering::Relaxed) + 1;
    (status, axum::Json(json!({ "id": id, "status": "created" }))).into_response()
}

async fn pay(body: axum::Json<Value>) -> Response {
    if body["order_id"].is_u64() {
        (StatusCode::OK, axum::Json(json!({ "status": "settled" }))).into_response()
    } else {
        (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({ "error": "order_id" })),
        )
            .into_response()
    }
}

async fn login() -> impl IntoResponse {
    ([(header::SET_COOKIE, "session=s3cret; Path=/")], "welcome")
}

async fn whoami(State(seen): State<Arc<Seen>>, headers: HeaderMap) -> StatusCode {
    let cookie = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let ok = cookie.contains("session=s3cret");
    seen.cookies.lock().unwrap().push(cookie);
    if ok {
        StatusCode::OK
    } else {
        StatusCode::UNAUTHORIZED
    }
}

async fn stall() -> &'static str {
    tokio::time::sleep(Duration::from_secs(1)).await;
    "late"
}

impl Shop {
    pub fn start() -> Shop {
        let seen = Arc::new(Seen::default());
        seen.orders_status.store(201, Ordering::Relaxed);
        let app = Router::new()
            .route("/users", post(create_user))
            .route("/orders", post(create_order))
            .route("/payments", post(pay))
            .route(
                "/products",
                get(|| async { axum::Json(json!([{ "id": 1 }])) }),
            )
            .route("/browse", get(|| async { "ok" }))
            .route("/login", post(login))
            .route("/whoami", get(whoami))
            .route("/stall", get(stall))
            .layer(middleware::from_fn_with_state(seen.clone(), count))
            .with_state(seen.clone());
        let (runtime, listener) = server_runtime();
        let addr: SocketAddr = listener.local_addr().unwrap();
        runtime.spawn(async move { axum::serve(listener, app).await });
        Shop {
            url: format!("http://{addr}"),
            seen,
            runtime: Some(runtime),
        }
    }
}

/// A test server's own runtime (one thread, so it never shares the
/// engine's workers) and a listener on a free loopback port.
pub fn server_runtime() -> (tokio::runtime::Runtime, tokio::net::TcpListener) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    (runtime, listener)
}

/// Compiles `yaml` with `{{TARGET}}` replaced by `target`, panicking with
/// the diagnostics if it does not compile.
pub fn plan(yaml: &str, target: &str) -> starling_scenario::Plan {
    let source = yaml.replace("{{TARGET}}", target);
    match starling_scenario::compile_str(&source, Path::new("test.yaml")) {
        Ok(compiled) => compiled.plan,
        Err(e) => panic!("scenario does not compile:\n{e}"),
    }
}

/// Runs a plan on two workers with a fixed seed.
pub fn run(plan: starling_scenario::Plan) -> RunOutcome {
    run_with(plan, &Control::new())
}

pub fn run_with(plan: starling_scenario::Plan, control: &Control) -> RunOutcome {
    let config = RunConfig {
        workers: 2,
        seed: Some(7),
        stop_timeout: Duration::from_secs(5),
        collect_every: Duration::from_millis(200),
        ..RunConfig::default()
    };
    starling_engine::run(Arc::new(plan), &config, control, |_| {}).expect("run starts")
}

pub fn request<'a>(summary: &'a Summary, name: &str) -> &'a starling_metrics::RequestSummary {
    summary.requests.get(name).unwrap_or_else(|| {
        panic!(
            "no request `{name}` in {:?}",
            summary.requests.keys().collect::<Vec<_>>()
        )
    })
}
