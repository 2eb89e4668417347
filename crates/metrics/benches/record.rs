//! Hot-path micro-benchmark of the metrics: one request recorded into a
//! worker's shard (`Shard::record_request`), latencies spread over a
//! realistic range so the histograms' buckets vary.
//!
//! `cargo bench -p starling-metrics --bench record`

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use starling_metrics::{Catalog, JourneyMeta, RequestMeta, RequestRecord, Shard};

fn catalog() -> Catalog {
    Catalog {
        requests: vec![RequestMeta {
            name: "GET /".to_owned(),
            method: "GET".to_owned(),
            service: 0,
        }],
        services: vec!["default".to_owned()],
        journeys: vec![JourneyMeta {
            name: "get".to_owned(),
            user_type: "getter".to_owned(),
            funnel: vec!["GET /".to_owned()],
        }],
        sections: Vec::new(),
    }
}

fn record(c: &mut Criterion) {
    let catalog = catalog();
    let mut shard = Shard::new(&catalog);
    // 1,024 latencies between 50 µs and ~50 ms, cycled.
    let totals: Vec<Duration> = (0..1024u64)
        .map(|i| Duration::from_micros(50 + (i * i * 48) % 50_000))
        .collect();
    let mut i = 0usize;
    c.bench_function("shard/record_request", |b| {
        b.iter(|| {
            let total = totals[i & 1023];
            i = i.wrapping_add(1);
            let record = RequestRecord {
                status: Some(200),
                connect: None,
                ttfb: Some(total / 2),
                total,
                schedule_lag: Duration::ZERO,
                bytes_sent: 80,
                bytes_received: 160,
                redirects: 0,
                failure: None,
            };
            shard.record_request(0, black_box(&record));
        })
    });
    black_box(shard.histogram_bytes());
}

criterion_group!(benches, record);
criterion_main!(benches);
