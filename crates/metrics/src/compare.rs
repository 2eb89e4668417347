//! Comparing two results files: per journey, request and service, the
//! base and the new run side by side, with each change and whether it is a
//! regression beyond a tolerance. Reads only the two `Summary`s.

use serde::Serialize;

use crate::summary::{Latency, Summary};

/// What a row is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareKind {
    Journey,
    Request,
    Service,
}

/// One scope's figures in one run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Figures {
    pub p50_us: u64,
    pub p95_us: u64,
    pub p99_us: u64,
    /// Failed / finished, 0 to 1.
    pub error_rate: f64,
    /// Requests per second (journeys: iterations started per second).
    pub throughput: f64,
}

/// One scope in both runs; a side is `None` where that run lacks it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComparedRow {
    pub kind: CompareKind,
    pub name: String,
    pub base: Option<Figures>,
    pub new: Option<Figures>,
    /// Its p95 grew past the tolerance.
    pub p95_regressed: bool,
    /// Its error rate grew past the tolerance.
    pub errors_regressed: bool,
}

impl ComparedRow {
    pub fn regressed(&self) -> bool {
        self.p95_regressed || self.errors_regressed
    }
}

/// Error rates this close are the same, whatever their ratio: 0 failures
/// against 1 in 10,000 is noise, not an infinite regression.
const ERROR_RATE_FLOOR: f64 = 0.001;

/// Compares `new` with `base`. `tolerance` is a fraction (0.1 for 10%):
/// a p95 more than that much above the base's, or an error rate more than
/// that much above it (and at least 0.1 percentage point), is a regression.
pub fn compare(base: &Summary, new: &Summary, tolerance: f64) -> Vec<ComparedRow> {
    let mut rows = Vec::new();
    let mut add = |kind, name: &str, base: Option<Figures>, new: Option<Figures>| {
        let (p95_regressed, errors_regressed) = match (base, new) {
            (Some(b), Some(n)) => (
                n.p95_us as f64 > b.p95_us as f64 * (1.0 + tolerance) && n.p95_us > b.p95_us,
                n.error_rate > b.error_rate * (1.0 + tolerance)
                    && n.error_rate - b.error_rate >= ERROR_RATE_FLOOR,
            ),
            _ => (false, false),
        };
        rows.push(ComparedRow {
            kind,
            name: name.to_owned(),
            base,
            new,
            p95_regressed,
            errors_regressed,
        });
    };
    for name in names(base.journeys.keys(), new.journeys.keys()) {
        add(
            CompareKind::Journey,
            &name,
            journey(base, &name),
            journey(new, &name),
        );
    }
    for name in names(base.requests.keys(), new.requests.keys()) {
        let figures = |s: &Summary| {
            s.requests
                .get(&name)
                .map(|r| figures(&r.total, r.failures, r.count, r.rps))
        };
        add(CompareKind::Request, &name, figures(base), figures(new));
    }
    for name in names(base.services.keys(), new.services.keys()) {
        let figures = |s: &Summary| {
            s.services
                .get(&name)
                .map(|v| figures(&v.latency, v.failures, v.requests, v.rps))
        };
        add(CompareKind::Service, &name, figures(base), figures(new));
    }
    rows
}

/// The base's names in order, then those only the new run has.
fn names<'a>(
    base: impl Iterator<Item = &'a String>,
    new: impl Iterator<Item = &'a String>,
) -> Vec<String> {
    let mut all: Vec<String> = base.cloned().collect();
    for name in new {
        if !all.contains(name) {
            all.push(name.clone());
        }
    }
    all
}

fn journey(summary: &Summary, name: &str) -> Option<Figures> {
    let j = summary.journeys.get(name)?;
    let seconds = summary.run.duration_ms as f64 / 1000.0;
    let throughput = if seconds > 0.0 {
        j.started as f64 / seconds
    } else {
        0.0
    };
    Some(figures(
        &j.duration,
        j.failed,
        j.succeeded + j.failed,
        throughput,
    ))
}

fn figures(latency: &Latency, failed: u64, finished: u64, throughput: f64) -> Figures {
    Figures {
        p50_us: latency.p50_us,
        p95_us: latency.p95_us,
        p99_us: latency.p99_us,
        error_rate: if finished == 0 {
            0.0
        } else {
            failed as f64 / finished as f64
        },
        throughput,
    }
}
