//! examples/services.yaml: a step with `service: payments` goes straight
//! to the payments service; the gateway never sees it.

use std::path::{Path, PathBuf};

use starling_demo::Service;

use crate::support::{Demo, Run, example};

/// examples/services.yaml with its `payments` URL pointed at the demo's,
/// and `edit` applied, written to `dir`.
fn services_yaml(demo: &Demo, dir: &Path, edit: impl Fn(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(example("services.yaml")).expect("the example");
    assert!(text.contains("payments: http://127.0.0.1:8004"));
    let text = edit(text.replace("http://127.0.0.1:8004", &demo.url(Service::Payments)));
    let path = dir.join("services.yaml");
    std::fs::write(&path, text).expect("write the scenario");
    path
}

#[test]
fn the_services_example_succeeds_against_a_fresh_demo() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().expect("a temp dir");
    let scenario = services_yaml(&demo, dir.path(), |text| text);
    let ran = Run::new(&scenario)
        .against(&demo)
        .args(["--users", "4", "--duration", "3s"])
        .succeeds();
    let journey = &ran.summary.journeys["pay_direct"];
    assert!(journey.started > 0);
    assert_eq!(journey.failed, 0, "{:?}", journey.failures);
}

#[test]
fn a_service_step_bypasses_the_gateway() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().expect("a temp dir");
    let scenario = services_yaml(&demo, dir.path(), |text| text);
    let ran = Run::new(&scenario)
        .against(&demo)
        .args(["--users", "4", "--duration", "3s"])
        .succeeds();

    let direct = ran.request("POST /payments (direct)");
    assert_eq!(direct.service, "payments");
    assert!(direct.count > 0);
    assert_eq!(direct.failures, 0, "{:?}", direct.examples);
    let through_gateway = ran.request("POST /payments");
    assert_eq!(through_gateway.service, "payments");

    // The gateway forwarded only the step without `service`...
    assert_eq!(
        demo.received("gateway", "POST /payments"),
        through_gateway.count
    );
    // ...while payments received both.
    assert_eq!(
        demo.received("payments", "POST /payments"),
        direct.count + through_gateway.count
    );
    // Both count as load on the payments service.
    assert_eq!(
        ran.summary.services["payments"].requests,
        direct.count + through_gateway.count
    );
    assert_eq!(
        ran.count("POST /orders"),
        demo.received("orders", "POST /orders")
    );
    let journey = &ran.summary.journeys["pay_direct"];
    assert_eq!(journey.failed, 0, "{:?}", journey.failures);
}

#[test]
fn without_the_gateway_step_the_gateway_sees_no_payment() {
    let demo = Demo::start();
    // Only the direct step: the gateway must count no POST /payments at all.
    let dir = tempfile::tempdir().expect("a temp dir");
    let scenario = dir.path().join("direct.yaml");
    let text = format!(
        "\
target: {gateway}
services:
  payments: {payments}
load: {{ users: 2, spawn_rate: 100, duration: 2s }}
users:
  - name: payer
    wait: constant(200ms)
    journeys:
      - name: pay_direct
        steps:
          - post: /users
            json: {{ username: payer }}
            expect: {{ status: 201 }}
            capture: {{ user_id: $.id }}
          - post: /orders
            json: {{ user_id: \"{{{{ user_id }}}}\", item: widget }}
            expect: {{ status: 201 }}
            capture: {{ order_id: $.id }}
          - post: /payments
            service: payments
            json: {{ order_id: \"{{{{ order_id }}}}\", amount: 10 }}
            expect: {{ status: 200 }}
",
        gateway = demo.gateway(),
        payments = demo.url(Service::Payments),
    );
    std::fs::write(&scenario, text).expect("write the scenario");

    let ran = Run::new(&scenario).succeeds();
    let sent = ran.request("POST /payments");
    assert!(sent.count > 0);
    assert_eq!(sent.failures, 0, "{:?}", sent.examples);
    assert_eq!(demo.received("gateway", "POST /payments"), 0);
    assert_eq!(demo.received("payments", "POST /payments"), sent.count);
    assert_eq!(
        demo.received("gateway", "POST /orders"),
        ran.count("POST /orders")
    );
}
