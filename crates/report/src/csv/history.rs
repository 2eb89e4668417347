//! `PREFIX_stats_history.csv`: Locust's history, one `Aggregated` row per
//! point of the time series (as Locust writes without
//! `--csv-full-history`).
//!
//! Locust's percentiles here are over the run so far; starling's time
//! series keeps each interval's p50, p95 and p99 only, so those columns
//! hold the interval's values and the others `N/A`. The totals are the
//! series' counts summed up to the row.

use std::io::{self, Write};

use starling_metrics::{Summary, TimePoint};

use super::stats::{LOCUST_PERCENTILES, whole_ms};
use super::{NA, write_table};

const HEADER: [&str; 24] = [
    "Timestamp",
    "User Count",
    "Type",
    "Name",
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
    "Total Request Count",
    "Total Failure Count",
    "Total Median Response Time",
    "Total Average Response Time",
    "Total Min Response Time",
    "Total Max Response Time",
    "Total Average Content Size",
];

/// The `Total ...` columns after the two counts, which the series lacks.
const UNKNOWN_TOTALS: usize = 5;

pub(super) fn write(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    let started_ms = summary.run.started_at_unix_ms;
    let mut requests = 0;
    let mut failures = 0;
    let rows = summary.timeseries.iter().map(|point| {
        requests += point.requests;
        failures += point.failures;
        row(started_ms, point, requests, failures)
    });
    write_table(out, &HEADER, rows)
}

fn row(started_ms: u64, point: &TimePoint, requests: u64, failures: u64) -> Vec<String> {
    let mut cells = vec![
        // Whole Unix seconds, as Locust stamps its rows.
        ((started_ms + point.elapsed_ms) / 1000).to_string(),
        point.active_users.to_string(),
        String::new(),
        "Aggregated".to_owned(),
        // Locust's `%2f`: six decimals.
        format!("{:.6}", point.rps),
        format!("{:.6}", point.failures_per_s),
    ];
    cells.extend(LOCUST_PERCENTILES.iter().map(|&p| {
        let kept = match p {
            50.0 => point.p50_us,
            95.0 => point.p95_us,
            99.0 => point.p99_us,
            _ => return NA.to_owned(),
        };
        // An interval without requests has no latency (Locust: N/A).
        if point.requests == 0 {
            NA.to_owned()
        } else {
            whole_ms(kept)
        }
    }));
    cells.push(requests.to_string());
    cells.push(failures.to_string());
    cells.extend((0..UNKNOWN_TOTALS).map(|_| NA.to_owned()));
    cells
}
