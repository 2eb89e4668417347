//! The load curve: the Plan's stage list as a function of time.
//!
//! Both load models follow the same piecewise-linear curve: in the closed
//! model its value is a number of virtual users, in the open model a number of
//! journey arrivals per second. The open model also needs the inverse of the
//! curve's integral, the exact instant of the m-th arrival, so that arrivals
//! are scheduled from the run's start and never drift.
//!
//! A live change of load re-anchors the curve at an instant (`steer`):
//! what came before stays, so the arrivals numbered by its area stay put.

mod steer;

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

impl Piece {
    fn end(&self) -> f64 {
        self.start + self.len
    }

    /// The value at `t` inside the piece; an open-ended piece holds its
    /// target.
    fn value(&self, t: f64) -> f64 {
        if self.len.is_infinite() {
            self.to
        } else {
            self.from + (self.to - self.from) * ((t - self.start) / self.len)
        }
    }

    /// The integral over the whole piece (none for an open-ended one).
    fn area(&self) -> f64 {
        if self.len.is_finite() {
            (self.from + self.to) / 2.0 * self.len
        } else {
            0.0
        }
    }
}

/// The stage list, compiled for lookups by time (seconds since the start).
/// Pieces are contiguous (each starts where the one before ends, to the
/// bit), so a lookup by time is a binary search.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pieces: Vec<Piece>,
    /// When the curve ends, in seconds; infinite when it has no end.
    end: f64,
    /// The end the plan gave it, kept through live changes: a change that
    /// holds "until the planned end" holds until this.
    planned_end: f64,
}

impl Schedule {
    pub fn new(stages: &[Stage]) -> Schedule {
        let mut schedule = Schedule {
            pieces: Vec::with_capacity(stages.len()),
            end: f64::INFINITY,
            planned_end: f64::INFINITY,
        };
        let mut from = 0.0;
        for stage in stages {
            let len = stage.duration.map_or(f64::INFINITY, |d| d.as_secs_f64());
            let to = stage.target.max(0.0);
            schedule.push(len, from, to);
            from = to;
        }
        schedule.end = schedule.tail();
        schedule.planned_end = schedule.end;
        schedule
    }

    /// Appends a piece where the last one ends, its area before it summed
    /// as the pieces go.
    fn push(&mut self, len: f64, from: f64, to: f64) {
        let (start, area_before) = self
            .pieces
            .last()
            .map_or((0.0, 0.0), |p| (p.end(), p.area_before + p.area()));
        self.pieces.push(Piece {
            start,
            len,
            from,
            to,
            area_before,
        });
    }

    /// Where the last piece ends (0 with none).
    fn tail(&self) -> f64 {
        self.pieces.last().map_or(0.0, Piece::end)
    }

    /// When the curve ends; `None` when the last stage is open-ended.
    pub fn end(&self) -> Option<Duration> {
        (!self.pieces.is_empty() && self.end.is_finite()).then(|| Duration::from_secs_f64(self.end))
    }

    /// When the plan had the curve end, whatever changes came since.
    pub(crate) fn planned_end(&self) -> Option<Duration> {
        (!self.pieces.is_empty() && self.planned_end.is_finite())
            .then(|| Duration::from_secs_f64(self.planned_end))
    }

    /// The curve's value at `t`: users, or arrivals per second. Zero after
    /// the end.
    pub fn value_at(&self, t: Duration) -> f64 {
        let t = t.as_secs_f64();
        self.piece_at(t).map_or(0.0, |p| p.value(t))
    }

    /// The target the curve is heading for at `t`: the current stage's (or
    /// change's). Zero after the end.
    pub(crate) fn heading_at(&self, t: Duration) -> f64 {
        self.piece_at(t.as_secs_f64()).map_or(0.0, |p| p.to)
    }

    /// The value the curve ends on (its last stage's target).
    pub(crate) fn final_value(&self) -> f64 {
        self.pieces.last().map_or(0.0, |p| p.to)
    }

    /// The instant at which the curve's integral reaches `area`. On an
    /// arrival curve, arrival number m (from 0) is due at `time_of_area(m)`,
    /// computed from the start of the run so that no error accumulates.
    /// `None` when the curve ends first.
    pub fn time_of_area(&self, area: f64) -> Option<Duration> {
        // Pieces whose successor starts with less area than `area` cannot
        // hold it; the first that may is found by bisection.
        let first = self
            .pieces
            .partition_point(|p| p.area_before < area)
            .saturating_sub(1);
        for (i, p) in self.pieces.iter().enumerate().skip(first) {
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

    /// The first instant (seconds) at or after `after`, and before the
    /// end, at which the curve is at or above `level` (`rising`) or below
    /// it (not `rising`); where it crosses inside a piece, the instant it
    /// touches `level`. `None` if that never happens.
    pub(crate) fn reaches(&self, after: f64, level: f64, rising: bool) -> Option<f64> {
        let meets = |v: f64| if rising { v >= level } else { v < level };
        let first = self
            .pieces
            .partition_point(|p| p.start <= after)
            .saturating_sub(1);
        for p in &self.pieces[first..] {
            let t0 = p.start.max(after);
            // A zero-length piece is a jump: the next one starts on its target.
            if p.len == 0.0 || t0 >= p.end() || t0 >= self.end {
                continue;
            }
            if meets(p.value(t0)) {
                return Some(t0);
            }
            let toward = if rising { p.to > p.from } else { p.to < p.from };
            if p.len.is_finite() && toward {
                // The line is short of `level` at t0 and heading for it, so
                // it crosses after t0: a solution a hair before is rounding.
                let t = (p.start + (level - p.from) / (p.to - p.from) * p.len).max(t0);
                if t < p.end() && t < self.end {
                    return Some(t);
                }
            }
        }
        None
    }

    fn piece_at(&self, t: f64) -> Option<&Piece> {
        if t >= self.end {
            return None;
        }
        // The last piece starting at or before `t`; a zero-length piece is
        // never it (the next one starts at the same instant).
        let i = self
            .pieces
            .partition_point(|p| p.start <= t)
            .checked_sub(1)?;
        let p = &self.pieces[i];
        (t >= p.start && t < p.end()).then_some(p)
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
