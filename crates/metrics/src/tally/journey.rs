//! The tally of one journey: outcomes, funnel and end-to-end duration.

use std::time::Duration;

use crate::histogram::LatencyPair;
use crate::tally::{Examples, Samples};
use crate::{FailureCategory, JourneyOutcome};

#[derive(Clone, Debug, Default)]
pub(crate) struct JourneyTally {
    pub(crate) started: u64,
    pub(crate) succeeded: u64,
    pub(crate) failed: u64,
    /// (top-level step, category, count): few distinct pairs per run.
    pub(crate) failed_at: Vec<(usize, FailureCategory, u64)>,
    /// Per top-level step: iterations that reached it, and that passed it.
    pub(crate) reached: Vec<u64>,
    pub(crate) passed: Vec<u64>,
    /// End to end, finished iterations (successful or failed); measured
    /// and corrected from the intended start.
    pub(crate) duration: LatencyPair,
    pub(crate) examples: Examples,
    /// Failed and slowest iterations, kept whole.
    pub(crate) samples: Samples,
}

impl JourneyTally {
    pub(crate) fn new(steps: usize) -> JourneyTally {
        JourneyTally {
            reached: vec![0; steps],
            passed: vec![0; steps],
            ..JourneyTally::default()
        }
    }

    /// Counts a step; a step index beyond the funnel is ignored (an
    /// engine bug must not panic a run).
    pub(crate) fn step_reached(&mut self, step: usize) {
        if let Some(count) = self.reached.get_mut(step) {
            *count += 1;
        }
    }

    pub(crate) fn step_passed(&mut self, step: usize) {
        if let Some(count) = self.passed.get_mut(step) {
            *count += 1;
        }
    }

    pub(crate) fn finished(&mut self, outcome: JourneyOutcome, duration: Duration, lag: Duration) {
        match outcome {
            JourneyOutcome::Success => self.succeeded += 1,
            JourneyOutcome::Failed { step, category } => {
                self.failed += 1;
                self.add_failure(step, category, 1);
            }
        }
        self.duration.record(duration, lag);
    }

    pub(crate) fn add_failure(&mut self, step: usize, category: FailureCategory, n: u64) {
        match self
            .failed_at
            .iter_mut()
            .find(|(s, c, _)| *s == step && *c == category)
        {
            Some((_, _, count)) => *count += n,
            None => self.failed_at.push((step, category, n)),
        }
    }

    pub(crate) fn take(&mut self) -> JourneyTally {
        let failed_at = self.failed_at.iter().copied().filter(|f| f.2 > 0).collect();
        for failure in &mut self.failed_at {
            failure.2 = 0;
        }
        JourneyTally {
            started: std::mem::take(&mut self.started),
            succeeded: std::mem::take(&mut self.succeeded),
            failed: std::mem::take(&mut self.failed),
            failed_at,
            reached: take_counts(&mut self.reached),
            passed: take_counts(&mut self.passed),
            duration: self.duration.take(),
            examples: self.examples.take(),
            samples: self.samples.take(),
        }
    }

    pub(crate) fn add(&mut self, other: &JourneyTally) {
        self.started += other.started;
        self.succeeded += other.succeeded;
        self.failed += other.failed;
        for &(step, category, n) in &other.failed_at {
            self.add_failure(step, category, n);
        }
        add_counts(&mut self.reached, &other.reached);
        add_counts(&mut self.passed, &other.passed);
        self.duration.add(&other.duration);
        self.examples.add(&other.examples);
        self.samples.add(&other.samples);
    }
}

fn take_counts(counts: &mut [u64]) -> Vec<u64> {
    counts.iter_mut().map(std::mem::take).collect()
}

fn add_counts(mine: &mut Vec<u64>, theirs: &[u64]) {
    if theirs.len() > mine.len() {
        mine.resize(theirs.len(), 0);
    }
    for (m, t) in mine.iter_mut().zip(theirs) {
        *m += t;
    }
}
