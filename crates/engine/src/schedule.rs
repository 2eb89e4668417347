//! The load curve: the Plan's stage list as a function of time.
//!
//! Both load models follow the same piecewise-linear curve: in the closed
//! model its value is a number of virtual users, in the open model a number of
//! journey arrivals per second. The open model also needs the inverse of the
//! curve's integral, the exact instant of the m-th arrival, so that arrivals
//! are scheduled from the run's start and never drift.

use std::time::Duration;

use starling_scenario::Stage;

/// One linear piece: from `from` to `to` over `[start, start + len)`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Piece {
    start: f64,
    /// `f64::INFINITY` for an open-ended last stage.
    len: f64,
    from: f64,
    to: f64,
    /// Integral of the curve from 0 to `start`.
    area_before: f64,
}

/// The stage list, compiled for lookups by time (seconds since the start).
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pieces: Vec<Piece>,
}

impl Schedule {
    pub fn new(stages: &[Stage]) -> Schedule {
        let mut pieces = Vec::with_capacity(stages.len());
        let (mut start, mut from, mut area) = (0.0, 0.0, 0.0);
        for stage in stages {
            let len = stage.duration.map_or(f64::INFINITY, |d| d.as_secs_f64());
            let to = stage.target.max(0.0);
            pieces.push(Piece {
                start,
                len,
                from,
                to,
                area_before: area,
            });
            if len.is_finite() {
                area += (from + to) / 2.0 * len;
            }
            start += len;
            from = to;
        }
        Schedule { pieces }
    }

    /// When the curve ends; `None` when the last stage is open-ended.
    pub fn end(&self) -> Option<Duration> {
        let last = self.pieces.last()?;
        let end = last.start + last.len;
        end.is_finite().then(|| Duration::from_secs_f64(end))
    }

    /// The curve's value at `t`: users, or arrivals per second. Zero after
    /// the end.
    pub fn value_at(&self, t: Duration) -> f64 {
        let t = t.as_secs_f64();
        match self.piece_at(t) {
            Some(p) if p.len.is_infinite() => p.to,
            Some(p) => p.from + (p.to - p.from) * ((t - p.start) / p.len),
            None => 0.0,
        }
    }

    /// The instant at which the curve's integral reaches `area`. On an
    /// arrival curve, arrival number m (from 0) is due at `time_of_area(m)`,
    /// computed from the start of the run so that no error accumulates.
    /// `None` when the curve ends first.
    pub fn time_of_area(&self, area: f64) -> Option<Duration> {
        for (i, p) in self.pieces.iter().enumerate() {
            let next_area = self
                .pieces
                .get(i + 1)
                .map_or(f64::INFINITY, |n| n.area_before);
            if area > next_area || p.len == 0.0 {
                continue;
            }
            let a = area - p.area_before;
            let offset = if p.len.is_infinite() || (p.to - p.from).abs() < 1e-12 {
                if p.from <= 0.0 {
                    continue;
                }
                a / p.from
            } else {
                // Solve from*x + slope/2 * x^2 = a for x in [0, len].
                let slope = (p.to - p.from) / p.len;
                let disc = p.from * p.from + 2.0 * slope * a;
                (-p.from + disc.max(0.0).sqrt()) / slope
            };
            if offset.is_finite() && offset >= 0.0 && offset <= p.len {
                return Some(Duration::from_secs_f64(p.start + offset));
            }
        }
        None
    }

    fn piece_at(&self, t: f64) -> Option<&Piece> {
        self.pieces
            .iter()
            .find(|p| t >= p.start && t < p.start + p.len)
    }
}

/// How many of `total` items, numbered from 0, fall to worker `index` of
/// `workers` when item k goes to worker k % workers.
pub(crate) fn share(total: u64, index: usize, workers: usize) -> u64 {
    let (index, workers) = (index as u64, workers.max(1) as u64);
    if total <= index {
        0
    } else {
        (total - index).div_ceil(workers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(secs: f64, target: f64) -> Stage {
        Stage {
            duration: Some(Duration::from_secs_f64(secs)),
            target,
        }
    }

    #[test]
    fn ramp_then_hold_interpolates_linearly() {
        let s = Schedule::new(&[stage(10.0, 100.0), stage(20.0, 100.0)]);
        assert_eq!(s.value_at(Duration::from_secs(0)), 0.0);
        assert!((s.value_at(Duration::from_secs(5)) - 50.0).abs() < 1e-9);
        assert_eq!(s.value_at(Duration::from_secs(15)), 100.0);
        assert_eq!(s.value_at(Duration::from_secs(30)), 0.0);
        assert_eq!(s.end(), Some(Duration::from_secs(30)));
    }

    #[test]
    fn open_ended_last_stage_has_no_end() {
        let s = Schedule::new(&[
            stage(2.0, 10.0),
            Stage {
                duration: None,
                target: 10.0,
            },
        ]);
        assert_eq!(s.end(), None);
        assert_eq!(s.value_at(Duration::from_secs(3600)), 10.0);
    }

    #[test]
    fn constant_rate_arrivals_are_evenly_spaced_without_drift() {
        // 10,000 arrivals per second for 10 s: arrival m is due at m / 10,000 s.
        let s = Schedule::new(&[stage(0.0, 10_000.0), stage(10.0, 10_000.0)]);
        for m in [0u64, 1, 9_999, 50_000, 99_999] {
            let t = s.time_of_area(m as f64).unwrap().as_secs_f64();
            assert!((t - m as f64 / 10_000.0).abs() < 1e-7, "arrival {m} at {t}");
        }
        assert_eq!(s.time_of_area(100_001.0), None);
    }

    #[test]
    fn ramping_rate_arrivals_follow_the_integral() {
        // Rate ramps 0 → 100/s over 10 s: area(t) = 5 t², so 125 arrivals by 5 s.
        let s = Schedule::new(&[stage(10.0, 100.0)]);
        let t = s.time_of_area(125.0).unwrap().as_secs_f64();
        assert!((t - 5.0).abs() < 1e-9, "{t}");
    }

    #[test]
    fn shares_add_up_to_the_total() {
        for total in 0..50 {
            for workers in 1..6 {
                let sum: u64 = (0..workers).map(|i| share(total, i, workers)).sum();
                assert_eq!(sum, total);
            }
        }
        assert_eq!(share(5, 0, 2), 3);
        assert_eq!(share(5, 1, 2), 2);
    }
}
