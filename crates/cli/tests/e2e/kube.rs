//! `starling kube`: the manifests pass the Kubernetes API schemas (checked
//! by kubernetes-validate, strict), and the command lines they hold work:
//! run locally as three processes with the Job's own arguments, then the
//! merge Job's script, they give the one verdict of the whole run.

use std::path::Path;
use std::process::Command;

use starling_metrics::Summary;

use crate::support::{BIN, Demo, Outcome, PythonTools, starling};

/// The containers' command lines of the manifests, as JSON lines:
/// `[job name, command..., args...]`, read with the venv's PyYAML.
const ARGS: &str = r#"
import json, sys, yaml
for doc in yaml.safe_load_all(open(sys.argv[1])):
    if doc and doc["kind"] == "Job":
        c = doc["spec"]["template"]["spec"]["containers"][0]
        print(json.dumps([doc["metadata"]["name"]] + c.get("command", []) + c["args"]))
"#;

fn in_three_seconds() -> String {
    let out = Command::new("date")
        .args(["-u", "-d", "+3 seconds", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn the_manifests_are_valid_and_their_command_lines_run_the_whole_test() {
    let Some(tools) = PythonTools::get("kube manifests") else {
        return;
    };
    let demo = Demo::start();
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("shop.yaml");
    std::fs::write(
        &scenario,
        format!(
            "target: {}\nload: {{ users: 7, spawn_rate: 1000, iterations: 3 }}\nusers:\n  - name: u\n    journeys:\n      - name: browse\n        steps:\n          - get: /products\n            expect: {{ status: 200 }}\nthresholds:\n  all: {{ errors: 1% }}\n",
            demo.gateway()
        ),
    )
    .unwrap();
    let manifests = dir.path().join("k8s.yaml");
    let outcome = Outcome::of(
        starling()
            .arg("kube")
            .arg(&scenario)
            .args(["--segments", "3", "--name", "shop-test", "--start-at"])
            .arg(in_three_seconds()),
    )
    .code(0);
    std::fs::write(&manifests, &outcome.stdout).unwrap();

    let validated = tools
        .command("kubernetes-validate")
        .args(["--strict", "--quiet"])
        .arg(&manifests)
        .output()
        .unwrap();
    assert!(
        validated.status.success(),
        "kubernetes-validate refused the manifests:\n{}{}\n{}",
        String::from_utf8_lossy(&validated.stdout),
        String::from_utf8_lossy(&validated.stderr),
        outcome.stdout
    );

    let listed = tools
        .command("python")
        .arg("-c")
        .arg(ARGS)
        .arg(&manifests)
        .output()
        .unwrap();
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let jobs: Vec<Vec<String>> = String::from_utf8(listed.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    let results = dir.path().join("results");
    std::fs::create_dir(&results).unwrap();
    // The pods' paths, here: the scenario from the ConfigMap, the shared
    // results volume, and the index the Job gives each pod.
    let local = |arg: &str, index: Option<u32>| -> String {
        let mut arg = arg
            .replace("/scenario/shop.yaml", &scenario.display().to_string())
            // Three pods each have their own 9464; three local processes
            // each take a free port, and need not wait for a scraper.
            .replace("0.0.0.0:9464", "127.0.0.1:0")
            .replace("30s", "0s")
            .replace("/results", &results.display().to_string());
        if let Some(i) = index {
            arg = arg.replace("$(JOB_COMPLETION_INDEX)", &i.to_string());
        }
        arg
    };
    let segments: Vec<_> = (0..3)
        .map(|i| {
            Command::new(BIN)
                .args(jobs[0][1..].iter().map(|a| local(a, Some(i))))
                .env("JOB_COMPLETION_INDEX", i.to_string())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut pod in segments {
        assert!(pod.wait().unwrap().success());
    }
    // The merge Job's script, with `starling` being the binary under test.
    assert_eq!(jobs[1][1..3], ["sh".to_owned(), "-c".to_owned()]);
    let script = local(&jobs[1][3], None);
    let bin_dir = Path::new(BIN).parent().unwrap();
    let merged = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env(
            "PATH",
            format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap()),
        )
        .output()
        .unwrap();
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let summary: Summary =
        serde_json::from_str(&std::fs::read_to_string(results.join("merged.json")).unwrap())
            .unwrap();
    assert_eq!(summary.totals.requests, 21);
    assert_eq!(demo.received("products", "GET /products"), 21);
    assert_eq!(
        summary.thresholds[0].status,
        starling_metrics::ThresholdStatus::Pass
    );
    // One seed in every pod, so the union is one reproducible run.
    let seeds: Vec<Option<u64>> = (0..3)
        .map(|i| {
            let text = std::fs::read_to_string(results.join(format!("{i}.json"))).unwrap();
            serde_json::from_str::<Summary>(&text).unwrap().run.seed
        })
        .collect();
    assert!(seeds.iter().all(|s| *s == seeds[0]), "{seeds:?}");
}

#[test]
fn bad_kube_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = crate::support::example("checkout.yaml");
    let _ = dir;
    Outcome::of(
        starling()
            .arg("kube")
            .arg(&scenario)
            .args(["--segments", "0"]),
    )
    .code(2)
    .stderr_has("--segments must be at least 1");
    Outcome::of(starling().arg("kube").arg(&scenario).args([
        "--segments",
        "2",
        "--name",
        "Bad_Name",
    ]))
    .code(2)
    .stderr_has("a Kubernetes name is lower-case");
}
