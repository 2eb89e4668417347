//! Shards, snapshots and the aggregate: counts add up, take resets, the
//! funnel and service views are sums of what was recorded.

mod support;

use std::time::Duration;

use starling_metrics::{
    Aggregate, FailureCategory, FailureExample, JourneyOutcome, Shard, Snapshot,
    TIMESERIES_MAX_POINTS,
};
use support::*;

fn run(shards: usize, iterations: u64) -> Aggregate {
    let catalog = catalog();
    let mut workers: Vec<Shard> = (0..shards).map(|_| Shard::new(&catalog)).collect();
    let mut aggregate = Aggregate::new(catalog);
    for round in 0..3u64 {
        for i in 0..iterations {
            let worker = (i as usize) % shards;
            checkout(&mut workers[worker], round * iterations + i, 10);
        }
        let snapshots: Vec<Snapshot> = workers.iter_mut().map(Shard::take).collect();
        aggregate.absorb(Duration::from_secs(round + 1), 40, snapshots);
    }
    aggregate
}

#[test]
fn counts_add_up_across_shards_and_rounds() {
    let summary = run(3, 100).summary(meta(Duration::from_secs(3), "closed"));
    let totals = &summary.totals;
    assert_eq!(totals.requests, 900);
    assert_eq!(totals.failures, 30);
    assert_eq!(totals.status_codes.get(&201), Some(&600));
    assert_eq!(totals.status_codes.get(&200), Some(&270));
    assert_eq!(totals.status_codes.get(&500), Some(&30));
    assert_eq!(
        totals.failure_categories.get(&FailureCategory::Status),
        Some(&30)
    );
    assert_eq!(totals.bytes_sent, 900 * 120);
    assert_eq!(totals.latency.count, 900);
    assert_eq!(totals.rps, 300.0);
    assert_eq!(summary.requests["POST /payments"].count, 300);
    assert_eq!(summary.requests["POST /payments"].failures, 30);
    assert_eq!(summary.requests["POST /users"].ttfb.count, 300);
    assert_eq!(summary.requests["POST /users"].connect.count, 0);

    let checkout = &summary.journeys["checkout"];
    assert_eq!(
        (checkout.started, checkout.succeeded, checkout.failed),
        (300, 270, 30)
    );
    assert_eq!(checkout.success_ratio, 0.9);
    assert_eq!(checkout.duration.count, 300);
    assert_eq!(checkout.failures.len(), 1);
    assert_eq!(checkout.failures[0].label, "POST /payments");
    assert_eq!(checkout.failures[0].count, 30);
    assert_eq!(summary.sections["settle"].count, 300);
    assert_eq!(summary.sections["settle"].failures, 30);
    assert_eq!(
        summary.sections["settle"].journey.as_deref(),
        Some("checkout")
    );
}

#[test]
fn funnel_counts_reached_and_passed_per_step() {
    let summary = run(2, 50).summary(meta(Duration::from_secs(3), "closed"));
    let funnel: Vec<(&str, u64, u64)> = summary.journeys["checkout"]
        .funnel
        .iter()
        .map(|s| (s.label.as_str(), s.reached, s.passed))
        .collect();
    assert_eq!(
        funnel,
        [
            ("POST /users", 150, 150),
            ("POST /orders", 150, 150),
            ("POST /payments", 150, 135)
        ]
    );
    assert_eq!(summary.journeys["browse"].funnel[0].reached, 0);
}

#[test]
fn take_resets_the_shard() {
    let catalog = catalog();
    let mut shard = Shard::new(&catalog);
    for i in 0..20 {
        checkout(&mut shard, i, 4);
    }
    shard.arrival_dropped();
    let first = shard.take();
    assert_eq!(first.requests(), 60);
    let second = shard.take();
    assert_eq!(second.requests(), 0);

    let mut aggregate = Aggregate::new(catalog);
    aggregate.absorb(Duration::from_secs(1), 1, vec![first]);
    aggregate.absorb(Duration::from_secs(2), 1, vec![second]);
    let summary = aggregate.summary(meta(Duration::from_secs(2), "open"));
    assert_eq!(summary.totals.requests, 60);
    assert_eq!(summary.totals.dropped_arrivals, 1);
    assert_eq!(summary.journeys["checkout"].started, 20);
    assert_eq!(summary.timeseries.len(), 2);
    assert_eq!(summary.timeseries[0].requests, 60);
    assert_eq!(summary.timeseries[1].requests, 0);
    assert_eq!(summary.timeseries[1].p99_us, 0);
}

/// A long run (here three hours of one-second rounds) keeps a bounded
/// time series spread over the whole run: every request still counted
/// once, rates over each point's own interval, a slow second not averaged
/// away.
#[test]
fn a_long_run_keeps_a_bounded_time_series() {
    let catalog = catalog();
    let mut shard = Shard::new(&catalog);
    let mut aggregate = Aggregate::new(catalog);
    let rounds = 3 * 3600u64;
    // One checkout (three requests) a second for the first 200 s, one
    // more, slow, request in second 100; nothing after (which keeps the
    // test quick: merging histograms is the aggregate's costly part).
    let busy = 200;
    for round in 1..=rounds {
        let mut snapshots = Vec::new();
        if round <= busy {
            checkout(&mut shard, round, 10);
            if round == 100 {
                shard.record_request(POST_USERS, &ok(201, 5_000_000));
            }
            snapshots.push(shard.take());
        }
        aggregate.absorb(Duration::from_secs(round), 7, snapshots);
    }
    let series = aggregate
        .summary(meta(Duration::from_secs(rounds), "closed"))
        .timeseries;
    assert!(series.len() <= TIMESERIES_MAX_POINTS, "{}", series.len());
    assert!(series.len() > TIMESERIES_MAX_POINTS / 2);
    assert_eq!(series.iter().map(|p| p.requests).sum::<u64>(), 3 * busy + 1);
    assert_eq!(series.last().unwrap().elapsed_ms, rounds * 1000);
    let mut start = 0;
    for point in &series {
        let interval = point.elapsed_ms - start;
        // 10,800 s in at most 4,096 points: no point spans more than 16 s.
        assert!((1000..=16_000).contains(&interval), "{interval}");
        if (start..point.elapsed_ms).contains(&99_000) {
            assert!(point.p99_us >= 5_000_000, "{}", point.p99_us);
        } else if point.elapsed_ms <= busy * 1000 {
            assert_eq!(point.rps, 3.0, "{point:?}");
        } else if start >= busy * 1000 {
            assert_eq!(point.rps, 0.0, "{point:?}");
        }
        assert_eq!(point.active_users, 7);
        start = point.elapsed_ms;
    }
    assert!(series[0].elapsed_ms > 1000);
}

#[test]
fn service_view_sums_its_requests() {
    let summary = run(2, 40).summary(meta(Duration::from_secs(3), "closed"));
    let gateway = &summary.services["gateway"];
    let users = &summary.requests["POST /users"];
    let orders = &summary.requests["POST /orders"];
    assert_eq!(gateway.requests, users.count + orders.count);
    assert_eq!(gateway.failures, users.failures + orders.failures);
    assert_eq!(
        gateway.latency.count,
        users.total.count + orders.total.count
    );
    assert_eq!(
        gateway.latency.min_us,
        users.total.min_us.min(orders.total.min_us)
    );
    assert_eq!(
        gateway.latency.max_us,
        users.total.max_us.max(orders.total.max_us)
    );
    assert_eq!(gateway.rps, users.rps + orders.rps);
    let payments = &summary.services["payments"];
    assert_eq!(payments.requests, 120);
    assert_eq!(payments.failure_ratio, 12.0 / 120.0);
    assert!(payments.latency.p95_us > gateway.latency.p95_us);
    // A service no request reached in this run still has its row.
    assert_eq!(summary.services["catalog"].requests, 0);
}

#[test]
fn corrected_latency_is_never_below_measured() {
    let catalog = catalog();
    let mut shard = Shard::new(&catalog);
    for i in 0..500u64 {
        let mut record = ok(200, 1_000 + i);
        // A stall: every tenth arrival starts a second late.
        if i % 10 == 0 {
            record.schedule_lag = Duration::from_secs(1);
        }
        shard.record_request(POST_PAYMENTS, &record);
        shard.journey_finished(
            CHECKOUT,
            JourneyOutcome::Success,
            Duration::from_micros(2_000 + i),
            record.schedule_lag,
        );
    }
    let mut aggregate = Aggregate::new(catalog);
    aggregate.absorb(Duration::from_secs(1), 5, vec![shard.take()]);
    let summary = aggregate.summary(meta(Duration::from_secs(1), "open"));
    let payments = &summary.requests["POST /payments"];
    assert!(payments.total.p99_us < 2_000);
    assert!(payments.total_corrected.p99_us >= 1_000_000);
    assert!(payments.total_corrected.p50_us >= payments.total.p50_us);
    assert!(payments.total_corrected.max_us >= payments.total.max_us);
    assert!(summary.journeys["checkout"].duration_corrected.p99_us >= 1_000_000);
    assert!(summary.timeseries[0].p99_corrected_us >= 1_000_000);
    assert!(summary.services["payments"].latency_corrected.p99_us >= 1_000_000);
}

fn example(n: usize) -> FailureExample {
    FailureExample {
        url: format!("http://127.0.0.1:8000/payments/{n}"),
        status: Some(500),
        body: "x".repeat(2_000),
        error: "status 500".into(),
    }
}

#[test]
fn examples_are_capped_per_category_in_shard_and_aggregate() {
    let catalog = catalog();
    let mut shards = [Shard::new(&catalog), Shard::new(&catalog)];
    for shard in &mut shards {
        for n in 0..10 {
            if shard.wants_example(POST_PAYMENTS, FailureCategory::Status) {
                shard.record_example(POST_PAYMENTS, FailureCategory::Status, example(n));
            }
        }
        assert!(!shard.wants_example(POST_PAYMENTS, FailureCategory::Status));
        assert!(shard.wants_example(POST_PAYMENTS, FailureCategory::Timeout));
        shard.record_example(POST_PAYMENTS, FailureCategory::Timeout, example(99));
        shard.record_journey_example(CHECKOUT, FailureCategory::Template, example(7));
        // Out-of-range keys are ignored, never a panic.
        shard.record_example(99, FailureCategory::Status, example(0));
        assert!(!shard.wants_example(99, FailureCategory::Status));
    }
    let mut aggregate = Aggregate::new(catalog);
    let snapshots = shards.iter_mut().map(Shard::take).collect();
    aggregate.absorb(Duration::from_secs(1), 2, snapshots);
    let summary = aggregate.summary(meta(Duration::from_secs(1), "closed"));
    let examples = &summary.requests["POST /payments"].examples;
    let status = examples
        .iter()
        .filter(|e| e.category == FailureCategory::Status)
        .count();
    let timeout = examples
        .iter()
        .filter(|e| e.category == FailureCategory::Timeout)
        .count();
    assert_eq!((status, timeout), (3, 2));
    assert!(examples.iter().all(|e| e.example.body.len() == 512));
    assert_eq!(summary.journeys["checkout"].examples.len(), 2);
    // After take the shard samples again.
    assert!(shards[0].wants_example(POST_PAYMENTS, FailureCategory::Status));
}

#[test]
fn progress_reports_totals_and_recent_rate() {
    let aggregate = run(2, 100);
    let progress = aggregate.progress();
    assert_eq!(progress.requests, 900);
    assert_eq!(progress.failures, 30);
    assert_eq!(progress.active_users, 40);
    assert_eq!(progress.elapsed, Duration::from_secs(3));
    assert_eq!(progress.rps, 300.0);
    assert!(progress.p95 >= Duration::from_millis(20));
}

/// The measured memory of the histograms (see `histogram.rs`): a shard
/// of a closed-model run keeps two per request that it used (ttfb and
/// total; connect only on new connections), one per journey and section,
/// each sized by the largest value it saw.
#[test]
fn shard_memory_is_bounded_by_the_keys_used() {
    let catalog = catalog();
    let mut shard = Shard::new(&catalog);
    assert_eq!(shard.histogram_bytes(), 0);
    for i in 0..1_000 {
        checkout(&mut shard, i, 10);
    }
    const KIB: usize = 1024;
    // 16 KiB up to 2,047µs, then 8 KiB more per doubling. Largest values:
    // users ~850µs, orders ~2.3ms, payments ~100ms (ttfb and total alike),
    // journey ~103ms, section ~50ms.
    let bytes = shard.histogram_bytes();
    assert_eq!(
        bytes,
        2 * 16 * KIB + 2 * 24 * KIB + 2 * 64 * KIB + 64 * KIB + 56 * KIB
    );
    let _ = shard.take();
    assert_eq!(shard.histogram_bytes(), bytes, "take keeps the allocations");

    let mut open = Shard::new(&catalog);
    let mut record = ok(200, 100_000);
    record.schedule_lag = Duration::from_millis(900);
    record.connect = Some(Duration::from_micros(500));
    open.record_request(POST_PAYMENTS, &record);
    // connect + ttfb + total + corrected (up to 1s).
    assert_eq!(
        open.histogram_bytes(),
        16 * KIB + 64 * KIB + 64 * KIB + 88 * KIB
    );
}

#[test]
fn snapshots_and_shards_can_cross_threads() {
    fn send<T: Send + 'static>(_: &T) {}
    let catalog = catalog();
    let mut shard = Shard::new(&catalog);
    checkout(&mut shard, 1, 2);
    let snapshot = shard.take();
    send(&snapshot);
    send(&shard);
    let handle = std::thread::spawn(move || snapshot.requests());
    assert_eq!(handle.join().ok(), Some(3));
}
