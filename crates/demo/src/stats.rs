//! Per-route request counters of one service, read as JSON by
//! `GET /admin/stats` and as Prometheus text by `GET /metrics`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;

/// Counters keyed by route template, e.g. `POST /orders` or
/// `GET /orders/{id}`.
#[derive(Debug, Default)]
pub(crate) struct RouteStats {
    /// A std mutex: held for one map update, never across an await. One
    /// lock per request is plenty for a demo that should not be the
    /// bottleneck of its own story.
    routes: Mutex<BTreeMap<String, RouteCounts>>,
}

#[derive(Debug, Default, Clone)]
struct RouteCounts {
    requests: u64,
    /// Requests that carried a `traceparent` header.
    traced: u64,
    /// Responses by status code.
    responses: BTreeMap<u16, u64>,
}

impl RouteStats {
    /// Counts a request as it arrives, before any knob can fail it.
    pub(crate) fn received(&self, route: &str, traced: bool) {
        self.update(route, |counts| {
            counts.requests += 1;
            counts.traced += u64::from(traced);
        });
    }

    /// Counts the status of an answered request.
    pub(crate) fn answered(&self, route: &str, status: u16) {
        self.update(route, |counts| {
            *counts.responses.entry(status).or_default() += 1
        });
    }

    /// Requests received per route; routes never hit are absent.
    pub(crate) fn requests(&self) -> BTreeMap<String, u64> {
        self.lock()
            .iter()
            .map(|(route, counts)| (route.clone(), counts.requests))
            .collect()
    }

    /// Requests per route that carried a `traceparent`; routes without
    /// any are absent.
    pub(crate) fn traced(&self) -> BTreeMap<String, u64> {
        self.lock()
            .iter()
            .filter(|(_, counts)| counts.traced > 0)
            .map(|(route, counts)| (route.clone(), counts.traced))
            .collect()
    }

    /// The Prometheus text exposition of these counters.
    pub(crate) fn prometheus(&self, service: &str) -> String {
        let routes = self.lock().clone();
        let mut out = String::new();
        out.push_str("# HELP demo_requests_total Requests received, by route.\n");
        out.push_str("# TYPE demo_requests_total counter\n");
        for (route, counts) in &routes {
            let _ = writeln!(
                out,
                "demo_requests_total{{service=\"{}\",route=\"{}\"}} {}",
                escape(service),
                escape(route),
                counts.requests
            );
        }
        out.push_str(
            "# HELP demo_traced_requests_total Requests received with a traceparent header.\n",
        );
        out.push_str("# TYPE demo_traced_requests_total counter\n");
        for (route, counts) in &routes {
            let _ = writeln!(
                out,
                "demo_traced_requests_total{{service=\"{}\",route=\"{}\"}} {}",
                escape(service),
                escape(route),
                counts.traced
            );
        }
        out.push_str("# HELP demo_responses_total Responses sent, by route and status code.\n");
        out.push_str("# TYPE demo_responses_total counter\n");
        for (route, counts) in &routes {
            for (code, n) in &counts.responses {
                let _ = writeln!(
                    out,
                    "demo_responses_total{{service=\"{}\",route=\"{}\",code=\"{code}\"}} {n}",
                    escape(service),
                    escape(route),
                );
            }
        }
        out
    }

    fn update(&self, route: &str, f: impl FnOnce(&mut RouteCounts)) {
        let mut routes = self.lock();
        // Look up by &str first so the common case allocates nothing.
        match routes.get_mut(route) {
            Some(counts) => f(counts),
            None => f(routes.entry(route.to_owned()).or_default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, RouteCounts>> {
        self.routes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Escapes a Prometheus label value (backslash, quote, newline).
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_route() {
        let stats = RouteStats::default();
        stats.received("POST /orders", true);
        stats.received("POST /orders", false);
        stats.received("GET /orders/{id}", false);
        stats.answered("POST /orders", 201);
        let requests = stats.requests();
        assert_eq!(requests.get("POST /orders"), Some(&2));
        assert_eq!(requests.get("GET /orders/{id}"), Some(&1));
        assert_eq!(requests.len(), 2);
        let traced = stats.traced();
        assert_eq!(traced.get("POST /orders"), Some(&1));
        assert_eq!(traced.len(), 1);
    }

    #[test]
    fn prometheus_text_has_labelled_counters() {
        let stats = RouteStats::default();
        stats.received("GET /users/{id}", false);
        stats.answered("GET /users/{id}", 404);
        let text = stats.prometheus("users");
        assert!(text.contains("# TYPE demo_requests_total counter"));
        assert!(
            text.contains("demo_requests_total{service=\"users\",route=\"GET /users/{id}\"} 1")
        );
        assert!(text.contains(
            "demo_responses_total{service=\"users\",route=\"GET /users/{id}\",code=\"404\"} 1"
        ));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
