//! The metric keys of a run: dense indices assigned by the scenario
//! compiler, with the names and labels the summary shows for them.

use serde::{Deserialize, Serialize};

/// Everything the metrics need to know about a Plan: the index of a
/// request, journey or section in these vectors is its metric key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    /// Request metrics, by name (several steps may share one name).
    pub requests: Vec<RequestMeta>,
    /// Service labels; `RequestMeta::service` indexes this.
    pub services: Vec<String>,
    /// Journeys, each with the labels of its top-level steps.
    pub journeys: Vec<JourneyMeta>,
    /// Groups and polls, each with its own duration metric.
    pub sections: Vec<SectionMeta>,
}

/// One request metric.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestMeta {
    /// Metric name, e.g. `POST /orders` (the path template by default).
    pub name: String,
    /// HTTP method (or the protocol's verb).
    pub method: String,
    /// Index into `Catalog::services`.
    pub service: usize,
}

/// One journey.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JourneyMeta {
    pub name: String,
    pub user_type: String,
    /// One label per top-level step; the funnel has one row per label.
    pub funnel: Vec<String>,
}

/// A group or a poll: a named part of a journey with its own duration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionMeta {
    pub name: String,
    pub kind: SectionKind,
    /// Index into `Catalog::journeys` of the journey it belongs to.
    pub journey: Option<usize>,
}

/// What a section is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Group,
    Poll,
}

impl SectionKind {
    /// The lower-case name used in the results file and the tables.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Group => "group",
            SectionKind::Poll => "poll",
        }
    }
}
