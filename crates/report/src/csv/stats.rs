//! `PREFIX_stats.csv`: Locust's request statistics, one row per request
//! name (Locust's "Type" is the HTTP method) and the `Aggregated` row last.

use std::io::{self, Write};

use starling_metrics::{Latency, Summary};

use super::{NA, ms, per_second, write_table};

/// The percentiles Locust reports by default, in its column order.
pub(super) const LOCUST_PERCENTILES: [f64; 11] = [
    50.0, 66.0, 75.0, 80.0, 90.0, 95.0, 98.0, 99.0, 99.9, 99.99, 100.0,
];

const HEADER: [&str; 22] = [
    "Type",
    "Name",
    "Request Count",
    "Failure Count",
    "Median Response Time",
    "Average Response Time",
    "Min Response Time",
    "Max Response Time",
    "Average Content Size",
    "Requests/s",
    "Failures/s",
    "50%",
    "66%",
    "75%",
    "80%",
    "90%",
    "95%",
    "98%",
    "99%",
    "99.9%",
    "99.99%",
    "100%",
];

/// Whole milliseconds, rounded half up: Locust writes its median and
/// percentiles as integers, and tools built for it may parse them so.
pub(super) fn whole_ms(us: u64) -> String {
    (us.saturating_add(500) / 1000).to_string()
}

pub(super) fn write(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    let millis = summary.run.duration_ms;
    let requests = summary.requests.iter().map(|(name, r)| Row {
        method: &r.method,
        name,
        count: r.count,
        failures: r.failures,
        latency: &r.total,
        bytes_received: r.bytes_received,
        rps: r.rps,
        failures_per_s: per_second(r.failures, millis),
    });
    let totals = &summary.totals;
    let aggregated = Row {
        method: "",
        name: "Aggregated",
        count: totals.requests,
        failures: totals.failures,
        latency: &totals.latency,
        bytes_received: totals.bytes_received,
        rps: totals.rps,
        failures_per_s: per_second(totals.failures, millis),
    };
    let rows = requests.chain([aggregated]).map(|row| row.cells());
    write_table(out, &HEADER, rows)
}

struct Row<'a> {
    method: &'a str,
    name: &'a str,
    count: u64,
    failures: u64,
    latency: &'a Latency,
    bytes_received: u64,
    rps: f64,
    failures_per_s: f64,
}

impl Row<'_> {
    fn cells(&self) -> Vec<String> {
        // Locust's "content size" is the body alone; starling counts the
        // bytes received, headers included, the nearest it measures.
        let content_size = super::ratio(self.bytes_received, self.count);
        let mut cells = vec![
            self.method.to_owned(),
            self.name.to_owned(),
            self.count.to_string(),
            self.failures.to_string(),
            // An empty latency has zeros here, as Locust writes them.
            whole_ms(self.latency.p50_us),
            ms(self.latency.mean_us),
            ms(self.latency.min_us),
            ms(self.latency.max_us),
            content_size.to_string(),
            self.rps.to_string(),
            self.failures_per_s.to_string(),
        ];
        cells.extend(LOCUST_PERCENTILES.iter().map(|&p| {
            self.latency
                .percentile(p)
                .map_or_else(|| NA.to_owned(), whole_ms)
        }));
        cells
    }
}
