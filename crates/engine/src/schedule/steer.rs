//! Re-anchoring the curve while a run goes on: the curve before the
//! instant of a change is kept as it was (so the arrivals numbered by its
//! area stay where they were), and from that instant it ramps from the
//! value it had there to the new target, then holds.

use std::time::Duration;

use super::Schedule;
use crate::steering::{LoadChange, Until};

impl Schedule {
    /// Follows `change` from `at` on. Past the curve's end this does
    /// nothing: the run is over.
    pub(crate) fn steer(&mut self, when: Duration, change: &LoadChange) {
        let at = when.as_secs_f64();
        if at >= self.end {
            return;
        }
        let from = self.value_at(when);
        let (to, ramp) = change.ramp_from(from);
        let end = match change.until() {
            Until::PlannedEnd => self.planned_end,
            Until::Stopped => f64::INFINITY,
        };
        self.cut(at);
        let start = self.tail();
        let end = end.max(start);
        // A ramp longer than what is left of the run is cut where it ends.
        let ramp_len = ramp.min(end - start);
        if ramp_len > 0.0 {
            let reached = if ramp_len < ramp {
                from + (to - from) * (ramp_len / ramp)
            } else {
                to
            };
            self.push(ramp_len, from, reached);
        }
        let hold = end - self.tail();
        if hold > 0.0 {
            self.push(hold, to, to);
        }
        self.end = end;
    }

    /// Ends the curve at `at`: pieces from `at` on go, the one `at` falls
    /// in stops there (on the same line).
    fn cut(&mut self, at: f64) {
        let keep = self.pieces.partition_point(|p| p.start < at);
        self.pieces.truncate(keep);
        if let Some(p) = self.pieces.last_mut()
            && p.end() > at
        {
            let value = p.value(at);
            if p.len.is_infinite() {
                // An open-ended piece holds its target all along.
                p.from = p.to;
            }
            p.len = at - p.start;
            p.to = value;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use starling_scenario::Stage;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    fn stage(secs: f64, target: f64) -> Stage {
        Stage {
            duration: Some(Duration::from_secs_f64(secs)),
            target,
        }
    }

    fn users(users: u32, spawn_rate: f64, until: Until) -> LoadChange {
        LoadChange::Users {
            users,
            spawn_rate,
            until,
        }
    }

    fn rate(per_second: f64, ramp: f64, until: Until) -> LoadChange {
        LoadChange::Rate {
            per_second,
            ramp: secs(ramp),
            until,
        }
    }

    fn assert_close(got: f64, expected: f64) {
        assert!((got - expected).abs() < 1e-9, "{got} ≠ {expected}");
    }

    /// The example: 10 users at t, set to 30 at 10 users/s: 20 a
    /// second later, 30 two seconds later, then held to the planned end.
    #[test]
    fn more_users_ramp_from_the_users_there_are_at_the_spawn_rate() {
        let plan = Schedule::new(&[stage(10.0, 10.0), stage(50.0, 10.0)]);
        let mut s = plan.clone();
        s.steer(secs(20.0), &users(30, 10.0, Until::PlannedEnd));
        assert_close(s.value_at(secs(20.0)), 10.0);
        assert_close(s.value_at(secs(21.0)), 20.0);
        assert_close(s.value_at(secs(22.0)), 30.0);
        assert_close(s.value_at(secs(59.0)), 30.0);
        assert_eq!(s.heading_at(secs(21.0)), 30.0);
        assert_eq!(s.end(), Some(secs(60.0)));
        assert_eq!(s.planned_end(), Some(secs(60.0)));
        // Before the change, the curve is the plan's.
        for t in [0.0, 3.3, 10.0, 19.999] {
            assert_eq!(s.value_at(secs(t)), plan.value_at(secs(t)), "{t}");
        }
    }

    /// Mid-ramp, the change starts from where the ramp is, not from its
    /// target: no user appears or leaves at once.
    #[test]
    fn a_change_mid_ramp_starts_from_the_value_there() {
        let mut s = Schedule::new(&[stage(10.0, 100.0), stage(10.0, 100.0)]);
        s.steer(secs(2.5), &users(5, 4.0, Until::PlannedEnd));
        assert_close(s.value_at(secs(2.5)), 25.0);
        assert_close(s.value_at(secs(5.0)), 15.0);
        assert_close(s.value_at(secs(7.5)), 5.0);
        assert_close(s.value_at(secs(19.0)), 5.0);
        assert_eq!(s.end(), Some(secs(20.0)));
    }

    #[test]
    fn until_stopped_holds_past_the_planned_end_and_a_later_change_can_end_it_again() {
        let mut s = Schedule::new(&[stage(0.0, 20.0), stage(10.0, 20.0)]);
        s.steer(secs(4.0), &rate(50.0, 2.0, Until::Stopped));
        assert_eq!(s.end(), None);
        assert_close(s.value_at(secs(5.0)), 35.0);
        assert_eq!(s.value_at(secs(86_400.0)), 50.0);
        s.steer(secs(8.0), &rate(10.0, 0.0, Until::PlannedEnd));
        assert_eq!(s.end(), Some(secs(10.0)));
        assert_eq!(s.value_at(secs(9.0)), 10.0);
        assert_eq!(s.value_at(secs(10.0)), 0.0);
    }

    /// A ramp longer than what is left of the run is cut at the end, on
    /// its line.
    #[test]
    fn a_ramp_past_the_planned_end_is_cut_there() {
        let mut s = Schedule::new(&[stage(0.0, 10.0), stage(60.0, 10.0)]);
        s.steer(secs(50.0), &users(100, 1.0, Until::PlannedEnd));
        assert_close(s.value_at(secs(59.0)), 19.0);
        assert_eq!(s.end(), Some(secs(60.0)));
        assert_eq!(s.value_at(secs(60.0)), 0.0);
    }

    /// `--iterations` ends with an open-ended hold; a change replaces it.
    #[test]
    fn an_open_ended_hold_is_changed_like_any_other() {
        let hold = Stage {
            duration: None,
            target: 4.0,
        };
        let mut s = Schedule::new(&[stage(1.0, 4.0), hold]);
        s.steer(secs(100.0), &users(8, 2.0, Until::PlannedEnd));
        assert_eq!(s.end(), None);
        assert_eq!(s.value_at(secs(99.0)), 4.0);
        assert_close(s.value_at(secs(101.0)), 6.0);
        assert_eq!(s.value_at(secs(1000.0)), 8.0);
        assert_eq!(s.final_value(), 8.0);
    }

    /// Open model: 20/s, then 100/s at once from 2.5 s. The integral is
    /// continuous, so the arrivals due before the change keep their
    /// instants and the numbering goes on: arrival 50 at 2.5 s, then one
    /// every 10 ms.
    #[test]
    fn a_rate_step_keeps_the_arrivals_before_it_and_numbers_on() {
        let plan = Schedule::new(&[stage(0.0, 20.0), stage(10.0, 20.0)]);
        let mut s = plan.clone();
        s.steer(secs(2.5), &rate(100.0, 0.0, Until::PlannedEnd));
        for m in 0..50 {
            let m = f64::from(m);
            assert_eq!(s.time_of_area(m), plan.time_of_area(m));
        }
        let due = |m: f64| s.time_of_area(m).unwrap().as_secs_f64();
        assert_close(due(50.0), 2.5);
        assert_close(due(51.0), 2.51);
        assert_close(due(799.0), 9.99);
        // 800 arrivals in [0, 10 s): arrival 800 would be due at the end.
        assert_close(due(800.0), 10.0);
    }

    #[test]
    fn a_change_after_the_end_changes_nothing() {
        let plan = Schedule::new(&[stage(0.0, 20.0), stage(10.0, 20.0)]);
        let mut s = plan.clone();
        s.steer(secs(10.0), &rate(100.0, 0.0, Until::Stopped));
        assert_eq!(s, plan);
    }
}
