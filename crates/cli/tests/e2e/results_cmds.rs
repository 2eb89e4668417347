//! `report`, `merge` and `compare` on results files alone: the summary
//! rendered again, exact merges judged again, regressions flagged, and
//! foreign or damaged files refused with their name.

use std::path::{Path, PathBuf};

use starling_demo::{DemoConfig, Latency};
use starling_metrics::Summary;

use crate::support::{Demo, Outcome, Run, example, starling};

/// A short checkout run against `demo`, its results kept at `out`. Each
/// user picks checkout or browse at random for its first journey (and
/// waits 1-5 s before a second), so with 4 users one run in 16 sent no
/// payment at all; with 12, one in 4,096.
fn results(demo: &Demo, out: &Path, extra: &[&str]) -> Summary {
    let ran = Run::new(example("checkout.yaml"))
        .against(demo)
        .args(["--users", "12", "--spawn-rate", "1000", "--duration", "2s"])
        .args(extra)
        .exits(if extra.is_empty() { 0 } else { 99 });
    std::fs::write(out, serde_json::to_string(&ran.json).unwrap()).unwrap();
    ran.summary
}

fn temp(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

#[test]
fn merge_adds_up_exactly_and_judges_the_thresholds_again() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().unwrap();
    let (a, b, all) = (
        temp(&dir, "a.json"),
        temp(&dir, "b.json"),
        temp(&dir, "all.json"),
    );
    let gate = ["--threshold", "all: rps > 1000000"];
    let first = results(&demo, &a, &gate);
    let second = results(&demo, &b, &gate);

    let outcome = Outcome::of(
        starling()
            .arg("merge")
            .args([&a, &b])
            .arg("--out")
            .arg(&all),
    )
    .code(99);
    assert!(outcome.stdout.contains("THRESHOLDS"), "{}", outcome.stdout);
    let merged: Summary = serde_json::from_str(&std::fs::read_to_string(&all).unwrap()).unwrap();
    assert_eq!(
        merged.totals.requests,
        first.totals.requests + second.totals.requests
    );
    for (name, request) in &merged.requests {
        let part = |s: &Summary| s.requests.get(name).map_or(0, |r| r.count);
        assert_eq!(request.count, part(&first) + part(&second), "{name}");
        // A merged histogram's extremes are exactly the parts' extremes,
        // and its median lies between theirs (parts that measured it).
        let measured: Vec<_> = [&first, &second]
            .iter()
            .filter_map(|s| s.requests.get(name).map(|r| &r.total))
            .filter(|l| l.count > 0)
            .collect();
        let max = measured.iter().map(|l| l.max_us).max().unwrap();
        let min = measured.iter().map(|l| l.min_us).min().unwrap();
        assert_eq!(request.total.max_us, max, "{name}");
        assert_eq!(request.total.min_us, min, "{name}");
        let lo = measured.iter().map(|l| l.p50_us).min().unwrap();
        let hi = measured.iter().map(|l| l.p50_us).max().unwrap();
        assert!((lo..=hi).contains(&request.total.p50_us), "{name}");
    }
    // The gate came from the parts' files, not from a scenario.
    assert_eq!(merged.thresholds.len(), 1);
    assert_eq!(merged.thresholds[0].threshold.label, "all: rps > 1000000");
    assert_eq!(merged.thresholds[0].actual, Some(merged.totals.rps));
    assert_eq!(merged.run.scenario_hash, first.run.scenario_hash);
    assert!(first.run.scenario_hash.is_some());
}

#[test]
fn merge_refuses_other_scenarios_and_foreign_files() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (temp(&dir, "a.json"), temp(&dir, "b.json"));
    results(&demo, &a, &[]);
    let other = Run::new(example("login.yaml"))
        .against(&demo)
        .args(["--users", "2", "--duration", "1s"])
        .succeeds();
    std::fs::write(&b, serde_json::to_string(&other.json).unwrap()).unwrap();

    Outcome::of(starling().arg("merge").args([&a, &b]))
        .code(2)
        .stderr_has("comes from a different scenario")
        .stderr_has("b.json");
    Outcome::of(starling().arg("merge").args([&a, &b]).arg("--force")).code(0);

    let damaged = temp(&dir, "damaged.json");
    std::fs::write(
        &damaged,
        "{\"format\": \"starling-results\", \"version\": 1, \"run\": 5}",
    )
    .unwrap();
    Outcome::of(starling().arg("merge").args([&a, &damaged]))
        .code(2)
        .stderr_has("damaged.json: is damaged");
    let foreign = temp(&dir, "package.json");
    std::fs::write(&foreign, "{\"name\": \"left-pad\"}").unwrap();
    Outcome::of(starling().arg("merge").args([&a, &foreign]))
        .code(2)
        .stderr_has("package.json: is not a starling results file");
    Outcome::of(starling().arg("report").arg(temp(&dir, "missing.json")))
        .code(2)
        .stderr_has("missing.json: cannot read it");
}

#[test]
fn report_prints_the_summary_of_a_results_file() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().unwrap();
    let a = temp(&dir, "a.json");
    let summary = results(&demo, &a, &[]);
    let outcome = Outcome::of(starling().arg("report").arg(&a)).code(0);
    assert!(outcome.stdout.contains("JOURNEYS"), "{}", outcome.stdout);
    assert!(
        outcome
            .stdout
            .contains(&starling_report::count(summary.totals.requests)),
        "{}",
        outcome.stdout
    );
}

/// Payments slowed from 20-40 ms to 400 ms between two runs: compare flags
/// it, and only with --fail-on-regression does that fail the job.
#[test]
fn compare_flags_a_slower_service_as_a_regression() {
    let dir = tempfile::tempdir().unwrap();
    let (base, new) = (temp(&dir, "base.json"), temp(&dir, "new.json"));
    results(&Demo::start(), &base, &[]);
    let mut config = DemoConfig::ephemeral();
    config.knobs.payments.latency = Latency::fixed_ms(400);
    results(&Demo::with(config), &new, &[]);

    let text = Outcome::of(starling().arg("compare").args([&base, &new])).code(0);
    let line = text
        .stdout
        .lines()
        .find(|l| l.contains("service payments"))
        .unwrap_or_else(|| panic!("no payments row:\n{}", text.stdout));
    assert!(line.contains("REGRESSION (p95"), "{line}");
    assert!(text.stdout.contains("regression(s) beyond the tolerance"));

    Outcome::of(
        starling()
            .arg("compare")
            .args([&base, &new])
            .arg("--fail-on-regression"),
    )
    .code(99);
    // Compared with itself nothing regresses.
    Outcome::of(
        starling()
            .arg("compare")
            .args([&base, &base])
            .arg("--fail-on-regression"),
    )
    .code(0)
    .stdout_has("no regression beyond the tolerance");

    let markdown = Outcome::of(
        starling()
            .arg("compare")
            .args([&base, &new])
            .args(["--format", "markdown"]),
    )
    .code(0);
    assert!(
        markdown.stdout.starts_with("| scope | p50 | p95 |"),
        "{}",
        markdown.stdout
    );
    assert!(markdown.stdout.contains("| service payments |"));
}
