//! Knobs: the per-service faults (added latency, error rate, concurrency
//! limit) and the live state that applies them to every request.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::KnobsError;

/// The longest latency a knob may add: a typo must not hang a service.
const MAX_LATENCY_MS: u64 = 60_000;

/// Added latency, uniform between `min_ms` and `max_ms` (fixed when equal).
///
/// Parses from `"30ms"`, `"1s"`, `"20ms..40ms"` or `"20..40ms"`; a bare
/// number means milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Latency {
    /// Lower bound in milliseconds.
    pub min_ms: u64,
    /// Upper bound in milliseconds (inclusive).
    pub max_ms: u64,
}

impl Latency {
    /// No added latency.
    pub const NONE: Latency = Latency {
        min_ms: 0,
        max_ms: 0,
    };

    /// Always exactly `ms` milliseconds.
    pub fn fixed_ms(ms: u64) -> Self {
        Latency {
            min_ms: ms,
            max_ms: ms,
        }
    }

    /// Uniform between `min_ms` and `max_ms` milliseconds.
    pub fn uniform_ms(min_ms: u64, max_ms: u64) -> Self {
        Latency { min_ms, max_ms }
    }

    /// One draw from the distribution.
    pub fn sample(&self) -> Duration {
        let ms = if self.max_ms > self.min_ms {
            fastrand::u64(self.min_ms..=self.max_ms)
        } else {
            self.min_ms
        };
        Duration::from_millis(ms)
    }

    fn validate(&self) -> Result<(), KnobsError> {
        if self.min_ms > self.max_ms {
            return Err(KnobsError::LatencyOrder {
                min_ms: self.min_ms,
                max_ms: self.max_ms,
            });
        }
        if self.max_ms > MAX_LATENCY_MS {
            return Err(KnobsError::LatencyTooLong {
                max_ms: self.max_ms,
                limit_ms: MAX_LATENCY_MS,
            });
        }
        Ok(())
    }
}

impl fmt::Display for Latency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min_ms == self.max_ms {
            write!(f, "{}ms", self.min_ms)
        } else {
            write!(f, "{}ms..{}ms", self.min_ms, self.max_ms)
        }
    }
}

impl FromStr for Latency {
    type Err = KnobsError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || KnobsError::LatencySyntax(text.to_owned());
        let (low, high) = match text.split_once("..") {
            Some((low, high)) => (low.trim(), high.trim()),
            None => (text.trim(), text.trim()),
        };
        let high_ms = parse_ms(high).ok_or_else(bad)?;
        // "20..40ms": the unit on the upper bound covers the lower one.
        let low_ms = parse_ms(low).ok_or_else(bad)?;
        let latency = Latency::uniform_ms(low_ms, high_ms);
        latency.validate()?;
        Ok(latency)
    }
}

/// What a knobs PUT may say for latency: `{"min_ms": 20, "max_ms": 40}`,
/// `"20ms..40ms"` or a bare number of milliseconds.
#[derive(Deserialize)]
#[serde(untagged)]
enum LatencyInput {
    Bounds { min_ms: u64, max_ms: u64 },
    Text(String),
    Millis(u64),
}

impl<'de> Deserialize<'de> for Latency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let latency = match LatencyInput::deserialize(deserializer)? {
            LatencyInput::Bounds { min_ms, max_ms } => Latency::uniform_ms(min_ms, max_ms),
            LatencyInput::Text(text) => text.parse().map_err(serde::de::Error::custom)?,
            LatencyInput::Millis(ms) => Latency::fixed_ms(ms),
        };
        latency.validate().map_err(serde::de::Error::custom)?;
        Ok(latency)
    }
}

/// Milliseconds from `"30"`, `"30ms"` or `"2s"`.
fn parse_ms(text: &str) -> Option<u64> {
    if let Some(ms) = text.strip_suffix("ms") {
        ms.trim().parse().ok()
    } else if let Some(s) = text.strip_suffix('s') {
        s.trim().parse::<u64>().ok()?.checked_mul(1000)
    } else {
        text.parse().ok()
    }
}

/// The faults one service injects. `GET/PUT /admin/knobs` reads and changes
/// them while the service runs; a PUT may carry only the fields it changes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Knobs {
    /// Added to every counted request, while it holds a concurrency slot.
    pub latency: Latency,
    /// Fraction of requests (0.0 to 1.0) answered `503` with a JSON error.
    pub error_rate: f64,
    /// Requests handled at once; more wait in a queue. 0 means unlimited.
    pub concurrency_limit: usize,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            latency: Latency::NONE,
            error_rate: 0.0,
            concurrency_limit: 0,
        }
    }
}

impl Knobs {
    /// Checks the ranges: error rate within 0..=1, latency ordered and bounded.
    pub fn validate(&self) -> Result<(), KnobsError> {
        if !(0.0..=1.0).contains(&self.error_rate) {
            return Err(KnobsError::ErrorRate(self.error_rate));
        }
        self.latency.validate()
    }

    /// Whether this request should fail, drawn against `error_rate`.
    pub(crate) fn roll_error(&self) -> bool {
        self.error_rate > 0.0 && fastrand::f64() < self.error_rate
    }
}

/// The live knobs of one service, shared by its requests and its admin API.
#[derive(Debug)]
pub(crate) struct KnobState {
    /// A std lock: it is held only to copy or replace the knobs, never
    /// across an await.
    current: RwLock<Live>,
}

#[derive(Debug)]
struct Live {
    knobs: Knobs,
    /// `None` when unlimited. A new limit swaps in a new semaphore: requests
    /// already holding a slot of the old one finish on it, which is the
    /// simplest correct way to resize a tokio `Semaphore` both ways.
    limiter: Option<Arc<Semaphore>>,
}

impl KnobState {
    pub(crate) fn new(knobs: Knobs) -> Self {
        KnobState {
            current: RwLock::new(Live::new(knobs)),
        }
    }

    pub(crate) fn get(&self) -> Knobs {
        self.read(|live| live.knobs)
    }

    pub(crate) fn set(&self, knobs: Knobs) {
        let mut live = self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *live = Live::new(knobs);
    }

    /// Waits for a concurrency slot (the queue), then returns the knobs to
    /// apply and the slot, released when dropped.
    pub(crate) async fn admit(&self) -> (Knobs, Option<OwnedSemaphorePermit>) {
        let (knobs, limiter) = self.read(|live| (live.knobs, live.limiter.clone()));
        let permit = match limiter {
            // The semaphore is never closed, so acquire cannot fail; if it
            // ever did, serving without a slot beats failing the request.
            Some(semaphore) => semaphore.acquire_owned().await.ok(),
            None => None,
        };
        (knobs, permit)
    }

    fn read<T>(&self, f: impl FnOnce(&Live) -> T) -> T {
        let live = self
            .current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&live)
    }
}

impl Live {
    fn new(knobs: Knobs) -> Self {
        let limiter = match knobs.concurrency_limit {
            0 => None,
            n => Some(Arc::new(Semaphore::new(n.min(Semaphore::MAX_PERMITS)))),
        };
        Live { knobs, limiter }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_parses_fixed_and_ranges() {
        assert_eq!("30ms".parse::<Latency>().ok(), Some(Latency::fixed_ms(30)));
        assert_eq!("2s".parse::<Latency>().ok(), Some(Latency::fixed_ms(2000)));
        assert_eq!("7".parse::<Latency>().ok(), Some(Latency::fixed_ms(7)));
        assert_eq!(
            "20..40ms".parse::<Latency>().ok(),
            Some(Latency::uniform_ms(20, 40))
        );
        assert_eq!(
            "20ms..1s".parse::<Latency>().ok(),
            Some(Latency::uniform_ms(20, 1000))
        );
    }

    #[test]
    fn latency_rejects_nonsense() {
        assert!("fast".parse::<Latency>().is_err());
        assert!("40..20ms".parse::<Latency>().is_err());
        assert!("10m".parse::<Latency>().is_err());
        assert!("99999s".parse::<Latency>().is_err());
    }

    #[test]
    fn samples_stay_in_range() {
        let latency = Latency::uniform_ms(20, 40);
        for _ in 0..1000 {
            let ms = latency.sample().as_millis();
            assert!((20..=40).contains(&ms), "{ms}");
        }
        assert_eq!(Latency::fixed_ms(5).sample(), Duration::from_millis(5));
    }

    #[test]
    fn latency_reads_every_json_form() {
        let forms = [
            serde_json::json!({"min_ms": 20, "max_ms": 40}),
            serde_json::json!("20ms..40ms"),
        ];
        for form in forms {
            let latency: Result<Latency, _> = serde_json::from_value(form);
            assert_eq!(latency.ok(), Some(Latency::uniform_ms(20, 40)));
        }
        let fixed: Result<Latency, _> = serde_json::from_value(serde_json::json!(15));
        assert_eq!(fixed.ok(), Some(Latency::fixed_ms(15)));
        let backwards: Result<Latency, _> =
            serde_json::from_value(serde_json::json!({"min_ms": 40, "max_ms": 20}));
        assert!(backwards.is_err());
    }

    #[test]
    fn knobs_validate_error_rate() {
        let mut knobs = Knobs::default();
        assert!(knobs.validate().is_ok());
        knobs.error_rate = 1.5;
        assert!(knobs.validate().is_err());
        knobs.error_rate = f64::NAN;
        assert!(knobs.validate().is_err());
    }

    #[test]
    fn error_rate_extremes_are_certain() {
        let always = Knobs {
            error_rate: 1.0,
            ..Knobs::default()
        };
        let never = Knobs::default();
        assert!((0..1000).all(|_| always.roll_error()));
        assert!((0..1000).all(|_| !never.roll_error()));
    }

    #[tokio::test]
    async fn a_full_limiter_queues_until_a_slot_frees() {
        let state = KnobState::new(Knobs {
            concurrency_limit: 1,
            ..Knobs::default()
        });
        let (_, first) = state.admit().await;
        assert!(first.is_some());
        let second = tokio::time::timeout(Duration::from_millis(50), state.admit()).await;
        assert!(second.is_err(), "the second request must wait");
        drop(first);
        let third = tokio::time::timeout(Duration::from_secs(5), state.admit()).await;
        assert!(third.is_ok(), "a freed slot admits the next request");
    }
}
