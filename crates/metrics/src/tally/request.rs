//! The tally of one request metric.

use crate::RequestRecord;
use crate::histogram::{LatencyPair, LazyHist, micros};
use crate::tally::{CategoryCounts, Examples, StatusCounts};

#[derive(Clone, Debug, Default)]
pub(crate) struct RequestTally {
    pub(crate) count: u64,
    pub(crate) failures: CategoryCounts,
    pub(crate) bytes_sent: u64,
    pub(crate) bytes_received: u64,
    pub(crate) redirects: u64,
    pub(crate) statuses: StatusCounts,
    /// Only new connections: a reused one has no connect time.
    pub(crate) connect: LazyHist,
    pub(crate) ttfb: LazyHist,
    /// Total time, measured and corrected for schedule lag.
    pub(crate) total: LatencyPair,
    pub(crate) examples: Examples,
}

impl RequestTally {
    pub(crate) fn record(&mut self, record: &RequestRecord) {
        self.count += 1;
        if let Some(category) = record.failure {
            self.failures.add_one(category);
        }
        self.bytes_sent += record.bytes_sent;
        self.bytes_received += record.bytes_received;
        self.redirects += u64::from(record.redirects);
        if let Some(status) = record.status {
            self.statuses.add_n(status, 1);
        }
        if let Some(connect) = record.connect {
            self.connect.record(micros(connect));
        }
        if let Some(ttfb) = record.ttfb {
            self.ttfb.record(micros(ttfb));
        }
        self.total.record(record.total, record.schedule_lag);
    }

    pub(crate) fn take(&mut self) -> RequestTally {
        RequestTally {
            count: std::mem::take(&mut self.count),
            failures: std::mem::take(&mut self.failures),
            bytes_sent: std::mem::take(&mut self.bytes_sent),
            bytes_received: std::mem::take(&mut self.bytes_received),
            redirects: std::mem::take(&mut self.redirects),
            statuses: self.statuses.take(),
            connect: self.connect.take(),
            ttfb: self.ttfb.take(),
            total: self.total.take(),
            examples: self.examples.take(),
        }
    }

    pub(crate) fn add(&mut self, other: &RequestTally) {
        self.count += other.count;
        self.failures.add(&other.failures);
        self.bytes_sent += other.bytes_sent;
        self.bytes_received += other.bytes_received;
        self.redirects += other.redirects;
        self.statuses.add(&other.statuses);
        self.connect.add(&other.connect);
        self.ttfb.add(&other.ttfb);
        self.total.add(&other.total);
        self.examples.add(&other.examples);
    }
}
