//! Where in the system a journey failed: a kept failed iteration joined
//! with the services' own server spans of its trace, as the call tree
//! under the request that failed, with the span where the failure began.
//!
//! The spans may come from any store that can be asked by trace id (the
//! demo's `/admin/traces`, a tracing backend): [`ServerSpan`] holds only
//! what W3C trace context and HTTP server spans carry everywhere.
//!
//! How the origin is found, from the top of the tree down: a span that
//! failed (5xx or an error) because a span under it failed, or because it
//! stopped waiting for one that answered after it had given up (a
//! timeout), passes the blame down; the span where that stops is the
//! origin. A span ending after its caller ended is how a timeout shows in
//! any tracing system, whatever the services' error messages say.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::failure::FailureCategory;
use crate::sample::{JourneySample, StepSample};
use crate::trace_id::{SpanId, TraceId};

/// How much later than its caller a span must end to count as answered
/// after the caller gave up: spans of one host share a clock, but their
/// start (wall clock) and length (monotonic) are read a few µs apart.
pub const LATE_TOLERANCE_US: u64 = 1_000;

/// One request as a service saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerSpan {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    /// The caller's span (`traceparent`'s parent id); absent at a root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<SpanId>,
    /// The service that recorded it (OpenTelemetry's `service.name`).
    pub service: String,
    /// `GET /users/{id}`.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub start_unix_us: u64,
    pub duration_us: u64,
    /// Why it failed, as the service said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Anything else the service noted about it (the demo: an injected
    /// fault).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ServerSpan {
    fn end_us(&self) -> u64 {
        self.start_unix_us.saturating_add(self.duration_us)
    }

    fn failed(&self) -> bool {
        self.error.is_some() || self.status.is_some_and(|s| s >= 500)
    }
}

/// What one span of a tree did, as far as the failure is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Answered in time and did not fail.
    Fine,
    /// Failed (5xx or an error).
    Failed,
    /// Failed because it stopped waiting for a span under it.
    TimedOut,
    /// Answered after its caller had given up on it.
    Late,
}

/// A span and the spans it called, the earliest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallNode {
    pub span: ServerSpan,
    pub role: Role,
    /// On the path from the top to the origin.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blamed: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<CallNode>,
}

/// Where a failed iteration's failure began.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Origin {
    /// In a service: its name, and the chain from the top span down to
    /// it, e.g. `gateway 504 ← orders timeout ← users 2.00s`.
    Service { service: String, chain: String },
    /// The services answered fine; starling's own check of the answer
    /// failed (an expectation, a capture, a status it did not expect).
    Answer { category: FailureCategory },
    /// The failure sent no request (a template, a data source).
    NoRequest { category: FailureCategory },
    /// No server span of the failed request was found: it never reached
    /// a traced service (a connect error), or the store forgot it.
    NoSpans,
}

impl Origin {
    /// The name it is counted under.
    pub fn label(&self) -> String {
        match self {
            Origin::Service { service, .. } => service.clone(),
            Origin::Answer { category } => format!("starling's check ({})", category.as_str()),
            Origin::NoRequest { category } => format!("before sending ({})", category.as_str()),
            Origin::NoSpans => "no server span".to_owned(),
        }
    }
}

/// A failed iteration joined with its trace's server spans.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JoinedSample {
    pub journey: String,
    pub sample: JourneySample,
    /// Index into `sample.steps` of the failed request, when one was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_step: Option<usize>,
    /// The server spans under that request (usually one: the gateway's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trees: Vec<CallNode>,
    pub origin: Origin,
}

impl JoinedSample {
    /// The failed request's step, when one was sent.
    pub fn step(&self) -> Option<&StepSample> {
        self.failed_step.and_then(|i| self.sample.steps.get(i))
    }
}

/// Joins one failed iteration with the spans of its trace (spans of other
/// traces are ignored, so a caller may pass a whole store's worth).
pub fn join(journey: &str, sample: &JourneySample, spans: &[ServerSpan]) -> JoinedSample {
    let failed_step = sample
        .steps
        .iter()
        .rposition(|s| s.failure.is_some() && s.request.is_some());
    let mut joined = JoinedSample {
        journey: journey.to_owned(),
        sample: sample.clone(),
        failed_step,
        trees: Vec::new(),
        origin: Origin::NoSpans,
    };
    let Some(step) = failed_step.and_then(|i| sample.steps.get(i)) else {
        let category = sample
            .steps
            .iter()
            .rev()
            .find_map(|s| s.failure)
            .or(sample.failure.as_ref().map(|f| f.category))
            .unwrap_or(FailureCategory::Expectation);
        joined.origin = Origin::NoRequest { category };
        return joined;
    };
    let (Some(trace), Some(parent)) = (sample.trace_id, step.span_id) else {
        return joined;
    };
    let mut by_parent: BTreeMap<SpanId, Vec<&ServerSpan>> = BTreeMap::new();
    for span in spans.iter().filter(|s| s.trace_id == trace) {
        if let Some(p) = span.parent {
            by_parent.entry(p).or_default().push(span);
        }
    }
    // The client's request is the roots' caller: it ended when starling
    // stopped waiting, so a root that answered later was late too.
    let client_end = sample
        .started_at_unix_ms
        .saturating_mul(1_000)
        .saturating_add(step.offset_us)
        .saturating_add(step.total_us);
    joined.trees = children(parent, client_end, &by_parent, 0);
    let category = step.failure.unwrap_or(FailureCategory::Status);
    let no_spans = joined.trees.is_empty();
    joined.origin = match joined.trees.iter_mut().find(|t| t.role != Role::Fine) {
        Some(top) => blame(top),
        None if no_spans => Origin::NoSpans,
        None => Origin::Answer { category },
    };
    joined
}

/// A span's children sorted by start, each with its role and subtree;
/// `depth` bounds a malicious or cyclic store.
fn children(
    parent: SpanId,
    parent_end_us: u64,
    by_parent: &BTreeMap<SpanId, Vec<&ServerSpan>>,
    depth: usize,
) -> Vec<CallNode> {
    const MAX_DEPTH: usize = 32;
    let Some(spans) = by_parent.get(&parent).filter(|_| depth < MAX_DEPTH) else {
        return Vec::new();
    };
    let mut nodes: Vec<CallNode> = spans
        .iter()
        .map(|span| {
            let children = children(span.span_id, span.end_us(), by_parent, depth + 1);
            let late = span.end_us() > parent_end_us.saturating_add(LATE_TOLERANCE_US);
            let role = if late {
                Role::Late
            } else if span.failed() && children.iter().any(|c| c.role == Role::Late) {
                Role::TimedOut
            } else if span.failed() {
                Role::Failed
            } else {
                Role::Fine
            };
            CallNode {
                span: (*span).clone(),
                role,
                blamed: false,
                children,
            }
        })
        .collect();
    nodes.sort_by_key(|n| n.span.start_unix_us);
    nodes
}

/// Follows the blame down from `top`, marking the path, and names the
/// span where it stops.
fn blame(top: &mut CallNode) -> Origin {
    let mut chain = Vec::new();
    let mut node = top;
    loop {
        node.blamed = true;
        chain.push(step_label(node));
        // A late child explains a timeout before a failed one does.
        let next = node
            .children
            .iter()
            .position(|c| c.role == Role::Late)
            .or_else(|| {
                node.children
                    .iter()
                    .position(|c| matches!(c.role, Role::Failed | Role::TimedOut))
            })
            .or_else(|| slowest_share(node));
        match next {
            Some(i) => node = &mut node.children[i],
            None => {
                return Origin::Service {
                    service: node.span.service.clone(),
                    chain: chain.join(" ← "),
                };
            }
        }
    }
}

/// In a span that was too slow (its caller gave up) but whose calls all
/// answered in time, the call that took at least half of its time: the
/// slowness began there.
fn slowest_share(node: &CallNode) -> Option<usize> {
    if node.role != Role::Late {
        return None;
    }
    let (index, slowest) = node
        .children
        .iter()
        .enumerate()
        .max_by_key(|(_, c)| c.span.duration_us)?;
    (slowest.span.duration_us.saturating_mul(2) >= node.span.duration_us).then_some(index)
}

/// `orders timeout`, `users 2.00s` (late: how long it took), `payments 503`.
fn step_label(node: &CallNode) -> String {
    let what = match node.role {
        Role::TimedOut => "timeout".to_owned(),
        Role::Late | Role::Fine => duration(node.span.duration_us),
        Role::Failed => node
            .span
            .status
            .map_or_else(|| "error".to_owned(), |s| s.to_string()),
    };
    format!("{} {what}", node.span.service)
}

/// `2.00s`, `150ms`: as the terminal shows durations, without depending
/// on the report crate.
fn duration(us: u64) -> String {
    if us >= 1_000_000 {
        format!("{:.2}s", us as f64 / 1e6)
    } else {
        format!("{}ms", us / 1_000)
    }
}

/// Failed iterations by where they began, most first: the answer to
/// "which service breaks my journeys".
pub fn count_origins(joined: &[JoinedSample]) -> Vec<(String, u64)> {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for sample in joined {
        *counts.entry(sample.origin.label()).or_default() += 1;
    }
    let mut counts: Vec<(String, u64)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::SampleFailure;

    const TRACE: TraceId = TraceId(0xabc);
    const START_MS: u64 = 1_000;

    fn span(
        id: u64,
        parent: u64,
        service: &str,
        status: u16,
        start_ms: u64,
        ms: u64,
    ) -> ServerSpan {
        ServerSpan {
            trace_id: TRACE,
            span_id: SpanId(id),
            parent: Some(SpanId(parent)),
            service: service.into(),
            name: format!("GET /{service}"),
            status: Some(status),
            start_unix_us: start_ms * 1_000,
            duration_us: ms * 1_000,
            error: (status >= 500).then(|| format!("{service} failed")),
            note: None,
        }
    }

    /// A checkout that failed at its second request (span 2), sent 5 ms
    /// into the iteration and answered after `took_ms`.
    fn sample(status: Option<u16>, failure: FailureCategory, took_ms: u64) -> JourneySample {
        let step = |i: usize, span: u64, status, failure, offset_ms: u64, ms: u64| StepSample {
            step: i,
            request: Some(format!("POST /{i}")),
            method: "POST".into(),
            url: String::new(),
            span_id: Some(SpanId(span)),
            offset_us: offset_ms * 1_000,
            status,
            connect_us: None,
            ttfb_us: None,
            total_us: ms * 1_000,
            failure,
            message: String::new(),
        };
        JourneySample {
            trace_id: Some(TRACE),
            sampled: true,
            vu: 1,
            iteration: 0,
            started_at_unix_ms: START_MS,
            duration_us: (5 + took_ms) * 1_000,
            failure: Some(SampleFailure {
                step: 1,
                label: "POST /1".into(),
                category: failure,
            }),
            rank: 0,
            steps: vec![
                step(0, 1, Some(201), None, 0, 4),
                step(1, 2, status, Some(failure), 5, took_ms),
            ],
            omitted_steps: 0,
        }
    }

    #[test]
    fn a_timeout_deep_in_the_graph_is_blamed_on_the_slow_service() {
        // gateway → orders (gives up after 1 s) → users (answers after 2 s),
        // and products, fine.
        let spans = [
            span(10, 2, "gateway", 504, START_MS + 5, 1_001),
            span(11, 10, "orders", 504, START_MS + 5, 1_000),
            span(12, 11, "users", 200, START_MS + 5, 2_000),
            span(13, 11, "products", 200, START_MS + 6, 3),
            // Another request of the iteration and another trace: ignored.
            span(20, 1, "users", 201, START_MS, 3),
            ServerSpan {
                trace_id: TraceId(0xdef),
                ..span(30, 2, "payments", 500, START_MS, 1)
            },
        ];
        let joined = join(
            "checkout",
            &sample(Some(504), FailureCategory::Status, 1_002),
            &spans,
        );
        assert_eq!(joined.failed_step, Some(1));
        assert_eq!(
            joined.origin,
            Origin::Service {
                service: "users".into(),
                chain: "gateway 504 ← orders timeout ← users 2.00s".into(),
            }
        );
        let [gateway] = joined.trees.as_slice() else {
            panic!("one tree under the failed request: {:?}", joined.trees);
        };
        assert_eq!((gateway.role, gateway.blamed), (Role::Failed, true));
        let orders = &gateway.children[0];
        assert_eq!((orders.role, orders.blamed), (Role::TimedOut, true));
        let roles: Vec<_> = orders
            .children
            .iter()
            .map(|c| (c.span.service.as_str(), c.role, c.blamed))
            .collect();
        assert_eq!(
            roles,
            [("users", Role::Late, true), ("products", Role::Fine, false)]
        );
    }

    #[test]
    fn an_error_is_blamed_on_the_deepest_span_that_failed() {
        let spans = [
            span(10, 2, "gateway", 502, START_MS + 5, 20),
            span(11, 10, "payments", 502, START_MS + 5, 19),
            span(12, 11, "orders", 503, START_MS + 6, 2),
        ];
        let joined = join(
            "checkout",
            &sample(Some(502), FailureCategory::Status, 21),
            &spans,
        );
        assert_eq!(joined.origin.label(), "orders");
        assert!(
            matches!(&joined.origin, Origin::Service { chain, .. } if chain == "gateway 502 ← payments 502 ← orders 503")
        );
    }

    #[test]
    fn a_root_that_answered_after_starling_gave_up_is_late() {
        // starling timed out after 500 ms; the gateway answered at 900 ms.
        let spans = [span(10, 2, "gateway", 200, START_MS + 5, 900)];
        let joined = join(
            "checkout",
            &sample(None, FailureCategory::Timeout, 500),
            &spans,
        );
        assert_eq!(joined.trees[0].role, Role::Late);
        assert!(
            matches!(&joined.origin, Origin::Service { service, chain } if service == "gateway" && chain == "gateway 900ms")
        );
    }

    #[test]
    fn a_slow_answer_is_blamed_on_the_call_that_took_its_time() {
        // starling gave up after 500 ms; the gateway answered at 2 s, all
        // but a few ms of it waiting for users (which answered in time for
        // the gateway, which never gave up).
        let spans = [
            span(10, 2, "gateway", 201, START_MS + 5, 2_003),
            span(11, 10, "products", 200, START_MS + 5, 2),
            span(12, 10, "users", 201, START_MS + 7, 2_000),
        ];
        let joined = join(
            "checkout",
            &sample(None, FailureCategory::Timeout, 500),
            &spans,
        );
        assert_eq!(
            joined.origin,
            Origin::Service {
                service: "users".into(),
                chain: "gateway 2.00s ← users 2.00s".into(),
            }
        );
        // A late span whose calls took little of its time is the origin.
        let spans = [
            span(10, 2, "gateway", 201, START_MS + 5, 2_003),
            span(11, 10, "users", 201, START_MS + 5, 3),
        ];
        let joined = join(
            "checkout",
            &sample(None, FailureCategory::Timeout, 500),
            &spans,
        );
        assert_eq!(joined.origin.label(), "gateway");
    }

    #[test]
    fn what_the_services_did_not_cause_is_named_as_such() {
        let fine = [span(10, 2, "gateway", 200, START_MS + 5, 3)];
        let joined = join(
            "checkout",
            &sample(Some(200), FailureCategory::Expectation, 4),
            &fine,
        );
        assert_eq!(
            joined.origin,
            Origin::Answer {
                category: FailureCategory::Expectation
            }
        );
        let joined = join("checkout", &sample(None, FailureCategory::Connect, 1), &[]);
        assert_eq!(joined.origin, Origin::NoSpans);

        let mut no_request = sample(None, FailureCategory::Template, 0);
        no_request.steps[1].request = None;
        let joined = join("checkout", &no_request, &fine);
        assert_eq!(joined.origin.label(), "before sending (template)");
    }

    #[test]
    fn origins_are_counted_most_first() {
        let spans = [span(10, 2, "gateway", 503, START_MS + 5, 3)];
        let failed = join("a", &sample(Some(503), FailureCategory::Status, 4), &spans);
        let lost = join("b", &sample(None, FailureCategory::Connect, 1), &[]);
        let counts = count_origins(&[lost.clone(), failed, lost]);
        assert_eq!(
            counts,
            [("no server span".to_owned(), 2), ("gateway".to_owned(), 1)]
        );
    }

    #[test]
    fn a_cyclic_store_cannot_recurse_forever() {
        let spans = [
            span(10, 2, "gateway", 503, START_MS + 5, 3),
            span(2, 10, "loop", 503, START_MS + 5, 3),
        ];
        let joined = join("a", &sample(Some(503), FailureCategory::Status, 4), &spans);
        assert!(matches!(joined.origin, Origin::Service { .. }));
    }
}
