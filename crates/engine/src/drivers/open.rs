//! The open model's driver: which arrival this worker's lane starts next
//! and when it is due, and when the run is over.
//!
//! Arrival m of the whole run (over every segment) goes to the lane that
//! owns number m; it is due when the curve's integral reaches m, computed
//! from the run's start, so the rate never drifts and the lanes' union is
//! one schedule.

use std::time::Duration;

use super::{Action, Next};
use crate::schedule::Schedule;
use crate::segment::Lane;
use crate::steering::LoadChange;

/// The most arrivals one poll hands out: a run that starts late (or a
/// worker that stalled) catches up in bounded batches, not one list of
/// everything it missed.
const MAX_BATCH: usize = 1024;

#[derive(Debug)]
pub(crate) struct OpenDriver {
    curve: Schedule,
    stride: u64,
    /// This lane's next arrival number.
    next: u64,
    /// When the last arrival handed out was due.
    last_due: Duration,
}

impl OpenDriver {
    pub(crate) fn new(curve: Schedule, lane: Lane) -> OpenDriver {
        OpenDriver {
            curve,
            stride: lane.stride as u64,
            next: lane.slot as u64,
            last_due: Duration::ZERO,
        }
    }

    pub(crate) fn poll(&mut self, now: Duration, out: &mut Vec<Action>) -> Next {
        let end = self.curve.end();
        for _ in 0..MAX_BATCH {
            let Some(due) = self.curve.time_of_area(self.next as f64) else {
                return self.after_the_last(now);
            };
            // Arrivals are due within the run, [0, end): one due at the
            // very end could only be dropped, and a healthy run would
            // report a dropped arrival.
            if end.is_some_and(|end| due >= end) {
                return self.after_the_last(now);
            }
            // A change heard late (after arrivals it moves earlier were
            // handed out) may put the next one before the last: it is due
            // now, but never before an arrival handed out already.
            let due = due.max(self.last_due);
            if due > now {
                return Next::At(due);
            }
            out.push(Action::Arrive {
                number: self.next,
                due,
            });
            self.next += self.stride;
            self.last_due = due;
        }
        Next::At(now)
    }

    /// Follows `change` from `at`. The curve before `at` stays as it was,
    /// so the numbering goes on from the area served by then: the next
    /// arrival is the one it was, due where the new curve's area reaches
    /// it. Every lane applies the same changes at the same instants, so
    /// they keep one curve between them, and the run's arrivals are its
    /// integral however late a lane heard.
    pub(crate) fn steer(&mut self, at: Duration, change: &LoadChange) {
        if let LoadChange::Rate { .. } = change {
            self.curve.steer(at, change);
        }
    }

    /// No arrival is left: until the run's end, those still waiting may
    /// find a free user (the last one was handed out a moment ago and its
    /// user has not run yet).
    fn after_the_last(&self, now: Duration) -> Next {
        match self.curve.end() {
            Some(end) if now < end => Next::At(end),
            Some(_) => Next::Over,
            None => Next::Idle,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drivers::sim::{self, Trace};
    use crate::segment::Segment;
    use crate::steering::Until;
    use starling_scenario::Stage;

    const WHOLE: Lane = Lane { slot: 0, stride: 1 };

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    fn stage(secs: f64, target: f64) -> Stage {
        Stage {
            duration: Some(Duration::from_secs_f64(secs)),
            target,
        }
    }

    fn arrivals(trace: &Trace) -> Vec<(Duration, u64, Duration)> {
        trace
            .actions
            .iter()
            .filter_map(|(at, a)| match a {
                Action::Arrive { number, due } => Some((*at, *number, *due)),
                _ => None,
            })
            .collect()
    }

    /// An hour at 100 arrivals per second: 360,000 arrivals, arrival m due
    /// at exactly m / 100 s from the start (no drift however long the run),
    /// each handed out at its instant, none at the very end.
    #[test]
    fn an_hour_at_a_constant_rate_has_every_arrival_on_its_instant() {
        let stages = [stage(0.0, 100.0), stage(3600.0, 100.0)];
        let mut d = OpenDriver::new(Schedule::new(&stages), WHOLE);
        let mut trace = Trace::default();
        sim::run(&mut trace, Duration::ZERO, secs(7200.0), |now, out| {
            d.poll(now, out)
        });
        assert_eq!(trace.last, Some(Next::Over));
        assert_eq!(trace.now, secs(3600.0));
        let got = arrivals(&trace);
        assert_eq!(got.len(), 360_000);
        for (m, &(at, number, due)) in got.iter().enumerate() {
            assert_eq!(number, m as u64);
            assert_eq!(due, secs(m as f64 / 100.0));
            assert_eq!(at, due, "handed out at its instant");
        }
    }

    /// A worker that looks late (a late `--start-at`, a stall) gets what it
    /// missed at once, in bounded batches, each with its own due time.
    #[test]
    fn a_late_poll_catches_up_in_batches() {
        let stages = [stage(0.0, 1000.0), stage(60.0, 1000.0)];
        let mut d = OpenDriver::new(Schedule::new(&stages), WHOLE);
        let mut out = Vec::new();
        let now = secs(10.0);
        let mut batches = 0;
        while d.poll(now, &mut out) == Next::At(now) {
            batches += 1;
            assert_eq!(out.len(), batches * MAX_BATCH);
        }
        // Arrivals 0 to 10,000 are due by 10 s (the last one at 10 s).
        assert_eq!(out.len(), 10_001);
        assert_eq!(batches, 10_001 / MAX_BATCH);
        assert_eq!(
            out.last(),
            Some(&Action::Arrive {
                number: 10_000,
                due: now
            })
        );
    }

    #[test]
    fn with_no_arrival_left_it_waits_for_the_end() {
        // 2 arrivals per second for 1 s, then nothing for 9 s.
        let stages = [
            stage(0.0, 2.0),
            stage(1.0, 2.0),
            stage(0.0, 0.0),
            stage(9.0, 0.0),
        ];
        let mut d = OpenDriver::new(Schedule::new(&stages), WHOLE);
        let mut out = Vec::new();
        // Arrival 2 is due where the area reaches 2, the stage's last instant.
        assert_eq!(d.poll(secs(0.6), &mut out), Next::At(secs(1.0)));
        assert_eq!(out.len(), 2);
        assert_eq!(d.poll(secs(1.0), &mut out), Next::At(secs(10.0)));
        assert_eq!(out.len(), 3);
        assert_eq!(d.poll(secs(10.0), &mut out), Next::Over);
        assert_eq!(out.len(), 3);
    }

    fn set_rate(per_second: f64, ramp: f64, until: Until) -> LoadChange {
        LoadChange::Rate {
            per_second,
            ramp: secs(ramp),
            until,
        }
    }

    /// 20 arrivals/s for 10 s; at 2.5 s (50 arrivals served) the rate goes
    /// to 100/s at once. The arrivals before keep their instants, arrival
    /// 50 is due at 2.5 s and the rest every 10 ms: 800 in all, numbered
    /// 0 to 799, none twice.
    #[test]
    fn a_rate_change_numbers_on_from_the_area_served() {
        let stages = [stage(0.0, 20.0), stage(10.0, 20.0)];
        let mut d = OpenDriver::new(Schedule::new(&stages), WHOLE);
        let mut trace = Trace::default();
        sim::run(&mut trace, Duration::ZERO, secs(2.5), |now, out| {
            d.poll(now, out)
        });
        // Arrival 50 is due at 2.5 s itself: handed out before the change,
        // at the instant the new curve gives it too.
        assert_eq!(arrivals(&trace).len(), 51);
        d.steer(secs(2.5), &set_rate(100.0, 0.0, Until::PlannedEnd));
        sim::run(&mut trace, secs(2.5), secs(60.0), |now, out| {
            d.poll(now, out)
        });
        assert_eq!(trace.last, Some(Next::Over));
        assert_eq!(trace.now, secs(10.0));
        let got = arrivals(&trace);
        assert_eq!(got.len(), 800);
        for (m, &(_, number, due)) in got.iter().enumerate() {
            assert_eq!(number, m as u64);
            let expected = if m < 50 {
                m as f64 / 20.0
            } else {
                2.5 + (m - 50) as f64 / 100.0
            };
            assert!((due.as_secs_f64() - expected).abs() < 1e-9, "{m}: {due:?}");
        }
    }

    /// The same change made at 2.5 s but heard by this lane at 3 s, after
    /// it handed out arrivals 51 to 60 on the old curve: those keep their
    /// numbers, the new curve's arrivals due by 3 s (61 to 100) are handed
    /// out at once (due then, never before one handed out already), and the
    /// run still has exactly the new curve's 800.
    #[test]
    fn a_rate_change_heard_late_catches_up_and_counts_the_same() {
        let stages = [stage(0.0, 20.0), stage(10.0, 20.0)];
        let mut d = OpenDriver::new(Schedule::new(&stages), WHOLE);
        let mut trace = Trace::default();
        sim::run(&mut trace, Duration::ZERO, secs(3.0), |now, out| {
            d.poll(now, out)
        });
        assert_eq!(arrivals(&trace).len(), 61);
        d.steer(secs(2.5), &set_rate(100.0, 0.0, Until::PlannedEnd));
        sim::run(&mut trace, secs(3.0), secs(60.0), |now, out| {
            d.poll(now, out)
        });
        let got = arrivals(&trace);
        assert_eq!(got.len(), 800);
        for (m, &(_, number, _)) in got.iter().enumerate() {
            assert_eq!(number, m as u64);
        }
        assert!(got.windows(2).all(|w| w[0].2 <= w[1].2));
        assert!(
            got[61..=100]
                .iter()
                .all(|a| a.0 == secs(3.0) && a.2 == secs(3.0))
        );
        assert!((got[101].2.as_secs_f64() - 3.01).abs() < 1e-9);
    }

    /// Until stopped: the arrivals go on past the planned end, at the new
    /// rate, and the driver never says the run is over.
    #[test]
    fn until_stopped_arrivals_go_on_past_the_planned_end() {
        let stages = [stage(0.0, 10.0), stage(10.0, 10.0)];
        let mut d = OpenDriver::new(Schedule::new(&stages), WHOLE);
        let mut out = Vec::new();
        d.poll(secs(5.0), &mut out);
        d.steer(secs(5.0), &set_rate(20.0, 0.0, Until::Stopped));
        let mut trace = Trace::default();
        sim::run(&mut trace, secs(5.0), secs(3605.0), |now, out| {
            d.poll(now, out)
        });
        assert!(matches!(trace.last, Some(Next::At(_))));
        // 51 by 5 s (0 to 50, the last at 5 s), then 20/s for an hour.
        assert_eq!(out.len() + arrivals(&trace).len(), 51 + 72_000);
    }

    /// Rate curve breakpoints (instant, value), a jump being two points at
    /// one instant: the test's own model of a steered curve.
    fn points(stages: &[Stage]) -> Vec<(f64, f64)> {
        let mut points = vec![(0.0, 0.0)];
        let mut t = 0.0;
        for s in stages {
            t += s.duration.unwrap().as_secs_f64();
            points.push((t, s.target));
        }
        points
    }

    fn value(points: &[(f64, f64)], t: f64) -> f64 {
        let i = points.partition_point(|p| p.0 <= t);
        match (points.get(i.wrapping_sub(1)), points.get(i)) {
            (Some(a), Some(b)) => a.1 + (b.1 - a.1) * ((t - a.0) / (b.0 - a.0)),
            _ => 0.0,
        }
    }

    fn area_of(points: &[(f64, f64)], t: f64) -> f64 {
        points
            .windows(2)
            .map(|w| {
                let (a, b) = (w[0], w[1]);
                let upto = t.min(b.0) - a.0;
                if upto <= 0.0 || b.0 <= a.0 {
                    return 0.0;
                }
                let v = a.1 + (b.1 - a.1) * (upto / (b.0 - a.0));
                (a.1 + v) / 2.0 * upto
            })
            .sum()
    }

    /// Ramps to `to` over `ramp` from `at`, then holds to `end`.
    fn steer_points(points: &mut Vec<(f64, f64)>, at: f64, to: f64, ramp: f64, end: f64) {
        let from = value(points, at);
        points.retain(|p| p.0 < at);
        points.push((at, from));
        if ramp > 0.0 && at + ramp > end {
            points.push((end, from + (to - from) * ((end - at) / ramp)));
            return;
        }
        points.push((at + ramp, to));
        points.push((end, to));
    }

    /// The area under a piecewise-linear rate curve from 0 to `t`, by the
    /// test's own trapezoids.
    fn area(stages: &[Stage], t: f64) -> f64 {
        let (mut start, mut from, mut sum) = (0.0, 0.0, 0.0);
        for s in stages {
            let len = s.duration.unwrap().as_secs_f64();
            let to = s.target;
            let upto = (t - start).clamp(0.0, len);
            if upto > 0.0 {
                let v = from + (to - from) * (upto / len);
                sum += (from + v) / 2.0 * upto;
            }
            start += len;
            from = to;
        }
        sum
    }

    proptest::proptest! {
        /// However the run is split into segments and workers: every
        /// arrival number is handed out once, by the lane that owns it, the
        /// numbers together are contiguous from 0, each lane's due times
        /// only go forward, and the arrivals due before any instant T are
        /// exactly the numbers below the curve's integral up to T.
        #[test]
        fn lanes_together_hand_out_the_integral_of_the_curve(
            stages in proptest::collection::vec((0u64..5_000, 0u32..300), 1..5),
            count in 1u32..4,
            workers in 1usize..4,
            samples in proptest::collection::vec(0.0f64..1.0, 1..20),
        ) {
            let stages: Vec<Stage> = stages
                .iter()
                .map(|&(ms, rate)| stage(ms as f64 / 1000.0, f64::from(rate)))
                .collect();
            let curve = Schedule::new(&stages);
            let end = curve.end().unwrap();
            let mut all = Vec::new();
            for index in 0..count {
                let segment = Segment::new(index, count).unwrap();
                for worker in 0..workers {
                    let lane = segment.lane(worker, workers);
                    let mut d = OpenDriver::new(curve.clone(), lane);
                    let mut trace = Trace::default();
                    sim::run(&mut trace, Duration::ZERO, end, |now, out| d.poll(now, out));
                    proptest::prop_assert_eq!(trace.last, Some(Next::Over));
                    let mine = arrivals(&trace);
                    for pair in mine.windows(2) {
                        proptest::prop_assert!(pair[0].2 <= pair[1].2, "due times go back");
                        proptest::prop_assert_eq!(pair[1].1, pair[0].1 + lane.stride as u64);
                    }
                    for &(at, number, due) in &mine {
                        proptest::prop_assert_eq!(number as usize % lane.stride, lane.slot);
                        proptest::prop_assert!(due < end && due <= at);
                    }
                    all.extend(mine);
                }
            }
            let mut numbers: Vec<u64> = all.iter().map(|a| a.1).collect();
            numbers.sort_unstable();
            proptest::prop_assert_eq!(&numbers, &(0..numbers.len() as u64).collect::<Vec<_>>());
            for s in samples {
                let t = end.as_secs_f64() * s;
                let a = area(&stages, t);
                if (a - a.round()).abs() < 1e-6 {
                    continue; // an arrival due at T itself is a float's call
                }
                let due_before = all.iter().filter(|x| x.2.as_secs_f64() < t).count();
                proptest::prop_assert_eq!(due_before as f64, a.ceil(), "before {}", t);
            }
        }

        /// Rate changes at random instants (steps and ramps, some until
        /// stopped), heard by every lane at once: the numbers handed out
        /// are contiguous from 0 with none twice, each lane's due times
        /// only go forward, and the arrivals due before any instant T are
        /// exactly the numbers below the changed curve's integral up to T,
        /// by the test's own model of that curve.
        #[test]
        fn lanes_follow_rate_changes_without_losing_or_repeating_an_arrival(
            changes in proptest::collection::vec((1u64..20_000, 0u32..300, 0u64..5_000, proptest::bool::ANY), 1..5),
            workers in 1usize..4,
            samples in proptest::collection::vec(0.0f64..1.0, 1..20),
        ) {
            let stages = [stage(2.0, 50.0), stage(18.0, 50.0)];
            let horizon = secs(40.0);
            let mut changes: Vec<(Duration, LoadChange)> = changes
                .iter()
                .map(|&(ms, rate, ramp_ms, stopped)| {
                    let until = if stopped { Until::Stopped } else { Until::PlannedEnd };
                    (Duration::from_millis(ms), set_rate(f64::from(rate), ramp_ms as f64 / 1000.0, until))
                })
                .collect();
            changes.sort_by_key(|c| c.0);
            let mut model = points(&stages);
            for (at, change) in &changes {
                let LoadChange::Rate { per_second, ramp, until } = *change else { unreachable!() };
                let end = match until {
                    Until::PlannedEnd => 20.0,
                    Until::Stopped => f64::INFINITY,
                };
                steer_points(&mut model, at.as_secs_f64(), per_second, ramp.as_secs_f64(), end);
            }
            let mut all = Vec::new();
            for worker in 0..workers {
                let lane = Segment::WHOLE.lane(worker, workers);
                let mut d = OpenDriver::new(Schedule::new(&stages), lane);
                let mut trace = Trace::default();
                let mut from = Duration::ZERO;
                for (at, change) in &changes {
                    sim::run(&mut trace, from, *at, |now, out| d.poll(now, out));
                    d.steer(*at, change);
                    from = *at;
                }
                sim::run(&mut trace, from, horizon, |now, out| d.poll(now, out));
                let mine = arrivals(&trace);
                for pair in mine.windows(2) {
                    proptest::prop_assert!(pair[0].2 <= pair[1].2, "due times go back");
                    proptest::prop_assert_eq!(pair[1].1, pair[0].1 + lane.stride as u64);
                }
                all.extend(mine);
            }
            let mut numbers: Vec<u64> = all.iter().map(|a| a.1).collect();
            numbers.sort_unstable();
            proptest::prop_assert_eq!(&numbers, &(0..numbers.len() as u64).collect::<Vec<_>>());
            for s in samples {
                let t = horizon.as_secs_f64() * s;
                let a = area_of(&model, t);
                if (a - a.round()).abs() < 1e-6 {
                    continue; // an arrival due at T itself is a float's call
                }
                let due_before = all.iter().filter(|x| x.2.as_secs_f64() < t).count();
                proptest::prop_assert_eq!(due_before as f64, a.ceil(), "before {}", t);
            }
        }
    }
}
