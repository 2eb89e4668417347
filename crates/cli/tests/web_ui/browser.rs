//! The page in headless Chromium against the real demo system: the whole
//! cycle a person goes through (bad input shown in the form, 10 users, the
//! numbers moving, 30 users reached in the page and in the demo's own
//! counts, stop, the CSV downloaded, a screenshot), and the time a frame
//! with 1,000 request names and 100 services takes to draw (some of them
//! hostile, shown as text and never run).

use std::path::PathBuf;

use serde_json::Value;

use crate::support::{Browser, DemoServe, UiProcess, workspace_root};

fn out_dir(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("web-ui")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("makes the test's directory");
    dir
}

fn ui_for(demo: &DemoServe) -> UiProcess {
    let mut args = vec!["ui".to_owned(), "examples/checkout.yaml".to_owned()];
    args.extend(demo.flags());
    UiProcess::start(args)
}

#[track_caller]
fn assert_clean(facts: &Value) {
    assert_eq!(facts["errors"], Value::Array(vec![]), "errors on the page");
    assert_eq!(facts["alerts"], Value::Array(vec![]), "dialogs opened");
}

#[test]
fn in_chromium_10_users_start_steer_to_30_stop_and_the_csv_downloads() {
    let test = "in_chromium_10_users_start_steer_to_30_stop_and_the_csv_downloads";
    let Some(browser) = Browser::get(test) else {
        return;
    };
    let demo = DemoServe::start();
    let ui = ui_for(&demo);
    let dir = out_dir(test);
    let png = dir.join("ui.png");
    let mut args = vec![
        "cycle".to_owned(),
        ui.url.clone(),
        "--downloads".into(),
        dir.to_str().unwrap().into(),
        "--screenshot".into(),
        png.to_str().unwrap().into(),
    ];
    for url in demo.stats_urls() {
        args.extend(["--stats".into(), url]);
    }
    // `STARLING_UPDATE_SCREENSHOT=1` refreshes the README's picture, after
    // some seconds at each load so its charts show the step.
    let update = std::env::var("STARLING_UPDATE_SCREENSHOT").is_ok_and(|v| v == "1");
    if update {
        args.extend(["--hold".into(), "10".into()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let facts = browser.run(&args);
    assert_clean(&facts);

    let form = &facts["prefill"];
    assert_eq!(form["users"], "1000", "{form}");
    assert_eq!(form["spawn_rate"], "50");
    assert_eq!(form["host"], demo.url("gateway"));
    assert_eq!(form["duration"], "5m");
    let refused = facts["bad_input"].as_str().unwrap();
    assert!(
        refused.contains("`users` must be a whole number of at least 1, got -5"),
        "{refused}"
    );
    assert_eq!(facts["phase_after_bad_input"], "idle");
    assert_eq!(
        facts["received_after_bad_input"], 0,
        "a refused start sent load"
    );

    // 10 users, and the numbers move.
    assert_eq!(facts["users_10"]["users"], "10");
    let moving = facts["moving"].as_array().unwrap();
    assert!(
        moving[1].as_u64() > moving[0].as_u64(),
        "requests did not move: {moving:?}"
    );
    // 30 users, in the page and in what the demo counted.
    let at_30 = &facts["users_30"];
    assert_eq!(at_30["users"], "30", "{at_30}");
    assert_eq!(at_30["target"], "target 30");
    let seconds = at_30["seconds"].as_f64().unwrap();
    eprintln!("{test}: the page showed 30 users {seconds:.2} s after Apply");
    assert!(seconds < 5.0, "{seconds} s");
    let received = facts["received"].as_array().unwrap();
    assert!(
        received.windows(2).all(|w| w[1].as_u64() > w[0].as_u64()),
        "the demo's /admin/stats did not grow: {received:?}"
    );
    let charts = facts["charts"].as_array().expect("the charts drawn");
    assert!(charts.len() >= 4, "{charts:?}");
    for chart in charts.iter().filter(|c| c["small"] == false) {
        assert!(chart["colored"].as_u64() > Some(20), "blank chart: {chart}");
    }

    let reset = &facts["reset"];
    assert!(
        reset["after"].as_u64() < reset["before"].as_u64(),
        "the counts did not restart: {reset}"
    );
    assert_eq!(reset["users"], "30", "a reset keeps the load: {reset}");
    assert!(
        reset["message"]
            .as_str()
            .unwrap()
            .contains("requests dropped"),
        "{reset}"
    );

    assert_eq!(facts["phase_after_stop"], "finished");
    let csv = std::fs::read_to_string(dir.join("starling_stats.csv")).expect("the CSV was saved");
    assert!(csv.starts_with("Type,Name,Request Count"), "{csv}");
    assert!(csv.contains("POST /payments"), "{csv}");

    let shot = std::fs::metadata(&png).expect("a screenshot").len();
    assert!(shot > 20_000, "{shot} bytes");
    if update {
        std::fs::copy(&png, workspace_root().join("docs/ui.png")).expect("copies the screenshot");
    }
}

#[test]
fn a_frame_of_1000_request_names_and_100_services_draws_without_freezing_or_running_them() {
    let test =
        "a_frame_of_1000_request_names_and_100_services_draws_without_freezing_or_running_them";
    let Some(browser) = Browser::get(test) else {
        return;
    };
    let demo = DemoServe::start();
    let ui = ui_for(&demo);
    let facts = browser.run(&["big", &ui.url]);
    assert_clean(&facts);
    let big = &facts["big"];
    assert_eq!(big["requests"], 1000, "{big}");
    assert_eq!(big["services"], 100, "{big}");
    // Rows stay capped; every name is offered in the chart selector.
    assert_eq!(big["rows"]["requests"], 50, "{big}");
    assert!(big["options"].as_u64() >= Some(1 + 100 + 1000), "{big}");
    let (parse, first, again) = (
        big["parse_ms"].as_f64().unwrap(),
        big["first_ms"].as_f64().unwrap(),
        big["again_ms"].as_f64().unwrap(),
    );
    eprintln!(
        "{test}: a {} KB frame: JSON.parse {parse:.1} ms, first draw {first:.1} ms, next frame {again:.1} ms",
        big["bytes"].as_u64().unwrap() / 1024,
    );
    // Generous: a page that froze would take seconds.
    assert!(first < 2_000.0 && again < 2_000.0, "{big}");

    // Names from the target and the scenario are shown, never run.
    let injected = &facts["injected"];
    for none in ["img", "iframe", "on_attributes", "javascript_urls"] {
        assert_eq!(injected[none], 0, "{none}: {injected}");
    }
    let text = facts["text"].as_str().unwrap();
    for literal in [
        "<img src=x onerror=alert(1)>.yaml",
        "</script><script>alert(2)</script>",
        "javascript:alert(5)",
        "<iframe src=javascript:alert(6)>",
    ] {
        assert!(
            text.contains(literal),
            "{literal:?} not shown as text:\n{text}"
        );
    }
}
