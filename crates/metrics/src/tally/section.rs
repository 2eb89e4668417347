//! The tally of one group or poll.

use std::time::Duration;

use crate::histogram::{LazyHist, micros};

#[derive(Clone, Debug, Default)]
pub(crate) struct SectionTally {
    pub(crate) count: u64,
    pub(crate) failures: u64,
    pub(crate) duration: LazyHist,
}

impl SectionTally {
    pub(crate) fn record(&mut self, duration: Duration, ok: bool) {
        self.count += 1;
        if !ok {
            self.failures += 1;
        }
        self.duration.record(micros(duration));
    }

    pub(crate) fn take(&mut self) -> SectionTally {
        SectionTally {
            count: std::mem::take(&mut self.count),
            failures: std::mem::take(&mut self.failures),
            duration: self.duration.take(),
        }
    }

    pub(crate) fn add(&mut self, other: &SectionTally) {
        self.count += other.count;
        self.failures += other.failures;
        self.duration.add(&other.duration);
    }
}
