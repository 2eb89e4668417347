//! The UI server for real, on 127.0.0.1:0, with a stand-in for the run
//! manager that records every command it is handed: the token, the Host
//! and custom-header checks, bad input refused before any command is
//! made, refusals passed on, the stream's latest-only frames, downloads
//! and the page's own files.

#[allow(dead_code)] // shared with the binary's UI tests, which use more of it
#[path = "support/http.rs"]
mod http;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::Call;
use starling_metrics::Summary;
use starling_web::{
    Binding, Board, Command, Model, Phase, Prefill, Refusal, RunLength, StartLoad, StartRun,
    Status, TokenChoice, UiServer, WebConfig,
};

const TOKEN: &str = "correct-horse-battery-staple";

fn status() -> Status {
    Status {
        phase: Phase::Idle,
        runs: 0,
        scenario: "examples/checkout.yaml".into(),
        load: None,
        active_users: 0,
        elapsed_ms: 0,
        message: None,
        form: Prefill {
            model: Model::Closed,
            users: Some(10),
            spawn_rate: Some(5.0),
            arrival_rate: None,
            duration: Some("30s".into()),
            host: Some("http://127.0.0.1:8000".into()),
            user_types: Vec::new(),
            stages: None,
        },
    }
}

/// A server and what its stand-in manager was asked.
struct Ui {
    server: UiServer,
    board: Board,
    asked: Arc<Mutex<Vec<Command>>>,
}

impl Ui {
    fn new(token: Option<&str>, refuse: Option<Refusal>) -> Ui {
        let config = WebConfig {
            host: "127.0.0.1".into(),
            port: 0,
            token: TokenChoice::parse(token).unwrap(),
        };
        Ui::bound(&config.resolve().unwrap(), refuse)
    }

    fn bound(binding: &Binding, refuse: Option<Refusal>) -> Ui {
        let board = Board::new(status());
        let asked = Arc::new(Mutex::new(Vec::new()));
        let (record, shown) = (asked.clone(), board.clone());
        let server = UiServer::start(binding, board.clone(), move |request| {
            record.lock().unwrap().push(request.command().clone());
            match &refuse {
                Some(refusal) => request.answer(Err(refusal.clone())),
                None => {
                    if let Command::Start(_) = request.command() {
                        shown.update(|live| {
                            live.status.phase = Phase::Running;
                            live.status.runs += 1;
                        });
                    }
                    request.answer(Ok(()));
                }
            }
        })
        .expect("the UI starts on an ephemeral port");
        Ui {
            server,
            board,
            asked,
        }
    }

    fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    fn asked(&self) -> Vec<Command> {
        self.asked.lock().unwrap().clone()
    }
}

#[test]
fn without_the_token_every_api_call_is_401_and_with_it_200() {
    let ui = Ui::new(Some(TOKEN), None);
    let addr = ui.addr();
    assert!(
        ui.server.url().ends_with(&format!("/#token={TOKEN}")),
        "{}",
        ui.server.url()
    );
    for call in [
        Call::get(addr, "/api/state"),
        Call::get(addr, "/api/stream"),
        Call::get(addr, "/api/download/stats.csv"),
        Call::post(addr, "/api/start").json(r#"{"users": 10}"#),
        Call::post(addr, "/api/stop").marked(),
    ] {
        let answer = call.send();
        assert_eq!(answer.status, 401, "{call:?}: {}", answer.text());
        assert!(
            answer.error().contains("needs its token"),
            "{}",
            answer.text()
        );
        assert_eq!(
            answer.header("www-authenticate"),
            Some("Bearer realm=\"starling\"")
        );
        let wrong = call.clone().token("correct-horse-battery-stapler").send();
        assert_eq!(wrong.status, 401, "{call:?}");
        // A cookie is what another site's page could make the browser send.
        let cookie = call
            .clone()
            .header("Cookie", &format!("token={TOKEN}"))
            .send();
        assert_eq!(cookie.status, 401, "{call:?}");
    }
    assert!(
        ui.asked().is_empty(),
        "a command got through: {:?}",
        ui.asked()
    );

    let state = Call::get(addr, "/api/state").token(TOKEN).send();
    assert_eq!(state.status, 200, "{}", state.text());
    assert_eq!(state.json()["status"]["phase"], "idle");
    let start = Call::post(addr, "/api/start")
        .token(TOKEN)
        .json(r#"{"users": 10}"#)
        .send();
    assert_eq!(start.status, 200, "{}", start.text());
    assert_eq!(ui.asked().len(), 1);
    let mut events = Call::get(addr, "/api/stream").token(TOKEN).events();
    assert!(events.next_frame().is_some());
    // The page itself holds no data: it loads without the token.
    assert_eq!(Call::get(addr, "/").send().status, 200);
}

#[test]
fn a_page_of_another_site_cannot_reach_the_api_through_dns_rebinding() {
    let ui = Ui::new(None, None);
    let addr = ui.addr();
    let port = addr.port();
    for host in [
        Some(format!("evil.example:{port}")),
        Some(format!("127.0.0.1.evil.example:{port}")),
        Some("127.0.0.1:1".to_owned()),
        None,
    ] {
        for call in [
            Call::get(addr, "/"),
            Call::get(addr, "/api/state"),
            Call::post(addr, "/api/start").json("{}"),
        ] {
            let answer = call.host(host.as_deref()).send();
            assert_eq!(answer.status, 403, "{host:?}: {}", answer.text());
            assert!(
                answer.error().contains("answers to 127.0.0.1"),
                "{}",
                answer.text()
            );
        }
    }
    assert!(ui.asked().is_empty());
    for host in [
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        addr.to_string(),
    ] {
        let answer = Call::get(addr, "/api/state").host(Some(&host)).send();
        assert_eq!(answer.status, 200, "{host}");
    }
}

#[test]
fn a_cross_site_form_or_script_cannot_start_a_run() {
    let ui = Ui::new(None, None);
    let addr = ui.addr();
    let origin = ("Origin", "http://evil.example");
    // A form can send these content types, and never a custom header.
    for kind in [
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data",
    ] {
        let answer = Call::post(addr, "/api/start")
            .header(origin.0, origin.1)
            .header("Content-Type", kind)
            .body(r#"{"users": 10}"#)
            .send();
        assert_eq!(answer.status, 403, "{kind}: {}", answer.text());
        assert!(
            answer.error().contains("X-Starling: 1"),
            "{}",
            answer.text()
        );
        // With the header but not as JSON: still refused.
        let answer = Call::post(addr, "/api/start")
            .header("Content-Type", kind)
            .marked()
            .body(r#"{"users": 10}"#)
            .send();
        assert_eq!(answer.status, 415, "{kind}: {}", answer.text());
    }
    // The preflight another origin's script needs is never granted.
    let preflight = Call::new(addr, "OPTIONS", "/api/start")
        .header(origin.0, origin.1)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "x-starling, content-type")
        .send();
    assert!(
        preflight
            .headers
            .iter()
            .all(|(name, _)| !name.to_ascii_lowercase().starts_with("access-control-")),
        "{:?}",
        preflight.headers
    );
    let state = Call::get(addr, "/api/state")
        .header(origin.0, origin.1)
        .send();
    assert_eq!(state.header("access-control-allow-origin"), None);
    assert!(ui.asked().is_empty(), "{:?}", ui.asked());
}

#[test]
fn bad_input_is_400_with_a_message_and_no_command_is_made() {
    let ui = Ui::new(None, None);
    let addr = ui.addr();
    for (path, body, says) in [
        (
            "/api/start",
            r#"{"users": -5}"#,
            "`users` must be a whole number of at least 1, got -5",
        ),
        (
            "/api/start",
            r#"{"users": 10, "spawn_rate": -1}"#,
            "`spawn_rate` must be above 0",
        ),
        (
            "/api/start",
            r#"{"host": "not a url"}"#,
            "host: invalid base URL `not a url`",
        ),
        (
            "/api/start",
            r#"{"host": "http://127.0.0.1:99999"}"#,
            "invalid port",
        ),
        (
            "/api/start",
            r#"{"users": 10, "usres": 5}"#,
            "unknown field `usres`",
        ),
        ("/api/start", "users=10", "the body is not JSON"),
        ("/api/start", "", "the body is empty"),
        (
            "/api/start",
            r#"{"duration": "forever"}"#,
            "`duration` `forever`",
        ),
        ("/api/steer", r#"{"users": -1}"#, "at least 0, got -1"),
        ("/api/steer", r#"{"arrival_rate": "fast"}"#, "invalid type"),
    ] {
        let answer = Call::post(addr, path).json(body).send();
        assert_eq!(answer.status, 400, "{body}: {}", answer.text());
        assert!(answer.error().contains(says), "{body}: {}", answer.error());
    }
    let huge = format!(r#"{{"host": "{}"}}"#, "x".repeat(64 * 1024));
    assert_eq!(
        Call::post(addr, "/api/start").json(&huge).send().status,
        413
    );
    assert!(ui.asked().is_empty(), "{:?}", ui.asked());
    assert_eq!(ui.board.status().phase, Phase::Idle);
}

#[test]
fn a_start_reaches_the_manager_typed_and_the_answer_shows_what_it_did() {
    let ui = Ui::new(None, None);
    let body =
        r#"{"users": 10, "spawn_rate": 5, "host": "http://127.0.0.1:8000", "duration": "30s"}"#;
    let answer = Call::post(ui.addr(), "/api/start").json(body).send();
    assert_eq!(answer.status, 200, "{}", answer.text());
    let state = answer.json();
    assert_eq!(state["status"]["phase"], "running");
    assert_eq!(state["status"]["runs"], 1);
    let asked = ui.asked();
    let [Command::Start(StartRun { load, length, host })] = asked.as_slice() else {
        panic!("{asked:?}");
    };
    assert_eq!(
        *load,
        StartLoad::Users {
            users: 10,
            spawn_rate: Some(5.0)
        }
    );
    assert_eq!(*length, RunLength::For(Duration::from_secs(30)));
    assert_eq!(host.as_ref().unwrap().to_string(), "http://127.0.0.1:8000");
    let answer = Call::post(ui.addr(), "/api/stop").marked().send();
    assert_eq!(answer.status, 200);
    assert_eq!(ui.asked()[1], Command::Stop);
}

#[test]
fn the_managers_refusals_are_passed_on_with_their_status() {
    for (refusal, code) in [
        (
            Refusal::Conflict("run 1 is going on: stop it first".into()),
            409,
        ),
        (Refusal::Invalid("this run is an open model".into()), 400),
        (
            Refusal::Failed("a worker thread could not start".into()),
            500,
        ),
    ] {
        let ui = Ui::new(None, Some(refusal.clone()));
        let answer = Call::post(ui.addr(), "/api/steer")
            .json(r#"{"users": 3}"#)
            .send();
        assert_eq!(answer.status, code, "{}", answer.text());
        assert_eq!(answer.error(), refusal.to_string());
    }
}

#[test]
fn the_stream_sends_the_latest_frame_and_skips_what_a_slow_reader_missed() {
    let ui = Ui::new(None, None);
    let mut events = Call::get(ui.addr(), "/api/stream").events();
    let first = events.next_frame().expect("a frame at once");
    assert_eq!(first["status"]["phase"], "idle");
    assert_eq!(first["run"], serde_json::Value::Null);
    let start = first["seq"].as_u64().unwrap();
    // A thousand changes while the reader reads nothing.
    for n in 1..=1000 {
        ui.board.update(|live| live.status.active_users = n);
    }
    let mut seen = 0;
    loop {
        let frame = events.next_frame().expect("the stream goes on");
        seen += 1;
        if frame["status"]["active_users"] == 1000 {
            assert_eq!(frame["seq"].as_u64(), Some(start + 1000));
            break;
        }
        assert!(seen < 5, "the stream queued frames: {frame}");
    }
    assert!(seen <= 3, "{seen} frames for one burst of changes");
}

/// The smallest results file there is (version 1, no names).
fn summary() -> Summary {
    let text = r#"{"format":"starling-results","version":1,
        "run":{"scenario":"s.yaml","started_at_unix_ms":0,"duration_ms":1000,"workers":1,
               "model":"closed","seed":null,"stopped_early":false,"peak_users":3},
        "totals":{"requests":7,"failures":0,"failure_ratio":0,"rps":7,"bytes_sent":0,
                  "bytes_received":0,"status_codes":{},"failure_categories":{},
                  "latency":{"count":0,"min_us":0,"mean_us":0,"p50_us":0,"p90_us":0,"p95_us":0,"p99_us":0,"max_us":0},
                  "latency_corrected":{"count":0,"min_us":0,"mean_us":0,"p50_us":0,"p90_us":0,"p95_us":0,"p99_us":0,"max_us":0},
                  "journeys_started":0,"journeys_succeeded":0,"journeys_failed":0,"dropped_arrivals":0},
        "journeys":{},"requests":{},"services":{},"sections":{},"timeseries":[]}"#;
    serde_json::from_str(text).expect("a version 1 results file")
}

#[test]
fn downloads_are_404_before_any_results_then_every_file_of_the_latest() {
    let ui = Ui::new(None, None);
    let addr = ui.addr();
    let none = Call::get(addr, "/api/download/stats.csv").send();
    assert_eq!(none.status, 404);
    assert!(none.error().contains("no results yet"), "{}", none.text());
    assert_eq!(
        Call::get(addr, "/api/state").send().json()["downloads"],
        serde_json::json!([])
    );

    ui.board
        .update(|live| live.results = Some(Arc::new(summary())));
    let listed = Call::get(addr, "/api/state").send().json()["downloads"].clone();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[..3], ["results.json", "report.html", "stats.csv"]);
    let csv = Call::get(addr, "/api/download/stats.csv").send();
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        csv.header("content-disposition"),
        Some("attachment; filename=\"starling_stats.csv\"")
    );
    assert!(
        csv.text().starts_with("Type,Name,Request Count"),
        "{}",
        csv.text()
    );
    let results = Call::get(addr, "/api/download/results.json").send();
    let back: Summary = serde_json::from_slice(&results.body).expect("results read back");
    assert_eq!(back.totals.requests, 7);
    let report = Call::get(addr, "/api/download/report.html").send();
    assert!(report.text().starts_with("<!DOCTYPE html>"));
    assert!(report.text().contains("StarlingPage.render"));
    for name in names {
        let answer = Call::get(addr, &format!("/api/download/{name}")).send();
        assert_eq!(answer.status, 200, "{name}");
        assert!(!answer.body.is_empty(), "{name}");
    }
    let unknown = Call::get(addr, "/api/download/passwd").send();
    assert_eq!(unknown.status, 404);
    assert!(
        unknown.error().contains("there are results.json"),
        "{}",
        unknown.text()
    );
}

#[test]
fn the_page_and_its_code_come_from_this_server_under_a_strict_policy() {
    let ui = Ui::new(None, None);
    let addr = ui.addr();
    let page = Call::get(addr, "/").send();
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let policy = page.header("content-security-policy").expect("a CSP");
    for part in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(part), "{policy}");
    }
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    let report = Call::get(addr, "/assets/report.js").send();
    assert!(report.text().contains("StarlingPage"));
    assert_eq!(
        report.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(Call::get(addr, "/assets/ui.js").send().status, 200);
    assert_eq!(Call::get(addr, "/assets/ui.css").send().status, 200);
    assert_eq!(Call::get(addr, "/assets/../Cargo.toml").send().status, 404);
    assert_eq!(Call::get(addr, "/api/nothing").send().status, 404);
    let state = Call::get(addr, "/api/state").send();
    assert_eq!(state.header("cache-control"), Some("no-store"));
}
