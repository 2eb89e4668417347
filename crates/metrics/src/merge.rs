//! Merging results: several `Summary`s (from processes or machines that
//! each ran a segment of the load) become one, exactly: counters are
//! summed and histograms decoded and added, then percentiles recomputed.

use std::time::Duration;

use indexmap::IndexMap;

use crate::error::DecodeError;
use crate::histogram::{LatencyPair, LazyHist};
use crate::summarize::{RunMeta, build};
use crate::summary::{ExampleSummary, FORMAT, OLDEST_VERSION, Summary, TimePoint, VERSION};
use crate::tally::{Examples, JourneyTally, RequestTally, Samples, SectionTally, Tallies};
use crate::trace_export::TraceExport;
use crate::tracks::Tracks;
use crate::verdict::ThresholdSpec;
use crate::{Catalog, JourneyMeta, RequestMeta, SectionMeta};

impl Summary {
    /// Merges results of the same scenario run in parallel segments.
    /// Counts add up and percentiles are those of all values together;
    /// the run lasts as long as its longest part, so rates are the sums'
    /// over that. Time-series points are aligned by whole second: counts
    /// and users add, and each percentile is the largest of the parts (an
    /// upper bound of the merged one: the points keep no histogram).
    pub fn merge(parts: &[Summary]) -> Result<Summary, DecodeError> {
        let first = parts.first().ok_or(DecodeError::Empty)?;
        let mut catalog = Catalog::default();
        let mut tallies = Tallies::default();
        for part in parts {
            let (c, t) = decode(part)?;
            append(&mut catalog, &mut tallies, c, t);
        }
        let meta = RunMeta {
            scenario: first.run.scenario.clone(),
            started_at_unix_ms: parts
                .iter()
                .map(|p| p.run.started_at_unix_ms)
                .min()
                .unwrap_or(0),
            duration: Duration::from_millis(
                parts.iter().map(|p| p.run.duration_ms).max().unwrap_or(0),
            ),
            workers: parts.iter().map(|p| p.run.workers).sum(),
            model: first.run.model.clone(),
            seed: first.run.seed,
            stopped_early: parts.iter().any(|p| p.run.stopped_early),
        };
        let timeseries = merge_timeseries(parts);
        let peak = timeseries
            .iter()
            .map(|p| p.active_users)
            .max()
            .unwrap_or_else(|| parts.iter().map(|p| p.run.peak_users).sum());
        let tracks = Tracks::merge(parts.iter().map(|p| &p.tracks));
        let mut merged = build(&catalog, &tallies, &meta, peak, timeseries, tracks);
        // The thresholds every part declared (once each, by label), judged
        // again on the whole: a verdict is the merged run's, not a vote
        // of the parts' verdicts.
        let mut declared: Vec<ThresholdSpec> = Vec::new();
        for threshold in parts.iter().flat_map(Summary::declared_thresholds) {
            if !declared.iter().any(|d| d.label == threshold.label) {
                declared.push(threshold);
            }
        }
        merged.run.scenario_hash = first.run.scenario_hash.clone();
        // Every segment runs a share of the same plan: its curve and
        // targets are the whole run's.
        merged.run.load = first.run.load.clone();
        merged.run.targets = first.run.targets.clone();
        merged.run.guessed_services = first.run.guessed_services.clone();
        // What drifted in each part adds up (late starts, users without a
        // row); what every part says of the plan is said once.
        merged.run.warnings = crate::RunWarning::merged(parts.iter().flat_map(|p| &p.run.warnings));
        merged.run.starling = first.run.starling.clone();
        merged.run.errors = parts.iter().flat_map(|p| p.run.errors.clone()).collect();
        merged.run.trace_export = parts
            .iter()
            .filter_map(|p| p.run.trace_export.as_ref())
            .fold(None, |sum: Option<TraceExport>, part| {
                let mut sum = sum.unwrap_or_default();
                sum.add(part);
                Some(sum)
            });
        let aborted_by = parts.iter().find_map(|p| p.run.aborted_by.as_deref());
        merged.judge(&declared, aborted_by);
        Ok(merged)
    }
}

/// Appends one part's keys and tallies; duplicate names are merged later
/// by the summary builder.
fn append(catalog: &mut Catalog, tallies: &mut Tallies, mut c: Catalog, t: Tallies) {
    let services = catalog.services.len();
    let journeys = catalog.journeys.len();
    for request in &mut c.requests {
        request.service += services;
    }
    for section in &mut c.sections {
        section.journey = section.journey.map(|j| j + journeys);
    }
    catalog.services.extend(c.services);
    catalog.requests.extend(c.requests);
    catalog.journeys.extend(c.journeys);
    catalog.sections.extend(c.sections);
    tallies.requests.extend(t.requests);
    tallies.journeys.extend(t.journeys);
    tallies.sections.extend(t.sections);
    tallies.dropped_arrivals += t.dropped_arrivals;
}

/// Rebuilds the catalog and tallies a summary was made from.
fn decode(summary: &Summary) -> Result<(Catalog, Tallies), DecodeError> {
    if summary.format != FORMAT {
        return Err(DecodeError::Format(summary.format.clone()));
    }
    if !(OLDEST_VERSION..=VERSION).contains(&summary.version) {
        return Err(DecodeError::Version(summary.version));
    }
    let mut catalog = Catalog::default();
    let mut tallies = Tallies {
        dropped_arrivals: summary.totals.dropped_arrivals,
        ..Tallies::default()
    };
    let mut services: IndexMap<&str, ()> = IndexMap::new();
    for (name, r) in &summary.requests {
        let (service, _) = services.insert_full(r.service.as_str(), ());
        catalog.requests.push(RequestMeta {
            name: name.clone(),
            method: r.method.clone(),
            service,
        });
        let mut tally = RequestTally {
            count: r.count,
            bytes_sent: r.bytes_sent,
            bytes_received: r.bytes_received,
            redirects: r.redirects,
            connect: LazyHist::decode(&r.connect)?,
            ttfb: LazyHist::decode(&r.ttfb)?,
            total: LatencyPair::from_parts(
                LazyHist::decode(&r.total)?,
                LazyHist::decode(&r.total_corrected)?,
            ),
            examples: examples(&r.examples),
            ..RequestTally::default()
        };
        for (&category, &n) in &r.failure_categories {
            tally.failures.add_n(category, n);
        }
        for (&status, &n) in &r.status_codes {
            tally.statuses.add_n(status, n);
        }
        tallies.requests.push(tally);
    }
    catalog.services = services.keys().map(|s| (*s).to_owned()).collect();
    for (name, j) in &summary.journeys {
        catalog.journeys.push(JourneyMeta {
            name: name.clone(),
            user_type: j.user_type.clone(),
            funnel: j.funnel.iter().map(|s| s.label.clone()).collect(),
        });
        let mut tally = JourneyTally {
            started: j.started,
            succeeded: j.succeeded,
            failed: j.failed,
            reached: j.funnel.iter().map(|s| s.reached).collect(),
            passed: j.funnel.iter().map(|s| s.passed).collect(),
            duration: LatencyPair::from_parts(
                LazyHist::decode(&j.duration)?,
                LazyHist::decode(&j.duration_corrected)?,
            ),
            examples: examples(&j.examples),
            samples: Samples::from_summary(&j.samples),
            ..JourneyTally::default()
        };
        for failure in &j.failures {
            tally.add_failure(failure.step, failure.category, failure.count);
        }
        tallies.journeys.push(tally);
    }
    for (name, s) in &summary.sections {
        catalog.sections.push(SectionMeta {
            name: name.clone(),
            kind: s.kind,
            journey: s
                .journey
                .as_ref()
                .and_then(|j| summary.journeys.get_index_of(j.as_str())),
        });
        tallies.sections.push(SectionTally {
            count: s.count,
            failures: s.failures,
            duration: LazyHist::decode(&s.duration)?,
        });
    }
    Ok((catalog, tallies))
}

fn examples(list: &[ExampleSummary]) -> Examples {
    let mut examples = Examples::default();
    for e in list {
        examples.push(e.category, e.example.clone(), e.trace_id);
    }
    examples
}

fn merge_timeseries(parts: &[Summary]) -> Vec<TimePoint> {
    let mut by_second: std::collections::BTreeMap<u64, TimePoint> = Default::default();
    for point in parts.iter().flat_map(|p| &p.timeseries) {
        let second = (point.elapsed_ms + 500) / 1000;
        let merged = by_second.entry(second).or_default();
        merged.elapsed_ms = merged.elapsed_ms.max(point.elapsed_ms);
        merged.active_users += point.active_users;
        merged.requests += point.requests;
        merged.failures += point.failures;
        merged.rps += point.rps;
        merged.failures_per_s += point.failures_per_s;
        merged.p50_us = merged.p50_us.max(point.p50_us);
        merged.p95_us = merged.p95_us.max(point.p95_us);
        merged.p99_us = merged.p99_us.max(point.p99_us);
        merged.p99_corrected_us = merged.p99_corrected_us.max(point.p99_corrected_us);
    }
    by_second.into_values().collect()
}
