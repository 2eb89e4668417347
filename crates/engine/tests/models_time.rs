//! Time in the load models: a server stall under the open model, think and
//! pacing between requests, and a closed-model ramp up and down. The
//! engine runs on its own worker threads with real clocks, so these tests
//! assert lower bounds only, never how fast something was.

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use starling_metrics::FailureCategory;
use support::wire::{Reply, Wire};
use support::{plan, request, run};

/// A server that answers at once, except during a stall: a request that
/// arrives while the stall lasts is held until the stall ends, as a
/// stop-the-world pause would hold it.
struct Stalling {
    server: Wire,
    until: Arc<Mutex<Option<Instant>>>,
}

impl Stalling {
    fn start() -> Stalling {
        let until: Arc<Mutex<Option<Instant>>> = Arc::default();
        let held = until.clone();
        let server = Wire::start(move |mut conn| {
            let held = held.clone();
            async move {
                while conn.request().await.is_some() {
                    let end = *held.lock().unwrap();
                    if let Some(end) = end {
                        tokio::time::sleep_until(end.into()).await;
                    }
                    if !conn.write(&Reply::text(200, "ok").to_bytes()).await {
                        return;
                    }
                }
            }
        });
        Stalling { server, until }
    }

    /// From a helper thread: after `after`, stall for `length`.
    fn stall_later(&self, after: Duration, length: Duration) -> std::thread::JoinHandle<()> {
        let until = self.until.clone();
        std::thread::spawn(move || {
            std::thread::sleep(after);
            *until.lock().unwrap() = Some(Instant::now() + length);
        })
    }
}

// 100 arrivals/s for 5 s with at most 2 users (one per worker). A 1 s
// stall 1.5 s in holds both users for up to a second: each has exactly one
// slow request (held until the stall ends), about 2 of ~400 served, so the
// uncorrected p99 stays low. Meanwhile ~100 arrivals come due that no user
// can start.
const OPEN_STALL: &str = r#"
target: "{{TARGET}}"
load: { arrival_rate: 100, duration: 5s, max_users: 2 }
users:
  - name: visitor
    journeys:
      - name: look
        steps: [ { get: /look } ]
"#;

// Arrivals wait for a free user as long as a request may take (the
// default timeout); older ones are dropped. With a 300 ms timeout, most of
// the ~100 arrivals due during the 1 s stall wait longer than that.
#[test]
fn arrivals_that_wait_longer_than_the_timeout_are_dropped_and_counted() {
    let stalling = Stalling::start();
    let flipper = stalling.stall_later(Duration::from_millis(1500), Duration::from_secs(1));
    let yaml = OPEN_STALL.replace("load:", "defaults: { timeout: 300ms }\nload:");
    let outcome = run(plan(&yaml, &stalling.server.url));
    flipper.join().unwrap();
    let s = &outcome.summary;
    let r = request(s, "GET /look");

    // Every scheduled arrival is accounted for: started or dropped.
    let arrivals = s.journeys["look"].started + s.totals.dropped_arrivals;
    assert_eq!(arrivals, 500);
    assert!(
        s.totals.dropped_arrivals >= 20,
        "dropped {}",
        s.totals.dropped_arrivals
    );
    // The held requests time out at 300 ms; the server saw every request.
    assert!(
        r.failure_categories[&FailureCategory::Timeout] >= 1,
        "{r:?}"
    );
    assert_eq!(stalling.server.seen.total(), r.count);
}

// What issue 3 asks for: "the corrected p99 shows a 1 s server stall that
// the uncorrected one hides". The arrivals due during the stall are late
// by 0 to 1 s; measured from their intended start, about half of ~100 of
// 500 are late by more than 500 ms, so the corrected p99 is at least that.
#[test]
fn an_open_model_stall_shows_in_the_corrected_p99() {
    let stalling = Stalling::start();
    let flipper = stalling.stall_later(Duration::from_millis(1500), Duration::from_secs(1));
    let outcome = run(plan(OPEN_STALL, &stalling.server.url));
    flipper.join().unwrap();
    let r = request(&outcome.summary, "GET /look");
    assert!(r.total.p99_us < 500_000, "uncorrected {:?}", r.total);
    assert!(
        r.total_corrected.p99_us >= 500_000,
        "corrected {:?}, dropped {}",
        r.total_corrected,
        outcome.summary.totals.dropped_arrivals
    );
}

/// Server arrival times of each user's requests to `path`, by `vu` query.
fn times_by_user(server: &Wire, path: &str) -> BTreeMap<String, Vec<Instant>> {
    let mut by_user: BTreeMap<String, Vec<Instant>> = BTreeMap::new();
    for req in server.seen.requests() {
        if req.path() == path {
            let vu = req.query("vu").unwrap_or("?").to_owned();
            by_user.entry(vu).or_default().push(req.at);
        }
    }
    by_user
}

#[test]
fn think_time_is_spent_inside_the_journey() {
    let server = Wire::respond(|_| Reply::text(200, "ok"));
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 2, spawn_rate: 100, iterations: 2 }
users:
  - name: reader
    journeys:
      - name: read
        steps:
          - get: /page?vu={{ vu.id }}
          - think: 200ms
          - get: /next?vu={{ vu.id }}
"#;
    let outcome = run(plan(yaml, &server.url));
    let j = &outcome.summary.journeys["read"];
    assert_eq!(j.succeeded, 4);
    assert!(j.duration.p50_us >= 200_000, "{:?}", j.duration);
    assert!(j.duration.min_us >= 199_000, "{:?}", j.duration);
    // On the server: each user's second request came at least 200 ms after
    // its first, every iteration.
    let first = times_by_user(&server, "/page");
    let second = times_by_user(&server, "/next");
    assert_eq!(first.len(), 2);
    for (vu, pages) in &first {
        for (a, b) in pages.iter().zip(&second[vu]) {
            let gap = b.duration_since(*a);
            assert!(gap >= Duration::from_millis(195), "user {vu}: {gap:?}");
        }
    }
}

#[test]
fn pacing_spaces_journey_starts() {
    let server = Wire::respond(|_| Reply::text(200, "ok"));
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 2, spawn_rate: 100, iterations: 3 }
users:
  - name: paced
    wait: pacing(300ms)
    journeys:
      - name: tick
        steps: [ { get: "/tick?vu={{ vu.id }}" } ]
"#;
    let started = Instant::now();
    let outcome = run(plan(yaml, &server.url));
    let elapsed = started.elapsed();
    assert_eq!(outcome.summary.journeys["tick"].succeeded, 6);
    // Starts at 0, 300 and 600 ms at the earliest.
    assert!(elapsed >= Duration::from_millis(600), "{elapsed:?}");
    assert!(outcome.summary.run.duration_ms >= 600);
    let ticks = times_by_user(&server, "/tick");
    assert_eq!(ticks.len(), 2);
    for (vu, times) in &ticks {
        assert_eq!(times.len(), 3, "user {vu}");
        for pair in times.windows(2) {
            let gap = pair[1].duration_since(pair[0]);
            // 300 ms between starts; the request's own send time may vary
            // by a little between iterations.
            assert!(gap >= Duration::from_millis(250), "user {vu}: {gap:?}");
        }
    }
}

#[test]
fn a_stages_ramp_goes_up_to_its_peak_and_back_down() {
    let server = Wire::respond(|_| Reply::text(200, "ok"));
    let yaml = r#"
target: "{{TARGET}}"
load:
  stages:
    - { duration: 1s, users: 6 }
    - { duration: 1s, users: 6 }
    - { duration: 1s, users: 0 }
users:
  - name: walker
    wait: constant(20ms)
    journeys:
      - name: step
        steps: [ { get: /step } ]
"#;
    let outcome = run(plan(yaml, &server.url));
    let s = &outcome.summary;
    assert_eq!(s.run.peak_users, 6);
    let users: Vec<u64> = s.timeseries.iter().map(|p| p.active_users).collect();
    let first_peak = users.iter().position(|&u| u == 6);
    let last_peak = users.iter().rposition(|&u| u == 6);
    let (Some(first_peak), Some(last_peak)) = (first_peak, last_peak) else {
        panic!("never 6 users: {users:?}");
    };
    // Climbing before the peak, and coming down after it.
    assert!(
        users[..first_peak].iter().any(|&u| u > 0 && u < 6),
        "{users:?}"
    );
    assert!(
        users[last_peak..].iter().any(|&u| u > 0 && u < 6),
        "{users:?}"
    );
    assert!(users.iter().all(|&u| u <= 6), "{users:?}");
    // The run lasted its three stages and ended.
    assert!(s.run.duration_ms >= 3000, "{}", s.run.duration_ms);
    assert!(!outcome.stopped_early);
    let j = &s.journeys["step"];
    assert!(j.started > 0);
    assert_eq!(j.started, j.succeeded);
    assert_eq!(server.seen.count("/step"), j.started);
}
