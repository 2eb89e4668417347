//! `services:` with path prefixes (issue 18): routing at segment
//! boundaries, the guess marked in the plan, overlaps refused where written.

mod support;

use std::path::Path;

use starling_scenario::{Base, ServiceOrigin, Step, compile_str};
use support::report;

#[test]
fn prefixes_route_at_segment_boundaries_and_other_labels_are_guesses() {
    let source = r#"target: http://127.0.0.1:8000
services:
  orders: { url: "http://127.0.0.1:8001", paths: [/orders, /carts/] }
  payments: http://127.0.0.1:8004
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /orders
          - get: /carts/7
          - get: /ordersx
          - get: /login
"#;
    let plan = compile_str(source, Path::new("scenario.yaml"))
        .unwrap()
        .plan;
    let routes: Vec<(Base, String, ServiceOrigin)> = plan.journeys[0]
        .steps
        .iter()
        .map(|step| {
            let Step::Request(r) = step else {
                panic!("{step:?}")
            };
            let service = &plan.services[plan.requests[r.id].service];
            (r.base.clone(), service.name.clone(), service.origin)
        })
        .collect();
    assert_eq!(
        routes,
        [
            (Base::Service(0), "orders".into(), ServiceOrigin::Declared),
            (Base::Service(0), "orders".into(), ServiceOrigin::Declared),
            (Base::Target, "ordersx".into(), ServiceOrigin::Guessed),
            (Base::Target, "login".into(), ServiceOrigin::Guessed),
        ]
    );
}

#[test]
fn overlapping_prefixes_of_two_services_are_an_error_where_written() {
    let source = r#"target: http://127.0.0.1:8000
services:
  orders: { url: "http://127.0.0.1:8001", paths: [/orders] }
  items: { url: "http://127.0.0.1:8002", paths: [/orders/items, /items] }
  bad: { paths: [/x] }
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /items
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:4:50: error: path prefix `/orders/items` of service `items` overlaps `/orders` of service `orders` (line 3): a request path must match one service's prefixes only
  |
4 |   items: { url: "http://127.0.0.1:8002", paths: [/orders/items, /items] }
  |                                                  ^^^^^^^^^^^^^
scenario.yaml:5:8: error: service `bad` needs a `url`: its base URL
  |
5 |   bad: { paths: [/x] }
  |        ^"#
    );
}
