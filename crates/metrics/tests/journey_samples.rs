//! Issue 15, part 2: failed and slowest iterations kept whole, from shards
//! through the aggregate into the results file and through a merge; and
//! results files of version 2 without them still read.

mod support;

use std::time::Duration;

use starling_metrics::{
    Aggregate, FAILED_SAMPLES, FailureCategory, FailureExample, JourneySample, SLOWEST_SAMPLES,
    SampleFailure, Shard, SpanId, StepSample, Summary, TraceId,
};
use support::{CHECKOUT, POST_PAYMENTS, catalog, meta};

fn sample(n: u64, failed: bool, rank: u32) -> JourneySample {
    JourneySample {
        trace_id: Some(TraceId(u128::from(n) + 1)),
        sampled: n.is_multiple_of(2),
        vu: n,
        iteration: n / 3,
        started_at_unix_ms: 1_764_288_000_000 + n,
        duration_us: 10_000 + n * 10,
        failure: failed.then(|| SampleFailure {
            step: 2,
            label: "POST /payments".into(),
            category: FailureCategory::Status,
        }),
        rank,
        steps: vec![StepSample {
            step: 2,
            request: Some("POST /payments".into()),
            method: "POST".into(),
            url: "http://127.0.0.1:8000/payments".into(),
            span_id: Some(SpanId(n + 7)),
            offset_us: 3_000,
            status: Some(if failed { 502 } else { 200 }),
            connect_us: None,
            ttfb_us: Some(9_000),
            total_us: 9_500,
            failure: failed.then_some(FailureCategory::Status),
            message: if failed {
                "expected 200, got 502".into()
            } else {
                String::new()
            },
        }],
        omitted_steps: 0,
    }
}

/// Offers `n` iterations from `first` on to two shards as the engine does
/// (only what a shard still wants), collecting every 25.
fn summary(first: u64, n: u64) -> Summary {
    let mut shards = [Shard::new(&catalog()), Shard::new(&catalog())];
    let mut aggregate = Aggregate::new(catalog());
    for i in first..first + n {
        let shard = &mut shards[(i % 2) as usize];
        let failed = i.is_multiple_of(3);
        let rank = (i as u32).wrapping_mul(2_654_435_761);
        let wanted = if failed {
            shard.wants_failed_sample(CHECKOUT, rank)
        } else {
            shard.wants_slow_sample(CHECKOUT, Duration::from_micros(10_000 + i * 10))
        };
        if wanted {
            shard.record_sample(CHECKOUT, sample(i, failed, if failed { rank } else { 0 }));
        }
        if i % 25 == 24 {
            let round = shards.iter_mut().map(Shard::take).collect();
            aggregate.absorb(Duration::from_secs(i / 25 + 1), 2, round);
        }
    }
    let round = shards.iter_mut().map(Shard::take).collect();
    aggregate.absorb(Duration::from_secs(60), 0, round);
    aggregate.summary(meta(Duration::from_secs(60), "closed"))
}

fn lowest_ranks(ns: impl Iterator<Item = u64>) -> Vec<u32> {
    let mut ranks: Vec<u32> = ns
        .filter(|i| i.is_multiple_of(3))
        .map(|i| (i as u32).wrapping_mul(2_654_435_761))
        .collect();
    ranks.sort_unstable();
    ranks.truncate(FAILED_SAMPLES);
    ranks
}

fn ranks(summary: &Summary) -> Vec<u32> {
    let mut ranks: Vec<u32> = summary.journeys["checkout"]
        .samples
        .failed
        .iter()
        .map(|s| s.rank)
        .collect();
    ranks.sort_unstable();
    ranks
}

#[test]
fn the_run_keeps_a_uniform_sample_of_failures_and_its_slowest() {
    let summary = summary(0, 600);
    let samples = &summary.journeys["checkout"].samples;
    assert_eq!(ranks(&summary), lowest_ranks(0..600));
    // In the order they started.
    assert!(
        samples
            .failed
            .windows(2)
            .all(|w| w[0].started_at_unix_ms <= w[1].started_at_unix_ms)
    );
    let slowest: Vec<u64> = samples.slowest.iter().map(|s| s.vu).collect();
    assert_eq!(slowest, [599, 598, 596, 595, 593]);
    assert_eq!(slowest.len(), SLOWEST_SAMPLES);
    assert!(summary.journeys["browse"].samples.is_empty());
}

#[test]
fn samples_survive_the_results_file_and_merge_exactly() {
    let first = summary(0, 300);
    let second = summary(300, 300);
    let text = serde_json::to_string(&first).unwrap();
    let read: Summary = serde_json::from_str(&text).unwrap();
    assert_eq!(
        read.journeys["checkout"].samples,
        first.journeys["checkout"].samples
    );
    let kept = &read.journeys["checkout"].samples.failed[0];
    assert!(kept.trace_id.is_some() && kept.steps[0].span_id.is_some());

    let merged = Summary::merge(&[first, second]).unwrap();
    // The union of two uniform samples, cut by rank, is the sample of all.
    assert_eq!(ranks(&merged), lowest_ranks(0..600));
    let slowest: Vec<u64> = merged.journeys["checkout"]
        .samples
        .slowest
        .iter()
        .map(|s| s.vu)
        .collect();
    assert_eq!(slowest, [599, 598, 596, 595, 593]);
}

#[test]
fn trace_ids_stay_with_failure_examples() {
    let mut shard = Shard::new(&catalog());
    let example = FailureExample {
        url: "http://127.0.0.1:8000/payments".into(),
        status: Some(502),
        body: String::new(),
        error: "expected 200, got 502".into(),
    };
    let trace = TraceId(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736);
    shard.record_traced_example(
        POST_PAYMENTS,
        FailureCategory::Status,
        example.clone(),
        Some(trace),
    );
    shard.record_example(POST_PAYMENTS, FailureCategory::Status, example);
    let mut aggregate = Aggregate::new(catalog());
    aggregate.absorb(Duration::from_secs(1), 1, vec![shard.take()]);
    let summary = aggregate.summary(meta(Duration::from_secs(1), "closed"));
    let value = serde_json::to_value(&summary).unwrap();
    let examples = &value["requests"]["POST /payments"]["examples"];
    assert_eq!(examples[0]["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
    assert!(examples[1].get("trace_id").is_none(), "absent, not null");
    let merged = Summary::merge(&[summary]).unwrap();
    assert_eq!(
        merged.requests["POST /payments"].examples[0].trace_id,
        Some(trace)
    );
}

/// A version 2 file written before samples and trace ids existed reads,
/// and one with none writes no new keys: the version stays 2.
#[test]
fn version_2_files_without_samples_still_read() {
    let summary = summary(0, 0);
    let mut value = serde_json::to_value(&summary).unwrap();
    assert_eq!(value["version"], 2);
    assert!(value["journeys"]["checkout"].get("samples").is_none());
    value["journeys"]["checkout"]
        .as_object_mut()
        .unwrap()
        .remove("samples");
    let read: Summary = serde_json::from_value(value).unwrap();
    assert!(read.journeys["checkout"].samples.is_empty());
    Summary::merge(&[read]).unwrap();
}
