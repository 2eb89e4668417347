//! Property: however the same records are split over shards and rounds,
//! the merged summary equals recording them all into one shard.

mod support;

use std::time::Duration;

use proptest::prelude::*;
use starling_metrics::{
    Aggregate, FailureCategory, JourneyOutcome, RequestRecord, Shard, Snapshot, Summary,
};
use support::*;

#[derive(Clone, Debug)]
enum Event {
    Request(usize, RequestRecord),
    Journey(usize, JourneyOutcome, u64, u64),
    Step(usize, usize, bool),
    Section(u64, bool),
    Dropped,
}

fn record() -> impl Strategy<Value = RequestRecord> {
    (
        0usize..4,
        prop::option::of(1u64..50_000),
        1u64..5_000_000,
        prop_oneof![Just(0u64), 0u64..2_000_000],
        prop::option::of(0usize..13),
    )
        .prop_map(|(status, connect, total, lag, failure)| RequestRecord {
            status: [None, Some(200), Some(404), Some(503)][status],
            connect: connect.map(Duration::from_micros),
            ttfb: Some(Duration::from_micros(total / 2)),
            total: Duration::from_micros(total),
            schedule_lag: Duration::from_micros(lag),
            bytes_sent: total % 1_000,
            bytes_received: total % 7_777,
            redirects: (total % 3) as u32,
            failure: failure.map(|i| FailureCategory::ALL[i]),
        })
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        4 => (0usize..4, record()).prop_map(|(r, rec)| Event::Request(r, rec)),
        1 => (0usize..2, prop::option::of((0usize..3, 0usize..12)), 1u64..10_000_000, 0u64..100_000)
            .prop_map(|(j, failed, d, lag)| {
                let outcome = match failed {
                    None => JourneyOutcome::Success,
                    Some((step, c)) => JourneyOutcome::Failed { step, category: FailureCategory::ALL[c] },
                };
                Event::Journey(j, outcome, d, lag)
            }),
        1 => (0usize..2, 0usize..3, any::<bool>()).prop_map(|(j, s, p)| Event::Step(j, s, p)),
        1 => (1u64..1_000_000, any::<bool>()).prop_map(|(d, ok)| Event::Section(d, ok)),
        1 => Just(Event::Dropped),
    ]
}

fn apply(shard: &mut Shard, event: &Event) {
    match event {
        Event::Request(r, rec) => shard.record_request(*r, rec),
        Event::Journey(j, outcome, d, lag) => {
            shard.journey_started(*j);
            shard.journey_finished(
                *j,
                *outcome,
                Duration::from_micros(*d),
                Duration::from_micros(*lag),
            );
        }
        Event::Step(j, s, passed) => {
            shard.step_reached(*j, *s);
            if *passed {
                shard.step_passed(*j, *s);
            }
        }
        Event::Section(d, ok) => shard.section_finished(0, Duration::from_micros(*d), *ok),
        Event::Dropped => shard.arrival_dropped(),
    }
}

fn summarize(aggregate: &Aggregate) -> Summary {
    let mut summary = without_hdr(aggregate.summary(meta(Duration::from_secs(5), "open")));
    // Both are per round, so they depend on the split by design.
    summary.timeseries.clear();
    summary.tracks = Default::default();
    summary.run.peak_users = 0;
    summary
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn any_split_over_shards_and_rounds_equals_one_shard(
        events in prop::collection::vec(event(), 0..200),
        assignment in prop::collection::vec((0usize..4, 0usize..3), 200),
    ) {
        let catalog = catalog();
        let mut single = Shard::new(&catalog);
        for event in &events {
            apply(&mut single, event);
        }
        let mut one = Aggregate::new(catalog.clone());
        one.absorb(Duration::from_secs(1), 1, vec![single.take()]);

        let mut shards: Vec<Shard> = (0..4).map(|_| Shard::new(&catalog)).collect();
        let mut split = Aggregate::new(catalog);
        for round in 0..3 {
            for (event, &(shard, r)) in events.iter().zip(&assignment) {
                if r == round {
                    apply(&mut shards[shard], event);
                }
            }
            let snapshots: Vec<Snapshot> = shards.iter_mut().map(Shard::take).collect();
            split.absorb(Duration::from_secs(round as u64 + 1), 1, snapshots);
        }
        prop_assert_eq!(summarize(&split), summarize(&one));

        // The same records as two processes' results files, merged.
        let catalog = support::catalog();
        let mut halves = [Shard::new(&catalog), Shard::new(&catalog)];
        for (event, &(shard, _)) in events.iter().zip(&assignment) {
            apply(&mut halves[shard % 2], event);
        }
        let files: Vec<Summary> = halves
            .iter_mut()
            .map(|shard| {
                let mut aggregate = Aggregate::new(catalog.clone());
                aggregate.absorb(Duration::from_secs(1), 1, vec![shard.take()]);
                let summary = aggregate.summary(meta(Duration::from_secs(5), "open"));
                let json = serde_json::to_string(&summary).expect("serialises");
                serde_json::from_str(&json).expect("deserialises")
            })
            .collect();
        let merged = Summary::merge(&files).expect("merges");
        let (mut merged, mut single) = (without_hdr(merged), summarize(&one));
        // One round each, so the merged tracks count what one shard's do
        // (their percentiles are an upper bound, not compared here).
        let whole = one.summary(meta(Duration::from_secs(5), "open")).tracks;
        for (name, track) in &whole.requests {
            prop_assert_eq!(&merged.tracks.requests[name].count, &track.count);
            prop_assert_eq!(&merged.tracks.requests[name].failures, &track.failures);
        }
        for (name, track) in &whole.journeys {
            prop_assert_eq!(&merged.tracks.journeys[name].count, &track.count);
        }
        merged.timeseries.clear();
        merged.tracks = Default::default();
        merged.run = single.run.clone();
        single.timeseries.clear();
        prop_assert_eq!(merged, single);
    }
}
