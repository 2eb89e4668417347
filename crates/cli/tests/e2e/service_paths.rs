//! Services are what the user says they are (issue 18): a `services:`
//! entry with path prefixes routes the requests under them to its base
//! URL and names them so; a label guessed from a path is marked as a guess
//! in the results and in the SERVICES table.

use starling_demo::Service;

use crate::support::{Demo, Run};

#[test]
fn a_path_prefix_routes_to_its_service_and_the_rest_is_marked_guessed() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().expect("a temp dir");
    let scenario = dir.path().join("paths.yaml");
    let yaml = format!(
        r#"target: {gateway}
services:
  payments: {{ url: "{payments}", paths: [/payments] }}
load: {{ users: 2, spawn_rate: 100, iterations: 2 }}
users:
  - name: payer
    journeys:
      - name: pay
        steps:
          - post: /users
            json: {{ username: "payer-{{{{ vu.id }}}}" }}
            expect: {{ status: 201 }}
            capture: {{ user_id: $.id }}
          - post: /orders
            json: {{ user_id: "{{{{ user_id }}}}", item: gizmo }}
            expect: {{ status: 201 }}
            capture: {{ order_id: $.id }}
          - post: /payments
            json: {{ order_id: "{{{{ order_id }}}}", amount: 5 }}
            expect: {{ status: 200 }}
"#,
        gateway = demo.gateway(),
        payments = demo.url(Service::Payments),
    );
    std::fs::write(&scenario, yaml).expect("the scenario is written");
    let ran = Run::new(&scenario).succeeds();

    // POST /payments went straight to payments, not through the gateway.
    let paid = ran.request("POST /payments");
    assert_eq!(
        (paid.service.as_str(), paid.count, paid.failures),
        ("payments", 4, 0)
    );
    assert_eq!(demo.received("gateway", "POST /payments"), 0);
    assert_eq!(demo.received("payments", "POST /payments"), 4);
    // `users` and `orders` are only first path segments: guesses.
    assert_eq!(
        ran.json["run"]["guessed_services"],
        serde_json::json!(["users", "orders"])
    );
    let stdout = &ran.outcome.stdout;
    let table = &stdout[stdout.find("SERVICES").expect("a SERVICES table")..];
    assert!(table.contains("users (guessed from path)"), "{table}");
    assert!(table.contains("orders (guessed from path)"), "{table}");
    assert!(!table.contains("payments (guessed"), "{table}");
}
