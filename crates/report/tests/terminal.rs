//! The terminal summary, pinned by snapshots. The summaries are made the
//! way a run makes them: records into shards, merged by an aggregate.

use std::time::Duration;

use starling_metrics::{
    Aggregate, Catalog, FailureCategory, FailureExample, JourneyMeta, JourneyOutcome, RequestMeta,
    RequestRecord, RunMeta, SectionKind, SectionMeta, Shard, Summary,
};
use starling_report::{TerminalOptions, render_terminal, write_json};

const USERS: usize = 0;
const ORDERS: usize = 1;
const PAYMENTS: usize = 2;
const PRODUCTS: usize = 3;

fn catalog() -> Catalog {
    let request = |name: &str, method: &str, service| RequestMeta {
        name: name.into(),
        method: method.into(),
        service,
    };
    Catalog {
        requests: vec![
            request("POST /users", "POST", 0),
            request("POST /orders", "POST", 1),
            request("POST /payments", "POST", 2),
            request("GET /products", "GET", 3),
        ],
        services: vec![
            "users".into(),
            "orders".into(),
            "payments".into(),
            "products".into(),
        ],
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
            name: "pay and settle".into(),
            kind: SectionKind::Group,
            journey: Some(0),
        }],
    }
}

fn record(status: u16, us: u64, lag_us: u64, failure: Option<FailureCategory>) -> RequestRecord {
    RequestRecord {
        status: Some(status),
        connect: None,
        ttfb: Some(Duration::from_micros(us * 8 / 10)),
        total: Duration::from_micros(us),
        schedule_lag: Duration::from_micros(lag_us),
        bytes_sent: 200,
        bytes_received: 1_000,
        redirects: 0,
        failure,
    }
}

/// `lag_us(i)`: how late iteration i started (open model), 0 if closed.
fn simulate(model: &str, lag_us: impl Fn(u64) -> u64) -> Summary {
    let catalog = catalog();
    let mut shards = [Shard::new(&catalog), Shard::new(&catalog)];
    let mut aggregate = Aggregate::new(catalog);
    for second in 0..10u64 {
        for n in 0..60u64 {
            let i = second * 60 + n;
            let shard = &mut shards[(i % 2) as usize];
            let lag = lag_us(i);
            if i % 150 == 3 {
                // A data feeder ran dry before any request was sent.
                shard.journey_started(1);
                shard.step_reached(1, 0);
                let category = FailureCategory::Data;
                if shard.wants_journey_example(1, category) {
                    shard.record_journey_example(
                        1,
                        category,
                        FailureExample {
                            url: String::new(),
                            status: None,
                            body: String::new(),
                            error: "data `customers` has no unused row left".into(),
                        },
                    );
                }
                let outcome = JourneyOutcome::Failed { step: 0, category };
                shard.journey_finished(1, outcome, Duration::from_micros(40), Duration::ZERO);
                continue;
            }
            if i % 3 == 0 {
                shard.journey_started(1);
                shard.step_reached(1, 0);
                shard.record_request(PRODUCTS, &record(200, 3_000 + i % 17 * 100, lag, None));
                shard.step_passed(1, 0);
                shard.journey_finished(
                    1,
                    JourneyOutcome::Success,
                    Duration::from_micros(3_500),
                    Duration::from_micros(lag),
                );
                continue;
            }
            shard.journey_started(0);
            shard.step_reached(0, 0);
            shard.record_request(USERS, &record(201, 800 + i % 13 * 10, lag, None));
            shard.step_passed(0, 0);
            shard.step_reached(0, 1);
            shard.record_request(ORDERS, &record(201, 12_000 + i % 29 * 300, lag, None));
            shard.step_passed(0, 1);
            shard.step_reached(0, 2);
            let pay_us = 150_000 + i % 37 * 20_000;
            let outcome = if i % 20 == 1 {
                shard.record_request(
                    PAYMENTS,
                    &record(502, pay_us, lag, Some(FailureCategory::Status)),
                );
                if shard.wants_example(PAYMENTS, FailureCategory::Status) {
                    shard.record_example(
                        PAYMENTS,
                        FailureCategory::Status,
                        FailureExample {
                            url: "http://127.0.0.1:8004/payments".into(),
                            status: Some(502),
                            body: "{\"error\":\"upstream\nbank timeout\"}".into(),
                            error: "expected status 200, got 502".into(),
                        },
                    );
                }
                JourneyOutcome::Failed {
                    step: 2,
                    category: FailureCategory::Status,
                }
            } else if i % 50 == 2 {
                shard.record_request(
                    PAYMENTS,
                    &RequestRecord {
                        status: None,
                        ttfb: None,
                        ..record(0, 2_000_000, lag, Some(FailureCategory::Timeout))
                    },
                );
                if shard.wants_example(PAYMENTS, FailureCategory::Timeout) {
                    shard.record_example(
                        PAYMENTS,
                        FailureCategory::Timeout,
                        FailureExample {
                            url: "http://127.0.0.1:8004/payments".into(),
                            status: None,
                            body: String::new(),
                            error: "no response within 2s".into(),
                        },
                    );
                }
                JourneyOutcome::Failed {
                    step: 2,
                    category: FailureCategory::Timeout,
                }
            } else {
                shard.record_request(PAYMENTS, &record(200, pay_us, lag, None));
                shard.step_passed(0, 2);
                JourneyOutcome::Success
            };
            let ok = matches!(outcome, JourneyOutcome::Success);
            shard.section_finished(0, Duration::from_micros(pay_us + 5_000), ok);
            shard.journey_finished(
                0,
                outcome,
                Duration::from_micros(pay_us + 20_000),
                Duration::from_micros(lag),
            );
        }
        if model == "open" && second == 4 {
            for _ in 0..7 {
                shards[0].arrival_dropped();
            }
        }
        let snapshots = shards.iter_mut().map(Shard::take).collect();
        aggregate.absorb(Duration::from_secs(second + 1), 25, snapshots);
    }
    aggregate.summary(RunMeta {
        scenario: "examples/checkout.yaml".into(),
        started_at_unix_ms: 1_764_288_000_000,
        duration: Duration::from_secs(10),
        workers: 2,
        model: model.into(),
        seed: Some(42),
        stopped_early: false,
    })
}

fn render(summary: &Summary, opts: &TerminalOptions) -> String {
    let mut out = Vec::new();
    render_terminal(summary, &mut out, opts).expect("writes to a Vec");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn closed_model_summary() {
    let summary = simulate("closed", |_| 0);
    insta::assert_snapshot!(render(&summary, &TerminalOptions::default()));
}

#[test]
fn open_model_summary_shows_corrected_latency_and_drops() {
    // A one-second stall in the fifth second: arrivals start up to 1s late.
    let summary = simulate("open", |i| {
        if (240..300).contains(&i) {
            (300 - i) * 16_000
        } else {
            0
        }
    });
    let text = render(
        &summary,
        &TerminalOptions {
            top_failures: 1,
            ..TerminalOptions::default()
        },
    );
    insta::assert_snapshot!(text);
}

#[test]
fn no_escape_codes_without_colour_and_some_with_it() {
    let summary = simulate("closed", |_| 0);
    assert!(!render(&summary, &TerminalOptions::default()).contains('\x1b'));
    let coloured = render(
        &summary,
        &TerminalOptions {
            color: true,
            ..TerminalOptions::default()
        },
    );
    assert!(coloured.contains("\x1b[1mJOURNEYS\x1b[0m"));
    assert!(coloured.contains("\x1b[31m") || coloured.contains("\x1b[38;5;9m"));
}

#[test]
fn an_empty_run_renders_without_tables_of_nothing() {
    let summary = Aggregate::new(Catalog::default()).summary(RunMeta {
        scenario: "empty.yaml".into(),
        model: "closed".into(),
        ..RunMeta::default()
    });
    insta::assert_snapshot!(render(&summary, &TerminalOptions::default()));
}

#[test]
fn json_output_reads_back_as_the_same_summary() {
    let summary = simulate("open", |i| i % 7 * 1_000);
    let mut out = Vec::new();
    write_json(&summary, &mut out).expect("writes");
    let text = String::from_utf8(out).expect("utf-8");
    let head = format!(
        "{{\n  \"format\": \"starling-results\",\n  \"version\": {},",
        starling_metrics::VERSION
    );
    assert!(text.starts_with(&head), "{text:.80}");
    assert!(text.ends_with("}\n"));
    let back: Summary = serde_json::from_str(&text).expect("parses");
    assert_eq!(back, summary);
}
