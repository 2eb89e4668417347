//! Every example in `examples/` compiles; checkout's plan is checked in detail.

use std::path::{Path, PathBuf};
use std::time::Duration;

use starling_scenario::{Base, LoadModel, Method, Stage, Step, Wait, load};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

#[test]
fn checkout_compiles_to_the_expected_plan() {
    let compiled = load(&examples_dir().join("checkout.yaml")).unwrap_or_else(|e| panic!("{e}"));
    assert!(compiled.warnings.is_empty(), "{:?}", compiled.warnings);
    let plan = compiled.plan;
    let target = plan.target.as_ref().unwrap();
    assert_eq!((target.host.as_str(), target.port), ("127.0.0.1", 8000));

    let names: Vec<(&str, Method)> = plan
        .requests
        .iter()
        .map(|r| (r.name.as_str(), r.method))
        .collect();
    assert_eq!(
        names,
        [
            ("POST /users", Method::Post),
            ("POST /orders", Method::Post),
            ("POST /payments", Method::Post),
            ("GET /products", Method::Get),
        ]
    );
    let services: Vec<(&str, bool)> = plan
        .services
        .iter()
        .map(|s| (s.name.as_str(), s.base_url.is_some()))
        .collect();
    assert_eq!(
        services,
        [
            ("payments", true),
            ("users", false),
            ("orders", false),
            ("products", false)
        ]
    );
    let request_services: Vec<&str> = plan
        .requests
        .iter()
        .map(|r| plan.services[r.service].name.as_str())
        .collect();
    assert_eq!(
        request_services,
        ["users", "orders", "payments", "products"]
    );

    assert_eq!(plan.load.model, LoadModel::Closed);
    assert_eq!(
        plan.load.stages,
        [
            Stage {
                duration: Some(Duration::from_secs(20)),
                target: 1000.0
            },
            Stage {
                duration: Some(Duration::from_secs(280)),
                target: 1000.0
            },
        ]
    );
    assert_eq!(plan.user_types.len(), 1);
    let shopper = &plan.user_types[0];
    assert_eq!(shopper.name, "shopper");
    assert_eq!(shopper.weight, 1.0);
    assert_eq!(
        shopper.wait,
        Wait::Between(Duration::from_secs(1), Duration::from_secs(5))
    );
    assert_eq!(shopper.journeys, [0, 1]);

    let checkout = &plan.journeys[0];
    assert_eq!(checkout.name, "checkout");
    assert_eq!(checkout.weight, 0.5);
    assert_eq!(
        checkout.funnel,
        ["POST /users", "POST /orders", "POST /payments"]
    );
    let ids: Vec<usize> = checkout
        .steps
        .iter()
        .map(|s| match s {
            Step::Request(r) => {
                assert_eq!(r.base, Base::Target);
                r.id
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids, [0, 1, 2]);
    let Step::Request(first) = &checkout.steps[0] else {
        unreachable!()
    };
    assert_eq!(first.capture.len(), 1);
    assert_eq!(first.capture[0].var, "user_id");
    assert_eq!(plan.journeys[1].funnel, ["GET /products"]);
    assert!(plan.journeys.iter().all(|j| j.data.is_empty()));
}

#[test]
fn every_example_compiles() {
    let mut count = 0;
    for entry in std::fs::read_dir(examples_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            if let Err(e) = load(&path) {
                panic!("{}:\n{e}", path.display());
            }
            count += 1;
        }
    }
    assert!(count >= 1);
}

fn compile(name: &str) -> starling_scenario::Plan {
    let compiled = load(&examples_dir().join(name)).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        compiled.warnings.is_empty(),
        "{name}: {:?}",
        compiled.warnings
    );
    compiled.plan
}

#[test]
fn polling_is_one_section_with_its_request() {
    use starling_scenario::SectionKind;
    let plan = compile("polling.yaml");
    assert_eq!(plan.requests.len(), 4);
    assert_eq!(plan.requests[3].name, "GET /payments/{{ payment_id }}");
    assert_eq!(plan.sections.len(), 1);
    assert_eq!(plan.sections[0].name, "payment settles");
    assert_eq!(plan.sections[0].kind, SectionKind::Poll);
    assert_eq!(plan.sections[0].journey, Some(0));
    let Step::Poll(poll) = &plan.journeys[0].steps[3] else {
        panic!()
    };
    assert_eq!(poll.request.id, 3);
    assert_eq!(poll.every, Duration::from_millis(200));
    assert_eq!(poll.timeout, Duration::from_secs(10));
    assert_eq!(poll.until.source(), "response.json.status == \"settled\"");
    assert_eq!(
        plan.journeys[0].funnel,
        [
            "POST /users",
            "POST /orders",
            "POST /payments",
            "payment settles"
        ]
    );
    assert_eq!(
        plan.load.stages[0],
        Stage {
            duration: Some(Duration::from_secs(2)),
            target: 20.0
        }
    );
}

#[test]
fn login_runs_on_start_and_counts_its_captures_as_set() {
    let plan = compile("login.yaml");
    let member = &plan.user_types[0];
    assert_eq!(member.on_start.len(), 2);
    assert_eq!(member.wait, Wait::Exponential(Duration::from_secs(2)));
    // on_start requests get ids first, the journey's after them.
    let names: Vec<&str> = plan.requests.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "POST /users",
            "POST /login",
            "GET /me",
            "GET /users/{{ user_id }}"
        ]
    );
    assert_eq!(plan.load.iterations, Some(20));
    assert_eq!(
        plan.load.stages,
        [
            Stage {
                duration: Some(Duration::from_secs(2)),
                target: 50.0
            },
            Stage {
                duration: None,
                target: 50.0
            },
        ]
    );
}

#[test]
fn services_route_to_declared_base_urls() {
    use starling_scenario::threshold::{Condition, ThresholdScope};
    let plan = compile("services.yaml");
    assert_eq!(plan.services[0].name, "payments");
    assert_eq!(plan.services[0].base_url.as_ref().unwrap().port, 8004);
    let steps = &plan.journeys[0].steps;
    // Steps: create a user, order, pay directly, pay through the gateway.
    let Step::Request(direct) = &steps[2] else {
        panic!()
    };
    assert_eq!(direct.base, Base::Service(0));
    let Step::Request(gateway) = &steps[3] else {
        panic!()
    };
    assert_eq!(gateway.base, Base::Target);
    // Both count as the payments service.
    assert_eq!(plan.requests[2].service, 0);
    assert_eq!(plan.requests[3].service, 0);
    assert_eq!(plan.requests[2].name, "POST /payments (direct)");
    assert_eq!(gateway.on_failure, starling_scenario::OnFailure::Continue);
    assert_eq!(
        plan.user_types[0].wait,
        Wait::Pacing(Duration::from_secs(2))
    );
    assert_eq!(
        plan.load.stages,
        [
            Stage {
                duration: Some(Duration::from_secs(30)),
                target: 20.0
            },
            Stage {
                duration: Some(Duration::from_secs(60)),
                target: 20.0
            },
            Stage {
                duration: Some(Duration::from_secs(15)),
                target: 0.0
            },
        ]
    );
    assert_eq!(plan.thresholds.len(), 2);
    assert_eq!(plan.thresholds[0].scope, ThresholdScope::Service(0));
    assert_eq!(
        plan.thresholds[0].condition,
        Condition::Percentile {
            percentile: 99.0,
            limit: Duration::from_secs(1)
        }
    );
    assert_eq!(
        plan.thresholds[1].scope,
        ThresholdScope::Request {
            name: "POST /payments (direct)".into(),
            ids: vec![2]
        }
    );
    assert_eq!(plan.thresholds[1].condition, Condition::ErrorRate(0.01));
}

#[test]
fn open_model_has_a_rate_and_a_cap() {
    let plan = compile("open_model.yaml");
    assert_eq!(plan.load.model, LoadModel::Open);
    assert_eq!(plan.load.max_users, Some(500));
    assert_eq!(
        plan.load.stages,
        [
            Stage {
                duration: Some(Duration::ZERO),
                target: 50.0
            },
            Stage {
                duration: Some(Duration::from_secs(120)),
                target: 50.0
            },
        ]
    );
    assert_eq!(plan.seed, Some(42));
    let weights: Vec<f64> = plan.journeys.iter().map(|j| j.weight).collect();
    assert_eq!(weights, [0.75, 0.25]);
    let Step::Request(r) = &plan.journeys[0].steps[0] else {
        panic!()
    };
    assert_eq!(r.query.len(), 1);
    assert_eq!(plan.user_types[0].wait, Wait::None);
}

#[test]
fn features_use_everything() {
    use starling_scenario::{Body, DataOrder, SectionKind};
    let plan = compile("features.yaml");
    assert_eq!(plan.seed, Some(7));
    assert_eq!(plan.defaults.timeout, Duration::from_secs(5));
    assert_eq!(plan.defaults.max_redirects, 3);
    assert_eq!(plan.defaults.keep_body_bytes, 65536);
    assert_eq!(plan.defaults.http, starling_scenario::HttpVersion::Http1);
    assert_eq!(plan.defaults.headers.len(), 1);
    assert_eq!(plan.data.len(), 1);
    assert_eq!(plan.data[0].name, "customers");
    assert_eq!(plan.data[0].order, DataOrder::Unique);
    assert_eq!(plan.data[0].rows.len(), 5);
    assert_eq!(
        plan.data[0].rows[0].get_attr("email").unwrap().to_string(),
        "alice@example.test"
    );
    // Only the journey that reads `customers` draws rows from it.
    assert_eq!(plan.journeys[0].data, [0]);
    assert!(plan.journeys[1].data.is_empty());

    let (buyer, admin) = (&plan.user_types[0], &plan.user_types[1]);
    assert_eq!((buyer.weight, buyer.count), (1.0, None));
    assert_eq!((admin.weight, admin.count), (0.0, Some(2)));
    assert_eq!(buyer.headers.len(), 1);
    assert_eq!(admin.on_start.len(), 1);
    assert_eq!(admin.on_stop.len(), 1);
    let Step::Request(login) = &admin.on_start[0] else {
        panic!()
    };
    assert!(matches!(&login.body, Body::Form(fields) if fields.len() == 1));
    let Step::Request(cleanup) = &admin.on_stop[0] else {
        panic!()
    };
    assert!(matches!(cleanup.body, Body::Raw(_)));

    let buy = &plan.journeys[0];
    assert_eq!(
        buy.funnel,
        [
            "POST /users",
            "set quantity, label",
            "place orders",
            "if order_id is defined and created == 201",
            "set page",
            "repeat",
            "think",
        ]
    );
    let Step::Request(first) = &buy.steps[0] else {
        panic!()
    };
    assert_eq!(first.capture.len(), 3);
    assert_eq!(first.expect.json.len(), 2);
    assert_eq!(first.expect.headers.len(), 1);
    assert_eq!(first.expect.max_duration, Some(Duration::from_secs(2)));
    assert_eq!(plan.sections[0].name, "place orders");
    assert_eq!(plan.sections[0].kind, SectionKind::Group);
    assert_eq!(
        plan.journeys[1].funnel,
        ["GET /products/{id}", "GET /products"]
    );
    assert_eq!(plan.thresholds.len(), 7);
    assert_eq!(
        starling_scenario::summary_line(&plan),
        "2 user types, 3 journeys, 19 steps, 9 requests"
    );
}

#[test]
fn summary_line_of_checkout() {
    let plan = compile("checkout.yaml");
    assert_eq!(
        starling_scenario::summary_line(&plan),
        "1 user type, 2 journeys, 4 steps, 4 requests"
    );
}
