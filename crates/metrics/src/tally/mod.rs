//! Tallies: the counters and histograms of one metric key. The same types
//! serve the shard (filled on the hot path), the snapshot (one interval)
//! and the aggregate (the whole run), so merging is one `add` everywhere.
//! `samples` keeps a journey's failed and slowest iterations whole.

mod counts;
mod examples;
mod journey;
mod request;
mod samples;
mod section;

pub(crate) use counts::{CategoryCounts, StatusCounts};
pub(crate) use examples::Examples;
pub(crate) use journey::JourneyTally;
pub(crate) use request::RequestTally;
pub(crate) use samples::Samples;
pub(crate) use section::SectionTally;

use crate::Catalog;

/// Every tally of a run, indexed like the `Catalog`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tallies {
    pub(crate) requests: Vec<RequestTally>,
    pub(crate) journeys: Vec<JourneyTally>,
    pub(crate) sections: Vec<SectionTally>,
    pub(crate) dropped_arrivals: u64,
}

impl Tallies {
    pub(crate) fn new(catalog: &Catalog) -> Tallies {
        Tallies {
            requests: vec![RequestTally::default(); catalog.requests.len()],
            journeys: catalog
                .journeys
                .iter()
                .map(|journey| JourneyTally::new(journey.funnel.len()))
                .collect(),
            sections: vec![SectionTally::default(); catalog.sections.len()],
            dropped_arrivals: 0,
        }
    }

    /// Everything since the last take; `self` keeps its allocations.
    pub(crate) fn take(&mut self) -> Tallies {
        Tallies {
            requests: self.requests.iter_mut().map(RequestTally::take).collect(),
            journeys: self.journeys.iter_mut().map(JourneyTally::take).collect(),
            sections: self.sections.iter_mut().map(SectionTally::take).collect(),
            dropped_arrivals: std::mem::take(&mut self.dropped_arrivals),
        }
    }

    /// Per journey, iterations started and not yet finished.
    pub(crate) fn in_flight(&self) -> Vec<u64> {
        self.journeys
            .iter()
            .map(|j| j.started.saturating_sub(j.succeeded + j.failed))
            .collect()
    }

    /// Bytes held by histogram counters, the bulk of the memory.
    pub(crate) fn histogram_bytes(&self) -> usize {
        let requests: usize = self
            .requests
            .iter()
            .map(|r| r.connect.counter_bytes() + r.ttfb.counter_bytes() + r.total.counter_bytes())
            .sum();
        let journeys: usize = self
            .journeys
            .iter()
            .map(|j| j.duration.counter_bytes())
            .sum();
        let sections: usize = self
            .sections
            .iter()
            .map(|s| s.duration.counter_bytes())
            .sum();
        requests + journeys + sections
    }

    /// Adds `other` key by key. Keys beyond this catalog are ignored: a
    /// snapshot of another catalog is a caller bug, never a panic.
    pub(crate) fn add(&mut self, other: &Tallies) {
        for (mine, theirs) in self.requests.iter_mut().zip(&other.requests) {
            mine.add(theirs);
        }
        for (mine, theirs) in self.journeys.iter_mut().zip(&other.journeys) {
            mine.add(theirs);
        }
        for (mine, theirs) in self.sections.iter_mut().zip(&other.sections) {
            mine.add(theirs);
        }
        self.dropped_arrivals += other.dropped_arrivals;
    }
}
