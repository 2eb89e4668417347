//! The collector's side: merges one round of shard snapshots at a time
//! into the run's totals and appends a time-series point.

use std::time::Duration;

use crate::histogram::{LatencyPair, micros};
use crate::progress::Progress;
use crate::summarize::{RunMeta, build};
use crate::summary::{Summary, TimePoint, per_second};
use crate::tally::Tallies;
use crate::tracks::TrackBuilder;
use crate::{Catalog, Snapshot};

/// How far back `Progress::rps` looks, so the live line does not jitter
/// with every collection round.
const RECENT: Duration = Duration::from_secs(5);

/// Time-series points an aggregate keeps at most (about 330 KiB). At one
/// round a second that is the first 68 minutes at full resolution; then,
/// whenever the series is full, neighbouring points are merged in pairs, so
/// a run of any length holds a bounded series spread over the whole run
/// (2 s points, then 4 s, ...; older points at most twice as coarse as
/// recent ones).
pub const TIMESERIES_MAX_POINTS: usize = 4096;

/// The whole run so far. Memory is bounded by the catalog (histograms per
/// key) plus the time series, itself bounded by [`TIMESERIES_MAX_POINTS`].
#[derive(Debug)]
pub struct Aggregate {
    catalog: Catalog,
    total: Tallies,
    /// The latest round's request latencies, reused round after round.
    interval: LatencyPair,
    timeseries: Vec<TimePoint>,
    /// Per journey, service and request, bounded by `TRACK_MAX_POINTS`.
    tracks: TrackBuilder,
    elapsed: Duration,
    active_users: u64,
    peak_users: u64,
}

impl Aggregate {
    pub fn new(catalog: Catalog) -> Aggregate {
        Aggregate {
            total: Tallies::new(&catalog),
            tracks: TrackBuilder::new(&catalog),
            catalog,
            interval: LatencyPair::default(),
            timeseries: Vec::new(),
            elapsed: Duration::ZERO,
            active_users: 0,
            peak_users: 0,
        }
    }

    /// Merges one collection round (one snapshot per shard) taken at
    /// `elapsed` since the run started, with the number of active users
    /// then, and appends one time-series point for the interval since the
    /// previous round.
    pub fn absorb(&mut self, elapsed: Duration, active_users: u64, snapshots: Vec<Snapshot>) {
        self.interval.reset();
        let (mut requests, mut failures) = (0, 0);
        for snapshot in &snapshots {
            self.total.add(&snapshot.tallies);
            for request in &snapshot.tallies.requests {
                requests += request.count;
                failures += request.failures.total();
                self.interval.add(&request.total);
            }
        }
        let interval_ms = micros(elapsed.saturating_sub(self.elapsed)) / 1000;
        let elapsed_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
        let [p50_us, p95_us, p99_us] = self.interval.measured.quantiles([0.50, 0.95, 0.99]);
        let [p99_corrected_us] = self.interval.corrected().quantiles([0.99]);
        self.timeseries.push(TimePoint {
            elapsed_ms,
            active_users,
            requests,
            failures,
            rps: per_second(requests, interval_ms),
            failures_per_s: per_second(failures, interval_ms),
            p50_us,
            p95_us,
            p99_us,
            p99_corrected_us,
        });
        let rounds: Vec<&Tallies> = snapshots.iter().map(|s| &s.tallies).collect();
        self.tracks.absorb(elapsed_ms, &rounds);
        if self.timeseries.len() > TIMESERIES_MAX_POINTS {
            merge_pairs(&mut self.timeseries);
        }
        self.elapsed = self.elapsed.max(elapsed);
        self.active_users = active_users;
        self.peak_users = self.peak_users.max(active_users);
    }

    /// The results so far (callable during the run, e.g. for a web UI).
    pub fn summary(&self, meta: RunMeta) -> Summary {
        build(
            &self.catalog,
            &self.total,
            &meta,
            self.peak_users,
            self.timeseries.clone(),
            self.tracks.tracks().clone(),
        )
    }

    /// Starts the statistics afresh, as if the run began now (a web UI's
    /// "reset statistics", as in Locust): counts, histograms, examples,
    /// samples and the series are dropped; the catalog and the users now
    /// active stay. Journeys in flight are carried as started, so that when
    /// they end `started = succeeded + failed` still holds; their steps
    /// before the reset are not in the funnel. Returns how many were in
    /// flight. The caller measures elapsed time from now on.
    pub fn reset(&mut self) -> u64 {
        let in_flight = self.total.in_flight();
        let mut fresh = Aggregate::new(self.catalog.clone());
        for (journey, &carried) in fresh.total.journeys.iter_mut().zip(&in_flight) {
            journey.started = carried;
        }
        fresh.active_users = self.active_users;
        fresh.peak_users = self.active_users;
        *self = fresh;
        in_flight.iter().sum()
    }

    /// Raises the peak of active users to `peak` if it is higher: users
    /// counted between rounds (a run shorter than a round has no round
    /// while they are alive, and reported a peak of 0).
    pub fn note_peak_users(&mut self, peak: u64) {
        self.peak_users = self.peak_users.max(peak);
    }

    /// Bytes held by the run's histograms (the interval one included).
    pub fn histogram_bytes(&self) -> usize {
        self.total.histogram_bytes() + self.interval.counter_bytes()
    }

    /// Figures for the live progress line.
    pub fn progress(&self) -> Progress {
        let (requests, failures) = self
            .total
            .requests
            .iter()
            .fold((0, 0), |(r, f), t| (r + t.count, f + t.failures.total()));
        Progress {
            elapsed: self.elapsed,
            planned: None,
            active_users: self.active_users,
            requests,
            failures,
            rps: self.recent_rps(),
            p95: self
                .timeseries
                .last()
                .map_or(Duration::ZERO, |p| Duration::from_micros(p.p95_us)),
        }
    }

    /// Requests per second over the last few seconds of rounds.
    fn recent_rps(&self) -> f64 {
        let now = u64::try_from(self.elapsed.as_millis()).unwrap_or(u64::MAX);
        let since = now.saturating_sub(u64::try_from(RECENT.as_millis()).unwrap_or(0));
        let mut start = now;
        let mut requests = 0;
        for (i, point) in self.timeseries.iter().enumerate().rev() {
            if point.elapsed_ms <= since && i + 1 < self.timeseries.len() {
                break;
            }
            requests += point.requests;
            start = if i == 0 {
                0
            } else {
                self.timeseries[i - 1].elapsed_ms
            };
        }
        per_second(requests, now.saturating_sub(start))
    }
}

/// Merges neighbouring points in pairs: each pair becomes one point
/// spanning both intervals, with their counts summed, rates recomputed over
/// the longer interval, the users active at its end, and the worse of the
/// two for each percentile (the pair's own histograms are not kept; the
/// worse second is what a chart of a long run must not hide).
fn merge_pairs(points: &mut Vec<TimePoint>) {
    let mut merged = Vec::with_capacity(TIMESERIES_MAX_POINTS);
    let mut interval_start = 0;
    for pair in points.chunks(2) {
        let point = match pair {
            [first, second] => {
                let interval_ms = second.elapsed_ms.saturating_sub(interval_start);
                let requests = first.requests + second.requests;
                let failures = first.failures + second.failures;
                TimePoint {
                    elapsed_ms: second.elapsed_ms,
                    active_users: second.active_users,
                    requests,
                    failures,
                    rps: per_second(requests, interval_ms),
                    failures_per_s: per_second(failures, interval_ms),
                    p50_us: first.p50_us.max(second.p50_us),
                    p95_us: first.p95_us.max(second.p95_us),
                    p99_us: first.p99_us.max(second.p99_us),
                    p99_corrected_us: first.p99_corrected_us.max(second.p99_corrected_us),
                }
            }
            [single] => single.clone(),
            _ => continue,
        };
        interval_start = point.elapsed_ms;
        merged.push(point);
    }
    *points = merged;
}
