//! Time series per journey, service and request ("tracks"): what the HTML
//! report and the web UI chart when one name is selected. They share one
//! time axis and are bounded like the run's own series, so a results file
//! stays small however long the run and however many names it has.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::Catalog;
use crate::histogram::LatencyPair;
use crate::tally::Tallies;

/// Points each track keeps at most. Beyond it neighbouring points merge in
/// pairs (as the run's series does), so a one-hour run at one round a
/// second keeps 8 s points. 50 request names then cost about 0.7 MB of
/// JSON, which keeps an HTML report of such a run under 1.5 MB.
pub const TRACK_MAX_POINTS: usize = 512;

/// Every name's series on one shared axis.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tracks {
    /// The end of each interval, in ms since the run started; interval `i`
    /// runs from `elapsed_ms[i - 1]` (0 for the first) to `elapsed_ms[i]`.
    pub elapsed_ms: Vec<u64>,
    /// Journeys finished in each interval; failures are failed journeys
    /// and latencies their durations.
    pub journeys: IndexMap<String, Track>,
    /// The sum of the service's requests.
    pub services: IndexMap<String, Track>,
    pub requests: IndexMap<String, Track>,
}

/// One name's series: every vector is as long as `Tracks::elapsed_ms`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Track {
    pub count: Vec<u64>,
    pub failures: Vec<u64>,
    pub p50_us: Vec<u64>,
    pub p95_us: Vec<u64>,
    pub p99_us: Vec<u64>,
    /// Empty while no value waited for its schedule (always, in the closed
    /// model): the corrected p99 is then `p99_us` itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub p99_corrected_us: Vec<u64>,
}

impl Track {
    fn zeros(len: usize) -> Track {
        Track {
            count: vec![0; len],
            failures: vec![0; len],
            p50_us: vec![0; len],
            p95_us: vec![0; len],
            p99_us: vec![0; len],
            p99_corrected_us: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.count.len()
    }

    pub fn is_empty(&self) -> bool {
        self.count.is_empty()
    }

    /// The corrected p99 of point `i` (the measured one when none lagged).
    pub fn p99_corrected(&self, i: usize) -> u64 {
        self.p99_corrected_us
            .get(i)
            .or_else(|| self.p99_us.get(i))
            .copied()
            .unwrap_or(0)
    }

    fn push(&mut self, interval: &Interval) {
        let [p50, p95, p99] = interval.latency.measured.quantiles([0.50, 0.95, 0.99]);
        let [corrected] = interval.latency.corrected().quantiles([0.99]);
        self.count.push(interval.count);
        self.failures.push(interval.failures);
        self.p50_us.push(p50);
        self.p95_us.push(p95);
        self.p99_us.push(p99);
        if !self.p99_corrected_us.is_empty() || corrected != p99 {
            // From the first lagged point on the corrected series is kept;
            // every earlier point had no lag, so its p99 is the corrected.
            let before = self.p99_us.len() - 1;
            if self.p99_corrected_us.len() < before {
                self.p99_corrected_us = self.p99_us[..before].to_vec();
            }
            self.p99_corrected_us.push(corrected);
        }
    }

    /// Adds `other`'s point `from` into this track's point `to`: counts add
    /// and each percentile is the larger (an upper bound: points keep no
    /// histogram to merge).
    fn absorb_point(&mut self, to: usize, other: &Track, from: usize) {
        self.count[to] += other.count[from];
        self.failures[to] += other.failures[from];
        self.p50_us[to] = self.p50_us[to].max(other.p50_us[from]);
        self.p95_us[to] = self.p95_us[to].max(other.p95_us[from]);
        self.p99_us[to] = self.p99_us[to].max(other.p99_us[from]);
        if !other.p99_corrected_us.is_empty() && self.p99_corrected_us.is_empty() {
            self.p99_corrected_us = self.p99_us.clone();
        }
        if !self.p99_corrected_us.is_empty() {
            let theirs = other.p99_corrected(from);
            self.p99_corrected_us[to] = self.p99_corrected_us[to].max(theirs);
        }
    }

    /// One point per group `(start, end)` of consecutive points, each the
    /// merge of the points `start..end`.
    fn fold_into(&mut self, groups: &[(usize, usize)]) {
        let mut folded = Track::zeros(groups.len());
        if !self.p99_corrected_us.is_empty() {
            folded.p99_corrected_us = vec![0; groups.len()];
        }
        for (to, &(start, end)) in groups.iter().enumerate() {
            for from in start..end {
                folded.absorb_point(to, self, from);
            }
        }
        *self = folded;
    }
}

impl Tracks {
    /// Halves the points while there are more than [`TRACK_MAX_POINTS`].
    fn bound(&mut self) {
        while self.elapsed_ms.len() > TRACK_MAX_POINTS {
            let groups: Vec<(usize, usize)> = (0..self.elapsed_ms.len())
                .step_by(2)
                .map(|start| (start, (start + 2).min(self.elapsed_ms.len())))
                .collect();
            self.fold(&groups);
        }
    }

    fn fold(&mut self, groups: &[(usize, usize)]) {
        self.elapsed_ms = groups
            .iter()
            .map(|&(_, end)| self.elapsed_ms[end - 1])
            .collect();
        for track in self.all_mut() {
            track.fold_into(groups);
        }
    }

    fn all_mut(&mut self) -> impl Iterator<Item = &mut Track> {
        self.journeys
            .values_mut()
            .chain(self.services.values_mut())
            .chain(self.requests.values_mut())
    }

    /// The tracks of several parts of one run (segments), aligned by whole
    /// second as the run series are: counts add, percentiles are the
    /// largest of the parts'.
    pub fn merge<'a>(parts: impl IntoIterator<Item = &'a Tracks> + Clone) -> Tracks {
        let mut seconds: std::collections::BTreeMap<u64, u64> = Default::default();
        for part in parts.clone() {
            for &ms in &part.elapsed_ms {
                let end = seconds.entry(second(ms)).or_default();
                *end = (*end).max(ms);
            }
        }
        let index: std::collections::BTreeMap<u64, usize> =
            seconds.keys().enumerate().map(|(i, &s)| (s, i)).collect();
        let len = seconds.len();
        let mut merged = Tracks {
            elapsed_ms: seconds.into_values().collect(),
            ..Tracks::default()
        };
        for part in parts {
            let slots: Vec<usize> = part
                .elapsed_ms
                .iter()
                .map(|&ms| index[&second(ms)])
                .collect();
            let kinds = [
                (&part.journeys, &mut merged.journeys),
                (&part.services, &mut merged.services),
                (&part.requests, &mut merged.requests),
            ];
            for (theirs, mine) in kinds {
                for (name, track) in theirs {
                    let target = mine
                        .entry(name.clone())
                        .or_insert_with(|| Track::zeros(len));
                    for (from, &to) in slots.iter().enumerate().take(track.len()) {
                        target.absorb_point(to, track, from);
                    }
                }
            }
        }
        merged.bound();
        merged
    }
}

/// The whole second a point is aligned to when parts merge (the run
/// series' rule, so both kinds of chart line up).
fn second(ms: u64) -> u64 {
    (ms + 500) / 1000
}

/// One name's values in one collection round.
#[derive(Debug, Default)]
struct Interval {
    count: u64,
    failures: u64,
    latency: LatencyPair,
}

impl Interval {
    fn reset(&mut self) {
        self.count = 0;
        self.failures = 0;
        self.latency.reset();
    }

    fn add(&mut self, count: u64, failures: u64, latency: &LatencyPair) {
        self.count += count;
        self.failures += failures;
        self.latency.add(latency);
    }
}

/// Builds the tracks round by round on the collector: the catalog's keys
/// are mapped to names once, and each round's values are gathered in
/// reused per-name histograms.
#[derive(Debug)]
pub(crate) struct TrackBuilder {
    tracks: Tracks,
    /// Catalog request index → index of its name in `tracks.requests`.
    request_name: Vec<usize>,
    /// Index in `tracks.requests` → index in `tracks.services`.
    request_service: Vec<usize>,
    /// Catalog journey index → index in `tracks.journeys`.
    journey_name: Vec<usize>,
    requests: Vec<Interval>,
    services: Vec<Interval>,
    journeys: Vec<Interval>,
}

impl TrackBuilder {
    pub(crate) fn new(catalog: &Catalog) -> TrackBuilder {
        let mut tracks = Tracks::default();
        let mut request_name = Vec::with_capacity(catalog.requests.len());
        let mut request_service = Vec::new();
        for meta in &catalog.requests {
            let (index, _) = tracks
                .requests
                .insert_full(meta.name.clone(), Track::default());
            if index == request_service.len() {
                // First use of the name: its service is the first one's, as
                // in the summary.
                let service = catalog
                    .services
                    .get(meta.service)
                    .cloned()
                    .unwrap_or_default();
                let (s, _) = tracks.services.insert_full(service, Track::default());
                request_service.push(s);
            }
            request_name.push(index);
        }
        let journey_name = catalog
            .journeys
            .iter()
            .map(|j| {
                tracks
                    .journeys
                    .insert_full(j.name.clone(), Track::default())
                    .0
            })
            .collect();
        let intervals = |n: usize| (0..n).map(|_| Interval::default()).collect::<Vec<_>>();
        TrackBuilder {
            requests: intervals(tracks.requests.len()),
            services: intervals(tracks.services.len()),
            journeys: intervals(tracks.journeys.len()),
            tracks,
            request_name,
            request_service,
            journey_name,
        }
    }

    /// Appends one point per name for a round ending at `elapsed_ms`.
    pub(crate) fn absorb(&mut self, elapsed_ms: u64, rounds: &[&Tallies]) {
        for interval in self
            .requests
            .iter_mut()
            .chain(&mut self.services)
            .chain(&mut self.journeys)
        {
            interval.reset();
        }
        for tallies in rounds {
            for (i, request) in tallies.requests.iter().enumerate() {
                if let Some(&name) = self.request_name.get(i) {
                    let failures = request.failures.total();
                    self.requests[name].add(request.count, failures, &request.total);
                }
            }
            for (i, journey) in tallies.journeys.iter().enumerate() {
                if let Some(&name) = self.journey_name.get(i) {
                    let finished = journey.succeeded + journey.failed;
                    self.journeys[name].add(finished, journey.failed, &journey.duration);
                }
            }
        }
        for (request, &service) in self.requests.iter().zip(&self.request_service) {
            let interval = &mut self.services[service];
            interval.add(request.count, request.failures, &request.latency);
        }
        self.tracks.elapsed_ms.push(elapsed_ms);
        let kinds = [
            (&mut self.tracks.requests, &self.requests),
            (&mut self.tracks.services, &self.services),
            (&mut self.tracks.journeys, &self.journeys),
        ];
        for (tracks, intervals) in kinds {
            for (track, interval) in tracks.values_mut().zip(intervals) {
                track.push(interval);
            }
        }
        self.tracks.bound();
    }

    pub(crate) fn tracks(&self) -> &Tracks {
        &self.tracks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(counts: &[u64], p99: &[u64]) -> Track {
        Track {
            count: counts.to_vec(),
            failures: vec![0; counts.len()],
            p50_us: p99.to_vec(),
            p95_us: p99.to_vec(),
            p99_us: p99.to_vec(),
            p99_corrected_us: Vec::new(),
        }
    }

    #[test]
    fn bounding_halves_points_summing_counts_and_keeping_the_worse_percentile() {
        let n = TRACK_MAX_POINTS + 1;
        let mut tracks = Tracks {
            elapsed_ms: (1..=n as u64).map(|s| s * 1000).collect(),
            ..Tracks::default()
        };
        let counts: Vec<u64> = (0..n as u64).collect();
        let p99: Vec<u64> = (0..n as u64)
            .map(|i| if i % 2 == 0 { 10 } else { 5 })
            .collect();
        tracks.requests.insert("GET /".into(), track(&counts, &p99));
        tracks.bound();
        let merged = &tracks.requests["GET /"];
        assert_eq!(tracks.elapsed_ms.len(), n.div_ceil(2));
        assert_eq!(tracks.elapsed_ms[0], 2000);
        assert_eq!(*tracks.elapsed_ms.last().unwrap(), n as u64 * 1000);
        assert_eq!(merged.count[0], 1);
        assert_eq!(merged.count.iter().sum::<u64>(), counts.iter().sum::<u64>());
        assert!(merged.p99_us.iter().all(|&p| p == 10));
        assert_eq!(merged.len(), tracks.elapsed_ms.len());
    }

    #[test]
    fn merging_parts_aligns_by_second_and_keeps_every_name() {
        let mut a = Tracks {
            elapsed_ms: vec![1000, 2000, 4000],
            ..Tracks::default()
        };
        a.requests
            .insert("a".into(), track(&[1, 2, 4], &[100, 200, 400]));
        let mut b = Tracks {
            elapsed_ms: vec![1004, 2010, 3000],
            ..Tracks::default()
        };
        b.requests
            .insert("a".into(), track(&[10, 20, 30], &[50, 300, 1]));
        b.services
            .insert("svc".into(), track(&[10, 20, 30], &[50, 300, 1]));
        let mut lagged = track(&[1, 1, 1], &[5, 5, 5]);
        lagged.p99_corrected_us = vec![7, 5, 9];
        b.journeys.insert("j".into(), lagged);
        let merged = Tracks::merge([&a, &b]);
        // 1000 and 1004 share second 1, 2000 and 2010 second 2; only b
        // has second 3 and only a second 4.
        assert_eq!(merged.elapsed_ms, vec![1004, 2010, 3000, 4000]);
        let a = &merged.requests["a"];
        assert_eq!(a.count, vec![11, 22, 30, 4]);
        assert_eq!(a.p99_us, vec![100, 300, 1, 400]);
        assert!(a.p99_corrected_us.is_empty());
        assert_eq!(merged.services["svc"].count, vec![10, 20, 30, 0]);
        assert_eq!(merged.journeys["j"].p99_corrected_us, vec![7, 5, 9, 0]);
    }
}
