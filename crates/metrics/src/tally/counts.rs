//! Small fixed-shape counters: failures by category, responses by status.

use std::collections::BTreeMap;

use crate::FailureCategory;

/// Failures by category in a fixed array: no allocation, no hashing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CategoryCounts([u64; FailureCategory::ALL.len()]);

impl CategoryCounts {
    pub(crate) fn add_one(&mut self, category: FailureCategory) {
        self.0[category.index()] += 1;
    }

    pub(crate) fn add_n(&mut self, category: FailureCategory, n: u64) {
        self.0[category.index()] += n;
    }

    pub(crate) fn add(&mut self, other: &CategoryCounts) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0) {
            *mine += theirs;
        }
    }

    pub(crate) fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// Non-zero counts by category, for the summary.
    pub(crate) fn to_map(self) -> BTreeMap<FailureCategory, u64> {
        FailureCategory::ALL
            .into_iter()
            .zip(self.0)
            .filter(|&(_, n)| n > 0)
            .collect()
    }
}

/// Responses by status code. A run sees a handful of codes, so a short
/// vector searched linearly beats a map; it allocates only on a new code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct StatusCounts(Vec<(u16, u64)>);

impl StatusCounts {
    pub(crate) fn add_n(&mut self, status: u16, n: u64) {
        match self.0.iter_mut().find(|(code, _)| *code == status) {
            Some((_, count)) => *count += n,
            None => self.0.push((status, n)),
        }
    }

    pub(crate) fn add(&mut self, other: &StatusCounts) {
        for &(status, n) in &other.0 {
            self.add_n(status, n);
        }
    }

    /// Zeroes the counts, keeping the codes seen (and the allocation).
    pub(crate) fn take(&mut self) -> StatusCounts {
        let taken = StatusCounts(self.0.iter().copied().filter(|&(_, n)| n > 0).collect());
        for (_, count) in &mut self.0 {
            *count = 0;
        }
        taken
    }

    pub(crate) fn to_map(&self) -> BTreeMap<u16, u64> {
        let mut map = BTreeMap::new();
        for &(status, n) in &self.0 {
            if n > 0 {
                *map.entry(status).or_default() += n;
            }
        }
        map
    }
}
