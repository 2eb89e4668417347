//! A checkout system's run, recorded the way the engine records one
//! (records into two shards, absorbed round by round by an aggregate),
//! with every name replaceable so the same run can carry hostile names.

use std::time::Duration;

use starling_metrics::{
    Aggregate, Catalog, FailureCategory, FailureExample, JourneyMeta, JourneyOutcome, RequestMeta,
    RequestRecord, RunMeta, Shard, Summary,
};

/// Names of what the run holds, and the text of its failure examples.
pub(crate) struct Names {
    pub(crate) scenario: String,
    /// Journeys: two that run, one that never starts.
    pub(crate) checkout: String,
    pub(crate) browse: String,
    pub(crate) refund: String,
    /// Requests: the last is never sent.
    pub(crate) create_user: String,
    pub(crate) place_order: String,
    pub(crate) list_products: String,
    pub(crate) get_order: String,
    pub(crate) status_error: String,
    pub(crate) data_error: String,
    /// The URL and body excerpt of the failed orders' examples.
    pub(crate) order_url: String,
    pub(crate) order_body: String,
}

impl Default for Names {
    fn default() -> Names {
        Names {
            scenario: "examples/checkout.yaml".into(),
            checkout: "checkout".into(),
            browse: "browse".into(),
            refund: "refund".into(),
            create_user: "POST /users".into(),
            place_order: "POST /orders".into(),
            list_products: "GET /products?category=electronics".into(),
            get_order: "GET /orders/{{ order_id }}".into(),
            status_error: "expected status 201, got 502".into(),
            data_error: "data `customers` has no unused row left".into(),
            order_url: "http://127.0.0.1:8003/orders".into(),
            order_body: "{\"error\":\"upstream\"}".into(),
        }
    }
}

const CREATE_USER: usize = 0;
const PLACE_ORDER: usize = 1;
const LIST_PRODUCTS: usize = 2;
const CHECKOUT: usize = 0;
const BROWSE: usize = 1;
const ROUNDS: u64 = 5;
const PER_ROUND: u64 = 60;

fn catalog(names: &Names) -> Catalog {
    let request = |name: &str, method: &str, service| RequestMeta {
        name: name.into(),
        method: method.into(),
        service,
    };
    let journey = |name: &str, funnel: &[&String]| JourneyMeta {
        name: name.into(),
        user_type: "shopper".into(),
        funnel: funnel.iter().map(|s| s.to_string()).collect(),
    };
    Catalog {
        requests: vec![
            request(&names.create_user, "POST", 0),
            request(&names.place_order, "POST", 1),
            request(&names.list_products, "GET", 2),
            request(&names.get_order, "GET", 1),
        ],
        services: vec!["users".into(), "orders".into(), "products".into()],
        journeys: vec![
            journey(&names.checkout, &[&names.create_user, &names.place_order]),
            journey(&names.browse, &[&names.list_products]),
            journey(&names.refund, &[&names.get_order]),
        ],
        sections: vec![],
    }
}

fn record(status: u16, us: u64, failure: Option<FailureCategory>) -> RequestRecord {
    RequestRecord {
        status: Some(status),
        connect: None,
        ttfb: Some(Duration::from_micros(us / 2)),
        total: Duration::from_micros(us),
        schedule_lag: Duration::ZERO,
        bytes_sent: 180,
        bytes_received: 700 + us % 300,
        redirects: 0,
        failure,
    }
}

/// The run: 5 one-second rounds of 60 iterations, two in three checkouts
/// (one order in seven answered 502, one in 23 timing out after 2 s) and
/// one in three browses (one in 40 finding its data file used up).
pub(crate) fn summary(names: &Names) -> Summary {
    let catalog = catalog(names);
    let mut shards = [Shard::new(&catalog), Shard::new(&catalog)];
    let mut aggregate = Aggregate::new(catalog);
    for round in 0..ROUNDS {
        for n in 0..PER_ROUND {
            let i = round * PER_ROUND + n;
            let shard = &mut shards[(i % 2) as usize];
            if i.is_multiple_of(3) {
                browse(shard, i, names);
            } else {
                checkout(shard, i, names);
            }
        }
        let snapshots = shards.iter_mut().map(Shard::take).collect();
        aggregate.absorb(Duration::from_secs(round + 1), 10 + round * 5, snapshots);
    }
    aggregate.summary(RunMeta {
        scenario: names.scenario.clone(),
        started_at_unix_ms: 1_764_288_000_250,
        duration: Duration::from_secs(ROUNDS),
        workers: 2,
        model: "closed".into(),
        seed: Some(7),
        // Fields added later take their defaults.
        ..RunMeta::default()
    })
}

fn browse(shard: &mut Shard, i: u64, names: &Names) {
    shard.journey_started(BROWSE);
    shard.step_reached(BROWSE, 0);
    let (outcome, us) = if i.is_multiple_of(40) {
        let category = FailureCategory::Data;
        if shard.wants_journey_example(BROWSE, category) {
            let example = FailureExample {
                url: String::new(),
                status: None,
                body: String::new(),
                error: names.data_error.clone(),
            };
            shard.record_journey_example(BROWSE, category, example);
        }
        (JourneyOutcome::Failed { step: 0, category }, 30)
    } else {
        let us = 400 + i % 11 * 97;
        shard.record_request(LIST_PRODUCTS, &record(200, us, None));
        shard.step_passed(BROWSE, 0);
        (JourneyOutcome::Success, us + 50)
    };
    shard.journey_finished(BROWSE, outcome, Duration::from_micros(us), Duration::ZERO);
}

fn checkout(shard: &mut Shard, i: u64, names: &Names) {
    shard.journey_started(CHECKOUT);
    shard.step_reached(CHECKOUT, 0);
    let user_us = 900 + i % 13 * 41;
    shard.record_request(CREATE_USER, &record(201, user_us, None));
    shard.step_passed(CHECKOUT, 0);
    shard.step_reached(CHECKOUT, 1);
    let order_us = 11_000 + i % 29 * 1_337;
    let (record, failure) = if i % 23 == 1 {
        let timeout = RequestRecord {
            status: None,
            ttfb: None,
            ..record(0, 2_000_000, Some(FailureCategory::Timeout))
        };
        (
            timeout,
            Some((FailureCategory::Timeout, "no response within 2s")),
        )
    } else if i % 7 == 1 {
        let status = Some(FailureCategory::Status);
        let error = names.status_error.as_str();
        (
            record(502, order_us, status),
            Some((FailureCategory::Status, error)),
        )
    } else {
        (record(201, order_us, None), None)
    };
    shard.record_request(PLACE_ORDER, &record);
    let outcome = match failure {
        Some((category, error)) => {
            if shard.wants_example(PLACE_ORDER, category) {
                let example = FailureExample {
                    url: names.order_url.clone(),
                    status: record.status,
                    body: names.order_body.clone(),
                    error: error.into(),
                };
                shard.record_example(PLACE_ORDER, category, example);
            }
            JourneyOutcome::Failed { step: 1, category }
        }
        None => {
            shard.step_passed(CHECKOUT, 1);
            JourneyOutcome::Success
        }
    };
    let total = Duration::from_micros(user_us) + record.total + Duration::from_micros(300);
    shard.journey_finished(CHECKOUT, outcome, total, Duration::ZERO);
}
