//! The results file: a JSON round trip, exact merging of several results,
//! and refusal of what is not a results file.

mod support;

use std::time::Duration;

use starling_metrics::{Aggregate, DecodeError, FailureCategory, FailureExample, Shard, Summary};
use support::*;

fn summary_of(iterations: std::ops::Range<u64>, lag: bool) -> Summary {
    let catalog = catalog();
    let mut shard = Shard::new(&catalog);
    for i in iterations.clone() {
        checkout(&mut shard, i, 7);
        let mut record = ok(200, 300 + i);
        record.connect = (i % 5 == 0).then(|| Duration::from_micros(150));
        if lag {
            record.schedule_lag = Duration::from_millis(i % 40);
        }
        shard.record_request(POST_USERS, &record);
        if i % 7 == 0 && shard.wants_example(POST_PAYMENTS, FailureCategory::Status) {
            shard.record_example(
                POST_PAYMENTS,
                FailureCategory::Status,
                FailureExample {
                    url: format!("http://127.0.0.1:9/payments?i={i}"),
                    status: Some(500),
                    body: "{\"error\":\"boom\"}".into(),
                    error: "expected 200, got 500".into(),
                },
            );
        }
        if i % 50 == 0 {
            shard.arrival_dropped();
        }
    }
    let mut aggregate = Aggregate::new(catalog);
    aggregate.absorb(Duration::from_millis(1_000), 10, vec![shard.take()]);
    aggregate.summary(meta(Duration::from_secs(10), "open"))
}

#[test]
fn summary_round_trips_through_json() {
    let summary = summary_of(0..400, true);
    let json = serde_json::to_string_pretty(&summary).expect("serialises");
    let back: Summary = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(back, summary);

    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(value["format"], "starling-results");
    assert_eq!(value["version"], 2);
    // Version 2's per-name tracks, on the axis of the absorbed rounds.
    let tracks = &summary.tracks;
    assert_eq!(tracks.elapsed_ms.len(), summary.timeseries.len());
    let checkout = &tracks.journeys["checkout"];
    assert_eq!(checkout.count.iter().sum::<u64>(), 400);
    assert_eq!(checkout.len(), tracks.elapsed_ms.len());
    // The run lagged, so the corrected p99 is kept and above the measured.
    let users = &tracks.requests["POST /users"];
    assert_eq!(users.count, vec![summary.requests["POST /users"].count]);
    assert!(users.p99_corrected(0) > users.p99_us[0]);
    assert_eq!(
        summary.requests["POST /users"].total.p99_us, users.p99_us[0],
        "one round: the track's point is the whole run"
    );
    // Stable keys that thresholds look up.
    assert_eq!(value["journeys"]["checkout"]["started"], 400);
    assert_eq!(
        value["requests"]["POST /payments"]["failure_categories"]["status"],
        58
    );
    assert_eq!(
        value["requests"]["POST /payments"]["status_codes"]["500"],
        58
    );
    assert!(
        value["services"]["payments"]["latency"]["p95_us"]
            .as_u64()
            .is_some()
    );
    assert!(
        value["requests"]["POST /users"]["total"]["hdr"]
            .as_str()
            .is_some()
    );
    assert_eq!(
        value["requests"]["POST /payments"]["examples"][0]["category"],
        "status"
    );
    assert_eq!(
        value["requests"]["POST /payments"]["examples"][0]["status"],
        500
    );
}

#[test]
fn merged_results_equal_one_run_of_everything() {
    let whole = summary_of(0..600, true);
    let parts = [summary_of(0..250, true), summary_of(250..600, true)];
    // Through JSON, as files from two machines would arrive.
    let parts: Vec<Summary> = parts
        .iter()
        .map(|p| serde_json::from_str(&serde_json::to_string(p).expect("ser")).expect("de"))
        .collect();
    let merged = Summary::merge(&parts).expect("merges");

    let (merged, whole) = (without_hdr(merged), without_hdr(whole));
    // Examples too: the merge keeps the first part's first three, as one
    // run would have.
    assert_eq!(merged.requests, whole.requests);
    assert_eq!(merged.journeys, whole.journeys);
    assert_eq!(merged.services, whole.services);
    assert_eq!(merged.sections, whole.sections);
    assert_eq!(merged.totals, whole.totals);
    assert_eq!(merged.run.workers, 4);
    assert_eq!(merged.run.duration_ms, 10_000);
    assert_eq!(merged.timeseries.len(), 1);
    assert_eq!(merged.timeseries[0].requests, 2_400);
    assert_eq!(merged.timeseries[0].active_users, 20);
}

#[test]
fn merged_percentiles_come_from_the_histograms() {
    let merged =
        Summary::merge(&[summary_of(0..100, false), summary_of(0..100, false)]).expect("merges");
    let single = summary_of(0..100, false);
    let (m, s) = (
        &merged.requests["POST /payments"].total,
        &single.requests["POST /payments"].total,
    );
    assert_eq!(m.count, 2 * s.count);
    assert_eq!(
        (m.p50_us, m.p99_us, m.max_us, m.min_us),
        (s.p50_us, s.p99_us, s.max_us, s.min_us)
    );
    assert_eq!(merged.totals.dropped_arrivals, 4);
}

#[test]
fn merge_refuses_what_is_not_a_results_file() {
    let mut wrong = summary_of(0..10, false);
    wrong.format = "k6".into();
    assert!(matches!(Summary::merge(&[wrong]), Err(DecodeError::Format(f)) if f == "k6"));

    let mut future = summary_of(0..10, false);
    future.version = 3;
    let error = Summary::merge(&[future]).expect_err("version 3 is refused");
    assert_eq!(
        error.to_string(),
        "results version 3 is not supported (this build reads versions 1 to 2)"
    );

    let mut damaged = summary_of(0..10, false);
    damaged.requests["POST /users"].total.hdr = "not base64!".into();
    assert!(matches!(
        Summary::merge(&[damaged]),
        Err(DecodeError::Histogram(_))
    ));
    assert!(matches!(Summary::merge(&[]), Err(DecodeError::Empty)));
}
