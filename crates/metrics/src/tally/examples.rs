//! Sampled failure examples, capped per category.

use crate::failure::{EXAMPLES_PER_CATEGORY, FailureCategory, FailureExample};

/// The first few examples of each category.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Examples(Vec<(FailureCategory, FailureExample)>);

impl Examples {
    pub(crate) fn wants(&self, category: FailureCategory) -> bool {
        self.0.iter().filter(|(c, _)| *c == category).count() < EXAMPLES_PER_CATEGORY
    }

    pub(crate) fn push(&mut self, category: FailureCategory, example: FailureExample) {
        if self.wants(category) {
            self.0.push((category, example.bounded()));
        }
    }

    pub(crate) fn add(&mut self, other: &Examples) {
        for (category, example) in &other.0 {
            self.push(*category, example.clone());
        }
    }

    pub(crate) fn take(&mut self) -> Examples {
        Examples(std::mem::take(&mut self.0))
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &(FailureCategory, FailureExample)> {
        self.0.iter()
    }
}
