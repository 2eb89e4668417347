//! Sampled failure examples, capped per category, each with the trace id
//! of the journey iteration it came from (when the run sent one).

use crate::failure::{EXAMPLES_PER_CATEGORY, FailureCategory, FailureExample};
use crate::trace_id::TraceId;

/// One kept example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Kept {
    pub(crate) category: FailureCategory,
    pub(crate) example: FailureExample,
    pub(crate) trace: Option<TraceId>,
}

/// The first few examples of each category.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Examples(Vec<Kept>);

impl Examples {
    pub(crate) fn wants(&self, category: FailureCategory) -> bool {
        self.0.iter().filter(|k| k.category == category).count() < EXAMPLES_PER_CATEGORY
    }

    pub(crate) fn push(
        &mut self,
        category: FailureCategory,
        example: FailureExample,
        trace: Option<TraceId>,
    ) {
        if self.wants(category) {
            self.0.push(Kept {
                category,
                example: example.bounded(),
                trace,
            });
        }
    }

    pub(crate) fn add(&mut self, other: &Examples) {
        for kept in &other.0 {
            self.push(kept.category, kept.example.clone(), kept.trace);
        }
    }

    pub(crate) fn take(&mut self) -> Examples {
        Examples(std::mem::take(&mut self.0))
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Kept> {
        self.0.iter()
    }
}
