//! A worker's metrics: updated without locks on the request path, drained
//! by the collector about once a second.

use std::time::Duration;

use crate::sample::JourneySample;
use crate::tally::Tallies;
use crate::{Catalog, FailureCategory, FailureExample, JourneyOutcome, RequestRecord, TraceId};

/// One worker thread's metrics. Every method is a few array updates;
/// out-of-range keys are ignored rather than panicking the worker.
#[derive(Debug)]
pub struct Shard {
    tallies: Tallies,
}

/// Everything one shard recorded between two `take`s. `Send`, so the
/// collector can receive it from any worker thread.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub(crate) tallies: Tallies,
}

impl Shard {
    pub fn new(catalog: &Catalog) -> Shard {
        Shard {
            tallies: Tallies::new(catalog),
        }
    }

    pub fn record_request(&mut self, request: usize, record: &RequestRecord) {
        if let Some(tally) = self.tallies.requests.get_mut(request) {
            tally.record(record);
        }
    }

    /// Whether an example of this failure would be kept: build one only
    /// when this says yes, so a failure storm costs no formatting.
    pub fn wants_example(&self, request: usize, category: FailureCategory) -> bool {
        self.tallies
            .requests
            .get(request)
            .is_some_and(|tally| tally.examples.wants(category))
    }

    pub fn record_example(
        &mut self,
        request: usize,
        category: FailureCategory,
        example: FailureExample,
    ) {
        self.record_traced_example(request, category, example, None);
    }

    /// `record_example`, with the trace id of the journey iteration it
    /// failed in, so the example can be found in the services' traces.
    pub fn record_traced_example(
        &mut self,
        request: usize,
        category: FailureCategory,
        example: FailureExample,
        trace: Option<TraceId>,
    ) {
        if let Some(tally) = self.tallies.requests.get_mut(request) {
            tally.examples.push(category, example, trace);
        }
    }

    /// Like `wants_example`, for failures that belong to a journey rather
    /// than to a request (a template or data failure before any request).
    pub fn wants_journey_example(&self, journey: usize, category: FailureCategory) -> bool {
        self.tallies
            .journeys
            .get(journey)
            .is_some_and(|tally| tally.examples.wants(category))
    }

    pub fn record_journey_example(
        &mut self,
        journey: usize,
        category: FailureCategory,
        example: FailureExample,
    ) {
        self.record_traced_journey_example(journey, category, example, None);
    }

    /// `record_journey_example`, with the iteration's trace id.
    pub fn record_traced_journey_example(
        &mut self,
        journey: usize,
        category: FailureCategory,
        example: FailureExample,
        trace: Option<TraceId>,
    ) {
        if let Some(tally) = self.tallies.journeys.get_mut(journey) {
            tally.examples.push(category, example, trace);
        }
    }

    /// Whether a failed iteration that drew `rank` would be kept whole:
    /// build its sample only when this says yes.
    pub fn wants_failed_sample(&self, journey: usize, rank: u32) -> bool {
        self.tallies
            .journeys
            .get(journey)
            .is_some_and(|tally| tally.samples.wants_failed(rank))
    }

    /// Whether a successful iteration this slow would be kept whole.
    pub fn wants_slow_sample(&self, journey: usize, duration: Duration) -> bool {
        self.tallies
            .journeys
            .get(journey)
            .is_some_and(|tally| tally.samples.wants_slow(duration))
    }

    /// Keeps an iteration whole: with the failed ones if it failed, else
    /// with the slowest.
    pub fn record_sample(&mut self, journey: usize, sample: JourneySample) {
        if let Some(tally) = self.tallies.journeys.get_mut(journey) {
            tally.samples.offer(sample);
        }
    }

    pub fn journey_started(&mut self, journey: usize) {
        if let Some(tally) = self.tallies.journeys.get_mut(journey) {
            tally.started += 1;
        }
    }

    pub fn step_reached(&mut self, journey: usize, step: usize) {
        if let Some(tally) = self.tallies.journeys.get_mut(journey) {
            tally.step_reached(step);
        }
    }

    pub fn step_passed(&mut self, journey: usize, step: usize) {
        if let Some(tally) = self.tallies.journeys.get_mut(journey) {
            tally.step_passed(step);
        }
    }

    /// `duration` is end to end, from the journey's actual start;
    /// `schedule_lag` is how late that start was (open model), so the
    /// corrected duration is `duration + schedule_lag`.
    pub fn journey_finished(
        &mut self,
        journey: usize,
        outcome: JourneyOutcome,
        duration: Duration,
        schedule_lag: Duration,
    ) {
        if let Some(tally) = self.tallies.journeys.get_mut(journey) {
            tally.finished(outcome, duration, schedule_lag);
        }
    }

    pub fn section_finished(&mut self, section: usize, duration: Duration, ok: bool) {
        if let Some(tally) = self.tallies.sections.get_mut(section) {
            tally.record(duration, ok);
        }
    }

    pub fn arrival_dropped(&mut self) {
        self.tallies.dropped_arrivals += 1;
    }

    /// Everything since the last take. The shard's counters restart at
    /// zero; its histograms keep their memory (only the copies handed to
    /// the snapshot are allocated).
    pub fn take(&mut self) -> Snapshot {
        Snapshot {
            tallies: self.tallies.take(),
        }
    }
}

impl Shard {
    /// Bytes held by this shard's histograms (nearly all of its memory):
    /// for sizing, and for the engine to report.
    pub fn histogram_bytes(&self) -> usize {
        self.tallies.histogram_bytes()
    }
}

impl Snapshot {
    /// Requests recorded in this snapshot.
    pub fn requests(&self) -> u64 {
        self.tallies.requests.iter().map(|r| r.count).sum()
    }
}
