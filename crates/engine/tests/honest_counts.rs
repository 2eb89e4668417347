//! Counts that match what the server saw (issue 17 item 16): a request the
//! client refused to send is no request, and an exchange that failed after
//! the request was written still counts its bytes sent.

mod support;

use std::time::Duration;

use starling_metrics::FailureCategory;
use support::wire::{Reply, Wire};
use support::{plan, request, run};

/// The report: 5 requests counted, 1 received. Here the first step's
/// capture puts a line break into the second step's header, which the
/// client refuses before writing a byte: the server sees only the first
/// steps, and so must the counts; the journey says why it failed.
#[test]
fn a_request_refused_before_sending_is_not_counted() {
    let server = Wire::respond(|_| Reply::json(200, r#"{"v": "a\r\nInjected: 1"}"#));
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 1, spawn_rate: 100, iterations: 5 }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /first
            capture: { v: $.v }
          - get: /second
            headers: { x-v: "{{ v }}" }
"#;
    let outcome = run(plan(yaml, &server.url));
    let s = &outcome.summary;
    assert_eq!(server.seen.total(), 5, "only the first steps were sent");
    assert_eq!(s.totals.requests, server.seen.total(), "{:?}", s.requests);
    assert_eq!(s.requests.get("GET /second").map_or(0, |r| r.count), 0);
    let journey = &s.journeys["j"];
    assert_eq!(journey.failed, 5);
    let example = journey
        .examples
        .iter()
        .find(|e| e.category == FailureCategory::Template)
        .expect("the journey keeps an example of why");
    assert!(
        example.example.error.contains("invalid request"),
        "{example:?}"
    );
}

/// A 2,000-byte body, so what was written is well above any head alone.
const BODY_STEP: &str = r#"
target: "{{TARGET}}"
load: { users: 1, spawn_rate: 100, iterations: 3 }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - post: /x
            body: "{{ random_string(2000) }}"
            timeout: 200ms
"#;

/// The report: timeouts and resets after the request was written showed
/// 0 bytes sent.
#[test]
fn a_request_that_timed_out_after_it_was_written_counts_its_bytes() {
    let server = Wire::start(|mut conn| async move {
        while conn.request().await.is_some() {
            // Read it whole, then say nothing.
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
    });
    let outcome = run(plan(BODY_STEP, &server.url));
    let r = request(&outcome.summary, "POST /x");
    assert_eq!(
        r.failure_categories.get(&FailureCategory::Timeout),
        Some(&3)
    );
    assert_eq!(server.seen.total(), 3);
    assert!(r.bytes_sent >= 3 * 2000, "bytes sent: {}", r.bytes_sent);
}

#[test]
fn a_request_reset_after_it_was_written_counts_its_bytes() {
    let server = Wire::start(|mut conn| async move {
        if conn.request().await.is_some() {
            conn.reset();
        }
    });
    let outcome = run(plan(BODY_STEP, &server.url));
    let r = request(&outcome.summary, "POST /x");
    assert_eq!(r.failure_categories.get(&FailureCategory::Reset), Some(&3));
    assert_eq!(server.seen.total(), 3);
    assert!(r.bytes_sent >= 3 * 2000, "bytes sent: {}", r.bytes_sent);
}

/// A refused port: nothing was written, and the counts say 0 bytes (the
/// attempt itself is still a failed request, category `connect`).
#[test]
fn a_refused_connection_sends_no_bytes() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let outcome = run(plan(BODY_STEP, &url));
    let r = request(&outcome.summary, "POST /x");
    assert_eq!(
        r.failure_categories.get(&FailureCategory::Connect),
        Some(&3)
    );
    assert_eq!(r.bytes_sent, 0);
}
