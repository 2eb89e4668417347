//! THRESHOLDS, the last table: each threshold with ✓ or ✗, its actual
//! value against its limit, and the verdict under it, so the line a CI log
//! ends with says whether the run passed.

use std::io::{self, Write};

use comfy_table::Cell;
use starling_metrics::{
    Summary, ThresholdMetric, ThresholdResult, ThresholdSpec, ThresholdStatus, Verdict,
};

use super::Style;
use crate::format::{duration_us, percent, rate};

pub(super) fn render(summary: &Summary, out: &mut impl Write, style: &Style<'_>) -> io::Result<()> {
    if summary.thresholds.is_empty() {
        return Ok(());
    }
    style.title(out, "THRESHOLDS")?;
    let mut table = style.table(&["", "threshold", "actual", "limit"], 2);
    for result in &summary.thresholds {
        let failed = !result.passed();
        let mark = if failed { "✗" } else { "✓" };
        table.add_row(vec![
            style.alarm(mark.to_owned(), failed),
            Cell::new(&result.threshold.label),
            style.alarm(actual(result), failed),
            Cell::new(limit(&result.threshold)),
        ]);
    }
    style.print(out, &table)?;
    let failed = summary.thresholds.iter().filter(|t| !t.passed()).count();
    let line = match summary.verdict {
        Verdict::Pass => format!(
            "verdict: pass ({} thresholds held)",
            summary.thresholds.len()
        ),
        Verdict::Fail => format!(
            "verdict: FAIL ({failed} of {} thresholds failed)",
            summary.thresholds.len()
        ),
        Verdict::Aborted => format!(
            "verdict: ABORTED by `{}` ({failed} of {} thresholds failed)",
            summary.run.aborted_by.as_deref().unwrap_or("?"),
            summary.thresholds.len()
        ),
    };
    writeln!(out, "{line}")
}

fn actual(result: &ThresholdResult) -> String {
    match (result.status, result.actual) {
        (ThresholdStatus::NoData, _) | (_, None) => "no data".to_owned(),
        (_, Some(value)) => value_text(result.threshold.metric, value),
    }
}

fn limit(threshold: &ThresholdSpec) -> String {
    let op = if threshold.metric.is_floor() {
        "≥"
    } else {
        "≤"
    };
    format!("{op} {}", value_text(threshold.metric, threshold.limit))
}

fn value_text(metric: ThresholdMetric, value: f64) -> String {
    match metric {
        m if m.is_duration() => duration_us(value.round().max(0.0) as u64),
        ThresholdMetric::Rps => format!("{}/s", rate(value)),
        _ => percent(value),
    }
}
