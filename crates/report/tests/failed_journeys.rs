//! Issue 15, part 2: the FAILED JOURNEYS section, one line per kept failed
//! iteration with its trace id and the chain of steps it ran, checked as
//! the user reads it.

use std::time::Duration;

use starling_metrics::{
    Aggregate, Catalog, FailureCategory, JourneyMeta, JourneySample, RunMeta, SampleFailure, Shard,
    SpanId, StepSample, TraceId,
};
use starling_report::{TerminalOptions, render_terminal};

fn catalog() -> Catalog {
    Catalog {
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
        ..Catalog::default()
    }
}

fn step(step: usize, request: &str, status: Option<u16>, total_us: u64) -> StepSample {
    StepSample {
        step,
        request: Some(request.into()),
        method: request.split(' ').next().unwrap().into(),
        url: String::new(),
        span_id: Some(SpanId(step as u64 + 1)),
        offset_us: 0,
        status,
        connect_us: None,
        ttfb_us: None,
        total_us,
        failure: None,
        message: String::new(),
    }
}

fn failed(mut step: StepSample, category: FailureCategory, message: &str) -> StepSample {
    step.failure = Some(category);
    step.message = message.into();
    step
}

fn sample(
    vu: u64,
    trace: u128,
    steps: Vec<StepSample>,
    category: FailureCategory,
) -> JourneySample {
    JourneySample {
        trace_id: Some(TraceId(trace)),
        sampled: false,
        vu,
        iteration: 2,
        started_at_unix_ms: 1_764_288_000_000 + vu,
        duration_us: steps.iter().map(|s| s.total_us).sum(),
        failure: Some(SampleFailure {
            step: steps.last().unwrap().step,
            label: "POST /payments".into(),
            category,
        }),
        rank: vu as u32,
        steps,
        omitted_steps: 0,
    }
}

fn summary(samples: Vec<(usize, JourneySample)>) -> starling_metrics::Summary {
    let mut shard = Shard::new(&catalog());
    for (journey, sample) in samples {
        shard.record_sample(journey, sample);
    }
    let mut aggregate = Aggregate::new(catalog());
    aggregate.absorb(Duration::from_secs(1), 1, vec![shard.take()]);
    aggregate.summary(RunMeta {
        scenario: "checkout.yaml".into(),
        model: "closed".into(),
        duration: Duration::from_secs(1),
        ..RunMeta::default()
    })
}

fn section(summary: &starling_metrics::Summary, top: usize) -> String {
    let mut out = Vec::new();
    let options = TerminalOptions {
        top_failures: top,
        ..TerminalOptions::default()
    };
    render_terminal(summary, &mut out, &options).unwrap();
    let text = String::from_utf8(out).unwrap();
    let start = text
        .find("FAILED JOURNEYS")
        .expect("a FAILED JOURNEYS section");
    let rest = &text[start..];
    let end = rest.find("\n\n").unwrap_or(rest.len());
    rest[..end].to_owned()
}

fn checkout(vu: u64, trace: u128) -> JourneySample {
    sample(
        vu,
        trace,
        vec![
            step(0, "POST /users", Some(201), 4_000),
            step(1, "POST /orders", Some(201), 9_000),
            failed(
                step(2, "POST /payments", Some(502), 2_100_000),
                FailureCategory::Status,
                "expected 2xx, got 502",
            ),
        ],
        FailureCategory::Status,
    )
}

#[test]
fn one_line_per_kept_failure_with_its_trace_and_chain() {
    let browse = sample(
        3,
        0xabc,
        vec![failed(
            step(0, "GET /products", None, 30_000_000),
            FailureCategory::Timeout,
            "timed out",
        )],
        FailureCategory::Timeout,
    );
    let mut template = step(0, "x", None, 0);
    template.request = None;
    let template = sample(
        9,
        0xdef,
        vec![failed(
            template,
            FailureCategory::Template,
            "undefined value `user_id`\nin template",
        )],
        FailureCategory::Template,
    );
    let summary = summary(vec![
        (0, checkout(17, 0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736)),
        (1, browse),
        (0, template),
    ]);
    assert_eq!(
        section(&summary, 5),
        "FAILED JOURNEYS
 journey    trace id                             vu    took   chain
────────── ────────────────────────────────── ────── ─────── ───────────────────────────────────────────────────────────────────────────────
 checkout   00000000000000000000000000000def    9#2     0µs   template: undefined value `user_id` in template ✗
 browse     00000000000000000000000000000abc    3#2   30.0s   GET /products timeout 30.0s ✗
 checkout   4bf92f3577b34da6a3ce929d0e0e4736   17#2   2.11s   POST /users 201 4.00ms → POST /orders 201 9.00ms → POST /payments 502 2.10s ✗
"
    );
    // Taken in turn from each journey: one failing journey cannot hide
    // another.
    let two = section(&summary, 2);
    assert!(two.starts_with("FAILED JOURNEYS (2 of 3 kept)"), "{two}");
    assert!(two.contains("browse"), "{two}");
}

#[test]
fn a_long_chain_keeps_its_start_and_end_and_no_section_without_failures() {
    let mut steps: Vec<StepSample> = (0..20)
        .map(|i| step(i, &format!("GET /page/{i}"), Some(200), 1_000))
        .collect();
    steps.push(failed(
        step(20, "POST /payments", Some(500), 1_000),
        FailureCategory::Status,
        "x",
    ));
    let mut long = sample(1, 1, steps, FailureCategory::Status);
    long.omitted_steps = 10;
    let text = section(&summary(vec![(0, long)]), 5);
    assert!(
        text.trim_end().ends_with(
            "GET /page/0 200 1.00ms → GET /page/1 200 1.00ms → GET /page/2 200 1.00ms → … 24 more … → \
             GET /page/17 200 1.00ms → GET /page/18 200 1.00ms → GET /page/19 200 1.00ms → POST /payments 500 1.00ms ✗"
        ),
        "{text}"
    );
    let mut out = Vec::new();
    render_terminal(&summary(Vec::new()), &mut out, &TerminalOptions::default()).unwrap();
    assert!(!String::from_utf8(out).unwrap().contains("FAILED JOURNEYS"));
}
