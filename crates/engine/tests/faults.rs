//! Faults of the system under test are measured, never fatal: the run
//! finishes, nothing panics, and the counts add up.

mod support;

use std::time::Duration;

use starling_metrics::FailureCategory;
use support::{Shop, plan, request, run};

#[test]
fn connection_refused_is_a_counted_failure() {
    // Bind then drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 2, spawn_rate: 100, iterations: 3 }
users:
  - name: shopper
    journeys:
      - name: browse
        steps: [ { get: /products } ]
"#;
    let outcome = run(plan(yaml, &format!("http://127.0.0.1:{port}")));
    let r = request(&outcome.summary, "GET /products");
    assert_eq!((r.count, r.failures), (6, 6));
    assert_eq!(r.failure_categories[&FailureCategory::Connect], 6);
    assert_eq!(outcome.summary.journeys["browse"].failed, 6);
}

#[test]
fn responses_slower_than_the_timeout_are_timeouts() {
    let shop = Shop::start();
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 2, spawn_rate: 100, iterations: 1 }
users:
  - name: shopper
    journeys:
      - name: slow
        steps:
          - get: /stall
            timeout: 100ms
"#;
    let outcome = run(plan(yaml, &shop.url));
    let r = request(&outcome.summary, "GET /stall");
    assert_eq!(r.failure_categories[&FailureCategory::Timeout], 2);
    // The measured time is the timeout, not the server's full second.
    assert!(r.total.max_us < 900_000, "{}", r.total.max_us);
    let _ = Duration::ZERO;
}
