//! Failure categories, sampled failure examples and journey outcomes.

use serde::{Deserialize, Serialize};

/// Why a request or a journey failed. The set is closed so counts can live
/// in a fixed array on the hot path; the string form is the results key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureCategory {
    Connect,
    Timeout,
    Reset,
    Tls,
    Protocol,
    Redirects,
    Status,
    Expectation,
    Capture,
    Template,
    Data,
    /// An arrival no virtual user could start in time (open model).
    Dropped,
    /// Cut off by the end of the run: the stop timeout passed, or the run
    /// was aborted, while the request or journey was in flight.
    Interrupted,
}

impl FailureCategory {
    /// Every category, in declaration order (the index order of counts).
    pub const ALL: [FailureCategory; 13] = [
        FailureCategory::Connect,
        FailureCategory::Timeout,
        FailureCategory::Reset,
        FailureCategory::Tls,
        FailureCategory::Protocol,
        FailureCategory::Redirects,
        FailureCategory::Status,
        FailureCategory::Expectation,
        FailureCategory::Capture,
        FailureCategory::Template,
        FailureCategory::Data,
        FailureCategory::Dropped,
        FailureCategory::Interrupted,
    ];

    /// The lower-case key: `"connect"`, `"timeout"`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            FailureCategory::Connect => "connect",
            FailureCategory::Timeout => "timeout",
            FailureCategory::Reset => "reset",
            FailureCategory::Tls => "tls",
            FailureCategory::Protocol => "protocol",
            FailureCategory::Redirects => "redirects",
            FailureCategory::Status => "status",
            FailureCategory::Expectation => "expectation",
            FailureCategory::Capture => "capture",
            FailureCategory::Template => "template",
            FailureCategory::Data => "data",
            FailureCategory::Dropped => "dropped",
            FailureCategory::Interrupted => "interrupted",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for FailureCategory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Examples kept per (request or journey, category), per shard and in the
/// aggregate: enough to diagnose, few enough that a failure storm costs
/// nothing.
pub const EXAMPLES_PER_CATEGORY: usize = 3;
/// Longest body excerpt kept in an example, in bytes.
pub const EXAMPLE_BODY_MAX: usize = 512;
/// Longest URL and error text kept in an example, in bytes.
pub const EXAMPLE_TEXT_MAX: usize = 2048;

/// One sampled failure. It carries no headers, and the engine redacts its
/// URL, body excerpt and error when it builds one (`starling_engine`'s
/// `redact` module; what is redacted is in docs/scenario.md, "Secrets"):
/// every renderer reads redacted text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureExample {
    pub url: String,
    pub status: Option<u16>,
    /// First bytes of the response body, lossy UTF-8, at most 512 bytes.
    pub body: String,
    pub error: String,
}

impl FailureExample {
    /// Cuts every field to its size limit (on a character boundary), so a
    /// careless caller cannot make the results file grow without bound.
    pub(crate) fn bounded(mut self) -> FailureExample {
        truncate(&mut self.body, EXAMPLE_BODY_MAX);
        truncate(&mut self.url, EXAMPLE_TEXT_MAX);
        truncate(&mut self.error, EXAMPLE_TEXT_MAX);
        self
    }
}

pub(crate) fn truncate(text: &mut String, max: usize) {
    if text.len() > max {
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
}

/// How one journey iteration ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JourneyOutcome {
    Success,
    /// Failed at a top-level step (its index in `JourneyMeta::funnel`).
    Failed {
        step: usize,
        category: FailureCategory,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_index_in_declaration_order() {
        for (i, category) in FailureCategory::ALL.iter().enumerate() {
            assert_eq!(category.index(), i);
        }
        assert_eq!(FailureCategory::Expectation.as_str(), "expectation");
    }

    #[test]
    fn examples_are_cut_on_char_boundaries() {
        let example = FailureExample {
            url: "u".into(),
            status: None,
            body: "é".repeat(400),
            error: String::new(),
        }
        .bounded();
        assert!(example.body.len() <= EXAMPLE_BODY_MAX);
        assert_eq!(example.body.len(), 512);
    }
}
