//! Tallies (indexed by the catalog) → `Summary` (keyed by name). Entries
//! sharing a name are merged here, which is also how several results
//! files merge: their catalogs and tallies are concatenated and built once.

use std::time::Duration;

use indexmap::IndexMap;

use crate::histogram::LatencyPair;
use crate::summary::{
    ExampleSummary, FORMAT, FunnelStep, JourneySummary, RequestSummary, RunInfo, SectionSummary,
    ServiceSummary, StepFailure, Summary, TimePoint, Totals, VERSION, per_second, ratio,
};
use crate::tally::{Examples, JourneyTally, RequestTally, SectionTally, Tallies};
use crate::tracks::Tracks;
use crate::verdict::Verdict;
use crate::{Catalog, SectionKind};

/// What the engine knows about the run as a whole.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunMeta {
    pub scenario: String,
    pub started_at_unix_ms: u64,
    /// Wall time of the run (the denominator of every rate).
    pub duration: Duration,
    pub workers: usize,
    /// `"closed"` or `"open"`.
    pub model: String,
    pub seed: Option<u64>,
    /// Ctrl-C or SIGTERM ended the run.
    pub stopped_early: bool,
}

struct NamedRequest<'a> {
    method: &'a str,
    service: &'a str,
    tally: RequestTally,
}

struct NamedJourney<'a> {
    user_type: &'a str,
    labels: &'a [String],
    tally: JourneyTally,
}

struct NamedSection<'a> {
    kind: SectionKind,
    journey: Option<&'a str>,
    tally: SectionTally,
}

pub(crate) fn build(
    catalog: &Catalog,
    tallies: &Tallies,
    meta: &RunMeta,
    peak_users: u64,
    timeseries: Vec<TimePoint>,
    tracks: Tracks,
) -> Summary {
    let millis = u64::try_from(meta.duration.as_millis()).unwrap_or(u64::MAX);
    let requests = name_requests(catalog, tallies);
    let journeys = name_journeys(catalog, tallies);
    let sections = name_sections(catalog, tallies);

    let mut all = RequestTally::default();
    for request in requests.values() {
        all.add(&request.tally);
    }
    let (started, succeeded, failed) = journeys.values().fold((0, 0, 0), |acc, j| {
        (
            acc.0 + j.tally.started,
            acc.1 + j.tally.succeeded,
            acc.2 + j.tally.failed,
        )
    });
    let totals = Totals {
        requests: all.count,
        failures: all.failures.total(),
        failure_ratio: ratio(all.failures.total(), all.count),
        rps: per_second(all.count, millis),
        bytes_sent: all.bytes_sent,
        bytes_received: all.bytes_received,
        status_codes: all.statuses.to_map(),
        failure_categories: all.failures.to_map(),
        latency: all.total.measured.latency(),
        latency_corrected: all.total.corrected().latency(),
        journeys_started: started,
        journeys_succeeded: succeeded,
        journeys_failed: failed,
        dropped_arrivals: tallies.dropped_arrivals,
    };

    Summary {
        format: FORMAT.to_owned(),
        version: VERSION,
        run: RunInfo {
            scenario: meta.scenario.clone(),
            started_at_unix_ms: meta.started_at_unix_ms,
            duration_ms: millis,
            workers: meta.workers,
            model: meta.model.clone(),
            seed: meta.seed,
            stopped_early: meta.stopped_early,
            peak_users,
            aborted_by: None,
            errors: Vec::new(),
            partial: false,
            // Set by whoever knows the scenario (the engine's config).
            scenario_hash: None,
            segment: None,
            started_late_ms: None,
            host: None,
            // Stamped, like the hash, by whoever knows the plan.
            targets: IndexMap::new(),
            guessed_services: Vec::new(),
            warnings: Vec::new(),
            load: None,
            starling: None,
            trace_export: None,
            stats_reset_after_ms: None,
        },
        totals,
        services: services(&requests, millis),
        requests: requests
            .iter()
            .map(|(name, r)| (name.to_string(), request_summary(r, millis)))
            .collect(),
        journeys: journeys
            .iter()
            .map(|(name, j)| (name.to_string(), journey_summary(j)))
            .collect(),
        sections: sections
            .iter()
            .map(|(name, s)| (name.to_string(), section_summary(s)))
            .collect(),
        timeseries,
        tracks,
        // Judged by whoever knows the thresholds: the engine at the end of
        // a run, `merge` on the merged results.
        thresholds: Vec::new(),
        verdict: Verdict::Pass,
    }
}

fn name_requests<'a>(
    catalog: &'a Catalog,
    tallies: &Tallies,
) -> IndexMap<&'a str, NamedRequest<'a>> {
    let mut named: IndexMap<&str, NamedRequest<'_>> = IndexMap::new();
    for (meta, tally) in catalog.requests.iter().zip(&tallies.requests) {
        let service = catalog
            .services
            .get(meta.service)
            .map_or("", String::as_str);
        named
            .entry(meta.name.as_str())
            .or_insert_with(|| NamedRequest {
                method: &meta.method,
                service,
                tally: RequestTally::default(),
            })
            .tally
            .add(tally);
    }
    named
}

fn name_journeys<'a>(
    catalog: &'a Catalog,
    tallies: &Tallies,
) -> IndexMap<&'a str, NamedJourney<'a>> {
    let mut named: IndexMap<&str, NamedJourney<'_>> = IndexMap::new();
    for (meta, tally) in catalog.journeys.iter().zip(&tallies.journeys) {
        named
            .entry(meta.name.as_str())
            .or_insert_with(|| NamedJourney {
                user_type: &meta.user_type,
                labels: &meta.funnel,
                tally: JourneyTally::new(meta.funnel.len()),
            })
            .tally
            .add(tally);
    }
    named
}

fn name_sections<'a>(
    catalog: &'a Catalog,
    tallies: &Tallies,
) -> IndexMap<&'a str, NamedSection<'a>> {
    let mut named: IndexMap<&str, NamedSection<'_>> = IndexMap::new();
    for (meta, tally) in catalog.sections.iter().zip(&tallies.sections) {
        let journey = meta
            .journey
            .and_then(|j| catalog.journeys.get(j))
            .map(|j| j.name.as_str());
        named
            .entry(meta.name.as_str())
            .or_insert_with(|| NamedSection {
                kind: meta.kind,
                journey,
                tally: SectionTally::default(),
            })
            .tally
            .add(tally);
    }
    named
}

fn request_summary(request: &NamedRequest<'_>, millis: u64) -> RequestSummary {
    let t = &request.tally;
    RequestSummary {
        method: request.method.to_owned(),
        service: request.service.to_owned(),
        count: t.count,
        failures: t.failures.total(),
        failure_ratio: ratio(t.failures.total(), t.count),
        rps: per_second(t.count, millis),
        failure_categories: t.failures.to_map(),
        status_codes: t.statuses.to_map(),
        bytes_sent: t.bytes_sent,
        bytes_received: t.bytes_received,
        redirects: t.redirects,
        connect: t.connect.latency(),
        ttfb: t.ttfb.latency(),
        total: t.total.measured.latency(),
        total_corrected: t.total.corrected().latency(),
        examples: examples(&t.examples),
    }
}

fn journey_summary(journey: &NamedJourney<'_>) -> JourneySummary {
    let t = &journey.tally;
    let label = |step: usize| {
        journey
            .labels
            .get(step)
            .cloned()
            .unwrap_or_else(|| format!("step {}", step + 1))
    };
    let mut failures: Vec<StepFailure> = t
        .failed_at
        .iter()
        .filter(|f| f.2 > 0)
        .map(|&(step, category, count)| StepFailure {
            step,
            label: label(step),
            category,
            count,
        })
        .collect();
    // Fully ordered, so the output does not depend on arrival order.
    failures.sort_by(|a, b| (b.count, a.step, a.category).cmp(&(a.count, b.step, b.category)));
    JourneySummary {
        user_type: journey.user_type.to_owned(),
        started: t.started,
        succeeded: t.succeeded,
        failed: t.failed,
        success_ratio: ratio(t.succeeded, t.succeeded + t.failed),
        duration: t.duration.measured.latency(),
        duration_corrected: t.duration.corrected().latency(),
        funnel: (0..t.reached.len().max(journey.labels.len()))
            .map(|step| FunnelStep {
                label: label(step),
                reached: t.reached.get(step).copied().unwrap_or(0),
                passed: t.passed.get(step).copied().unwrap_or(0),
            })
            .collect(),
        failures,
        examples: examples(&t.examples),
        samples: t.samples.summary(),
    }
}

fn section_summary(section: &NamedSection<'_>) -> SectionSummary {
    SectionSummary {
        kind: section.kind,
        journey: section.journey.map(str::to_owned),
        count: section.tally.count,
        failures: section.tally.failures,
        duration: section.tally.duration.latency(),
    }
}

/// The systemic-load view: each service's requests summed, their
/// histograms merged (so its percentiles are exact, not averaged).
fn services(
    requests: &IndexMap<&str, NamedRequest<'_>>,
    millis: u64,
) -> IndexMap<String, ServiceSummary> {
    let mut merged: IndexMap<&str, (u64, u64, LatencyPair)> = IndexMap::new();
    for request in requests.values() {
        let entry = merged.entry(request.service).or_default();
        entry.0 += request.tally.count;
        entry.1 += request.tally.failures.total();
        entry.2.add(&request.tally.total);
    }
    merged
        .into_iter()
        .map(|(name, (count, failures, latency))| {
            let summary = ServiceSummary {
                requests: count,
                failures,
                failure_ratio: ratio(failures, count),
                rps: per_second(count, millis),
                latency: latency.measured.latency(),
                latency_corrected: latency.corrected().latency(),
            };
            (name.to_owned(), summary)
        })
        .collect()
}

fn examples(examples: &Examples) -> Vec<ExampleSummary> {
    examples
        .iter()
        .map(|kept| ExampleSummary {
            category: kept.category,
            example: kept.example.clone(),
            trace_id: kept.trace,
        })
        .collect()
}
