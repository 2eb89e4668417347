//! A small catalog and deterministic inputs shared by the tests.
#![allow(dead_code, unreachable_pub)]

use std::time::Duration;

use starling_metrics::{
    Catalog, FailureCategory, JourneyMeta, JourneyOutcome, RequestMeta, RequestRecord, RunMeta,
    SectionKind, SectionMeta, Shard,
};

pub const POST_USERS: usize = 0;
pub const POST_ORDERS: usize = 1;
pub const POST_PAYMENTS: usize = 2;
pub const CHECKOUT: usize = 0;
pub const BROWSE: usize = 1;

pub fn catalog() -> Catalog {
    let request = |name: &str, method: &str, service| RequestMeta {
        name: name.into(),
        method: method.into(),
        service,
    };
    Catalog {
        requests: vec![
            request("POST /users", "POST", 0),
            request("POST /orders", "POST", 0),
            request("POST /payments", "POST", 1),
            request("GET /products", "GET", 2),
        ],
        services: vec!["gateway".into(), "payments".into(), "catalog".into()],
        journeys: vec![
            JourneyMeta {
                name: "checkout".into(),
                user_type: "shopper".into(),
                funnel: vec![
                    "POST /users".into(),
                    "POST /orders".into(),
                    "POST /payments".into(),
                ],
            },
            JourneyMeta {
                name: "browse".into(),
                user_type: "shopper".into(),
                funnel: vec!["GET /products".into()],
            },
        ],
        sections: vec![SectionMeta {
            name: "settle".into(),
            kind: SectionKind::Poll,
            journey: Some(CHECKOUT),
        }],
    }
}

pub fn meta(duration: Duration, model: &str) -> RunMeta {
    RunMeta {
        scenario: "checkout.yaml".into(),
        started_at_unix_ms: 1_764_288_000_000,
        duration,
        workers: 2,
        model: model.into(),
        seed: Some(7),
        stopped_early: false,
    }
}

pub fn ok(status: u16, total_us: u64) -> RequestRecord {
    RequestRecord {
        status: Some(status),
        connect: None,
        ttfb: Some(Duration::from_micros(total_us * 9 / 10)),
        total: Duration::from_micros(total_us),
        schedule_lag: Duration::ZERO,
        bytes_sent: 120,
        bytes_received: 480,
        redirects: 0,
        failure: None,
    }
}

pub fn failed(status: Option<u16>, total_us: u64, category: FailureCategory) -> RequestRecord {
    RequestRecord {
        status,
        failure: Some(category),
        ..ok(status.unwrap_or(0), total_us)
    }
}

/// One checkout iteration that fails at payments every `fail_every`th
/// time: the journey of the example, recorded as the engine would.
pub fn checkout(shard: &mut Shard, i: u64, fail_every: u64) {
    shard.journey_started(CHECKOUT);
    for (step, request, us) in [
        (0, POST_USERS, 800 + i % 50),
        (1, POST_ORDERS, 2_000 + i % 300),
    ] {
        shard.step_reached(CHECKOUT, step);
        shard.record_request(request, &ok(201, us));
        shard.step_passed(CHECKOUT, step);
    }
    shard.step_reached(CHECKOUT, 2);
    let pay_us = 20_000 + (i * 7_919) % 80_000;
    let outcome = if i.is_multiple_of(fail_every) {
        shard.record_request(
            POST_PAYMENTS,
            &failed(Some(500), pay_us, FailureCategory::Status),
        );
        JourneyOutcome::Failed {
            step: 2,
            category: FailureCategory::Status,
        }
    } else {
        shard.record_request(POST_PAYMENTS, &ok(200, pay_us));
        shard.step_passed(CHECKOUT, 2);
        JourneyOutcome::Success
    };
    shard.section_finished(
        0,
        Duration::from_micros(pay_us / 2),
        !i.is_multiple_of(fail_every),
    );
    shard.journey_finished(
        CHECKOUT,
        outcome,
        Duration::from_micros(pay_us + 3_000),
        Duration::ZERO,
    );
}

/// The summary without its encoded histograms: two histograms with equal
/// counts may encode differently (the encoding carries the range the
/// histogram had grown to), while every statistic must be equal.
pub fn without_hdr(mut summary: starling_metrics::Summary) -> starling_metrics::Summary {
    use starling_metrics::Latency;
    fn clear(latency: &mut Latency) {
        latency.hdr.clear();
    }
    clear(&mut summary.totals.latency);
    clear(&mut summary.totals.latency_corrected);
    for r in summary.requests.values_mut() {
        for l in [
            &mut r.connect,
            &mut r.ttfb,
            &mut r.total,
            &mut r.total_corrected,
        ] {
            clear(l);
        }
    }
    for j in summary.journeys.values_mut() {
        clear(&mut j.duration);
        clear(&mut j.duration_corrected);
    }
    for s in summary.services.values_mut() {
        clear(&mut s.latency);
        clear(&mut s.latency_corrected);
    }
    for s in summary.sections.values_mut() {
        clear(&mut s.duration);
    }
    summary
}
