//! Which user type each virtual user gets.
//!
//! Users are numbered globally from 0 in the order they start; worker i of n
//! runs the users whose number is i modulo n. Fixed-count user types take
//! the first numbers (Locust starts `fixed_count` users first); the rest
//! follow a smooth weighted round robin, so the mix matches the weights at
//! every point of a ramp, not only at its end, and is the same on every run.

use starling_scenario::{Plan, UserTypeId};

/// An endless, deterministic sequence of user types.
#[derive(Debug, Clone)]
pub(crate) struct UserTypeSequence {
    fixed: Vec<UserTypeId>,
    weighted: Vec<(UserTypeId, f64)>,
    credit: Vec<f64>,
    next: u64,
}

impl UserTypeSequence {
    pub(crate) fn new(plan: &Plan) -> UserTypeSequence {
        let mut fixed = Vec::new();
        let mut weighted = Vec::new();
        for (id, user_type) in plan.user_types.iter().enumerate() {
            match user_type.count {
                Some(count) => fixed.extend(std::iter::repeat_n(id, count as usize)),
                None if user_type.weight > 0.0 => weighted.push((id, user_type.weight)),
                None => {}
            }
        }
        let credit = vec![0.0; weighted.len()];
        UserTypeSequence {
            fixed,
            weighted,
            credit,
            next: 0,
        }
    }

    /// The user type of the next user; `None` when every user type has a
    /// fixed count and all of them are taken.
    pub(crate) fn next_type(&mut self) -> Option<UserTypeId> {
        let n = self.next;
        self.next += 1;
        if let Some(&id) = self.fixed.get(n as usize) {
            return Some(id);
        }
        // Smooth weighted round robin: everyone earns its weight, the
        // richest is picked and pays the total.
        let total: f64 = self.weighted.iter().map(|(_, w)| w).sum();
        let mut best: Option<usize> = None;
        for (i, (_, weight)) in self.weighted.iter().enumerate() {
            self.credit[i] += weight;
            if best.is_none_or(|b| self.credit[i] > self.credit[b]) {
                best = Some(i);
            }
        }
        let best = best?;
        self.credit[best] -= total;
        Some(self.weighted[best].0)
    }

    /// A sequence over user types given as (fixed count, weight), for
    /// tests that need no `Plan`.
    #[cfg(test)]
    pub(crate) fn from_types(types: &[(Option<u32>, f64)]) -> UserTypeSequence {
        UserTypeSequence {
            fixed: types
                .iter()
                .enumerate()
                .flat_map(|(i, (c, _))| std::iter::repeat_n(i, c.unwrap_or(0) as usize))
                .collect(),
            weighted: types
                .iter()
                .enumerate()
                .filter(|(_, (c, w))| c.is_none() && *w > 0.0)
                .map(|(i, (_, w))| (i, *w))
                .collect(),
            credit: vec![0.0; types.iter().filter(|(c, _)| c.is_none()).count()],
            next: 0,
        }
    }

    /// Skips to the user type of the next user owned by this worker.
    pub(crate) fn next_for_worker(
        &mut self,
        index: usize,
        workers: usize,
    ) -> Option<(u64, UserTypeId)> {
        loop {
            let number = self.next;
            let user_type = self.next_type()?;
            if number % workers as u64 == index as u64 {
                return Some((number, user_type));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sequence(weights: &[(Option<u32>, f64)]) -> UserTypeSequence {
        UserTypeSequence::from_types(weights)
    }

    #[test]
    fn fixed_counts_come_first_then_weights_hold_at_every_prefix() {
        let mut s = sequence(&[(Some(2), 0.0), (None, 0.75), (None, 0.25)]);
        let first: Vec<_> = (0..2).map(|_| s.next_type().unwrap()).collect();
        assert_eq!(first, vec![0, 0]);
        let mut counts = [0usize; 3];
        for n in 1..=400 {
            counts[s.next_type().unwrap()] += 1;
            // Never more than one user away from the exact share.
            assert!(
                (counts[1] as f64 - n as f64 * 0.75).abs() <= 1.0,
                "{counts:?}"
            );
        }
        assert_eq!(counts, [0, 300, 100]);
    }

    #[test]
    fn only_fixed_counts_run_out() {
        let mut s = sequence(&[(Some(1), 0.0)]);
        assert_eq!(s.next_type(), Some(0));
        assert_eq!(s.next_type(), None);
    }

    proptest::proptest! {
        /// However a run is cut into segments and workers, their users
        /// together are exactly the single-machine run's: the same numbers,
        /// each once, with the same user types.
        #[test]
        fn segments_and_workers_together_run_the_single_plan(
            users in 1u64..300,
            count in 1u32..6,
            workers in 1usize..4,
            fixed in proptest::option::of(0u32..20),
            weights in proptest::collection::vec(0.1f64..5.0, 1..4),
        ) {
            let mut types: Vec<(Option<u32>, f64)> = vec![(fixed, 0.0)];
            types.extend(weights.iter().map(|&w| (None, w)));
            let single: Vec<(u64, UserTypeId)> = {
                let mut s = sequence(&types);
                (0..users).map_while(|n| s.next_type().map(|t| (n, t))).collect()
            };
            let mut union = Vec::new();
            for index in 0..count {
                let segment = crate::segment::Segment::new(index, count).unwrap();
                for worker in 0..workers {
                    let lane = segment.lane(worker, workers);
                    let mut s = sequence(&types);
                    while let Some((number, user_type)) = s.next_for_worker(lane.slot, lane.stride) {
                        if number >= users {
                            break;
                        }
                        union.push((number, user_type));
                    }
                    // The closed model's count for this lane is its share.
                    let share = crate::schedule::share(users, lane.slot, lane.stride);
                    let mine = union.iter().filter(|(n, _)| *n as usize % lane.stride == lane.slot).count();
                    proptest::prop_assert_eq!(share as usize, mine);
                }
            }
            union.sort();
            proptest::prop_assert_eq!(union, single);
        }
    }

    #[test]
    fn workers_split_users_by_number() {
        let mut s = sequence(&[(None, 1.0)]);
        let numbers: Vec<u64> = (0..3).map(|_| s.next_for_worker(1, 2).unwrap().0).collect();
        assert_eq!(numbers, vec![1, 3, 5]);
    }
}
