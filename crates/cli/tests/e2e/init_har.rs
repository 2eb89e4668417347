//! The HAR round trip on a real recording: headless Chromium runs the
//! checkout journey from a page (`record_har.py`), its HAR goes through
//! `starling init --from-har`, and the scenario runs against the demo with
//! no failed journey. Skipped with a message without Chromium (see
//! `support::Chromium`).

use std::path::Path;

use crate::support::{Chromium, Demo, Outcome, Run, starling};

#[test]
fn a_har_recorded_in_chromium_converts_and_runs_against_the_demo() {
    let test = "a_har_recorded_in_chromium_converts_and_runs_against_the_demo";
    let Some(chromium) = Chromium::get(test) else {
        return;
    };
    let demo = Demo::start();
    let dir = tempfile::tempdir().expect("a temp dir");
    let har = dir.path().join("recorded.har");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/record_har.py");
    let output = chromium
        .python(&script)
        .arg(demo.gateway())
        .arg(&har)
        .output()
        .expect("runs the venv's python");
    assert!(
        output.status.success(),
        "record_har.py failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let recorded: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("record_har.py prints JSON");
    assert_eq!(recorded["journey"]["payment"], "settled", "{recorded}");
    let user_id = recorded["journey"]["user"].as_u64().expect("the user's id");
    assert!(user_id > 100, "{recorded}");

    let scenario = dir.path().join("recorded.yaml");
    Outcome::of(
        starling()
            .args(["init", "--from-har"])
            .arg(&har)
            .arg("-o")
            .arg(&scenario),
    )
    .code(0)
    .stdout_has("4 requests from");
    let text = std::fs::read_to_string(&scenario).expect("the scenario was written");
    // The created user's id is captured and sent back in the order (a
    // number, so the capture keeps its type), and read back in a path.
    let create = text
        .split("          - ")
        .find(|step| step.starts_with("post: /users"))
        .unwrap_or_else(|| panic!("no POST /users:\n{text}"));
    assert!(
        create.contains("capture:\n              user_id: $.id\n"),
        "{text}"
    );
    let order = text
        .split("          - ")
        .find(|step| step.starts_with("post: /orders"))
        .unwrap_or_else(|| panic!("no POST /orders:\n{text}"));
    assert!(order.contains("user_id: \"{{ user_id }}\"\n"), "{text}");
    assert!(text.contains("- get: \"/users/{{ user_id }}\"\n"), "{text}");
    assert!(text.contains("order_id: \"{{ order_id }}\"\n"), "{text}");
    // The steps only: the target's port may contain the id's digits.
    let steps = text.split_once("        steps:\n").expect("a steps list").1;
    for left_out in [
        "/static/",
        "favicon",
        "user-agent",
        "sec-",
        &user_id.to_string(),
    ] {
        assert!(
            !steps.contains(left_out),
            "{left_out} is in the steps:\n{text}"
        );
    }

    let ran = Run::new(&scenario).against(&demo).succeeds();
    let journey = &ran.summary.journeys["recording"];
    assert_eq!((journey.succeeded, journey.failed), (1, 0));
    assert_eq!(ran.json["totals"]["journeys_failed"], 0);
    assert_eq!(ran.count("POST /orders"), 1);
    assert_eq!(ran.count("GET /users/{{ user_id }}"), 1);
}
