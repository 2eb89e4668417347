//! The hostile-server gauntlet: one scenario against servers that
//! misbehave in every way seen in the field. Against each, the run ends on
//! time, no request or journey is lost from the counts, every failure has
//! a category, and a failing server is never sent more than the scenario
//! sends a healthy one. Faults of the system under test are measured,
//! never crash or hang the run.

mod support;

use std::io::Write as _;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use starling_engine::{Control, RunConfig};
use starling_metrics::Summary;
use support::plan;
use support::wire::{Conn, Reply, Wire, response};

/// Two users, each journey one GET then a 100 ms think, for one second:
/// at most about 2 × 10 journeys, whatever the server does.
const SCENARIO: &str = r#"
target: "{{TARGET}}"
defaults: { timeout: 300ms, max_redirects: 3 }
load: { users: 2, spawn_rate: 100, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /x
            expect: { status: 200 }
          - think: 100ms
"#;

/// Runs the gauntlet's scenario against `server`; fails if the run has not
/// ended within 20 s (its plan is 1 s plus a 1 s stop timeout).
fn run_against(server: &Wire) -> Summary {
    let plan = plan(SCENARIO, &server.url);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let config = RunConfig {
            workers: 1,
            seed: Some(7),
            stop_timeout: Duration::from_secs(1),
            collect_every: Duration::from_millis(200),
            ..RunConfig::default()
        };
        let _ = tx.send(starling_engine::run(
            Arc::new(plan),
            &config,
            &Control::new(),
            |_| {},
        ));
    });
    let started = Instant::now();
    let summary = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the run ended within 20 s")
        .expect("the run started")
        .summary;
    assert!(started.elapsed() < Duration::from_secs(20));
    summary
}

/// What must hold against any server.
fn assert_trustworthy(name: &str, summary: &Summary) {
    let totals = &summary.totals;
    assert!(
        totals.journeys_started > 0,
        "{name}: no journey started: {totals:?}"
    );
    assert_eq!(
        totals.journeys_started,
        totals.journeys_succeeded + totals.journeys_failed,
        "{name}: a journey was lost"
    );
    for (request, r) in &summary.requests {
        let by_category: u64 = r.failure_categories.values().sum();
        assert_eq!(
            r.failures, by_category,
            "{name}: {request}: uncategorised failures"
        );
    }
    // Two users, a 100 ms think per journey (waited even when the GET
    // fails), one second: never a flood, however fast the server fails.
    assert!(
        totals.journeys_started <= 40,
        "{name}: {} journeys in one second",
        totals.journeys_started
    );
}

/// Serves each connection with `handler`.
fn hostile<F, Fut>(handler: F) -> Wire
where
    F: Fn(Conn) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    Wire::start(handler)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn the_gauntlet() {
    let bomb = Arc::new(gzip(&vec![0u8; 64 * 1024 * 1024]));
    let servers: Vec<(&str, Wire)> = vec![
        ("closes at once", hostile(|conn| async move { drop(conn) })),
        (
            "resets at once",
            hostile(|conn| async move { conn.reset() }),
        ),
        (
            "reads and says nothing",
            hostile(|mut conn| async move { while conn.request().await.is_some() {} }),
        ),
        (
            "closes after the request",
            hostile(|mut conn| async move {
                let _ = conn.request().await;
            }),
        ),
        (
            "answers garbage",
            hostile(|mut conn| async move {
                while conn.request().await.is_some() {
                    if !conn.write(b"NOT HTTP AT ALL\r\n\r\n").await {
                        return;
                    }
                }
            }),
        ),
        (
            "a 1 MiB header line",
            hostile(|mut conn| async move {
                while conn.request().await.is_some() {
                    let long = "a".repeat(1 << 20);
                    let head =
                        format!("HTTP/1.1 200 OK\r\nx-long: {long}\r\ncontent-length: 0\r\n\r\n");
                    if !conn.write(head.as_bytes()).await {
                        return;
                    }
                }
            }),
        ),
        (
            "headers that never end",
            hostile(|mut conn| async move {
                if conn.request().await.is_some() {
                    let _ = conn.write(b"HTTP/1.1 200 OK\r\n").await;
                    while conn.write(b"x-more: yes\r\n").await {}
                }
            }),
        ),
        (
            "a chunked body that never ends",
            hostile(|mut conn| async move {
                if conn.request().await.is_some() {
                    let _ = conn
                        .write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
                        .await;
                    while conn.write(b"4\r\nmore\r\n").await {}
                }
            }),
        ),
        (
            "a body shorter than its content-length",
            hostile(|mut conn| async move {
                if conn.request().await.is_some() {
                    let _ = conn
                        .write(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\nshort")
                        .await;
                }
            }),
        ),
        (
            "a slowloris body, a byte at a time",
            hostile(|mut conn| async move {
                if conn.request().await.is_some() {
                    let _ = conn
                        .write(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n")
                        .await;
                    for _ in 0..100 {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        if !conn.write(b"x").await {
                            return;
                        }
                    }
                }
            }),
        ),
        (
            "endless 100 Continue",
            hostile(|mut conn| async move {
                if conn.request().await.is_some() {
                    while conn.write(b"HTTP/1.1 100 Continue\r\n\r\n").await {}
                }
            }),
        ),
        (
            "a redirect loop",
            Wire::respond(|_| {
                let mut reply = Reply::text(302, "again");
                reply.headers.push(("location".into(), "/x".into()));
                reply
            }),
        ),
        (
            "a gzip bomb (64 MiB of zeros)",
            hostile(move |mut conn| {
                let bomb = bomb.clone();
                async move {
                    while conn.request().await.is_some() {
                        let reply = response(200, &[("content-encoding", "gzip")], &bomb);
                        if !conn.write(&reply).await {
                            return;
                        }
                    }
                }
            }),
        ),
        (
            "100 new cookies per response",
            hostile(|mut conn| async move {
                let mut round = 0u64;
                while conn.request().await.is_some() {
                    round += 1;
                    let mut head = String::from("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n");
                    for i in 0..100 {
                        head.push_str(&format!("set-cookie: c{round}x{i}={}\r\n", "v".repeat(100)));
                    }
                    head.push_str("\r\nok");
                    if !conn.write(head.as_bytes()).await {
                        return;
                    }
                }
            }),
        ),
        (
            "500 to everything",
            Wire::respond(|_| Reply::text(500, "down")),
        ),
        (
            "answers late, after the timeout",
            Wire::respond(|_| Reply::text(200, "late").after(Duration::from_millis(600))),
        ),
    ];
    // These two answer 200 with something nasty in it: the journey passes,
    // and what must hold is that memory stays bounded (checked below).
    let answer_well = [
        "a gzip bomb (64 MiB of zeros)",
        "100 new cookies per response",
    ];
    for (name, server) in &servers {
        let summary = run_against(server);
        assert_trustworthy(name, &summary);
        let t = &summary.totals;
        if answer_well.contains(name) {
            assert_eq!(t.journeys_failed, 0, "{name}: {t:?}");
        } else {
            // None of the others ever gives a good answer.
            assert_eq!(t.journeys_succeeded, 0, "{name}: {t:?}");
        }
    }
    // The bomb was inflated only as far as a body is kept, the cookie jar
    // stayed bounded, the endless headers were cut: the whole gauntlet fits
    // in a small fraction of what any one of them asks for.
    if let Some(peak) = peak_rss_bytes() {
        assert!(peak < 256 << 20, "peak RSS {} MiB", peak >> 20);
    }
    // And the one that answers well passes the same checks, succeeding.
    let healthy = Wire::respond(|_| Reply::text(200, "ok"));
    let summary = run_against(&healthy);
    assert_trustworthy("healthy", &summary);
    assert_eq!(summary.totals.journeys_failed, 0, "{:?}", summary.totals);
}

/// The process's peak resident memory (Linux), if it can be read.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
