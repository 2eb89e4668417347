//! Journeys against a real local server: what the server received equals
//! what starling reports, captures chain, cookies persist, failures stop a
//! journey where the scenario says.

mod support;

use std::sync::atomic::Ordering;

use starling_metrics::FailureCategory;
use support::{Shop, plan, request, run};

const CHECKOUT: &str = r#"
target: "{{TARGET}}"
load: { users: 4, spawn_rate: 100, iterations: 5 }
users:
  - name: shopper
    journeys:
      - name: checkout
        steps:
          - post: /users
            json: { username: "user-{{ vu.id }}" }
            expect: { status: 201 }
            capture: { user_id: $.id }
          - post: /orders
            json: { user_id: "{{ user_id }}", item: widget }
            expect: { status: 201 }
            capture: { order_id: $.id }
          - post: /payments
            json: { order_id: "{{ order_id }}", amount: 10.00 }
            expect: { status: 200 }
"#;

#[test]
fn server_counts_equal_the_report_and_captures_keep_their_type() {
    let shop = Shop::start();
    let outcome = run(plan(CHECKOUT, &shop.url));
    let s = &outcome.summary;

    // 4 users x 5 iterations, each a whole journey.
    for (route, name) in [
        ("POST /users", "POST /users"),
        ("POST /orders", "POST /orders"),
        ("POST /payments", "POST /payments"),
    ] {
        assert_eq!(shop.seen.count(route), 20, "{route} on the server");
        assert_eq!(request(s, name).count, 20, "{name} in the report");
        assert_eq!(request(s, name).failures, 0, "{name} failures");
    }
    let journey = &s.journeys["checkout"];
    assert_eq!(
        (journey.started, journey.succeeded, journey.failed),
        (20, 20, 0)
    );
    // The captured id arrived as a JSON number, not a string.
    let orders = shop.seen.orders.lock().unwrap();
    assert!(orders.iter().all(|o| o["user_id"].is_u64()), "{orders:?}");
    // Services derive from the first path segment.
    assert_eq!(s.services["payments"].requests, 20);
}

#[test]
fn a_failure_on_step_two_stops_the_journey_there() {
    let shop = Shop::start();
    shop.seen.orders_status.store(500, Ordering::Relaxed);
    let outcome = run(plan(CHECKOUT, &shop.url));
    let s = &outcome.summary;

    assert_eq!(shop.seen.count("POST /orders"), 20);
    assert_eq!(shop.seen.count("POST /payments"), 0, "step 3 is never sent");
    assert_eq!(request(s, "POST /orders").failures, 20);
    assert_eq!(
        request(s, "POST /orders").failure_categories[&FailureCategory::Status],
        20
    );

    let journey = &s.journeys["checkout"];
    assert_eq!((journey.succeeded, journey.failed), (0, 20));
    let funnel: Vec<(u64, u64)> = journey
        .funnel
        .iter()
        .map(|f| (f.reached, f.passed))
        .collect();
    assert_eq!(funnel, vec![(20, 20), (20, 0), (0, 0)]);
    assert_eq!(journey.failures[0].step, 1);
    assert_eq!(journey.failures[0].category, FailureCategory::Status);
    // A failure example says what happened.
    let example = &request(s, "POST /orders").examples[0];
    assert_eq!(example.example.status, Some(500));
    assert!(
        example.example.url.ends_with("/orders"),
        "{}",
        example.example.url
    );
}

#[test]
fn a_cookie_set_by_one_step_arrives_on_the_next() {
    let shop = Shop::start();
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 2, spawn_rate: 100, iterations: 1 }
users:
  - name: member
    on_start:
      - post: /login
    journeys:
      - name: profile
        steps:
          - get: /whoami
            expect: { status: 200 }
"#;
    let outcome = run(plan(yaml, &shop.url));
    assert_eq!(outcome.summary.journeys["profile"].succeeded, 2);
    let cookies = shop.seen.cookies.lock().unwrap();
    assert_eq!(cookies.len(), 2);
    assert!(
        cookies.iter().all(|c| c.contains("session=s3cret")),
        "{cookies:?}"
    );
}

#[test]
fn weights_produce_the_configured_mix() {
    let shop = Shop::start();
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 4, spawn_rate: 100, iterations: 200 }
users:
  - name: shopper
    journeys:
      - name: browse
        weight: 3
        steps: [ { get: /browse } ]
      - name: products
        weight: 1
        steps: [ { get: /products } ]
"#;
    let outcome = run(plan(yaml, &shop.url));
    let browse = outcome.summary.journeys["browse"].started as f64;
    let products = outcome.summary.journeys["products"].started as f64;
    assert_eq!(browse + products, 800.0);
    // 600 expected; a binomial with n=800, p=0.75 has sd ~12: 5 sd of slack.
    assert!(
        (browse - 600.0).abs() < 60.0,
        "browse {browse}, products {products}"
    );
    assert_eq!(shop.seen.count("GET /browse") as f64, browse);
}

#[test]
fn a_template_error_fails_the_journey_without_sending_anything() {
    let shop = Shop::start();
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 1, spawn_rate: 100, iterations: 3 }
users:
  - name: shopper
    journeys:
      - name: checkout
        steps:
          - post: /users
            json: { username: x }
            capture: { user_id: $.missing }
            on_failure: continue
          - post: /orders
            json: { user_id: "{{ user_id }}" }
"#;
    let outcome = run(plan(yaml, &shop.url));
    let s = &outcome.summary;
    // The capture failed (and was allowed to continue), so user_id was never
    // set and the order could not be rendered: no order reached the server.
    assert_eq!(
        request(s, "POST /users").failure_categories[&FailureCategory::Capture],
        3
    );
    assert_eq!(shop.seen.count("POST /orders"), 0);
    assert_eq!(s.journeys["checkout"].failed, 3);
    assert_eq!(
        s.journeys["checkout"].failures[0].category,
        FailureCategory::Capture
    );
}
