//! The journey iterations a tally keeps whole: the failed ones with the
//! lowest random ranks and the slowest successful ones.
//!
//! Both are "keep the best `N` by a score", which merges by union: the
//! best `N` of all shards are among the union of each shard's best `N`.
//! A shard keeps the scores of its best `N` over the whole run, also after
//! its samples went to the collector, so the engine builds a sample (URLs,
//! redaction) only for an iteration that can still be kept: a few dozen
//! per journey over a run, not one per failure.

use std::time::Duration;

use crate::histogram::micros;
use crate::sample::{FAILED_SAMPLES, JourneySample, JourneySamples, SLOWEST_SAMPLES};

/// The best `N` samples by score (higher is better).
#[derive(Clone, Debug, Default)]
pub(crate) struct Best<const N: usize> {
    /// The best `N` scores ever offered, best first. Kept across `take`.
    scores: Vec<u64>,
    /// Samples since the last `take` that are still among the best.
    kept: Vec<(u64, JourneySample)>,
}

impl<const N: usize> Best<N> {
    /// Whether a sample of this score would be kept.
    pub(crate) fn wants(&self, score: u64) -> bool {
        self.scores.len() < N || self.scores.last().is_some_and(|&worst| score > worst)
    }

    pub(crate) fn offer(&mut self, score: u64, sample: JourneySample) {
        if !self.wants(score) {
            return;
        }
        let at = self.scores.partition_point(|&s| s >= score);
        self.scores.insert(at, score);
        self.scores.truncate(N);
        let worst = self.scores.last().copied().unwrap_or(0);
        self.kept.push((score, sample.bounded()));
        if self.scores.len() == N {
            self.kept.retain(|(s, _)| *s >= worst);
        }
        // Ties at the worst score may leave one too many.
        if self.kept.len() > N {
            self.kept.sort_by_key(|k| std::cmp::Reverse(k.0));
            self.kept.truncate(N);
        }
    }

    /// The samples since the last take; the scores stay, so later offers
    /// are still judged against the whole run.
    pub(crate) fn take(&mut self) -> Best<N> {
        let kept = std::mem::take(&mut self.kept);
        Best {
            scores: kept.iter().map(|(s, _)| *s).collect(),
            kept,
        }
    }

    pub(crate) fn add(&mut self, other: &Best<N>) {
        for (score, sample) in &other.kept {
            self.offer(*score, sample.clone());
        }
    }

    /// Best first.
    fn sorted(&self) -> Vec<JourneySample> {
        let mut kept = self.kept.clone();
        kept.sort_by_key(|k| std::cmp::Reverse(k.0));
        kept.into_iter().map(|(_, sample)| sample).collect()
    }
}

/// A journey's kept iterations.
#[derive(Clone, Debug, Default)]
pub(crate) struct Samples {
    failed: Best<FAILED_SAMPLES>,
    slowest: Best<SLOWEST_SAMPLES>,
}

/// A failed iteration's score: the lower its rank, the better.
fn failed_score(rank: u32) -> u64 {
    u64::from(u32::MAX - rank)
}

impl Samples {
    pub(crate) fn wants_failed(&self, rank: u32) -> bool {
        self.failed.wants(failed_score(rank))
    }

    pub(crate) fn wants_slow(&self, duration: Duration) -> bool {
        self.slowest.wants(micros(duration))
    }

    /// A failed sample goes with the failed ones, a successful one with
    /// the slowest.
    pub(crate) fn offer(&mut self, sample: JourneySample) {
        if sample.failure.is_some() {
            self.failed.offer(failed_score(sample.rank), sample);
        } else {
            self.slowest.offer(sample.duration_us, sample);
        }
    }

    pub(crate) fn take(&mut self) -> Samples {
        Samples {
            failed: self.failed.take(),
            slowest: self.slowest.take(),
        }
    }

    pub(crate) fn add(&mut self, other: &Samples) {
        self.failed.add(&other.failed);
        self.slowest.add(&other.slowest);
    }

    /// As the results show them: failed in the order they started,
    /// slowest first.
    pub(crate) fn summary(&self) -> JourneySamples {
        let mut failed = self.failed.sorted();
        failed.sort_by_key(|s| (s.started_at_unix_ms, s.vu, s.iteration));
        JourneySamples {
            failed,
            slowest: self.slowest.sorted(),
        }
    }

    /// Read back from a results file.
    pub(crate) fn from_summary(samples: &JourneySamples) -> Samples {
        let mut read = Samples::default();
        for sample in samples.failed.iter().chain(&samples.slowest) {
            read.offer(sample.clone());
        }
        read
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FailureCategory;
    use crate::sample::SampleFailure;

    fn sample(rank: u32, duration_us: u64, failed: bool) -> JourneySample {
        JourneySample {
            trace_id: None,
            sampled: false,
            vu: u64::from(rank),
            iteration: 0,
            started_at_unix_ms: duration_us,
            duration_us,
            failure: failed.then(|| SampleFailure {
                step: 0,
                label: "s".into(),
                category: FailureCategory::Status,
            }),
            rank,
            steps: Vec::new(),
            omitted_steps: 0,
        }
    }

    #[test]
    fn keeps_the_lowest_ranks_and_the_slowest() {
        let mut samples = Samples::default();
        for n in 0..200u32 {
            let rank = (n * 7919) % 1000;
            if samples.wants_failed(rank) {
                samples.offer(sample(rank, 1, true));
            }
            let duration = Duration::from_micros(u64::from(n * 37 % 200));
            if samples.wants_slow(duration) {
                samples.offer(sample(0, micros(duration), false));
            }
        }
        let summary = samples.summary();
        let mut ranks: Vec<u32> = summary.failed.iter().map(|s| s.rank).collect();
        ranks.sort_unstable();
        let mut expected: Vec<u32> = (0..200u32).map(|n| (n * 7919) % 1000).collect();
        expected.sort_unstable();
        assert_eq!(ranks, expected[..FAILED_SAMPLES]);
        let slowest: Vec<u64> = summary.slowest.iter().map(|s| s.duration_us).collect();
        assert_eq!(slowest, [199, 198, 197, 196, 195]);
    }

    /// What shards keep and take, added up, is what one tally would have
    /// kept of all the offers: the union of bests merges exactly.
    #[test]
    fn shards_taken_and_added_keep_the_same_best() {
        let mut whole = Samples::default();
        let mut shards = [Samples::default(), Samples::default()];
        let mut total = Samples::default();
        for n in 0..500u32 {
            let rank = n.wrapping_mul(2_654_435_761) >> 8;
            whole.offer(sample(rank, 1, true));
            let shard = &mut shards[(n % 2) as usize];
            // A shard offers only what it still wants, as the engine does.
            if shard.wants_failed(rank) {
                shard.offer(sample(rank, 1, true));
            }
            if n % 50 == 49 {
                for shard in &mut shards {
                    total.add(&shard.take());
                }
            }
        }
        let ranks = |s: &Samples| {
            let mut r: Vec<u32> = s.summary().failed.iter().map(|s| s.rank).collect();
            r.sort_unstable();
            r
        };
        assert_eq!(ranks(&total), ranks(&whole));
        assert_eq!(ranks(&total).len(), FAILED_SAMPLES);
    }

    #[test]
    fn a_long_chain_keeps_its_ends() {
        let mut long = sample(1, 1, true);
        long.steps = (0..100)
            .map(|i| crate::sample::StepSample {
                step: i,
                request: None,
                method: String::new(),
                url: String::new(),
                span_id: None,
                offset_us: 0,
                status: None,
                connect_us: None,
                ttfb_us: None,
                total_us: 0,
                failure: None,
                message: String::new(),
            })
            .collect();
        let bounded = long.bounded();
        assert_eq!(bounded.steps.len(), crate::sample::SAMPLE_STEPS_MAX);
        assert_eq!(bounded.omitted_steps, 36);
        assert_eq!(bounded.steps[0].step, 0);
        assert_eq!(bounded.steps.last().unwrap().step, 99);
    }
}
