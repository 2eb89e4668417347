//! Issue 15, part 2: failed and slowest journey iterations kept whole, as
//! a real run records them: every step with its request, full URL, status
//! and times, the failure where it happened, and no secret anywhere (the
//! same redaction as failure examples: a `secret: true` capture in a path,
//! a bearer token echoed back, a secret query parameter, a password field
//! of a body).

mod support;

use std::time::Duration;

use starling_metrics::{FailureCategory, Summary};
use support::plan;
use support::wire::{Reply, Wire};

const TOKEN: &str = "tok-4b1e9f0c";
const BEARER: &str = "bearer-77d2a1";
const PASSWORD: &str = "pw-93c05e";
const API_KEY: &str = "key-5e8a11";

/// `/login` hands out the token; `/pay` answers with the request echoed
/// back (which fails the journey's expectation); `/slow` takes a while every fifth time; the rest answer 201.
fn server() -> Wire {
    let n = std::sync::atomic::AtomicU64::new(0);
    Wire::respond(move |req| match req.path() {
        "/login" => Reply::json(200, &format!(r#"{{"token":"{TOKEN}"}}"#)),
        "/pay" => {
            let echo = format!(
                "{} {} auth={} body={}",
                req.method,
                req.target,
                req.header("authorization").unwrap_or(""),
                req.body_text()
            );
            Reply::json(200, &serde_json::json!({ "status": echo }).to_string())
        }
        "/slow" => {
            let i = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let delay = if i % 5 == 4 { 60 } else { 1 };
            Reply::json(200, "{}").after(Duration::from_millis(delay))
        }
        _ => Reply::json(201, r#"{"id": 7}"#),
    })
}

fn scenario() -> String {
    format!(
        r#"
target: "{{{{TARGET}}}}"
load: {{ users: 2, spawn_rate: 100, iterations: 10 }}
users:
  - name: shopper
    on_start:
      - post: /login
        capture: {{ token: {{ json: $.token, secret: true }} }}
    journeys:
      - name: checkout
        steps:
          - post: /users
            json: {{ name: ann }}
          - get: /orders/{{{{ token }}}}
            query: {{ api_key: "{API_KEY}" }}
          - post: /pay
            auth: {{ bearer: "{BEARER}" }}
            json: {{ amount: 3, password: "{PASSWORD}" }}
            expect: {{ json: {{ $.status: paid }} }}
"#
    )
}

const BROWSE: &str = r#"
target: "{{TARGET}}"
load: { users: 2, spawn_rate: 100, iterations: 20 }
users:
  - name: visitor
    journeys:
      - name: browse
        steps:
          - get: /slow
"#;

fn run(server: &Wire, yaml: &str) -> Summary {
    support::run(plan(yaml, &server.url)).summary
}

#[test]
fn failed_iterations_keep_their_whole_chain() {
    let server = server();
    let summary = run(&server, &scenario());
    let checkout = &summary.journeys["checkout"];
    assert_eq!(checkout.failed, 20);
    let failed = &checkout.samples.failed;
    assert_eq!(
        failed.len(),
        20,
        "all 20 failures kept (the reservoir holds 20)"
    );
    for sample in failed {
        let failure = sample.failure.as_ref().unwrap();
        assert_eq!(
            (failure.step, failure.category),
            (2, FailureCategory::Expectation)
        );
        assert!(sample.vu < 2 && sample.iteration < 10);
        assert!(sample.trace_id.is_some());
        let steps: Vec<(Option<&str>, Option<u16>)> = sample
            .steps
            .iter()
            .map(|s| (s.request.as_deref(), s.status))
            .collect();
        assert_eq!(
            steps,
            [
                (Some("POST /users"), Some(201)),
                (Some("GET /orders/{{ token }}"), Some(201)),
                (Some("POST /pay"), Some(200)),
            ]
        );
        let [users, orders, pay] = &sample.steps[..] else {
            unreachable!()
        };
        assert_eq!(users.url, format!("{}/users", server.url));
        assert_eq!(
            orders.url,
            format!("{}/orders/[redacted]?api_key=[redacted]", server.url)
        );
        assert_eq!(pay.failure, Some(FailureCategory::Expectation));
        // The expectation quotes the echo: the token, the bearer and the
        // password the request sent are redacted from it.
        assert!(
            pay.message.contains("POST /pay auth=[redacted]"),
            "{}",
            pay.message
        );
        assert!(
            pay.message.contains(r#"\"password\":\"[redacted]\""#),
            "{}",
            pay.message
        );
        assert!(users.offset_us <= orders.offset_us && orders.offset_us <= pay.offset_us);
        assert!(pay.ttfb_us.is_some() && pay.total_us >= pay.ttfb_us.unwrap());
        let spans: std::collections::BTreeSet<_> = sample.steps.iter().map(|s| s.span_id).collect();
        assert_eq!(spans.len(), 3, "a span per request");
    }
    let json = serde_json::to_string(&summary).unwrap();
    for secret in [TOKEN, BEARER, PASSWORD, API_KEY] {
        assert!(!json.contains(secret), "{secret} leaked into the results");
    }
}

#[test]
fn the_slowest_successful_iterations_are_kept() {
    let server = server();
    let summary = run(&server, BROWSE);
    let browse = &summary.journeys["browse"];
    assert_eq!(browse.failed, 0);
    let slowest = &browse.samples.slowest;
    assert_eq!(slowest.len(), 5);
    assert!(
        slowest
            .windows(2)
            .all(|w| w[0].duration_us >= w[1].duration_us)
    );
    // Every fifth /slow answer takes 60 ms (8 of 40): those are the slowest.
    assert!(
        slowest.iter().all(|s| s.duration_us >= 60_000),
        "{slowest:#?}"
    );
    assert!(
        slowest
            .iter()
            .all(|s| s.failure.is_none() && s.steps.len() == 1)
    );
    assert!(browse.samples.failed.is_empty());
}
