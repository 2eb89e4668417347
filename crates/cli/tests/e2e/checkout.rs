//! examples/checkout.yaml against the demo: what starling reports equals
//! what the services received, route by route.

use crate::support::{Demo, Ran, Run, example};

/// The routes starling itself sends, and the service that owns each. The
/// services also call each other (orders → `GET /users/{id}` and
/// `GET /products/{id}`, payments → `GET /orders/{id}`): those are the
/// system's fan-out, not starling's load, so they are not compared.
const SENT: [(&str, &str); 4] = [
    ("POST /users", "users"),
    ("POST /orders", "orders"),
    ("POST /payments", "payments"),
    ("GET /products", "products"),
];

fn run_checkout(demo: &Demo) -> Ran {
    Run::new(example("checkout.yaml"))
        .against(demo)
        .args(["--users", "10", "--spawn-rate", "100", "--duration", "3s"])
        .args(["--seed", "11"])
        .succeeds()
}

#[test]
fn checkout_reconciles_with_the_services_counts() {
    let demo = Demo::start();
    let ran = run_checkout(&demo);
    let summary = &ran.summary;

    // The summary on stdout, notices on stderr (so `> out.txt` is the report).
    let stdout = &ran.outcome.stdout;
    assert!(stdout.contains("FUNNEL checkout"), "{stdout}");
    assert!(!stdout.contains("results written"), "{stdout}");
    assert!(ran.outcome.stderr.contains("results written to"));

    for (name, service) in SENT {
        let request = ran.request(name);
        assert_eq!(request.service, service, "{name}");
        assert_eq!(
            request.count,
            demo.received(service, name),
            "{name}: starling sent vs {service} received"
        );
        assert_eq!(
            request.count,
            demo.received("gateway", name),
            "{name}: starling sent vs gateway forwarded"
        );
        assert_eq!(request.failures, 0, "{name}: {:?}", request.examples);
    }
    assert!(ran.count("POST /users") > 0 && ran.count("GET /products") > 0);

    // Everything starling sent went through the gateway, and nothing else did.
    let gateway_total: u64 = demo.stats()["gateway"].values().sum();
    assert_eq!(summary.totals.requests, gateway_total);
    let per_request: u64 = summary.requests.values().map(|r| r.count).sum();
    assert_eq!(summary.totals.requests, per_request);

    // Every service's line is the sum of its requests.
    let services: Vec<&str> = summary.services.keys().map(String::as_str).collect();
    for (_, service) in SENT {
        assert!(services.contains(&service), "{services:?}");
        let sum: u64 = summary
            .requests
            .values()
            .filter(|r| r.service == service)
            .map(|r| r.count)
            .sum();
        assert_eq!(summary.services[service].requests, sum, "{service}");
    }
}

#[test]
fn checkout_journeys_and_funnel_add_up() {
    let demo = Demo::start();
    let ran = run_checkout(&demo);
    let summary = &ran.summary;
    assert_eq!(summary.run.model, "closed");
    assert!(!summary.run.stopped_early);

    for (name, journey) in &summary.journeys {
        assert_eq!(
            journey.succeeded + journey.failed,
            journey.started,
            "journey {name}: ok + failed = started"
        );
    }
    let total_started: u64 = summary.journeys.values().map(|j| j.started).sum();
    assert_eq!(summary.totals.journeys_started, total_started);
    assert_eq!(summary.totals.journeys_failed, 0);

    let checkout = &summary.journeys["checkout"];
    assert!(checkout.started > 0);
    let funnel = &checkout.funnel;
    assert_eq!(funnel.len(), 3, "{funnel:?}");
    assert_eq!(funnel[0].reached, checkout.started);
    for step in funnel {
        assert!(step.reached >= step.passed, "{step:?}");
    }
    // A journey goes on only past a passed step (on_failure: abort).
    for pair in funnel.windows(2) {
        assert_eq!(pair[1].reached, pair[0].passed, "{funnel:?}");
    }
    // Each funnel step is one request: their counts match.
    assert_eq!(funnel[0].reached, ran.count("POST /users"));
    assert_eq!(funnel[1].reached, ran.count("POST /orders"));
    assert_eq!(funnel[2].reached, ran.count("POST /payments"));
    assert_eq!(funnel[2].passed, checkout.succeeded);
}
