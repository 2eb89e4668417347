//! One origin parser (issue 17 item 19): an IPv6 target is written with its
//! brackets once (`http://[[::1]]:8000` was shown), and `[::1]` in an
//! absolute URL is the same origin as the target's, so a journey mixing
//! both keeps one connection (they counted as two origins).

mod support;

use starling_metrics::{FailureCategory, Summary};
use support::wire::{Reply, Wire};
use support::{plan, request, run};

/// Relative and absolute requests to one IPv6 origin, each failing its
/// expectation (`on_failure: continue`) so that both keep an example URL.
const MIXED: &str = r#"
target: "{{TARGET}}"
load: { users: 1, spawn_rate: 100, iterations: 3 }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /a
            expect: { status: 201 }
            on_failure: continue
          - get: "{{TARGET}}/b"
            expect: { status: 201 }
            on_failure: continue
          - get: "{{TARGET}}/c?x=1"
          - get: /d
"#;

fn example_url(summary: &Summary, name: &str) -> String {
    let r = request(summary, name);
    let example = r
        .examples
        .iter()
        .find(|e| e.category == FailureCategory::Status)
        .unwrap_or_else(|| panic!("`{name}` keeps a status example: {r:?}"));
    example.example.url.clone()
}

#[test]
fn an_ipv6_target_is_one_origin_written_with_brackets_once() {
    let Some(server) = Wire::respond_ipv6(|_| Reply::text(200, "ok")) else {
        println!("SKIPPED: no IPv6 loopback on this machine");
        return;
    };
    let port = server.addr.port();
    assert_eq!(server.url, format!("http://[::1]:{port}"));
    let outcome = run(plan(MIXED, &server.url));
    let s = &outcome.summary;

    assert_eq!(server.seen.total(), 12, "{:?}", s.requests);
    assert_eq!(s.totals.failures, 6, "{:?}", s.requests);
    assert_eq!(example_url(s, "GET /a"), format!("http://[::1]:{port}/a"));
    let absolute = format!("GET http://[::1]:{port}/b");
    assert_eq!(example_url(s, &absolute), format!("http://[::1]:{port}/b"));
    // One user, one origin: every request after the first reused its
    // connection, whichever way the URL was written.
    let connections = server
        .seen
        .connections
        .load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(connections, 1, "{:?}", server.seen.requests());
}
