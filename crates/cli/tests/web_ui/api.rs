//! The UI's API against the real demo system: a start, steer and stop
//! cycle seen through the live stream and the demo's own counts; bad
//! input that starts nothing and leaves a running test as it was; `run
//! --ui` starting at once; `demo --ui` aimed at its own demo.

use std::time::Duration;

use serde_json::Value;
use starling_metrics::Summary;

use crate::support::{DemoServe, UiProcess};

fn ui_for(demo: &DemoServe, first: &[&str]) -> UiProcess {
    let mut args: Vec<String> = first.iter().map(|a| (*a).to_owned()).collect();
    args.extend(demo.flags());
    UiProcess::start(args)
}

fn users(n: u64) -> impl Fn(&Value) -> bool {
    move |status| status["active_users"] == n
}

#[test]
fn the_api_starts_10_users_steers_to_30_and_stops_against_the_demo() {
    let demo = DemoServe::start();
    let ui = ui_for(&demo, &["ui", "examples/checkout.yaml"]);
    let status = ui.status();
    assert_eq!(status["phase"], "idle");
    assert_eq!(status["form"]["users"], 1000, "{status}");
    assert_eq!(status["form"]["spawn_rate"], 50.0);
    assert_eq!(status["form"]["duration"], "5m");
    assert_eq!(status["form"]["host"], demo.url("gateway"));

    // Bad input: 400, a message, nothing started.
    for (body, says) in [
        (
            r#"{"users": -5}"#,
            "`users` must be a whole number of at least 1, got -5",
        ),
        (
            r#"{"users": 10, "host": "gateway:8000"}"#,
            "host: invalid base URL",
        ),
        (r#"{"users": 10, "color": "red"}"#, "unknown field `color`"),
        ("users=10", "the body is not JSON"),
    ] {
        let answer = ui.post("/api/start", body);
        assert_eq!(answer.status, 400, "{body}: {}", answer.text());
        assert!(answer.error().contains(says), "{body}: {}", answer.error());
    }
    assert_eq!(ui.status()["phase"], "idle");
    assert_eq!(demo.received(), 0, "a refused start sent load");
    let reset = ui.post("/api/reset", "");
    assert_eq!(reset.status, 409, "{}", reset.text());
    assert!(
        reset.error().contains("no run is going on"),
        "{}",
        reset.error()
    );

    let start = ui.post(
        "/api/start",
        r#"{"users": 10, "spawn_rate": 10, "until_stopped": true}"#,
    );
    assert_eq!(start.status, 200, "{}", start.text());
    assert_eq!(start.json()["status"]["phase"], "running");
    assert_eq!(start.json()["status"]["runs"], 1);
    ui.wait_for("10 users", Duration::from_secs(20), users(10));
    let at_10 = demo.received();
    ui.wait_for("the demo counting more", Duration::from_secs(20), |_| {
        demo.received() > at_10
    });

    // While it runs: refused changes leave it as it was.
    let again = ui.post("/api/start", r#"{"users": 3}"#);
    assert_eq!(again.status, 409, "{}", again.text());
    assert!(
        again.error().contains("run 1 is going on"),
        "{}",
        again.error()
    );
    for (body, says) in [
        (r#"{"users": -1}"#, "at least 0, got -1"),
        (r#"{"arrival_rate": 5}"#, "closed model"),
        (
            r#"{"users": 30, "spawn_rate": 0}"#,
            "`spawn_rate` must be above 0",
        ),
    ] {
        let answer = ui.post("/api/steer", body);
        assert_eq!(answer.status, 400, "{body}: {}", answer.text());
        assert!(answer.error().contains(says), "{body}: {}", answer.error());
    }
    let status = ui.status();
    assert_eq!(status["phase"], "running");
    assert_eq!(status["load"]["heading"], 10.0, "{status}");

    let steer = ui.post("/api/steer", r#"{"users": 30, "spawn_rate": 30}"#);
    assert_eq!(steer.status, 200, "{}", steer.text());
    assert_eq!(steer.json()["status"]["load"]["heading"], 30.0);
    let (_, took) = ui.wait_for("30 users", Duration::from_secs(20), users(30));
    eprintln!("30 active users {} ms after the change", took.as_millis());
    // 20 more at 30/s is 0.67 s, seen at the next round (1 s).
    assert!(took < Duration::from_secs(4), "30 users took {took:?}");
    let at_30 = demo.received();
    ui.wait_for(
        "the demo counting more at 30",
        Duration::from_secs(20),
        |_| demo.received() > at_30,
    );

    // Reset statistics, as Locust's button does: the load goes on, the
    // numbers start again, and the page says what was dropped.
    let reset = ui.post("/api/reset", "");
    assert_eq!(reset.status, 200, "{}", reset.text());
    let (status, _) = ui.wait_for("the reset", Duration::from_secs(20), |s| {
        s["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("statistics reset: "))
    });
    let message = status["message"].as_str().unwrap().to_owned();
    let dropped: u64 = message["statistics reset: ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .expect("a count of dropped requests");
    assert!(dropped > 0, "{message}");
    assert_eq!(status["active_users"], 30, "the load goes on: {status}");
    let at_reset = demo.received();
    ui.wait_for(
        "the demo counting more after the reset",
        Duration::from_secs(20),
        |_| demo.received() > at_reset,
    );

    let stop = ui.post("/api/stop", "");
    assert_eq!(stop.status, 200, "{}", stop.text());
    let (status, _) = ui.wait_for("the run's end", Duration::from_secs(30), |s| {
        s["phase"] == "finished"
    });
    assert!(
        status["message"]
            .as_str()
            .unwrap()
            .starts_with("run 1 ended (stopped)"),
        "{status}"
    );
    assert_eq!(ui.post("/api/steer", r#"{"users": 5}"#).status, 409);

    let results = ui.get("/api/download/results.json");
    assert_eq!(results.status, 200);
    let summary: Summary = serde_json::from_slice(&results.body).expect("results read back");
    assert_eq!(summary.run.peak_users, 30);
    assert!(summary.run.stopped_early);
    assert!(
        !summary.run.partial,
        "the last run's final results, not a round's"
    );
    assert!(summary.totals.requests > 0);
    let reset_after = summary
        .run
        .stats_reset_after_ms
        .expect("the results say they were reset");
    assert!(reset_after > 0);
    let journeys = &summary.totals;
    assert_eq!(
        journeys.journeys_started,
        journeys.journeys_succeeded + journeys.journeys_failed,
        "journeys in flight at the reset are carried, none lost"
    );
    let csv = ui.get("/api/download/stats.csv").text();
    assert!(csv.starts_with("Type,Name,Request Count"), "{csv}");
    assert!(csv.contains("POST /orders"), "{csv}");
    assert!(
        ui.get("/api/download/report.html")
            .text()
            .contains("StarlingPage.render")
    );
}

#[test]
fn run_ui_starts_at_once_and_writes_its_outputs_when_it_ends() {
    let demo = DemoServe::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results.json");
    let csv = dir.path().join("run");
    let mut ui = ui_for(
        &demo,
        &[
            "run",
            "examples/checkout.yaml",
            "--ui",
            "--users",
            "3",
            "--spawn-rate",
            "3",
            "--duration",
            "2s",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    let (status, _) = ui.wait_for("the autostarted run's end", Duration::from_secs(30), |s| {
        s["phase"] == "finished"
    });
    assert_eq!(status["runs"], 1, "{status}");
    let text = std::fs::read_to_string(&out).expect("--out written when the run ended");
    let summary: Summary = serde_json::from_str(&text).unwrap();
    assert!(summary.totals.requests > 0);
    assert!(dir.path().join("run_stats.csv").exists());
    // The UI stays up for the next run; Ctrl-C with none going quits.
    assert_eq!(
        ui.post("/api/start", r#"{"users": 1, "duration": "1s"}"#)
            .status,
        200
    );
    ui.wait_for("the second run's end", Duration::from_secs(30), |s| {
        s["phase"] == "finished" && s["runs"] == 2
    });
    assert_eq!(ui.interrupt_and_wait().code(), Some(0), "{}", ui.stderr());
}

#[test]
fn demo_ui_serves_the_checkout_scenario_aimed_at_its_own_demo() {
    let mut ui = UiProcess::start(["demo", "--ui", "--users", "4", "--duration", "2s"]);
    let status = ui.status();
    let form = &status["form"];
    assert_eq!(form["users"], 4, "{status}");
    assert_eq!(form["duration"], "2s");
    let host = form["host"].as_str().unwrap();
    assert!(
        host.starts_with("http://127.0.0.1:") && !host.ends_with(":8000"),
        "{host}"
    );
    assert_eq!(ui.post("/api/start", "{}").status, 200);
    ui.wait_for("the run's end", Duration::from_secs(30), |s| {
        s["phase"] == "finished"
    });
    let summary: Summary =
        serde_json::from_slice(&ui.get("/api/download/results.json").body).unwrap();
    assert_eq!(summary.run.peak_users, 4);
    assert!(
        summary.totals.requests > 0 && summary.totals.failures == 0,
        "{:?}",
        summary.totals
    );
    assert_eq!(ui.interrupt_and_wait().code(), Some(0), "{}", ui.stderr());
}

#[test]
fn run_ui_exits_with_its_autostarted_runs_verdict() {
    let demo = DemoServe::start();
    let mut ui = ui_for(
        &demo,
        &[
            "run",
            "examples/checkout.yaml",
            "--ui",
            "--users",
            "2",
            "--duration",
            "1s",
            "--quiet",
            "--threshold",
            "all: rps > 1000000",
        ],
    );
    ui.wait_for("the autostarted run's end", Duration::from_secs(30), |s| {
        s["phase"] == "finished"
    });
    // As `run` would: a pipeline that adds --ui still reads the verdict.
    assert_eq!(ui.interrupt_and_wait().code(), Some(99), "{}", ui.stderr());
}
