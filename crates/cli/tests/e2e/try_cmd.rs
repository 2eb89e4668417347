//! `starling try` (and `run --debug`) against the demo: every request and
//! response printed, captures and expectations shown, secrets redacted,
//! and the exit code saying whether every journey passed.

use std::path::Path;

use crate::support::{Demo, Outcome, example, starling};

/// `starling try FILE --host <demo>` with `flags`.
fn try_at(demo: &Demo, file: &Path, flags: &[&str]) -> Outcome {
    Outcome::of(
        starling()
            .arg("try")
            .arg(file)
            .args(["--host", &demo.gateway()])
            .args(flags),
    )
}

fn scenario(dir: &tempfile::TempDir, yaml: &str) -> std::path::PathBuf {
    let path = dir.path().join("try.yaml");
    std::fs::write(&path, yaml).unwrap();
    path
}

#[test]
fn try_runs_each_checkout_journey_once_and_shows_what_it_did() {
    let demo = Demo::start();
    let out = try_at(&demo, &example("checkout.yaml"), &[]).code(0);
    let gateway = demo.gateway();
    let text = &out.stdout;
    for line in [
        format!("→ POST {gateway}/users"),
        format!("→ POST {gateway}/orders"),
        format!("→ POST {gateway}/payments"),
        format!("→ GET {gateway}/products?category=electronics"),
        "    {\"username\":\"user-0\"}".to_owned(),
        "    content-type: application/json".to_owned(),
        "  expect status 201 ✓".to_owned(),
        "  expect status 200 ✓".to_owned(),
        "  capture user_id = 1".to_owned(),
        "--- journey checkout".to_owned(),
        "✓ journey checkout passed".to_owned(),
        "✓ journey browse passed".to_owned(),
        "journeys: 2 passed, 0 failed".to_owned(),
    ] {
        assert!(text.contains(&line), "stdout lacks {line:?}:\n{text}");
    }
    assert!(text.contains("← 201 Created "), "{text}");
    assert!(text.contains("first byte "), "{text}");
    // The user's captured id went into the next request's body.
    assert!(text.contains("\"user_id\":1"), "{text}");
    // One user, each journey once: the demo saw exactly that.
    assert_eq!(
        demo.received("users", "POST /users"),
        1,
        "{:?}",
        demo.stats()
    );
    assert_eq!(demo.received("payments", "POST /payments"), 1);
}

#[test]
fn iterations_repeat_each_journey_and_run_debug_does_the_same() {
    let demo = Demo::start();
    let out = Outcome::of(
        starling()
            .arg("run")
            .arg(example("checkout.yaml"))
            .args(["--debug", "--iterations", "2", "--users", "500"])
            .args(["--host", &demo.gateway()]),
    )
    .code(0)
    .stdout_has("journeys: 4 passed, 0 failed")
    .stdout_has("runs each journey 2 times");
    // Not the load's 500 users: one.
    assert_eq!(out.stdout.matches("=== user type shopper").count(), 1);
    assert_eq!(
        demo.received("users", "POST /users"),
        2,
        "{:?}",
        demo.stats()
    );
}

#[test]
fn a_failed_expectation_shows_a_cross_and_exits_1() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(
        &dir,
        r#"
target: http://127.0.0.1:1
load: { users: 1, duration: 1s }
users:
  - name: shopper
    journeys:
      - name: signup
        steps:
          - post: /users
            json: { username: someone }
            expect: { status: 200, json: { $.username: someone } }
          - think: 30s
"#,
    );
    try_at(&demo, &file, &[])
        .code(1)
        .stdout_has("  expect status 200 ✗ status 201, expected 200")
        .stdout_has("  expect json $.username == \"someone\" ✓")
        .stdout_has("✗ journey signup failed")
        .stdout_has("journeys: 0 passed, 1 failed");
}

#[test]
fn secrets_never_reach_the_output() {
    const TOKEN: &str = "planted-token-7f3a91";
    const KEY: &str = "planted-key-c0d2e8";
    const CAPTURED: &str = "user-secret-name-4b";
    let demo = Demo::start();
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(
        &dir,
        &format!(
            r#"
target: http://127.0.0.1:1
load: {{ users: 1, duration: 1s }}
defaults:
  auth: {{ bearer: "{{{{ env('TOKEN') }}}}" }}
users:
  - name: shopper
    journeys:
      - name: signup
        steps:
          - post: /users
            headers: {{ X-Api-Key: {KEY} }}
            json: {{ username: {CAPTURED} }}
            expect: {{ status: 201 }}
            capture: {{ name: {{ json: $.username, secret: true }} }}
          - get: "/products?category={{{{ name }}}}"
"#
        ),
    );
    let out = Outcome::of(
        starling()
            .arg("try")
            .arg(&file)
            .args(["--host", &demo.gateway()])
            .env("TOKEN", TOKEN),
    )
    .code(0)
    .stdout_has("authorization: [redacted]")
    .stdout_has("X-Api-Key: [redacted]")
    .stdout_has("capture name = [redacted]");
    // The captured name is the scenario's own text in the request that
    // sends it; from the response on, it is a secret and never shown.
    assert_eq!(out.stdout.matches(CAPTURED).count(), 1, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("{\"id\":1,\"username\":\"[redacted]\"}"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("/products?category=[redacted]"),
        "{}",
        out.stdout
    );
    for secret in [TOKEN, KEY] {
        assert!(
            !out.stdout.contains(secret) && !out.stderr.contains(secret),
            "{secret} shown:\n{}\n{}",
            out.stdout,
            out.stderr
        );
    }
}

#[test]
fn a_bad_scenario_exits_2_with_its_place_and_sends_nothing() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(
        &dir,
        "target: http://127.0.0.1:1\nload: { users: 1, duration: 1s }\nusers:\n  - name: u\n    journeys:\n      - name: j\n        steps:\n          - get: \"/{{ nope(\"\n",
    );
    let out = try_at(&demo, &file, &[]).code(2).stderr_has("try.yaml:8:");
    assert!(!out.stdout.contains('→'), "{}", out.stdout);
    assert_eq!(demo.total_received(), 0, "{:?}", demo.stats());
}
