//! Faults of the target, byte by byte: servers written on raw sockets that
//! reset, go silent, close, stream huge bodies or speak garbage. Each fault
//! becomes data (a failure category with an example); the run finishes and
//! its counts add up.

mod support;

use std::time::{Duration, Instant};

use starling_engine::{Control, RunConfig};
use starling_metrics::{FailureCategory, Summary};
use support::wire::{Reply, Wire, response};
use support::{plan, request, run};

/// The summary is consistent with itself: every request either got a
/// status or failed in transport, every failure has one category, every
/// journey started ended once, and the totals are the sums.
fn assert_counts_add_up(s: &Summary) {
    let transport = [
        FailureCategory::Connect,
        FailureCategory::Timeout,
        FailureCategory::Reset,
        FailureCategory::Tls,
        FailureCategory::Protocol,
        FailureCategory::Redirects,
        FailureCategory::Interrupted,
    ];
    let (mut requests, mut failures) = (0, 0);
    for (name, r) in &s.requests {
        let by_category: u64 = r.failure_categories.values().sum();
        assert_eq!(r.failures, by_category, "{name}: failures by category");
        let with_status: u64 = r.status_codes.values().sum();
        let without: u64 = transport
            .iter()
            .filter_map(|c| r.failure_categories.get(c))
            .sum();
        assert_eq!(
            r.count,
            with_status + without,
            "{name}: answered + transport failures"
        );
        requests += r.count;
        failures += r.failures;
    }
    assert_eq!(s.totals.requests, requests, "total requests");
    assert_eq!(s.totals.failures, failures, "total failures");
    for (name, j) in &s.journeys {
        assert_eq!(j.started, j.succeeded + j.failed, "journey {name}");
    }
    assert_eq!(
        s.totals.journeys_started,
        s.totals.journeys_succeeded + s.totals.journeys_failed
    );
}

const ONE_STEP: &str = r#"
target: "{{TARGET}}"
load: { users: 2, spawn_rate: 100, iterations: 3 }
users:
  - name: visitor
    journeys:
      - name: fetch
        steps:
          - get: /thing
            timeout: 5s
"#;

#[test]
fn a_reset_in_the_middle_of_a_response_is_a_reset() {
    let server = Wire::start(|mut conn| async move {
        if conn.request().await.is_some() {
            // A head promising 100 kB, a tenth of it, then a RST.
            let mut partial = b"HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n".to_vec();
            partial.extend_from_slice(&[b'x'; 10_000]);
            conn.write(&partial).await;
            tokio::time::sleep(Duration::from_millis(20)).await;
            conn.reset();
        }
    });
    let outcome = run(plan(ONE_STEP, &server.url));
    let s = &outcome.summary;
    assert_counts_add_up(s);
    let r = request(s, "GET /thing");
    assert_eq!((r.count, r.failures), (6, 6));
    assert_eq!(r.failure_categories[&FailureCategory::Reset], 6);
    assert_eq!(server.seen.total(), 6, "no request was sent twice");
    assert!(
        r.examples[0].example.error.contains("reset"),
        "{:?}",
        r.examples[0]
    );
    let j = &s.journeys["fetch"];
    assert_eq!((j.started, j.failed), (6, 6));
    assert_eq!(j.failures[0].category, FailureCategory::Reset);
}

#[test]
fn a_server_that_never_answers_is_a_timeout() {
    let server = Wire::start(|mut conn| async move {
        if conn.request().await.is_some() {
            // Hold the connection open, say nothing.
            std::future::pending::<()>().await;
        }
        drop(conn);
    });
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 2, spawn_rate: 100, iterations: 2 }
users:
  - name: visitor
    journeys:
      - name: wait_forever
        steps:
          - get: /silent
            timeout: 200ms
          - get: /never-sent
"#;
    let outcome = run(plan(yaml, &server.url));
    let s = &outcome.summary;
    assert_counts_add_up(s);
    let r = request(s, "GET /silent");
    assert_eq!((r.count, r.failures), (4, 4));
    assert_eq!(r.failure_categories[&FailureCategory::Timeout], 4);
    // The time measured is the timeout's, not forever.
    assert!(r.total.min_us >= 190_000, "{:?}", r.total);
    assert!(
        r.examples[0].example.error.contains("timed out"),
        "{:?}",
        r.examples[0]
    );
    assert_eq!(server.seen.count("/silent"), 4);
    assert_eq!(server.seen.count("/never-sent"), 0);
    assert_eq!(s.journeys["wait_forever"].failed, 4);
}

const THREE_STEPS: &str = r#"
target: "{{TARGET}}"
load: { users: 2, spawn_rate: 100, iterations: 5 }
users:
  - name: visitor
    journeys:
      - name: walk
        steps:
          - get: /a
            capture: { n: $.n }
          - get: /b?n={{ n }}
            expect: { status: 200, json: { $.n: 1 } }
          - get: /c
"#;

/// Serves one request per connection with `reply`, then closes (FIN).
fn one_per_connection(reply: fn() -> Vec<u8>) -> Wire {
    Wire::start(move |mut conn| async move {
        if conn.request().await.is_some() {
            conn.write(&reply()).await;
        }
    })
}

fn assert_all_thirty_succeed(server: &Wire, how: &str) {
    let outcome = run(plan(THREE_STEPS, &server.url));
    let s = &outcome.summary;
    assert_counts_add_up(s);
    for name in ["GET /a", "GET /b", "GET /c"] {
        let r = request(s, name);
        assert_eq!((r.count, r.failures), (10, 0), "{how}: {name} {r:?}");
    }
    assert_eq!(s.journeys["walk"].succeeded, 10, "{how}");
    // One connection per request, and every request reached the server
    // exactly once (a stale connection's retry is not a second request).
    assert_eq!(server.seen.total(), 30, "{how}");
    assert_eq!(
        server
            .seen
            .connections
            .load(std::sync::atomic::Ordering::Relaxed),
        30,
        "{how}"
    );
}

#[test]
fn a_server_that_closes_after_every_response_costs_no_request() {
    // Announced: `Connection: close`.
    let announced = one_per_connection(|| {
        response(
            200,
            &[
                ("connection", "close"),
                ("content-type", "application/json"),
            ],
            br#"{"n":1}"#,
        )
    });
    assert_all_thirty_succeed(&announced, "connection: close");

    // Silent: a keep-alive response, then the socket closes anyway; the
    // client only learns it when it reuses the connection.
    let silent = one_per_connection(|| {
        response(200, &[("content-type", "application/json")], br#"{"n":1}"#)
    });
    assert_all_thirty_succeed(&silent, "silent close");

    // No length at all: the body ends when the connection does.
    let until_close = one_per_connection(|| {
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{\"n\":1}".to_vec()
    });
    assert_all_thirty_succeed(&until_close, "body until close");
}

/// A server whose GET /big answers `size` bytes of body, starting with
/// `BEGIN` and ending with `THE-END`, either with a length or chunked.
fn big_body_server(size: u64, chunked: bool) -> Wire {
    Wire::start(move |mut conn| async move {
        while conn.request().await.is_some() {
            let head = if chunked {
                "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_owned()
            } else {
                format!("HTTP/1.1 200 OK\r\ncontent-length: {size}\r\n\r\n")
            };
            if !conn.write(head.as_bytes()).await {
                return;
            }
            let block = vec![b'.'; 256 * 1024];
            let mut left = size;
            let mut first = true;
            while left > 0 {
                let n = left.min(block.len() as u64) as usize;
                let mut piece = block[..n].to_vec();
                if first {
                    piece[..5].copy_from_slice(b"BEGIN");
                    first = false;
                }
                if left == n as u64 {
                    piece[n - 7..].copy_from_slice(b"THE-END");
                }
                let ok = if chunked {
                    let mut framed = format!("{n:x}\r\n").into_bytes();
                    framed.extend_from_slice(&piece);
                    framed.extend_from_slice(b"\r\n");
                    conn.write(&framed).await
                } else {
                    conn.write(&piece).await
                };
                if !ok {
                    return;
                }
                left -= n as u64;
            }
            if chunked && !conn.write(b"0\r\n\r\n").await {
                return;
            }
        }
    })
}

const BIG: &str = r#"
target: "{{TARGET}}"
defaults: { keep_body_bytes: 65536, timeout: 120s }
load: { users: 1, spawn_rate: 100, iterations: 1 }
users:
  - name: reader
    journeys:
      - name: download
        steps:
          - get: /big
            name: head of the body
            expect: { status: 200, body_contains: BEGIN }
"#;

/// A second step for `BIG`: only the first 64 KiB are kept, so the tail is
/// not seen by expectations.
const BIG_TAIL: &str = r#"
          - get: /big
            name: tail of the body
            expect: { body_contains: THE-END }
            on_failure: continue
"#;

/// Peak resident memory of this test process, from /proc.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[test]
fn a_ten_megabyte_body_is_read_whole_but_kept_short() {
    let size = 10 * 1024 * 1024;
    let server = big_body_server(size, false);
    let yaml = format!("{}{}", BIG.trim_end(), BIG_TAIL);
    let outcome = run(plan(&yaml, &server.url));
    let s = &outcome.summary;
    assert_counts_add_up(s);
    let head = request(s, "head of the body");
    assert_eq!((head.count, head.failures), (1, 0), "{head:?}");
    // Every byte was read: the body plus its response head.
    assert!(head.bytes_received >= size, "{}", head.bytes_received);
    assert!(head.bytes_received < size + 1024, "{}", head.bytes_received);
    let tail = request(s, "tail of the body");
    assert_eq!(tail.failure_categories[&FailureCategory::Expectation], 1);
    assert!(s.totals.bytes_received >= 2 * size);
    // The connection stayed usable after 10 MB: both on one connection.
    assert_eq!(
        server
            .seen
            .connections
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
}

#[test]
fn a_gigabyte_body_streams_through_in_bounded_memory() {
    let size: u64 = 1024 * 1024 * 1024;
    let server = big_body_server(size, true);
    let started = Instant::now();
    let outcome = run(plan(BIG, &server.url));
    let s = &outcome.summary;
    assert_counts_add_up(s);
    let head = request(s, "head of the body");
    assert_eq!((head.count, head.failures), (1, 0), "{head:?}");
    // Chunk framing adds a few bytes per 256 KiB chunk.
    assert!(head.bytes_received >= size, "{}", head.bytes_received);
    assert!(
        head.bytes_received < size + 64 * 1024,
        "{}",
        head.bytes_received
    );
    // Memory stays bounded: the whole process (servers, other tests) never
    // came near holding the gigabyte.
    if let Some(peak) = peak_rss_bytes() {
        assert!(peak < 256 * 1024 * 1024, "peak RSS {peak} bytes");
    }
    eprintln!(
        "1 GiB body read in {:?}, peak RSS {:?} bytes",
        started.elapsed(),
        peak_rss_bytes()
    );
}

#[test]
fn invalid_http_is_a_protocol_failure() {
    let server = Wire::start(|mut conn| async move {
        if conn.request().await.is_some() {
            conn.write(b"SSH-2.0-OpenSSH_9.6 not http at all\r\n\r\n")
                .await;
        }
    });
    let outcome = run(plan(ONE_STEP, &server.url));
    let s = &outcome.summary;
    assert_counts_add_up(s);
    let r = request(s, "GET /thing");
    assert_eq!((r.count, r.failures), (6, 6));
    assert_eq!(r.failure_categories[&FailureCategory::Protocol], 6);
    assert!(
        r.examples[0]
            .example
            .error
            .starts_with("invalid HTTP response"),
        "{:?}",
        r.examples[0]
    );
    assert_eq!(
        s.journeys["fetch"].failures[0].category,
        FailureCategory::Protocol
    );
}

const CAPTURE: &str = r#"
target: "{{TARGET}}"
load: { users: 1, spawn_rate: 100, iterations: 2 }
users:
  - name: visitor
    journeys:
      - name: capture
        steps:
          - get: /thing
            capture: { id: $.id }
          - get: /next/{{ id }}
"#;

#[test]
fn a_body_that_is_not_json_fails_a_json_capture() {
    let server = Wire::respond(|_| Reply::text(200, "<html>maintenance</html>"));
    let outcome = run(plan(CAPTURE, &server.url));
    let s = &outcome.summary;
    assert_counts_add_up(s);
    let r = request(s, "GET /thing");
    assert_eq!(r.failure_categories[&FailureCategory::Capture], 2);
    assert_eq!(r.status_codes[&200], 2);
    let example = &r.examples[0];
    assert_eq!(example.category, FailureCategory::Capture);
    assert_eq!(example.example.error, "capture `id`: body is not JSON");
    assert_eq!(example.example.body, "<html>maintenance</html>");
    assert_eq!(server.seen.total(), 2, "the next step was never sent");
    assert_eq!(
        s.journeys["capture"].failures[0].category,
        FailureCategory::Capture
    );
}

#[test]
fn a_capture_that_matches_nothing_fails() {
    let server = Wire::respond(|_| Reply::json(200, r#"{"name":"widget"}"#));
    let outcome = run(plan(CAPTURE, &server.url));
    let s = &outcome.summary;
    assert_counts_add_up(s);
    let r = request(s, "GET /thing");
    assert_eq!(r.failure_categories[&FailureCategory::Capture], 2);
    assert_eq!(
        r.examples[0].example.error,
        "capture `id`: `$.id` matched nothing in the JSON body"
    );
    assert_eq!(server.seen.count("/thing"), 2);
    assert_eq!(server.seen.total(), 2, "the next step was never sent");
}

#[test]
fn a_500_on_step_two_ends_the_journey_there() {
    let meltdown = format!(
        "internal meltdown: the database is on fire{}",
        "!".repeat(2000)
    );
    let server = Wire::respond(move |req| match req.path() {
        "/users" => Reply::json(201, r#"{"id":7}"#),
        "/orders" => Reply::text(500, &meltdown),
        _ => Reply::json(200, r#"{"status":"settled"}"#),
    });
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 3, spawn_rate: 100, iterations: 2 }
users:
  - name: shopper
    journeys:
      - name: checkout
        steps:
          - post: /users
            json: { username: "u{{ vu.id }}" }
            expect: { status: 201 }
            capture: { user_id: $.id }
          - post: /orders
            json: { user_id: "{{ user_id }}" }
            expect: { status: 201 }
          - post: /payments
            json: { amount: 1 }
"#;
    let outcome = run(plan(yaml, &server.url));
    let s = &outcome.summary;
    assert_counts_add_up(s);
    assert_eq!(server.seen.count("/users"), 6);
    assert_eq!(server.seen.count("/orders"), 6);
    assert_eq!(server.seen.count("/payments"), 0, "step 3 is never sent");
    let orders = request(s, "POST /orders");
    assert_eq!(orders.failure_categories[&FailureCategory::Status], 6);
    assert_eq!(orders.status_codes[&500], 6);
    assert_eq!(request(s, "POST /payments").count, 0);

    let j = &s.journeys["checkout"];
    assert_eq!((j.started, j.succeeded, j.failed), (6, 0, 6));
    let funnel: Vec<(u64, u64)> = j.funnel.iter().map(|f| (f.reached, f.passed)).collect();
    assert_eq!(funnel, vec![(6, 6), (6, 0), (0, 0)]);
    assert_eq!(
        (
            j.failures[0].step,
            j.failures[0].category,
            j.failures[0].count
        ),
        (1, FailureCategory::Status, 6)
    );

    let example = &orders.examples[0].example;
    assert_eq!(example.status, Some(500));
    assert!(example.url.ends_with("/orders"), "{}", example.url);
    assert!(
        example
            .body
            .starts_with("internal meltdown: the database is on fire!!!"),
        "{}",
        example.body
    );
    // Only the first bytes of a body are kept in an example.
    assert!(example.body.len() <= 512, "{}", example.body.len());
    assert!(example.error.contains("500"), "{}", example.error);
}

#[test]
fn a_body_that_stops_midway_is_a_timeout() {
    let server = Wire::start(|mut conn| async move {
        if conn.request().await.is_some() {
            conn.write(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\nonly the beginning")
                .await;
            std::future::pending::<()>().await;
        }
    });
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 1, spawn_rate: 100, iterations: 2 }
users:
  - name: visitor
    journeys:
      - name: fetch
        steps:
          - get: /thing
            timeout: 200ms
"#;
    let outcome = run(plan(yaml, &server.url));
    let s = &outcome.summary;
    assert_counts_add_up(s);
    let r = request(s, "GET /thing");
    assert_eq!(r.failure_categories[&FailureCategory::Timeout], 2);
    assert!(
        r.examples[0].example.error.contains("body"),
        "the phase is named: {:?}",
        r.examples[0]
    );
    // The half-read connection was not reused: each request had its own.
    assert_eq!(
        server
            .seen
            .connections
            .load(std::sync::atomic::Ordering::Relaxed),
        2
    );
}

/// Stops `control` from a helper thread after `after`.
fn stop_later(control: &Control, after: Duration) -> std::thread::JoinHandle<()> {
    let control = control.clone();
    std::thread::spawn(move || {
        std::thread::sleep(after);
        control.stop();
    })
}

#[test]
fn a_stop_while_requests_hang_still_adds_up() {
    let server = Wire::start(|mut conn| async move {
        if conn.request().await.is_some() {
            std::future::pending::<()>().await;
        }
        drop(conn);
    });
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 2, spawn_rate: 100, duration: 1h }
users:
  - name: visitor
    journeys:
      - name: hang
        steps:
          - get: /silent
            timeout: 1h
"#;
    let control = Control::new();
    let config = RunConfig {
        workers: 2,
        seed: Some(7),
        stop_timeout: Duration::from_millis(300),
        collect_every: Duration::from_millis(100),
        ..RunConfig::default()
    };
    let stopper = stop_later(&control, Duration::from_millis(300));
    let outcome = starling_engine::run(
        std::sync::Arc::new(plan(yaml, &server.url)),
        &config,
        &control,
        |_| {},
    )
    .expect("run starts");
    stopper.join().unwrap();
    // The run ended at the stop deadline, with what it measured.
    assert!(outcome.stopped_early);
    assert_eq!(server.seen.count("/silent"), 2);
    let j = &outcome.summary.journeys["hang"];
    assert_eq!(j.started, 2);
    assert_counts_add_up(&outcome.summary);
    // What the server received is what was reported: cut off, not lost.
    let silent = request(&outcome.summary, "GET /silent");
    assert_eq!(silent.count, 2);
    assert_eq!(silent.failure_categories[&FailureCategory::Interrupted], 2);
    assert_eq!(j.failures[0].category, FailureCategory::Interrupted);
}

#[test]
fn redirects_are_followed_up_to_the_limit() {
    let server = Wire::respond(|req| {
        let redirect = |to: &str| Reply {
            status: 302,
            headers: vec![("location".into(), to.into())],
            body: Vec::new(),
            delay: Duration::ZERO,
        };
        match req.path() {
            "/old" => redirect("/older"),
            "/older" => redirect("/new"),
            "/new" => Reply::json(200, r#"{"id":5}"#),
            _ => redirect("/loop"),
        }
    });
    let yaml = r#"
target: "{{TARGET}}"
defaults: { max_redirects: 3 }
load: { users: 1, spawn_rate: 100, iterations: 1 }
users:
  - name: visitor
    journeys:
      - name: follow
        steps:
          - get: /old
            expect: { status: 200 }
            capture: { id: $.id }
          - get: /loop
"#;
    let outcome = run(plan(yaml, &server.url));
    let s = &outcome.summary;
    assert_counts_add_up(s);
    // Two hops to the final answer, whose body served the capture.
    assert_eq!(request(s, "GET /old").failures, 0);
    assert_eq!(request(s, "GET /old").status_codes[&200], 1);
    assert_eq!(server.seen.count("/new"), 1);
    assert_eq!(request(s, "GET /old").redirects, 2, "hops are counted");
    // A loop stops after the first request and 3 redirects.
    let r = request(s, "GET /loop");
    assert_eq!(r.failure_categories[&FailureCategory::Redirects], 1);
    assert_eq!(server.seen.count("/loop"), 4);
}
