//! The closed model's driver: how many users this worker's lane wants at
//! each instant (its share of the curve), whom to start and whom to stop,
//! when the run is over, and when that next changes.

use std::time::Duration;

use super::{Action, Next};
use crate::population::UserTypeSequence;
use crate::schedule::{Schedule, share};
use crate::segment::Lane;
use crate::steering::LoadChange;

/// Added before a curve value is floored to whole users, so that a float
/// error (29.999999999 for 30) never costs a user.
const WHOLE_EPSILON: f64 = 1e-9;
/// The least a deadline moves forward: a crossing computed a hair early
/// (float rounding) is asked again a microsecond later, never in a loop at
/// the same instant.
const MIN_STEP: Duration = Duration::from_micros(1);

/// One of this lane's users, as the driver knows it.
#[derive(Debug, Clone, Copy)]
struct User {
    number: u64,
    /// Its life is over (iterations done, `on_start` failed); it still
    /// counts as one of the users wanted, so it is not replaced.
    ended: bool,
}

/// Keeps this lane's share of the curve's users alive.
#[derive(Debug)]
pub(crate) struct ClosedDriver {
    curve: Schedule,
    lane: Lane,
    /// `--iterations`: the run is over when every user has ended.
    iterations: bool,
    types: UserTypeSequence,
    /// False once every user type has a fixed count and all are taken.
    types_left: bool,
    /// Started and not told to stop, oldest first (so by number): a
    /// ramp-down stops the newest, at the end.
    users: Vec<User>,
    ended: usize,
}

impl ClosedDriver {
    pub(crate) fn new(
        curve: Schedule,
        lane: Lane,
        iterations: bool,
        types: UserTypeSequence,
    ) -> ClosedDriver {
        ClosedDriver {
            curve,
            lane,
            iterations,
            types,
            types_left: true,
            users: Vec::new(),
            ended: 0,
        }
    }

    /// This lane's share of the curve's users at `now`.
    pub(crate) fn wanted(&self, now: Duration) -> u64 {
        self.share(self.curve.value_at(now))
    }

    pub(crate) fn poll(&mut self, now: Duration, out: &mut Vec<Action>) -> Next {
        if self.curve.end().is_some_and(|end| now >= end) {
            return Next::Over;
        }
        let wanted = self.wanted(now) as usize;
        while self.types_left && self.users.len() < wanted {
            match self.types.next_for_worker(self.lane.slot, self.lane.stride) {
                Some((number, user_type)) => {
                    self.users.push(User {
                        number,
                        ended: false,
                    });
                    out.push(Action::Start { number, user_type });
                }
                None => self.types_left = false,
            }
        }
        if self.users.len() > wanted {
            // Ramp down: the newest users finish their journey and leave,
            // newest first.
            for user in self.users.drain(wanted..).rev() {
                self.ended -= usize::from(user.ended);
                out.push(Action::Stop {
                    number: user.number,
                });
            }
        }
        let all_started =
            !self.types_left || self.users.len() as u64 >= self.share(self.curve.final_value());
        if self.iterations && all_started && self.ended == self.users.len() {
            return Next::Over;
        }
        self.next_change(now)
    }

    /// Follows `change` from `at`: a ramp from the users the curve held
    /// then, so none appears or leaves at once; the next poll starts or
    /// stops whom the new curve says (heard late, it catches up at once).
    pub(crate) fn steer(&mut self, at: Duration, change: &LoadChange) {
        if let LoadChange::Users { .. } = change {
            self.curve.steer(at, change);
        }
    }

    /// User `number` has ended; a user already stopped is no longer
    /// counted, so its end changes nothing.
    pub(crate) fn ended(&mut self, number: u64) {
        if let Ok(i) = self.users.binary_search_by_key(&number, |u| u.number)
            && !self.users[i].ended
        {
            self.users[i].ended = true;
            self.ended += 1;
        }
    }

    /// When the users wanted next differ from the users there are (one
    /// more is wanted, or one fewer), or the curve ends.
    fn next_change(&self, now: Duration) -> Next {
        let t = now.as_secs_f64();
        let have = self.users.len() as u64;
        // Woken a hair past the threshold, on whichever side it lies, the
        // driver sees the change: the margin is far above a float's error
        // and far below a nanosecond of any spawn rate.
        let margin = WHOLE_EPSILON / 2.0;
        let more = self
            .types_left
            .then(|| self.curve.reaches(t, self.level(have) + margin, true))
            .flatten();
        let fewer = have
            .checked_sub(1)
            .and_then(|last| self.curve.reaches(t, self.level(last) - margin, false));
        let change = match (more, fewer) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
        .map(|t| ceil_nanos(t).max(now + MIN_STEP));
        match (change, self.curve.end()) {
            (Some(change), Some(end)) => Next::At(change.min(end)),
            (Some(at), None) | (None, Some(at)) => Next::At(at),
            (None, None) => Next::Idle,
        }
    }

    /// The curve value from which this lane's user `index` (from 0) is
    /// wanted (as `whole` counts): that user is number `slot + index·stride`
    /// of the run, wanted while the curve holds more users than its number.
    fn level(&self, index: u64) -> f64 {
        let number = self.lane.slot as u64 + index * self.lane.stride as u64;
        (number + 1) as f64 - WHOLE_EPSILON
    }

    fn share(&self, value: f64) -> u64 {
        share(whole(value), self.lane.slot, self.lane.stride)
    }
}

/// Seconds as a duration, rounded up: woken a hair early, the driver would
/// see no change and have to be asked again.
fn ceil_nanos(secs: f64) -> Duration {
    Duration::from_nanos((secs * 1e9).ceil() as u64)
}

/// A curve value as a whole number of users; tiny float errors never cost
/// a user.
fn whole(value: f64) -> u64 {
    (value + WHOLE_EPSILON).floor().max(0.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drivers::sim::{self, Trace, users_at};
    use crate::segment::Segment;
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

    fn driver(stages: &[Stage], lane: Lane, iterations: bool) -> ClosedDriver {
        let types = UserTypeSequence::from_types(&[(None, 1.0)]);
        ClosedDriver::new(Schedule::new(stages), lane, iterations, types)
    }

    fn started(trace: &Trace) -> Vec<(Duration, u64)> {
        trace
            .actions
            .iter()
            .filter_map(|(at, a)| match a {
                Action::Start { number, .. } => Some((*at, *number)),
                _ => None,
            })
            .collect()
    }

    fn stopped(trace: &Trace) -> Vec<(Duration, u64)> {
        trace
            .actions
            .iter()
            .filter_map(|(at, a)| match a {
                Action::Stop { number } => Some((*at, *number)),
                _ => None,
            })
            .collect()
    }

    /// Within a microsecond before `expected`: a user is wanted from the
    /// instant the curve reaches its number, less the float slack that
    /// never costs a user (and deadlines are whole nanoseconds).
    fn assert_at(at: Duration, expected: Duration) {
        assert!(
            at <= expected && expected - at < Duration::from_micros(1),
            "at {at:?}, expected {expected:?}"
        );
    }

    /// An hour and more on simulated time: 100 users over 100 s, an hour at
    /// 100, back to 0 over 100 s. Each user starts when the curve reaches
    /// its number and the newest leave first; the driver is asked once per
    /// change (about 200 times, where a 10 ms tick would be 380,000).
    #[test]
    fn a_ramp_up_an_hour_and_a_ramp_down_start_and_stop_each_user_on_time() {
        let stages = [stage(100.0, 100.0), stage(3600.0, 100.0), stage(100.0, 0.0)];
        let mut d = driver(&stages, WHOLE, false);
        let mut trace = Trace::default();
        sim::run(&mut trace, Duration::ZERO, secs(4000.0), |now, out| {
            d.poll(now, out)
        });
        assert_eq!(trace.last, Some(Next::Over));
        assert_eq!(trace.now, secs(3800.0));

        let up = started(&trace);
        assert_eq!(up.len(), 100);
        for (k, &(at, number)) in up.iter().enumerate() {
            assert_eq!(number, k as u64);
            assert_at(at, secs((k + 1) as f64));
        }
        // Down from 100 at 3700 s, 1 user a second: user k leaves when the
        // curve falls below k + 1, at 3800 - (k + 1) s, newest first.
        let down = stopped(&trace);
        assert_eq!(down.len(), 100);
        for (i, &(at, number)) in down.iter().enumerate() {
            let k = 99 - i as u64;
            assert_eq!(number, k);
            assert!(at > secs(3800.0 - (k + 1) as f64), "{at:?}");
            assert!(at - secs(3800.0 - (k + 1) as f64) <= Duration::from_micros(1));
        }
        // Between changes, exactly the whole users of the curve.
        for t in (0..3800).map(|s| s as f64 + 0.5) {
            let value = Schedule::new(&stages).value_at(secs(t));
            assert_eq!(
                users_at(&trace.actions, secs(t)),
                value.floor() as u64,
                "{t}"
            );
        }
        assert!(trace.polls <= 203, "{} polls", trace.polls);
    }

    #[test]
    fn after_the_end_it_is_over_at_once() {
        let mut d = driver(&[stage(0.0, 5.0), stage(10.0, 5.0)], WHOLE, false);
        let mut out = Vec::new();
        assert_eq!(d.poll(secs(0.0), &mut out), Next::At(secs(10.0)));
        assert_eq!(out.len(), 5);
        out.clear();
        assert_eq!(d.poll(secs(10.0), &mut out), Next::Over);
        assert!(out.is_empty());
    }

    /// `--iterations`: the curve holds with no end; the run is over once
    /// every user wanted has started and ended, not before.
    #[test]
    fn with_iterations_it_is_over_when_every_user_has_ended() {
        let hold = Stage {
            duration: None,
            target: 4.0,
        };
        let mut d = driver(&[stage(1.0, 4.0), hold], WHOLE, true);
        let mut trace = Trace::default();
        sim::run(&mut trace, Duration::ZERO, secs(3600.0), |now, out| {
            d.poll(now, out)
        });
        assert_eq!(trace.last, Some(Next::Idle), "nothing due until users end");
        assert_eq!(started(&trace).len(), 4);
        let mut out = Vec::new();
        for number in [2, 0, 3] {
            d.ended(number);
            assert_eq!(d.poll(secs(10.0), &mut out), Next::Idle);
        }
        d.ended(3); // told twice: counted once
        assert_eq!(d.poll(secs(10.0), &mut out), Next::Idle);
        d.ended(1);
        assert_eq!(d.poll(secs(11.0), &mut out), Next::Over);
        assert!(out.is_empty(), "an ended user is not replaced: {out:?}");
    }

    /// Only fixed counts: once they are all taken no user is wanted in
    /// vain, and the driver does not wake for the curve's later users.
    #[test]
    fn when_the_fixed_counts_are_taken_no_more_users_start() {
        let types = UserTypeSequence::from_types(&[(Some(2), 0.0)]);
        let curve = Schedule::new(&[stage(10.0, 10.0), stage(10.0, 10.0)]);
        let mut d = ClosedDriver::new(curve, WHOLE, false, types);
        let mut trace = Trace::default();
        sim::run(&mut trace, Duration::ZERO, secs(100.0), |now, out| {
            d.poll(now, out)
        });
        assert_eq!(trace.last, Some(Next::Over));
        assert_eq!(started(&trace).len(), 2);
        assert_eq!(d.users.len(), 2);
        // Start, two users, a look for the third (there is none), the end.
        assert!(trace.polls <= 5, "{} polls", trace.polls);
    }

    fn set_users(users: u32, spawn_rate: f64) -> LoadChange {
        LoadChange::Users {
            users,
            spawn_rate,
            until: crate::steering::Until::PlannedEnd,
        }
    }

    /// The example, on the driver: 10 users held, at t = 100 s set
    /// to 30 at 10 users/s: 20 wanted a second later, 30 two seconds later,
    /// the new users numbered on from 10; then down to 5 at 5 users/s, the
    /// newest leaving first, one every 200 ms.
    #[test]
    fn a_live_change_ramps_from_the_users_there_are_at_its_spawn_rate() {
        let mut d = driver(&[stage(0.0, 10.0), stage(3600.0, 10.0)], WHOLE, false);
        let mut trace = Trace::default();
        sim::run(&mut trace, Duration::ZERO, secs(100.0), |now, out| {
            d.poll(now, out)
        });
        assert_eq!(started(&trace).len(), 10);

        let t = secs(100.0);
        d.steer(t, &set_users(30, 10.0));
        assert_eq!(d.wanted(t), 10);
        assert_eq!(d.wanted(t + secs(1.0)), 20);
        assert_eq!(d.wanted(t + secs(2.0)), 30);
        assert_eq!(d.wanted(t + secs(1800.0)), 30);
        let mut up = Trace::default();
        sim::run(&mut up, t, secs(200.0), |now, out| d.poll(now, out));
        let up = started(&up);
        assert_eq!(up.len(), 20);
        for (i, &(at, number)) in up.iter().enumerate() {
            assert_eq!(number, 10 + i as u64);
            assert_at(at, t + secs(0.1 * (i + 1) as f64));
        }

        let t = secs(200.0);
        d.steer(t, &set_users(5, 5.0));
        assert_eq!(d.wanted(t + secs(1.0)), 25);
        let mut down = Trace::default();
        sim::run(&mut down, t, secs(300.0), |now, out| d.poll(now, out));
        let down = stopped(&down);
        assert_eq!(down.len(), 25);
        for (i, &(at, number)) in down.iter().enumerate() {
            assert_eq!(number, 29 - i as u64, "newest first");
            let expected = t + secs(0.2 * i as f64);
            assert!(at > expected && at - expected <= Duration::from_micros(1));
        }
        assert_eq!(d.users.len(), 5);
        assert_eq!(d.wanted(secs(3599.0)), 5);
        assert_eq!(d.poll(secs(3600.0), &mut Vec::new()), Next::Over);
    }

    /// The same change made at 100 s but heard at 101 s: the users the
    /// new curve wanted by then start at once, the rest on time.
    #[test]
    fn a_live_change_heard_late_catches_up_at_once() {
        let mut d = driver(&[stage(0.0, 10.0), stage(3600.0, 10.0)], WHOLE, false);
        let mut out = Vec::new();
        d.poll(secs(0.0), &mut out);
        d.steer(secs(100.0), &set_users(30, 10.0));
        let mut trace = Trace::default();
        sim::run(&mut trace, secs(101.0), secs(200.0), |now, out| {
            d.poll(now, out)
        });
        let up = started(&trace);
        assert_eq!(up.len(), 20);
        assert!(up[..10].iter().all(|&(at, _)| at == secs(101.0)));
        for (i, &(at, _)) in up[10..].iter().enumerate() {
            assert_at(at, secs(101.0 + 0.1 * (i + 1) as f64));
        }
    }

    /// A change for the open model does not reach a closed driver.
    #[test]
    fn a_rate_change_leaves_a_closed_driver_as_it_was() {
        let mut d = driver(&[stage(0.0, 10.0), stage(60.0, 10.0)], WHOLE, false);
        let rate = LoadChange::Rate {
            per_second: 99.0,
            ramp: Duration::ZERO,
            until: crate::steering::Until::Stopped,
        };
        d.steer(secs(1.0), &rate);
        assert_eq!(d.wanted(secs(2.0)), 10);
        assert_eq!(d.curve.end(), Some(secs(60.0)));
    }

    proptest::proptest! {
        /// However the run is split into segments and workers, the lanes'
        /// users together are the curve's whole users at every instant
        /// (away from a change by more than the float slack), and no user
        /// number is started twice.
        #[test]
        fn lanes_together_keep_the_curves_whole_users(
            stages in proptest::collection::vec((1u64..600_000, 0u32..40), 1..5),
            count in 1u32..4,
            workers in 1usize..4,
            samples in proptest::collection::vec(0.0f64..1.0, 1..40),
        ) {
            let stages: Vec<Stage> = stages
                .iter()
                .map(|&(ms, users)| stage(ms as f64 / 1000.0, f64::from(users)))
                .collect();
            let curve = Schedule::new(&stages);
            let end = curve.end().unwrap();
            let mut traces = Vec::new();
            for index in 0..count {
                let segment = Segment::new(index, count).unwrap();
                for worker in 0..workers {
                    let mut d = driver(&stages, segment.lane(worker, workers), false);
                    let mut trace = Trace::default();
                    sim::run(&mut trace, Duration::ZERO, end, |now, out| d.poll(now, out));
                    proptest::prop_assert_eq!(trace.last, Some(Next::Over));
                    proptest::prop_assert_eq!(trace.now, end);
                    traces.push(trace);
                }
            }
            for s in samples {
                let t = end.mul_f64(s);
                let slack = Duration::from_micros(2);
                let near = |t: Duration| whole(curve.value_at(t));
                if near(t.saturating_sub(slack)) != near(t + slack) {
                    continue; // a change this close is a float's call
                }
                let users: u64 = traces.iter().map(|tr| users_at(&tr.actions, t)).sum();
                proptest::prop_assert_eq!(users, whole(curve.value_at(t)), "at {:?}", t);
            }
            let mut numbers: Vec<u64> = traces.iter().flat_map(started).map(|(_, n)| n).collect();
            let all = numbers.len();
            numbers.sort_unstable();
            numbers.dedup();
            proptest::prop_assert_eq!(numbers.len(), all, "a user number started twice");
        }

        /// Live changes at random instants, heard by every lane at once:
        /// the lanes together follow the changed curve's whole users, a
        /// ramp-down stops the newest of a lane's users, and no user
        /// number is started twice.
        #[test]
        fn lanes_together_follow_live_changes(
            changes in proptest::collection::vec((1u64..3_600_000, 0u32..60, 1u32..50), 1..6),
            workers in 1usize..4,
            samples in proptest::collection::vec(0.0f64..1.0, 1..40),
        ) {
            let stages = [stage(30.0, 20.0), stage(3570.0, 20.0)];
            let mut changes: Vec<(Duration, LoadChange)> = changes
                .iter()
                .map(|&(ms, users, rate)| (Duration::from_millis(ms), set_users(users, f64::from(rate))))
                .collect();
            changes.sort_by_key(|c| c.0);
            // The curve every lane follows, as the control's copy has it.
            let mut curve = Schedule::new(&stages);
            for (at, change) in &changes {
                curve.steer(*at, change);
            }
            let end = curve.end().unwrap();
            let mut traces = Vec::new();
            for worker in 0..workers {
                let lane = Segment::WHOLE.lane(worker, workers);
                let mut d = driver(&stages, lane, false);
                let mut trace = Trace::default();
                let mut from = Duration::ZERO;
                for (at, change) in &changes {
                    sim::run(&mut trace, from, *at, |now, out| d.poll(now, out));
                    d.steer(*at, change);
                    from = *at;
                }
                sim::run(&mut trace, from, end, |now, out| d.poll(now, out));
                proptest::prop_assert_eq!(trace.last, Some(Next::Over));
                // Each stop is of the newest user the lane has.
                let mut have: Vec<u64> = Vec::new();
                for (_, action) in &trace.actions {
                    match *action {
                        Action::Start { number, .. } => have.push(number),
                        Action::Stop { number } => proptest::prop_assert_eq!(have.pop(), Some(number)),
                        Action::Arrive { .. } => proptest::prop_assert!(false, "an arrival"),
                    }
                }
                traces.push(trace);
            }
            for s in samples {
                let t = end.mul_f64(s);
                let slack = Duration::from_micros(2);
                let near = |t: Duration| whole(curve.value_at(t));
                if near(t.saturating_sub(slack)) != near(t + slack)
                    || changes.iter().any(|(at, _)| t.abs_diff(*at) < slack)
                {
                    continue; // a change this close is a float's call
                }
                let users: u64 = traces.iter().map(|tr| users_at(&tr.actions, t)).sum();
                proptest::prop_assert_eq!(users, whole(curve.value_at(t)), "at {:?}", t);
            }
            let mut numbers: Vec<u64> = traces.iter().flat_map(started).map(|(_, n)| n).collect();
            let all = numbers.len();
            numbers.sort_unstable();
            numbers.dedup();
            proptest::prop_assert_eq!(numbers.len(), all, "a user number started twice");
        }
    }
}
