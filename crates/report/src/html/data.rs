//! The page data: a `Summary` as the report page (and the web UI) reads
//! it. Two changes keep it small: the encoded histograms (`hdr`, kilobytes
//! of base64 each that a page cannot use) are dropped, and the run's time
//! series becomes one array per field instead of one object per point, so
//! a field's name is written once rather than 4,096 times.

use serde_json::{Map, Value, json};
use starling_metrics::{Summary, TimePoint};

/// The page data of `summary`, as embedded in the HTML report and as the
/// web UI streams it: the `Summary`'s JSON without the `hdr` strings and
/// with `timeseries` as columns (`{"elapsed_ms": [..], "rps": [..], ..}`,
/// every array as long as the series).
pub fn page_data(summary: &Summary) -> Value {
    let mut data = serde_json::to_value(summary).unwrap_or(Value::Null);
    strip_histograms(&mut data);
    if let Some(object) = data.as_object_mut() {
        object.insert("timeseries".into(), columns(&summary.timeseries));
    }
    data
}

/// The series as columns. Rates keep two decimals: the page shows three
/// significant digits, and a full `f64` costs 17 characters a point.
fn columns(points: &[TimePoint]) -> Value {
    let column = |field: fn(&TimePoint) -> u64| -> Value {
        points.iter().map(field).collect::<Vec<u64>>().into()
    };
    let rate = |field: fn(&TimePoint) -> f64| -> Value {
        points
            .iter()
            .map(|p| round2(field(p)))
            .collect::<Vec<f64>>()
            .into()
    };
    json!({
        "elapsed_ms": column(|p| p.elapsed_ms),
        "active_users": column(|p| p.active_users),
        "requests": column(|p| p.requests),
        "failures": column(|p| p.failures),
        "rps": rate(|p| p.rps),
        "failures_per_s": rate(|p| p.failures_per_s),
        "p50_us": column(|p| p.p50_us),
        "p95_us": column(|p| p.p95_us),
        "p99_us": column(|p| p.p99_us),
        "p99_corrected_us": column(|p| p.p99_corrected_us),
    })
}

fn round2(value: f64) -> f64 {
    if value.is_finite() {
        (value * 100.0).round() / 100.0
    } else {
        0.0
    }
}

/// Removes `hdr` from every `Latency` by its place in the `Summary`, not
/// by key wherever it occurs: a request may be named `hdr`.
fn strip_histograms(data: &mut Value) {
    let latencies: [(&str, &[&str]); 4] = [
        ("requests", &["connect", "ttfb", "total", "total_corrected"]),
        ("journeys", &["duration", "duration_corrected"]),
        ("services", &["latency", "latency_corrected"]),
        ("sections", &["duration"]),
    ];
    for (map, fields) in latencies {
        for entry in values_mut(data.get_mut(map)) {
            for field in fields {
                strip(entry.get_mut(*field));
            }
        }
    }
    if let Some(totals) = data.get_mut("totals") {
        strip(totals.get_mut("latency"));
        strip(totals.get_mut("latency_corrected"));
    }
}

fn values_mut(map: Option<&mut Value>) -> impl Iterator<Item = &mut Value> {
    map.and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(Map::values_mut)
}

fn strip(latency: Option<&mut Value>) {
    if let Some(object) = latency.and_then(Value::as_object_mut) {
        object.remove("hdr");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_keep_two_decimals_and_never_become_null() {
        assert_eq!(round2(12.345_678), 12.35);
        assert_eq!(round2(f64::NAN), 0.0);
        assert_eq!(round2(f64::INFINITY), 0.0);
    }

    #[test]
    fn a_request_named_hdr_survives_while_its_histograms_go() {
        let mut data = json!({
            "requests": {"hdr": {"total": {"count": 1, "hdr": "HISTFAAA"}, "hdr": "kept"}},
            "totals": {"latency": {"hdr": "HISTFAAA"}},
        });
        strip_histograms(&mut data);
        assert_eq!(
            data,
            json!({
                "requests": {"hdr": {"total": {"count": 1}, "hdr": "kept"}},
                "totals": {"latency": {}},
            })
        );
    }
}
