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
