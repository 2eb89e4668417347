//! Judging one threshold on a `Summary`: find its scope by name, read the
//! metric, compare with the limit. A scope that received nothing is
//! `no data`, which fails.

use crate::summary::{Latency, Summary, ratio};

use super::{ThresholdMetric, ThresholdResult, ThresholdScope, ThresholdSpec, ThresholdStatus};

/// Judges `threshold` on `summary`.
pub fn judge(threshold: &ThresholdSpec, summary: &Summary) -> ThresholdResult {
    let actual = actual(threshold, summary);
    let status = match actual {
        None => ThresholdStatus::NoData,
        Some(value) if holds(threshold, value) => ThresholdStatus::Pass,
        Some(_) => ThresholdStatus::Fail,
    };
    ThresholdResult {
        threshold: threshold.clone(),
        actual,
        status,
    }
}

fn holds(threshold: &ThresholdSpec, actual: f64) -> bool {
    // Ratios and rates are compared with a tolerance of a float's rounding,
    // so `errors: 1%` passes at exactly 1 failure in 100.
    let slack = threshold.limit.abs() * 1e-9;
    if threshold.metric.is_floor() {
        actual >= threshold.limit - slack
    } else {
        actual <= threshold.limit + slack
    }
}

/// The numbers a scope offers: its duration distribution, how many
/// finished and how many of those failed, and its rate.
struct Figures<'a> {
    latency: &'a Latency,
    count: u64,
    failures: u64,
    rps: Option<f64>,
}

fn actual(threshold: &ThresholdSpec, summary: &Summary) -> Option<f64> {
    if threshold.metric == ThresholdMetric::Dropped {
        // Arrivals exist in the open model only, and are never a
        // journey's or a service's: `dropped` judges the run.
        let totals = &summary.totals;
        let arrivals = totals.journeys_started + totals.dropped_arrivals;
        return (summary.run.model == "open" && arrivals > 0)
            .then(|| ratio(totals.dropped_arrivals, arrivals));
    }
    let figures = figures(&threshold.scope, summary)?;
    if figures.count == 0 {
        return None;
    }
    let failed = ratio(figures.failures, figures.count);
    match threshold.metric {
        ThresholdMetric::Errors => Some(failed),
        ThresholdMetric::Success => Some(1.0 - failed),
        ThresholdMetric::Rps => figures.rps,
        ThresholdMetric::Mean => nonempty(figures.latency).map(|l| l.mean_us as f64),
        ThresholdMetric::Max => nonempty(figures.latency).map(|l| l.max_us as f64),
        ThresholdMetric::Percentile(p) => figures.latency.percentile(p).map(|us| us as f64),
        ThresholdMetric::Dropped => None,
    }
}

fn nonempty(latency: &Latency) -> Option<&Latency> {
    (latency.count > 0).then_some(latency)
}

fn figures<'a>(scope: &ThresholdScope, summary: &'a Summary) -> Option<Figures<'a>> {
    match scope {
        ThresholdScope::All => Some(Figures {
            latency: &summary.totals.latency,
            count: summary.totals.requests,
            failures: summary.totals.failures,
            rps: Some(summary.totals.rps),
        }),
        ThresholdScope::Journey(name) => summary.journeys.get(name).map(|j| Figures {
            latency: &j.duration,
            count: j.succeeded + j.failed,
            failures: j.failed,
            rps: None,
        }),
        ThresholdScope::Service(name) => summary.services.get(name).map(|s| Figures {
            latency: &s.latency,
            count: s.requests,
            failures: s.failures,
            rps: Some(s.rps),
        }),
        ThresholdScope::Request(name) => summary.requests.get(name).map(|r| Figures {
            latency: &r.total,
            count: r.count,
            failures: r.failures,
            rps: Some(r.rps),
        }),
        ThresholdScope::Group(name) => summary.sections.get(name).map(|s| Figures {
            latency: &s.duration,
            count: s.count,
            failures: s.failures,
            rps: None,
        }),
    }
}
