//! What is refused before anything is served or started: a UI reachable
//! from the network without a token (exit 2, no load sent), an unusable
//! token or host; and, once served, every call without the token.

use std::process::Output;

use crate::support::http::Call;
use crate::support::{DemoServe, UiProcess, starling};

fn output(args: &[&str]) -> Output {
    starling()
        .args(args)
        .args(["--web-port", "0"])
        .output()
        .expect("starling runs")
}

#[track_caller]
fn refused(out: &Output, says: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stderr.contains(says), "stderr lacks {says:?}:\n{stderr}");
    assert!(!stdout.contains("starling web UI:"), "it served:\n{stdout}");
}

#[test]
fn a_ui_off_loopback_without_a_token_exits_2_before_serving() {
    for args in [
        &["ui", "examples/checkout.yaml", "--web-host", "0.0.0.0"][..],
        &["ui", "examples/checkout.yaml", "--web-host", "::"],
        &["ui", "examples/checkout.yaml", "--web-host", "192.0.2.1"],
        &["demo", "--ui", "--web-host", "0.0.0.0"],
    ] {
        let out = output(args);
        refused(&out, "which is not loopback");
        refused(&out, "--web-token TOKEN or --web-token auto");
    }
}

#[test]
fn run_ui_off_loopback_without_a_token_sends_no_load() {
    let demo = DemoServe::start();
    let mut args = vec![
        "run",
        "examples/checkout.yaml",
        "--ui",
        "--web-host",
        "0.0.0.0",
        "--users",
        "5",
        "--duration",
        "2s",
    ];
    let flags = demo.flags();
    args.extend(flags.iter().map(String::as_str));
    refused(&output(&args), "--web-token");
    assert_eq!(demo.received(), 0, "load was sent");
}

#[test]
fn a_short_token_or_a_host_name_is_refused_with_exit_2() {
    refused(
        &output(&["ui", "examples/checkout.yaml", "--web-token", "secret"]),
        "a token needs 16 to 256 characters",
    );
    refused(
        &output(&[
            "ui",
            "examples/checkout.yaml",
            "--web-host",
            "ui.example.invalid",
        ]),
        "expected an IP address",
    );
}

#[test]
fn the_binarys_token_guards_every_api_call_and_its_url_carries_it() {
    let ui = UiProcess::start(["ui", "examples/checkout.yaml", "--web-token", "auto"]);
    let token = ui.token().expect("the printed URL carries the token");
    assert_eq!(token.len(), 64, "{}", ui.url);
    for call in [
        Call::get(ui.addr, "/api/state"),
        Call::get(ui.addr, "/api/stream"),
        Call::get(ui.addr, "/api/download/results.json"),
        Call::post(ui.addr, "/api/start").json(r#"{"users": 1}"#),
        Call::post(ui.addr, "/api/stop").marked(),
    ] {
        let answer = call.send();
        assert_eq!(answer.status, 401, "{call:?}: {}", answer.text());
    }
    assert_eq!(
        ui.status()["phase"],
        "idle",
        "a call without the token started a run"
    );
    // A token given on the command line works the same.
    let given = UiProcess::start([
        "ui",
        "examples/checkout.yaml",
        "--web-token",
        "correct-horse-battery-staple",
    ]);
    assert!(
        given.url.ends_with("/#token=correct-horse-battery-staple"),
        "{}",
        given.url
    );
    let answer = Call::get(given.addr, "/api/state")
        .token("correct-horse-battery-staple")
        .send();
    assert_eq!(answer.status, 200);
}
