//! `--tags` and `--exclude-tags` (Locust's flags, issue 18): a real run
//! against the demo sends only the journeys asked for, and says so.

use crate::support::{Demo, Outcome, Run, starling};

const SCENARIO: &str = r#"target: http://127.0.0.1:8000
load: { users: 2, spawn_rate: 100, iterations: 3 }
users:
  - name: shopper
    tags: [shop]
    journeys:
      - name: browse
        tags: [smoke]
        steps:
          - get: /products?category=electronics
      - name: signup
        steps:
          - post: /users
            json: { username: "user-{{ vu.id }}" }
            expect: { status: 201 }
"#;

fn scenario() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("tagged.yaml");
    std::fs::write(&path, SCENARIO).expect("the scenario is written");
    (dir, path)
}

#[test]
fn tags_run_only_the_journeys_carrying_one_and_the_results_say_which() {
    let demo = Demo::start();
    let (_dir, path) = scenario();
    let ran = Run::new(&path)
        .against(&demo)
        .args(["--tags", "smoke"])
        .succeeds();
    assert_eq!(ran.count("GET /products"), 6);
    assert_eq!(ran.count("POST /users"), 0);
    let header = ran.outcome.stdout.lines().next().unwrap_or_default();
    assert!(header.ends_with(" · tags smoke"), "{header}");
    assert_eq!(demo.received("gateway", "POST /users"), 0);
    assert_eq!(
        ran.json["run"]["load"]["tags"],
        serde_json::json!({ "keep": ["smoke"] })
    );
}

#[test]
fn exclude_tags_drop_the_journeys_carrying_any() {
    let demo = Demo::start();
    let (_dir, path) = scenario();
    let ran = Run::new(&path)
        .against(&demo)
        .args(["--exclude-tags", "smoke"])
        .succeeds();
    assert_eq!(ran.count("POST /users"), 6);
    assert_eq!(ran.count("GET /products"), 0);
}

#[test]
fn tags_that_leave_nothing_exit_2_naming_the_tags_there_are() {
    let (_dir, path) = scenario();
    Outcome::of(starling().arg("run").arg(&path).args(["--tags", "nightly"]))
        .code(2)
        .stderr_has(
            "no journey is left to run with --tags nightly; the scenario's tags are: shop, smoke",
        );
}

#[test]
fn requests_of_journeys_the_tags_dropped_show_no_row_anywhere() {
    let demo = Demo::start();
    let (dir, path) = scenario();
    let html = dir.path().join("report.html");
    let ran = Run::new(&path)
        .against(&demo)
        .args(["--tags", "smoke", "--html"])
        .args([&html])
        .succeeds();
    // Only browse ran: its request and its service are the only rows.
    let requests: Vec<&String> = ran.summary.requests.keys().collect();
    assert_eq!(requests, ["GET /products"]);
    let services: Vec<&String> = ran.summary.services.keys().collect();
    assert_eq!(services, ["products"]);
    assert!(ran.json["requests"].get("POST /users").is_none());
    let stdout = &ran.outcome.stdout;
    assert!(stdout.contains("GET /products"), "{stdout}");
    assert!(!stdout.contains("POST /users"), "{stdout}");
    let page = std::fs::read_to_string(&html).expect("the HTML report");
    assert!(page.contains("GET /products"));
    assert!(!page.contains("POST /users"));
    assert!(
        !page.contains("signup"),
        "the dropped journey is on the page"
    );
}

#[test]
fn thresholds_of_dropped_journeys_are_left_out_and_the_rest_judge_their_own_journey() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("gated.yaml");
    // Before the fix, `--tags smoke` indexed the dropped signup's old id
    // (1) into one journey and panicked; `--exclude-tags smoke` judged
    // browse's threshold on signup, which had taken id 0.
    let gates = "thresholds:\n  journey browse: { success: 1% }\n  journey signup: { success: 1% }\n  request POST /users: { errors: 100% }\n";
    std::fs::write(&path, format!("{SCENARIO}{gates}")).expect("the scenario is written");
    let ran = Run::new(&path)
        .against(&demo)
        .args(["--tags", "smoke"])
        .succeeds();
    let judged: Vec<&str> = ran
        .summary
        .thresholds
        .iter()
        .map(|t| t.threshold.label.as_str())
        .collect();
    assert_eq!(judged, ["journey browse: success > 1%"]);
    assert_eq!(ran.summary.journeys["browse"].succeeded, 6);

    let ran = Run::new(&path)
        .against(&demo)
        .args(["--exclude-tags", "smoke"])
        .succeeds();
    let judged: Vec<(&str, Option<f64>)> = ran
        .summary
        .thresholds
        .iter()
        .map(|t| (t.threshold.label.as_str(), t.actual))
        .collect();
    // Each judged on its own journey's and request's figures.
    let signup = &ran.summary.journeys["signup"];
    let success = signup.succeeded as f64 / (signup.succeeded + signup.failed) as f64;
    let users = ran.request("POST /users");
    let errors = users.failures as f64 / users.count as f64;
    assert_eq!(
        judged,
        [
            ("journey signup: success > 1%", Some(success)),
            ("request POST /users: errors < 100%", Some(errors))
        ]
    );
}
