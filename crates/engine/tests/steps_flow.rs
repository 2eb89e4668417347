//! Steps run exactly as the scenario says: poll, if, repeat, group, set,
//! `on_failure`, data feeders, `on_start` captures, `vu.id` and the seed.
//! Each test checks what the server received, not only what was reported.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use starling_engine::{Control, RunConfig};
use starling_metrics::{FailureCategory, SectionKind, Summary};
use support::wire::{Reply, Wire};
use support::{plan, request, run};

fn ok_server() -> Wire {
    Wire::respond(|_| Reply::json(200, r#"{"ok":true}"#))
}

/// A server whose GET /status answers `pending` `pending_times` times, then
/// `settled`.
fn settling_server(pending_times: u64) -> Wire {
    let polls = AtomicU64::new(0);
    Wire::respond(move |req| match req.path() {
        "/payments" => Reply::json(202, r#"{"id":9}"#),
        _ => {
            let n = polls.fetch_add(1, Ordering::Relaxed);
            if n < pending_times {
                Reply::json(200, r#"{"status":"pending"}"#)
            } else {
                Reply::json(200, r#"{"status":"settled"}"#)
            }
        }
    })
}

const POLL: &str = r#"
target: "{{TARGET}}"
load: { users: 1, spawn_rate: 100, iterations: 1 }
users:
  - name: payer
    journeys:
      - name: pay
        steps:
          - post: /payments
            json: { amount: 1 }
            capture: { payment_id: $.id }
          - poll:
              get: /status/{{ payment_id }}
              name: payment status
            every: 20ms
            until: response.json.status == "settled"
            timeout: TIMEOUT
            name: payment settles
          - get: /receipt
"#;

#[test]
fn poll_repeats_until_the_condition_holds() {
    let server = settling_server(3);
    let outcome = run(plan(&POLL.replace("TIMEOUT", "5s"), &server.url));
    let s = &outcome.summary;
    // Three pending answers, then the settled one: four requests.
    assert_eq!(server.seen.count("/status/9"), 4);
    assert_eq!(request(s, "payment status").count, 4);
    let section = &s.sections["payment settles"];
    assert_eq!(section.kind, SectionKind::Poll);
    assert_eq!((section.count, section.failures), (1, 0));
    // Three waits of 20 ms between the four attempts.
    assert!(section.duration.min_us >= 60_000, "{:?}", section.duration);
    assert_eq!(s.journeys["pay"].succeeded, 1);
    assert_eq!(server.seen.count("/receipt"), 1);
}

#[test]
fn a_poll_that_never_settles_fails_the_journey_at_its_step() {
    let server = settling_server(u64::MAX);
    let outcome = run(plan(&POLL.replace("TIMEOUT", "200ms"), &server.url));
    let s = &outcome.summary;
    let section = &s.sections["payment settles"];
    assert_eq!((section.count, section.failures), (1, 1));
    let j = &s.journeys["pay"];
    assert_eq!((j.started, j.failed), (1, 1));
    assert_eq!(j.failures[0].step, 1);
    assert_eq!(j.failures[0].category, FailureCategory::Expectation);
    // It kept asking until the timeout, then gave up: the step after the
    // poll was never sent.
    let polls = server.seen.count("/status/9");
    assert!(polls >= 2, "{polls}");
    assert_eq!(request(s, "payment status").count, polls);
    assert_eq!(server.seen.count("/receipt"), 0);
}

#[test]
fn if_chooses_a_branch_by_the_response_status() {
    // Even iterations answer 201, odd ones 200.
    let server = Wire::respond(|req| {
        let i: u64 = req.query("i").and_then(|i| i.parse().ok()).unwrap_or(0);
        Reply::text(if i.is_multiple_of(2) { 201 } else { 200 }, "ok")
    });
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 1, spawn_rate: 100, iterations: 4 }
users:
  - name: chooser
    journeys:
      - name: choose
        steps:
          - get: /kind?i={{ vu.iteration }}
          - if: response.status == 201
            then:
              - get: /then?i={{ vu.iteration }}
            else:
              - get: /else?i={{ vu.iteration }}
"#;
    let outcome = run(plan(yaml, &server.url));
    assert_eq!(outcome.summary.journeys["choose"].succeeded, 4);
    let branch = |path: &str| -> Vec<String> {
        server
            .seen
            .requests()
            .iter()
            .filter(|r| r.path() == path)
            .map(|r| r.query("i").unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(branch("/then"), ["0", "2"]);
    assert_eq!(branch("/else"), ["1", "3"]);
}

#[test]
fn repeat_runs_a_count_and_while_a_condition_holds() {
    let server = ok_server();
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 1, spawn_rate: 100, iterations: 2 }
users:
  - name: looper
    journeys:
      - name: loops
        steps:
          - repeat: 3
            steps: [ { get: /times } ]
          - set: { page: 0 }
          - repeat: { while: page < 4, max: 10 }
            steps:
              - get: /page?p={{ page }}
              - set: { page: page + 1 }
          - repeat: { while: "page >= 0", max: 5 }
            steps: [ { get: /capped } ]
"#;
    let outcome = run(plan(yaml, &server.url));
    let s = &outcome.summary;
    assert_eq!(s.journeys["loops"].succeeded, 2);
    assert_eq!(server.seen.count("/times"), 6);
    let pages: Vec<String> = server
        .seen
        .requests()
        .iter()
        .filter(|r| r.path() == "/page")
        .map(|r| r.query("p").unwrap_or("").to_owned())
        .collect();
    assert_eq!(pages, ["0", "1", "2", "3", "0", "1", "2", "3"]);
    // A condition that never turns false stops at `max`.
    assert_eq!(server.seen.count("/capped"), 10);
    assert_eq!(request(s, "GET /capped").count, 10);
}

#[test]
fn a_group_has_its_own_duration_and_outcome() {
    let server = Wire::respond(|req| match req.path() {
        "/fail" => Reply::text(500, "no"),
        _ => Reply::text(200, "ok"),
    });
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 2, spawn_rate: 100, iterations: 2 }
users:
  - name: grouper
    journeys:
      - name: grouped
        steps:
          - group: slow pair
            steps:
              - get: /one
              - think: 100ms
              - get: /two
          - group: bad pair
            steps:
              - get: /fail
                on_failure: continue
              - get: /after-fail
"#;
    let outcome = run(plan(yaml, &server.url));
    let s = &outcome.summary;
    let slow = &s.sections["slow pair"];
    assert_eq!(slow.kind, SectionKind::Group);
    assert_eq!(slow.journey.as_deref(), Some("grouped"));
    assert_eq!((slow.count, slow.failures), (4, 0));
    assert!(slow.duration.min_us >= 100_000, "{:?}", slow.duration);
    let bad = &s.sections["bad pair"];
    assert_eq!((bad.count, bad.failures), (4, 4));
    assert_eq!(server.seen.count("/after-fail"), 4);
    let j = &s.journeys["grouped"];
    assert_eq!((j.succeeded, j.failed), (0, 4));
    assert_eq!(j.failures[0].step, 1);
}

#[test]
fn set_computes_variables_in_order_with_their_types() {
    let server = ok_server();
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 1, spawn_rate: 100, iterations: 1 }
users:
  - name: setter
    journeys:
      - name: compute
        steps:
          - set:
              n: 41
              label: '"order-" ~ n'
          - set: { m: n + 1 }
          - post: /echo/{{ label }}
            json: { m: "{{ m }}", label: "{{ label }}" }
"#;
    let outcome = run(plan(yaml, &server.url));
    assert_eq!(outcome.summary.journeys["compute"].succeeded, 1);
    let sent = server.seen.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path(), "/echo/order-41");
    let body: serde_json::Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(body, serde_json::json!({ "m": 42, "label": "order-41" }));
}

#[test]
fn on_failure_continue_goes_on_to_the_next_step() {
    let server = Wire::respond(|req| match req.path() {
        "/broken" => Reply::text(500, "broken"),
        _ => Reply::text(200, "ok"),
    });
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 1, spawn_rate: 100, iterations: 3 }
users:
  - name: stubborn
    journeys:
      - name: carry_on
        steps:
          - get: /broken
            on_failure: continue
          - get: /after
"#;
    let outcome = run(plan(yaml, &server.url));
    let s = &outcome.summary;
    assert_eq!(server.seen.count("/after"), 3);
    assert_eq!(request(s, "GET /broken").failures, 3);
    assert_eq!(request(s, "GET /after").failures, 0);
    let j = &s.journeys["carry_on"];
    // It went on, but did not succeed: failed at its first failed step.
    assert_eq!((j.succeeded, j.failed), (0, 3));
    assert_eq!(j.failures[0].step, 0);
    assert_eq!(j.failures[0].category, FailureCategory::Status);
    let funnel: Vec<(u64, u64)> = j.funnel.iter().map(|f| (f.reached, f.passed)).collect();
    assert_eq!(funnel, vec![(3, 0), (3, 3)]);
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("starling-steps-flow-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const CUSTOMERS: &str = "name,tier\nada,gold\nbob,silver\ncyd,bronze\n";

fn names_seen(server: &Wire) -> Vec<String> {
    server
        .seen
        .requests()
        .iter()
        .filter_map(|r| r.query("name").map(str::to_owned))
        .collect()
}

fn feeder_scenario(csv: &str, order: &str, load: &str) -> String {
    format!(
        r#"
target: "{{{{TARGET}}}}"
data:
  customers: {{ csv: "{csv}", {order} }}
load: {load}
users:
  - name: customer
    journeys:
      - name: visit
        steps:
          - get: /hello?name={{{{ customers.name }}}}&tier={{{{ customers.tier }}}}
"#
    )
}

#[test]
fn a_sequential_feeder_hands_out_rows_in_order() {
    let dir = TempDir::new("sequential");
    let csv = dir.file("customers.csv", CUSTOMERS);

    // One user: the rows in file order, wrapping around.
    let server = ok_server();
    let yaml = feeder_scenario(
        &csv,
        "order: sequential",
        "{ users: 1, spawn_rate: 100, iterations: 4 }",
    );
    let outcome = run(plan(&yaml, &server.url));
    assert_eq!(outcome.summary.journeys["visit"].succeeded, 4);
    assert_eq!(names_seen(&server), ["ada", "bob", "cyd", "ada"]);
    let tiers: Vec<String> = server
        .seen
        .requests()
        .iter()
        .filter_map(|r| r.query("tier").map(str::to_owned))
        .collect();
    assert_eq!(tiers, ["gold", "silver", "bronze", "gold"]);

    // Two users on two workers share one cursor: six draws, each row twice.
    let server = ok_server();
    let yaml = feeder_scenario(
        &csv,
        "order: sequential",
        "{ users: 2, spawn_rate: 100, iterations: 3 }",
    );
    run(plan(&yaml, &server.url));
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for name in names_seen(&server) {
        *counts.entry(name).or_default() += 1;
    }
    assert_eq!(
        counts,
        BTreeMap::from([("ada".into(), 2), ("bob".into(), 2), ("cyd".into(), 2)])
    );
}

#[test]
fn a_unique_feeder_gives_each_row_to_one_user_and_stops_the_rest() {
    let dir = TempDir::new("unique");
    let csv = dir.file("customers.csv", CUSTOMERS);
    let server = ok_server();
    // Five users, three rows: three users keep one row each for both their
    // iterations; the other two stop without a journey and without a failure.
    let yaml = feeder_scenario(
        &csv,
        "order: unique, on_exhausted: stop",
        "{ users: 5, spawn_rate: 100, iterations: 2 }",
    );
    let outcome = run(plan(&yaml, &server.url));
    let s = &outcome.summary;
    let j = &s.journeys["visit"];
    assert_eq!((j.started, j.succeeded, j.failed), (6, 6, 0));
    assert_eq!(s.totals.failures, 0);
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for name in names_seen(&server) {
        *counts.entry(name).or_default() += 1;
    }
    assert_eq!(
        counts,
        BTreeMap::from([("ada".into(), 2), ("bob".into(), 2), ("cyd".into(), 2)])
    );
    assert!(!outcome.stopped_early);
}

#[test]
fn a_capture_in_on_start_serves_every_journey_of_the_user() {
    let issued = AtomicU64::new(0);
    let server = Wire::respond(move |req| match req.path() {
        "/login" => {
            let n = issued.fetch_add(1, Ordering::Relaxed);
            Reply::json(200, &format!(r#"{{"token":"tok-{n}"}}"#))
        }
        _ => Reply::text(200, "ok"),
    });
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 3, spawn_rate: 100, iterations: 3 }
users:
  - name: member
    on_start:
      - post: /login
        json: { user: "{{ vu.id }}" }
        capture: { token: $.token }
    journeys:
      - name: me
        steps:
          - get: /me
            headers: { authorization: "Bearer {{ token }}" }
"#;
    let outcome = run(plan(yaml, &server.url));
    assert_eq!(outcome.summary.journeys["me"].succeeded, 9);
    assert_eq!(server.seen.count("/login"), 3, "one login per user");
    let mut uses: BTreeMap<String, u32> = BTreeMap::new();
    for req in server.seen.requests() {
        if req.path() == "/me" {
            let auth = req.header("authorization").unwrap_or("").to_owned();
            *uses.entry(auth).or_default() += 1;
        }
    }
    // Each user's token, issued once, on each of its three journeys.
    assert_eq!(
        uses,
        BTreeMap::from([
            ("Bearer tok-0".into(), 3),
            ("Bearer tok-1".into(), 3),
            ("Bearer tok-2".into(), 3),
        ])
    );
    // Each user's journeys came on its own connection, after its login.
    for req in server.seen.requests() {
        if req.path() == "/me" {
            let login = server
                .seen
                .requests()
                .into_iter()
                .find(|l| l.path() == "/login" && l.connection == req.connection);
            assert!(login.is_some(), "a journey on a connection without login");
        }
    }
}

#[test]
fn vu_id_is_distinct_per_user_and_iteration_counts_per_user() {
    let server = ok_server();
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 6, spawn_rate: 100, iterations: 2 }
users:
  - name: someone
    journeys:
      - name: who
        steps: [ { get: "/who?vu={{ vu.id }}&it={{ vu.iteration }}" } ]
"#;
    run(plan(yaml, &server.url));
    let mut by_user: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for req in server.seen.requests() {
        by_user
            .entry(req.query("vu").unwrap_or("").to_owned())
            .or_default()
            .insert(req.query("it").unwrap_or("").to_owned());
    }
    assert_eq!(by_user.len(), 6, "{by_user:?}");
    for (vu, iterations) in &by_user {
        assert_eq!(
            iterations,
            &BTreeSet::from(["0".to_owned(), "1".to_owned()]),
            "user {vu}"
        );
    }
}

const PICKS: &str = r#"
target: "{{TARGET}}"
load: { users: 2, spawn_rate: 100, iterations: 30 }
users:
  - name: picker
    journeys:
      - name: left
        steps: [ { get: "/left?vu={{ vu.id }}&it={{ vu.iteration }}" } ]
      - name: right
        steps: [ { get: "/right?vu={{ vu.id }}&it={{ vu.iteration }}" } ]
"#;

/// Runs `PICKS` with `seed`: which journey each user picked at each
/// iteration, and the summary.
fn picks(seed: u64) -> (BTreeMap<(String, String), String>, Summary) {
    let server = ok_server();
    let config = RunConfig {
        workers: 2,
        seed: Some(seed),
        stop_timeout: Duration::from_secs(5),
        collect_every: Duration::from_millis(200),
        ..RunConfig::default()
    };
    let outcome = starling_engine::run(
        Arc::new(plan(PICKS, &server.url)),
        &config,
        &Control::new(),
        |_| {},
    )
    .expect("run starts");
    let chosen = server
        .seen
        .requests()
        .iter()
        .map(|r| {
            let key = (
                r.query("vu").unwrap_or("").to_owned(),
                r.query("it").unwrap_or("").to_owned(),
            );
            (key, r.path().to_owned())
        })
        .collect();
    (chosen, outcome.summary)
}

#[test]
fn the_same_seed_picks_the_same_journeys() {
    let (first, a) = picks(11);
    let (second, b) = picks(11);
    assert_eq!(first.len(), 60);
    assert_eq!(first, second, "same seed, same choices");
    assert_eq!(a.journeys["left"].started, b.journeys["left"].started);
    assert_eq!(a.journeys["right"].started, b.journeys["right"].started);
    assert_eq!(a.run.seed, Some(11));
    // Both journeys were picked: the choice is random, not fixed.
    assert!(a.journeys["left"].started > 0 && a.journeys["right"].started > 0);
    // Another seed makes other choices (60 fair picks agreeing by chance
    // is a 1 in 2^60 event).
    let (other, _) = picks(12);
    assert_ne!(first, other);
}

#[test]
fn a_unique_feeder_with_on_exhausted_error_fails_the_extra_journeys() {
    let dir = TempDir::new("unique-error");
    let csv = dir.file("customers.csv", CUSTOMERS);
    let server = ok_server();
    // Five users, three rows: the two users without a row keep going, and
    // each of their journeys fails at its start with a data failure,
    // sending nothing.
    let yaml = feeder_scenario(
        &csv,
        "order: unique, on_exhausted: error",
        "{ users: 5, spawn_rate: 100, iterations: 2 }",
    );
    let outcome = run(plan(&yaml, &server.url));
    let j = &outcome.summary.journeys["visit"];
    assert_eq!((j.started, j.succeeded, j.failed), (10, 6, 4));
    assert_eq!(j.failures[0].category, FailureCategory::Data);
    assert_eq!(server.seen.total(), 6);
}

#[test]
fn on_stop_runs_once_per_user_when_it_stops() {
    let server = ok_server();
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 3, spawn_rate: 100, iterations: 2 }
users:
  - name: tidy
    on_start:
      - post: /session
    on_stop:
      - delete: /session
    journeys:
      - name: work
        steps: [ { get: /work } ]
"#;
    let outcome = run(plan(yaml, &server.url));
    let s = &outcome.summary;
    let methods: Vec<(String, String)> = server
        .seen
        .requests()
        .iter()
        .map(|r| (r.method.clone(), r.path().to_owned()))
        .collect();
    let count = |m: &str, p: &str| methods.iter().filter(|(a, b)| a == m && b == p).count();
    assert_eq!(count("POST", "/session"), 3);
    assert_eq!(count("GET", "/work"), 6);
    assert_eq!(count("DELETE", "/session"), 3);
    // Hooks are requests, not journeys.
    assert_eq!(request(s, "DELETE /session").count, 3);
    assert_eq!(s.totals.journeys_started, 6);
    // Each user's last request was its on_stop, on its own connection.
    for req in server.seen.requests() {
        if req.method == "DELETE" {
            let last_on_connection = server
                .seen
                .requests()
                .into_iter()
                .rfind(|r| r.connection == req.connection)
                .unwrap();
            assert_eq!(last_on_connection.method, "DELETE");
        }
    }
}

#[test]
fn a_poll_timeout_bounds_a_hanging_attempt() {
    // The first attempt is answered pending, the second never.
    let answered = AtomicU64::new(0);
    let server = Wire::start(move |mut conn| {
        let first = answered.fetch_add(1, Ordering::Relaxed) == 0;
        async move {
            if conn.request().await.is_none() {
                return;
            }
            if !first {
                std::future::pending::<()>().await;
            }
            // Close after answering, so the next attempt connects anew.
            let pending = Reply::json(200, r#"{"status":"pending"}"#);
            conn.write(&pending.to_bytes()).await;
        }
    });
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 1, spawn_rate: 100, iterations: 1 }
users:
  - name: payer
    journeys:
      - name: wait
        steps:
          - poll:
              get: /status
            every: 50ms
            until: response.json.status == "settled"
            timeout: 300ms
            name: settles
"#;
    // Stop well after the poll's deadline: by then it must have failed.
    let control = Control::new();
    let stopper = {
        let control = control.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(2));
            control.stop();
        })
    };
    let config = RunConfig {
        workers: 1,
        seed: Some(7),
        stop_timeout: Duration::from_millis(200),
        collect_every: Duration::from_millis(100),
        ..RunConfig::default()
    };
    let outcome =
        starling_engine::run(Arc::new(plan(yaml, &server.url)), &config, &control, |_| {})
            .expect("run starts");
    stopper.join().unwrap();
    assert!(server.seen.count("/status") >= 2);
    let section = &outcome.summary.sections["settles"];
    assert_eq!((section.count, section.failures), (1, 1));
}

/// Response headers reach captures, expectations and expressions through
/// the real client (which keeps them as raw lines): a captured `Location`
/// is the next request's path, a header expectation holds, and
/// `response.headers` joins a repeated header with ", " under a
/// lower-case name.
#[test]
fn response_headers_serve_captures_expectations_and_conditions() {
    let server = Wire::respond(|req| match req.path() {
        "/orders" => {
            let mut reply = Reply::json(201, r#"{"ok":true}"#);
            reply.headers.push(("Location".into(), "/orders/42".into()));
            reply.headers.push(("X-Trace".into(), "a".into()));
            reply.headers.push(("x-trace".into(), "b".into()));
            reply
        }
        _ => Reply::json(200, r#"{"ok":true}"#),
    });
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 1, spawn_rate: 100, iterations: 1 }
users:
  - name: buyer
    journeys:
      - name: order
        steps:
          - post: /orders
            json: { item: widget }
            expect:
              status: 201
              headers: { location: /orders/42, X-TRACE: a }
            capture: { next: { header: location } }
          - if: response.headers["x-trace"] == "a, b" and response.headers["content-type"] == "application/json"
            then:
              - get: "{{ next }}"
            else:
              - get: /wrong
"#;
    let outcome = run(plan(yaml, &server.url));
    let summary = &outcome.summary;
    assert_eq!(summary.totals.failures, 0, "{:?}", summary.totals);
    assert_eq!(server.seen.count("/orders/42"), 1);
    assert_eq!(server.seen.count("/wrong"), 0);
}
