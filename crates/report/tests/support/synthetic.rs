//! Runs of any size, recorded the way the engine records one (a shard
//! absorbed round by round by an `Aggregate`): the long, wide runs the
//! HTML report must stay small and quick for.

use std::time::Duration;

use starling_metrics::{
    Aggregate, Catalog, FailureCategory, FailureExample, JourneyMeta, JourneyOutcome, RequestMeta,
    RequestRecord, RunMeta, Shard, Summary,
};

/// How big a run is.
pub(crate) struct Shape {
    pub(crate) requests: usize,
    pub(crate) services: usize,
    pub(crate) journeys: usize,
    /// One-second collection rounds.
    pub(crate) rounds: u64,
    /// Requests recorded per request name and round.
    pub(crate) per_round: u64,
}

/// A name as long as real ones are (a path template with a variable).
fn request_name(i: usize) -> String {
    format!("GET /api/v1/catalog/resource-{i:04}/{{{{ item_id }}}}")
}

fn catalog(shape: &Shape) -> Catalog {
    let requests: Vec<RequestMeta> = (0..shape.requests)
        .map(|i| RequestMeta {
            name: request_name(i),
            method: "GET".into(),
            service: i % shape.services,
        })
        .collect();
    let journeys = (0..shape.journeys)
        .map(|j| JourneyMeta {
            name: format!("journey-{j:02}"),
            user_type: "shopper".into(),
            funnel: steps(shape, j).map(request_name).collect(),
        })
        .collect();
    Catalog {
        requests,
        services: (0..shape.services)
            .map(|s| format!("service-{s:03}"))
            .collect(),
        journeys,
        sections: vec![],
    }
}

/// The requests journey `j` makes, one per step: four consecutive names.
fn steps(shape: &Shape, j: usize) -> impl Iterator<Item = usize> + use<> {
    let requests = shape.requests;
    (0..4).map(move |k| (j * 4 + k) % requests)
}

/// A latency that moves over the run and differs by name, so every
/// series has realistic digits: 1 ms to 32 ms. Kept under 2^15 µs on
/// purpose: an HDR histogram's size grows with its largest value, and the
/// aggregate scans every histogram each round (unoptimised in test
/// builds), so a wider range makes a one-hour run take minutes to build.
fn latency_us(round: u64, request: usize, k: u64) -> u64 {
    let wave = (round % 600) * 20;
    1_000 + request as u64 * 150 + wave + k * 413 + (round * 7_919 + k * 104_729) % 9_000
}

pub(crate) fn summary(shape: &Shape) -> Summary {
    let catalog = catalog(shape);
    let mut shard = Shard::new(&catalog);
    let mut aggregate = Aggregate::new(catalog);
    for round in 0..shape.rounds {
        for request in 0..shape.requests {
            for k in 0..shape.per_round {
                let failed = (round + k + request as u64).is_multiple_of(53);
                record(&mut shard, request, latency_us(round, request, k), failed);
            }
        }
        for j in 0..shape.journeys {
            journey(&mut shard, shape, j, round);
        }
        let users = 50 + (round % 120);
        aggregate.absorb(Duration::from_secs(round + 1), users, vec![shard.take()]);
    }
    aggregate.summary(RunMeta {
        scenario: "synthetic.yaml".into(),
        started_at_unix_ms: 1_764_288_000_000,
        duration: Duration::from_secs(shape.rounds),
        workers: 2,
        model: "closed".into(),
        seed: Some(1),
        stopped_early: false,
    })
}

fn record(shard: &mut Shard, request: usize, us: u64, failed: bool) {
    let record = RequestRecord {
        status: Some(if failed { 503 } else { 200 }),
        connect: None,
        // No time to first byte: one histogram less per request and
        // round, and the report shows only total times.
        ttfb: None,
        total: Duration::from_micros(us),
        schedule_lag: Duration::ZERO,
        bytes_sent: 200,
        bytes_received: 1_500,
        redirects: 0,
        failure: failed.then_some(FailureCategory::Status),
    };
    shard.record_request(request, &record);
    if failed && shard.wants_example(request, FailureCategory::Status) {
        let example = FailureExample {
            url: format!("http://127.0.0.1:9000/api/v1/catalog/resource-{request:04}/17"),
            status: Some(503),
            body: "{\"error\":\"overloaded\",\"retry_after\":1}".into(),
            error: "expected status 200, got 503".into(),
        };
        shard.record_example(request, FailureCategory::Status, example);
    }
}

/// One iteration of journey `j` per round, failing at its last step now
/// and then (its requests are recorded above, with the rest).
fn journey(shard: &mut Shard, shape: &Shape, j: usize, round: u64) {
    shard.journey_started(j);
    let steps = steps(shape, j).count();
    let fails = (round + j as u64).is_multiple_of(17);
    for step in 0..steps {
        shard.step_reached(j, step);
        if !(fails && step + 1 == steps) {
            shard.step_passed(j, step);
        }
    }
    let outcome = if fails {
        JourneyOutcome::Failed {
            step: steps - 1,
            category: FailureCategory::Status,
        }
    } else {
        JourneyOutcome::Success
    };
    let us = 20_000 + (round % 300) * 200 + j as u64 * 1_000;
    shard.journey_finished(j, outcome, Duration::from_micros(us), Duration::ZERO);
}
