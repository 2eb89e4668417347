//! `starling validate` and `starling schema`: checks without sending.

use crate::support::{Demo, Outcome, example, starling};

const EXAMPLES: [&str; 6] = [
    "checkout.yaml",
    "polling.yaml",
    "login.yaml",
    "services.yaml",
    "open_model.yaml",
    "features.yaml",
];

#[test]
fn every_example_validates() {
    // Every example in the directory, so a new one cannot be forgotten here.
    let dir = example("");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .expect("examples/ exists")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    found.sort();
    let mut expected = EXAMPLES.map(String::from).to_vec();
    expected.sort();
    assert_eq!(found, expected, "examples/ changed: update EXAMPLES");

    for name in EXAMPLES {
        let outcome = Outcome::of(starling().arg("validate").arg(example(name))).code(0);
        let first = outcome.stdout.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("ok: ") && first.len() > "ok: ".len(),
            "{name}: {}",
            outcome.stdout
        );
    }
}

/// A typo on line 7, column 9 of a scenario that is otherwise valid.
const BROKEN: &str = "\
target: http://127.0.0.1:9
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /products
            expcet: { status: 200 }
";

#[test]
fn a_broken_file_is_located_and_refused_without_sending() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("broken.yaml");
    std::fs::write(&path, BROKEN).expect("write the scenario");
    let located = format!("{}:9:13:", path.display());

    Outcome::of(starling().arg("validate").arg(&path))
        .code(2)
        .stderr_has(&located)
        .stderr_has("did you mean `expect`");

    // `run` checks the same way before any load: nothing reaches the demo.
    let demo = Demo::start();
    let outcome = Outcome::of(
        starling()
            .args(["run", "--quiet", "--host", &demo.gateway()])
            .arg(&path),
    )
    .code(2)
    .stderr_has(&located);
    assert!(outcome.stdout.is_empty(), "{}", outcome.stdout);
    assert_eq!(demo.total_received(), 0);
}

#[test]
fn schema_is_json_with_a_schema_keyword() {
    let outcome = Outcome::of(starling().arg("schema")).code(0);
    let schema: serde_json::Value =
        serde_json::from_str(&outcome.stdout).expect("the schema is JSON");
    assert!(schema.get("$schema").is_some(), "{schema}");
    assert!(
        schema.to_string().contains("spawn_rate"),
        "the schema describes the format"
    );
}
