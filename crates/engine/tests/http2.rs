//! A run over HTTP/2: h2c with prior knowledge chosen by the run's settings
//! or by the scenario's `defaults.http`, against an `h2` server that counts
//! what it answered.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use starling_engine::{Control, RunConfig, RunOutcome};
use starling_http::HttpVersion;
use support::{plan, request, server_runtime};

/// An h2c-only server on its own runtime; stops when dropped.
struct H2c {
    url: String,
    requests: Arc<AtomicU64>,
    connections: Arc<AtomicU64>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for H2c {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl H2c {
    fn start() -> H2c {
        let (runtime, listener) = server_runtime();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicU64::new(0));
        let connections = Arc::new(AtomicU64::new(0));
        let (counted, opened) = (Arc::clone(&requests), Arc::clone(&connections));
        runtime.spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                opened.fetch_add(1, Ordering::SeqCst);
                let counted = Arc::clone(&counted);
                tokio::spawn(async move {
                    let Ok(mut conn) = h2::server::handshake(tcp).await else {
                        return;
                    };
                    while let Some(Ok((request, mut respond))) = conn.accept().await {
                        counted.fetch_add(1, Ordering::SeqCst);
                        let body = Bytes::from(format!("{} over h2", request.uri().path()));
                        let response = http::Response::builder()
                            .status(200)
                            .header("content-length", body.len())
                            .body(())
                            .unwrap();
                        if let Ok(mut stream) = respond.send_response(response, false) {
                            let _ = stream.send_data(body, true);
                        }
                    }
                });
            }
        });
        H2c {
            url,
            requests,
            connections,
            runtime: Some(runtime),
        }
    }

    fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    fn connections(&self) -> u64 {
        self.connections.load(Ordering::SeqCst)
    }
}

const BROWSE: &str = r#"
target: "{{TARGET}}"
load: { users: 4, duration: 1s }
users:
  - name: visitor
    wait: constant(10ms)
    journeys:
      - name: browse
        steps:
          - get: /browse
            expect: { status: 200, body_contains: "/browse over h2" }
"#;

fn run(yaml: &str, server: &H2c, version: Option<HttpVersion>) -> RunOutcome {
    let config = RunConfig {
        workers: 2,
        seed: Some(7),
        stop_timeout: Duration::from_secs(5),
        collect_every: Duration::from_millis(200),
        http_version: version,
        ..RunConfig::default()
    };
    let plan = Arc::new(plan(yaml, &server.url));
    starling_engine::run(plan, &config, &Control::new(), |_| {}).expect("run starts")
}

#[test]
fn a_run_set_to_http2_speaks_h2c_and_counts_every_request() {
    let server = H2c::start();
    let outcome = run(BROWSE, &server, Some(HttpVersion::Http2));
    let browse = request(&outcome.summary, "GET /browse");
    assert!(browse.count > 10, "{}", browse.count);
    assert_eq!(browse.failures, 0, "{:?}", browse.examples);
    assert_eq!(server.requests(), browse.count);
    assert_eq!(outcome.summary.journeys["browse"].failed, 0);
    // Each virtual user keeps its one connection.
    assert!(server.connections() <= 4, "{}", server.connections());
}

#[test]
fn the_scenarios_http_default_applies_and_the_run_setting_overrides_it() {
    let yaml = BROWSE.replace("load:", "defaults: { http: 2 }\nload:");
    let server = H2c::start();
    let outcome = run(&yaml, &server, None);
    let browse = request(&outcome.summary, "GET /browse");
    assert!(browse.count > 10, "{}", browse.count);
    assert_eq!(browse.failures, 0, "{:?}", browse.examples);
    assert_eq!(server.requests(), browse.count);

    // Forced to HTTP/1.1, the same scenario cannot talk to this server.
    let server = H2c::start();
    let outcome = run(&yaml, &server, Some(HttpVersion::Http1));
    let browse = request(&outcome.summary, "GET /browse");
    assert!(browse.count > 0);
    assert_eq!(browse.failures, browse.count);
    assert_eq!(server.requests(), 0);
}
