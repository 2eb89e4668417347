//! Issue 15, part 1: one W3C trace context per journey iteration, checked
//! against what a real server (nginx) logged of each request's
//! `traceparent`: valid format, non-zero ids, one trace id per iteration
//! (redirect hops and poll attempts included), different ones across
//! iterations, a fresh span id per request; off with `defaults.trace:
//! false` or `TraceConfig::off`; baggage only when asked for.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use starling_engine::{Control, RunConfig, TraceConfig};
use support::nginx::{Logged, Nginx};
use support::plan;

const LOCATIONS: &str = r#"
    location = /redirect { return 302 /landed; }
    location = /poll { default_type application/json; return 200 '{"done": false}'; }
    location = /fails { return 502; }
"#;

const SCENARIO: &str = r#"
target: "{{TARGET}}"
load: { users: 4, spawn_rate: 100, iterations: 6 }
users:
  - name: shopper
    on_start:
      - get: /hello
    journeys:
      - name: chain
        weight: 2
        steps:
          - get: /a
          - post: /b
            json: { x: 1 }
          - get: /redirect
      - name: polling
        steps:
          - poll:
              get: /poll
            every: 5ms
            until: response.json.done
            timeout: 30ms
            on_failure: continue
          - get: /fails
"#;

fn config(trace: TraceConfig) -> RunConfig {
    RunConfig {
        workers: 2,
        seed: Some(3),
        stop_timeout: Duration::from_secs(5),
        collect_every: Duration::from_millis(200),
        trace,
        ..RunConfig::default()
    }
}

fn run(yaml: &str, nginx: &Nginx, trace: TraceConfig) -> starling_metrics::Summary {
    let plan = Arc::new(plan(yaml, &nginx.url));
    starling_engine::run(plan, &config(trace), &Control::new(), |_| {})
        .expect("run starts")
        .summary
}

/// `00-<32 hex>-<16 hex>-<2 hex>`, lowercase, ids not all zero.
fn parse(header: &str) -> (String, String, String) {
    let parts: Vec<&str> = header.split('-').collect();
    assert_eq!(parts.len(), 4, "traceparent {header:?}");
    let hex = |s: &str, n: usize| {
        s.len() == n
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    assert_eq!(parts[0], "00", "version in {header:?}");
    assert!(hex(parts[1], 32), "trace id in {header:?}");
    assert!(hex(parts[2], 16), "span id in {header:?}");
    assert!(hex(parts[3], 2), "flags in {header:?}");
    assert_ne!(parts[1], "0".repeat(32), "zero trace id");
    assert_ne!(parts[2], "0".repeat(16), "zero span id");
    (parts[1].into(), parts[2].into(), parts[3].into())
}

#[test]
fn every_request_of_an_iteration_carries_its_trace() {
    let Some(nginx) = Nginx::start("traceparent", LOCATIONS) else {
        return;
    };
    let summary = run(SCENARIO, &nginx, TraceConfig::default());
    let log = nginx.log();
    assert_eq!(
        log.len() as u64,
        summary.totals.requests + summary.requests["GET /redirect"].redirects
    );

    // Requests by trace, in the order each trace's requests came.
    let mut traces: BTreeMap<String, Vec<&Logged>> = BTreeMap::new();
    let mut spans: Vec<(String, String)> = Vec::new();
    for logged in &log {
        let header = logged
            .traceparent
            .as_deref()
            .unwrap_or_else(|| panic!("{} {} has no traceparent", logged.method, logged.uri));
        let (trace, span, flags) = parse(header);
        // The default sample ratio (1%) leaves most unsampled; both are
        // valid flags.
        assert!(flags == "00" || flags == "01", "{header}");
        assert!(logged.baggage.is_none(), "baggage is off by default");
        traces.entry(trace).or_default().push(logged);
        spans.push((span, logged.uri.clone()));
    }

    // One trace per journey iteration and one per user's on_start: the
    // requests of each trace are exactly one iteration's.
    let iterations = summary.totals.journeys_started;
    assert_eq!(iterations, 24);
    assert_eq!(traces.len() as u64, iterations + 4, "{traces:#?}");
    let mut kinds: BTreeMap<&str, u64> = BTreeMap::new();
    for requests in traces.values() {
        let uris: Vec<&str> = requests.iter().map(|r| r.uri.as_str()).collect();
        let kind = match uris.as_slice() {
            ["/hello"] => "on_start",
            ["/a", "/b", "/redirect", "/landed"] => "chain",
            [polls @ .., "/fails"] if polls.len() >= 2 && polls.iter().all(|u| *u == "/poll") => {
                "polling"
            }
            other => panic!("one trace holds requests of several iterations: {other:?}"),
        };
        *kinds.entry(kind).or_default() += 1;
    }
    assert_eq!(kinds["on_start"], 4);
    assert_eq!(
        kinds.get("chain").copied().unwrap_or(0) + kinds["polling"],
        iterations
    );

    // A fresh span per request; a redirect hop is part of its request
    // (one span covers the hops it followed, as one request is measured).
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for (index, (span, uri)) in spans.iter().enumerate() {
        let new = seen.insert(span);
        if uri == "/landed" {
            assert!(!new, "a redirect hop keeps its request's span");
        } else {
            assert!(
                new,
                "span {span} of {uri} was sent before (request {index})"
            );
        }
    }
}

#[test]
fn failure_examples_and_kept_journeys_name_the_trace() {
    let Some(nginx) = Nginx::start("trace-examples", LOCATIONS) else {
        return;
    };
    let summary = run(SCENARIO, &nginx, TraceConfig::default());
    let sent: BTreeSet<String> = nginx
        .log()
        .iter()
        .filter_map(|l| l.traceparent.as_deref().map(|h| parse(h).0))
        .collect();
    let examples = &summary.requests["GET /fails"].examples;
    assert!(!examples.is_empty());
    for example in examples {
        let trace = example
            .trace_id
            .expect("a failure example keeps its trace id");
        assert!(sent.contains(&trace.to_string()), "{trace} was sent");
    }
    let polling = &summary.journeys["polling"];
    assert_eq!(polling.samples.failed.len() as u64, polling.failed.min(20));
    for sample in &polling.samples.failed {
        let trace = sample.trace_id.expect("a kept journey keeps its trace id");
        assert!(sent.contains(&trace.to_string()));
        let last = sample.steps.last().unwrap();
        assert_eq!(last.request.as_deref(), Some("GET /fails"));
        assert_eq!(last.status, Some(502));
        // The attempts, then (unless the last attempt was cut off by the
        // poll's timeout) the poll that never settled saying so.
        let polls = &sample.steps[..sample.steps.len() - 1];
        let attempts: Vec<_> = polls.iter().filter(|s| s.request.is_some()).collect();
        assert!(attempts.len() >= 2, "{polls:#?}");
        assert!(
            attempts
                .iter()
                .all(|s| s.request.as_deref() == Some("GET /poll") && s.span_id.is_some())
        );
        for note in polls.iter().filter(|s| s.request.is_none()) {
            assert!(note.message.contains("until"), "{note:#?}");
            assert_eq!(
                note.failure,
                Some(starling_metrics::FailureCategory::Expectation)
            );
        }
    }
}

#[test]
fn off_in_the_scenario_or_the_config_and_baggage_on_request() {
    let Some(nginx) = Nginx::start("trace-off", LOCATIONS) else {
        return;
    };
    let off = SCENARIO.replace(
        "users:\n  - name",
        "defaults: { trace: false }\nusers:\n  - name",
    );
    run(&off, &nginx, TraceConfig::default());
    let off_log = nginx.log();
    assert!(!off_log.is_empty());
    assert!(
        off_log.iter().all(|l| l.traceparent.is_none()),
        "defaults.trace: false"
    );

    run(
        SCENARIO,
        &nginx,
        TraceConfig {
            off: true,
            ..TraceConfig::default()
        },
    );
    let log = nginx.log();
    assert!(
        log[off_log.len()..].iter().all(|l| l.traceparent.is_none()),
        "--no-trace"
    );

    let baggage = SCENARIO.replace(
        "users:\n  - name",
        "defaults: { trace: { baggage: true } }\nusers:\n  - name",
    );
    let before = nginx.log().len();
    run(
        &baggage,
        &nginx,
        TraceConfig {
            sample: 1.0,
            ..TraceConfig::default()
        },
    );
    let log = nginx.log();
    let chain_a = log[before..].iter().find(|l| l.uri == "/b").unwrap();
    assert_eq!(
        chain_a.baggage.as_deref(),
        Some("starling.journey=chain,starling.step=POST%20%2Fb")
    );
    // Sample 1: every iteration says sampled.
    assert!(
        log[before..]
            .iter()
            .all(|l| parse(l.traceparent.as_deref().unwrap()).2 == "01")
    );
}

#[test]
fn a_traceparent_the_scenario_sets_is_sent_as_set() {
    let Some(nginx) = Nginx::start("trace-own", LOCATIONS) else {
        return;
    };
    let own = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let yaml = format!(
        "target: \"{{{{TARGET}}}}\"\nload: {{ users: 1, spawn_rate: 100, iterations: 2 }}\n\
         users:\n  - name: u\n    journeys:\n      - name: j\n        steps:\n\
         \x20         - get: /mine\n            headers: {{ traceparent: \"{own}\" }}\n\
         \x20         - get: /ours\n"
    );
    run(
        &yaml,
        &nginx,
        TraceConfig {
            sample: 0.0,
            ..TraceConfig::default()
        },
    );
    let log = nginx.log();
    let mine: Vec<_> = log.iter().filter(|l| l.uri == "/mine").collect();
    assert!(mine.iter().all(|l| l.traceparent.as_deref() == Some(own)));
    let ours: Vec<_> = log.iter().filter(|l| l.uri == "/ours").collect();
    assert_eq!(ours.len(), 2);
    for logged in ours {
        let (trace, _, flags) = parse(logged.traceparent.as_deref().unwrap());
        assert_ne!(trace, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(flags, "00", "sample 0: none sampled");
    }
}
