//! "One request step against an in-process server": the engine has no
//! public per-step API, so this runs a whole tiny run through
//! `starling_engine::run` — one user, one worker, `ITERATIONS` journeys of
//! one GET — against an axum server on 127.0.0.1:0 in its own runtime, and
//! reports the time per request (run start-up and shutdown included, spread
//! over the iterations).
//!
//! `cargo bench -p starling-engine --bench request_step`

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use starling_engine::{Control, RunConfig};

const ITERATIONS: u64 = 500;

/// An axum server on its own one-thread runtime; returns its base URL and
/// the runtime that keeps it alive.
fn server() -> (String, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("binds 127.0.0.1:0");
    let addr = listener.local_addr().expect("an address");
    let app = Router::new().route("/hello", get(|| async { "hello" }));
    runtime.spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), runtime)
}

fn plan(url: &str) -> Arc<starling_scenario::Plan> {
    let source = format!(
        "target: {url}\n\
         load:\n  users: 1\n  iterations: {ITERATIONS}\n\
         users:\n  - name: getter\n    journeys:\n      - name: get\n        steps:\n\
         \x20         - get: /hello\n            expect: {{ status: 200 }}\n"
    );
    let compiled = starling_scenario::compile_str(&source, Path::new("bench.yaml"))
        .unwrap_or_else(|errors| panic!("the bench scenario compiles: {errors}"));
    Arc::new(compiled.plan)
}

fn request_step(c: &mut Criterion) {
    let (url, _runtime) = server();
    let plan = plan(&url);
    let config = RunConfig {
        workers: 1,
        collect_every: Duration::from_millis(50),
        stop_timeout: Duration::from_secs(1),
        ..RunConfig::default()
    };
    let mut group = c.benchmark_group("engine");
    group.sample_size(20);
    group.throughput(Throughput::Elements(ITERATIONS));
    group.bench_function("run_500_journeys_of_one_get", |b| {
        b.iter(|| {
            let outcome = starling_engine::run(plan.clone(), &config, &Control::new(), |_| {})
                .expect("the run starts");
            assert_eq!(outcome.summary.totals.requests, ITERATIONS);
            assert_eq!(outcome.summary.totals.failures, 0);
        })
    });
    group.finish();
}

criterion_group!(benches, request_step);
criterion_main!(benches);
