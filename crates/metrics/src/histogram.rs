//! Latency histograms: HDR, microseconds, 1 µs to 1 h, 3 significant
//! digits, created lazily and grown on demand.
//!
//! Memory: a fixed 1 µs–1 h histogram of `u64` counters at 3 significant
//! digits holds 23,552 counters (184 KiB). These start at 2,048 counters
//! (16 KiB, the least the crate allows at 3 digits) and grow by 1,024
//! counters (8 KiB) per doubling of the largest value seen: about 88 KiB
//! for values up to 1 s, 112 KiB up to 10 s. A metric nobody recorded
//! into costs nothing, because the histogram is created on first use
//! (`LazyHist`); a reused connection never allocates a connect histogram.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Deserializer, Serializer, V2DeflateSerializer};

use crate::error::DecodeError;
use crate::summary::Latency;

/// Largest value kept, in microseconds (one hour); larger ones are clamped.
pub const MAX_MICROS: u64 = 3_600_000_000;
const SIGNIFICANT_DIGITS: u8 = 3;

/// Converts a duration to whole microseconds, clamped to one hour.
pub(crate) fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).map_or(MAX_MICROS, |us| us.min(MAX_MICROS))
}

fn empty() -> Histogram<u64> {
    // Auto-resizing with lowest value 1 and 3 digits: constant arguments
    // that the crate documents as valid, so this cannot fail.
    Histogram::new(SIGNIFICANT_DIGITS).expect("3 significant digits is a valid histogram")
}

/// A histogram created on its first value.
#[derive(Clone, Debug, Default)]
pub(crate) struct LazyHist(Option<Histogram<u64>>);

impl LazyHist {
    pub(crate) fn record(&mut self, micros: u64) {
        let histogram = self.0.get_or_insert_with(empty);
        // `record` grows the histogram (`saturating_record` would clamp to
        // its current top instead). Values are clamped to one hour, so it
        // cannot fail; if it ever did, clamping is the right fallback.
        let value = micros.min(MAX_MICROS);
        if histogram.record(value).is_err() {
            histogram.saturating_record(value);
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> u64 {
        self.0.as_ref().map_or(0, Histogram::len)
    }

    /// Moves the values out: the copy goes to the snapshot and this one is
    /// zeroed but keeps its counters, so the hot path does not reallocate.
    pub(crate) fn take(&mut self) -> LazyHist {
        match &mut self.0 {
            Some(histogram) if !histogram.is_empty() => {
                let copy = histogram.clone();
                histogram.reset();
                LazyHist(Some(copy))
            }
            _ => LazyHist(None),
        }
    }

    pub(crate) fn add(&mut self, other: &LazyHist) {
        let Some(source) = &other.0 else { return };
        if source.is_empty() {
            return;
        }
        match &mut self.0 {
            // Auto-resizing target and values clamped to one hour: the
            // addition cannot run out of range.
            Some(target) => {
                let _ = target.add(source);
            }
            None => {
                let mut copy = source.clone();
                copy.auto(true);
                self.0 = Some(copy);
            }
        }
    }

    pub(crate) fn reset(&mut self) {
        if let Some(histogram) = &mut self.0 {
            histogram.reset();
        }
    }

    /// Bytes of counters held: nearly all of a histogram's memory.
    pub(crate) fn counter_bytes(&self) -> usize {
        self.0
            .as_ref()
            .map_or(0, |h| h.distinct_values() * std::mem::size_of::<u64>())
    }

    /// The values at `quantiles` (0 when empty), without the serialised
    /// form `latency` also builds: what a time-series point needs.
    pub(crate) fn quantiles<const N: usize>(&self, quantiles: [f64; N]) -> [u64; N] {
        match self.0.as_ref().filter(|h| !h.is_empty()) {
            Some(h) => quantiles.map(|q| h.value_at_quantile(q)),
            None => [0; N],
        }
    }

    /// Percentiles and the mergeable serialised form.
    pub(crate) fn latency(&self) -> Latency {
        let Some(h) = self.0.as_ref().filter(|h| !h.is_empty()) else {
            return Latency::default();
        };
        Latency {
            count: h.len(),
            min_us: h.min(),
            mean_us: h.mean().round() as u64,
            p50_us: h.value_at_quantile(0.50),
            p90_us: h.value_at_quantile(0.90),
            p95_us: h.value_at_quantile(0.95),
            p99_us: h.value_at_quantile(0.99),
            max_us: h.max(),
            hdr: encode(h),
        }
    }

    /// Rebuilds a histogram from `Latency::hdr`.
    pub(crate) fn decode(latency: &Latency) -> Result<LazyHist, DecodeError> {
        if latency.hdr.is_empty() {
            return Ok(LazyHist(None));
        }
        let bytes = BASE64
            .decode(&latency.hdr)
            .map_err(|e| DecodeError::Histogram(e.to_string()))?;
        let mut histogram: Histogram<u64> = Deserializer::new()
            .deserialize(&mut bytes.as_slice())
            .map_err(|e| DecodeError::Histogram(format!("{e:?}")))?;
        histogram.auto(true);
        Ok(LazyHist(Some(histogram)))
    }
}

impl Latency {
    /// The value at `percentile` (0 to 100], in µs; `None` when nothing
    /// was recorded. The four kept percentiles are read as they are; any
    /// other is taken from the serialised histogram (`None` if a file
    /// lacks it or it is corrupt).
    pub fn percentile(&self, percentile: f64) -> Option<u64> {
        if self.count == 0 {
            return None;
        }
        let kept = [
            (50.0, self.p50_us),
            (90.0, self.p90_us),
            (95.0, self.p95_us),
            (99.0, self.p99_us),
            (100.0, self.max_us),
        ];
        if let Some((_, value)) = kept.iter().find(|(p, _)| *p == percentile) {
            return Some(*value);
        }
        let histogram = LazyHist::decode(self).ok()?.0?;
        Some(histogram.value_at_quantile(percentile / 100.0))
    }
}

impl Latency {
    /// How many values were at most each of `bounds` (µs, ascending): the
    /// cumulative buckets of a Prometheus histogram, read off the
    /// serialised histogram. `None` when it lacks one or it is corrupt.
    pub fn counts_at_most(&self, bounds: &[u64]) -> Option<Vec<u64>> {
        if self.count == 0 {
            return Some(vec![0; bounds.len()]);
        }
        let histogram = LazyHist::decode(self).ok()?.0?;
        Some(
            bounds
                .iter()
                .map(|&bound| histogram.count_between(0, bound))
                .collect(),
        )
    }
}

/// V2 + deflate, base64: the HdrHistogram interchange format, so other
/// HDR tools read it too.
fn encode(histogram: &Histogram<u64>) -> String {
    let mut bytes = Vec::new();
    // Serialising into a Vec cannot fail for I/O reasons; a failure would
    // only mean an unrepresentable histogram, which then stays unmergeable.
    match V2DeflateSerializer::new().serialize(histogram, &mut bytes) {
        Ok(_) => BASE64.encode(bytes),
        Err(_) => String::new(),
    }
}

/// A measured latency and its corrected form (measured + schedule lag).
/// While every lag is zero (always, in the closed model) the corrected
/// histogram is not kept: `None` means "identical to measured", which
/// halves the memory of a closed-model run.
#[derive(Clone, Debug, Default)]
pub(crate) struct LatencyPair {
    pub(crate) measured: LazyHist,
    corrected: Option<LazyHist>,
}

impl LatencyPair {
    pub(crate) fn record(&mut self, measured: Duration, lag: Duration) {
        let measured_us = micros(measured);
        if self.corrected.is_none() && !lag.is_zero() {
            self.corrected = Some(self.measured.clone());
        }
        self.measured.record(measured_us);
        if let Some(corrected) = &mut self.corrected {
            corrected.record(micros(measured.saturating_add(lag)));
        }
    }

    pub(crate) fn take(&mut self) -> LatencyPair {
        LatencyPair {
            measured: self.measured.take(),
            corrected: self.corrected.as_mut().map(LazyHist::take),
        }
    }

    pub(crate) fn add(&mut self, other: &LatencyPair) {
        match (&mut self.corrected, &other.corrected) {
            (None, None) => {}
            (Some(mine), None) => mine.add(&other.measured),
            (Some(mine), Some(theirs)) => mine.add(theirs),
            (None, Some(theirs)) => {
                let mut corrected = self.measured.clone();
                corrected.add(theirs);
                self.corrected = Some(corrected);
            }
        }
        self.measured.add(&other.measured);
    }

    pub(crate) fn reset(&mut self) {
        self.measured.reset();
        if let Some(corrected) = &mut self.corrected {
            corrected.reset();
        }
    }

    pub(crate) fn counter_bytes(&self) -> usize {
        self.measured.counter_bytes() + self.corrected.as_ref().map_or(0, LazyHist::counter_bytes)
    }

    /// The corrected histogram (the measured one when no lag was seen).
    pub(crate) fn corrected(&self) -> &LazyHist {
        self.corrected.as_ref().unwrap_or(&self.measured)
    }

    pub(crate) fn from_parts(measured: LazyHist, corrected: LazyHist) -> LatencyPair {
        LatencyPair {
            measured,
            corrected: Some(corrected),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hist(values: &[u64]) -> LazyHist {
        let mut h = LazyHist::default();
        for &v in values {
            h.record(v);
        }
        h
    }

    #[test]
    fn percentiles_of_known_values_within_precision() {
        let values: Vec<u64> = (1..=10_000).collect();
        let latency = hist(&values).latency();
        assert_eq!(latency.count, 10_000);
        assert_eq!(latency.min_us, 1);
        for (got, want) in [
            (latency.p50_us, 5_000),
            (latency.p90_us, 9_000),
            (latency.p95_us, 9_500),
            (latency.p99_us, 9_900),
            (latency.max_us, 10_000),
            (latency.mean_us, 5_000),
        ] {
            let error = got.abs_diff(want) as f64 / want as f64;
            assert!(error <= 0.001 + 1e-9, "{got} vs {want}");
        }
    }

    #[test]
    fn values_above_one_hour_are_clamped() {
        let h = hist(&[micros(Duration::from_secs(10_000))]);
        let max = h.latency().max_us;
        assert!((MAX_MICROS..=MAX_MICROS + MAX_MICROS / 1000).contains(&max));
    }

    #[test]
    fn two_serialised_histograms_merge_to_the_histogram_of_all_values() {
        let a: Vec<u64> = (0..5_000).map(|i| 100 + i * 37).collect();
        let b: Vec<u64> = (0..3_000).map(|i| 2_000_000 + i * 1_013).collect();
        let all: Vec<u64> = a.iter().chain(&b).copied().collect();

        let mut merged = LazyHist::decode(&hist(&a).latency()).expect("decodes");
        merged.add(&LazyHist::decode(&hist(&b).latency()).expect("decodes"));
        let expected = hist(&all);
        // Same counts; the encodings may differ in the recorded range only.
        assert_eq!(merged.0, expected.0);
        let stats = |h: &LazyHist| Latency {
            hdr: String::new(),
            ..h.latency()
        };
        assert_eq!(stats(&merged), stats(&expected));
    }

    #[test]
    fn take_moves_values_and_keeps_the_counters() {
        let mut h = hist(&[10, 20, 30]);
        let bytes = h.counter_bytes();
        let taken = h.take();
        assert_eq!(taken.len(), 3);
        assert_eq!(h.len(), 0);
        assert_eq!(h.counter_bytes(), bytes);
        assert_eq!(h.take().len(), 0);
    }

    #[test]
    fn corrected_is_at_least_measured_and_merges_with_lagless_parts() {
        let mut lagged = LatencyPair::default();
        let mut on_time = LatencyPair::default();
        for i in 1..=100 {
            on_time.record(Duration::from_millis(i), Duration::ZERO);
            lagged.record(Duration::from_millis(i), Duration::from_millis(500));
        }
        assert!(on_time.corrected.is_none());
        let mut both = on_time.clone();
        both.add(&lagged);
        let measured = both.measured.latency();
        let corrected = both.corrected().latency();
        assert_eq!(corrected.count, 200);
        assert!(corrected.p99_us >= measured.p99_us);
        assert!(corrected.p50_us >= measured.p50_us);
        assert!(corrected.max_us >= 599_000);
    }

    #[test]
    fn measured_memory_per_histogram() {
        let mut h = LazyHist::default();
        assert_eq!(h.counter_bytes(), 0);
        h.record(1);
        assert_eq!(h.counter_bytes(), 16 * 1024);
        h.record(1_000_000);
        assert_eq!(h.counter_bytes(), 88 * 1024);
        h.record(MAX_MICROS);
        assert_eq!(h.counter_bytes(), 23 * 1024 * 8);
    }
}
