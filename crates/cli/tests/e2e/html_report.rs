//! `--html` on `run`, `demo` and `report`: one self-contained page written
//! safely, from a live run, from a saved results file (version 1 too), and
//! for two runs side by side. The page in a real browser is tested in
//! crates/report; here, what the binary puts into it.

use std::path::Path;

use serde_json::Value;

use crate::support::{Demo, Outcome, Run, example, starling};

/// The page data embedded in a report: `{ header, runs }`.
fn page_data(html: &str) -> Value {
    let open = "<script type=\"application/json\" id=\"starling-data\">";
    let start = html.find(open).expect("the page embeds its data") + open.len();
    let end = start + html[start..].find("</script>").expect("the data is closed");
    serde_json::from_str(&html[start..end]).expect("the embedded data is JSON")
}

#[track_caller]
fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..80]);
    for outside in [
        "src=\"http",
        "href=\"http",
        "src=\"//",
        "href=\"//",
        "@import",
    ] {
        assert!(!html.contains(outside), "the page loads `{outside}…`");
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("the report was written")
}

#[test]
fn a_run_writes_a_self_contained_report_of_what_it_measured() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    let ran = Run::new(example("checkout.yaml"))
        .against(&demo)
        .args(["--users", "4", "--spawn-rate", "100", "--duration", "2s"])
        .args([std::ffi::OsStr::new("--html"), html.as_os_str()])
        .succeeds();
    let page = read(&html);
    assert_self_contained(&page);
    let data = page_data(&page);
    let runs = data["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    // Each user picks checkout or browse at random: compare whatever ran.
    assert!(ran.summary.totals.requests > 0);
    for (name, request) in &ran.summary.requests {
        assert_eq!(runs[0]["requests"][name]["count"], request.count, "{name}");
    }
    // The header says what ran, from the results themselves.
    let header = &data["header"];
    // The gateway (--host), then checkout.yaml's direct payments service.
    assert_eq!(
        header["target"],
        format!("{} · payments http://127.0.0.1:8004", demo.gateway())
    );
    assert_eq!(
        header["load_shape"],
        "0 → 4 users over 40ms (100 users/s), hold 4 users for 1.96s"
    );
    assert_eq!(
        header["version"],
        format!("starling {}", env!("CARGO_PKG_VERSION"))
    );
    // Per-name series made it in, for the selector.
    assert!(
        runs[0]["tracks"]["journeys"]["checkout"].is_object(),
        "{}",
        runs[0]["tracks"]
    );
}

#[test]
fn report_renders_a_saved_file_a_version_1_file_and_two_runs() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.json");
    let new = dir.path().join("new.json");
    for out in [&base, &new] {
        Outcome::of(
            starling()
                .arg("run")
                .arg(example("checkout.yaml"))
                .args(["--host", &demo.gateway(), "--quiet"])
                .args(["--users", "2", "--spawn-rate", "100", "--duration", "1s"])
                .arg("--out")
                .arg(out),
        )
        .code(0);
    }

    let one = dir.path().join("one.html");
    Outcome::of(starling().arg("report").arg(&new).arg("--html").arg(&one)).code(0);
    assert_self_contained(&read(&one));
    assert_eq!(
        page_data(&read(&one))["runs"].as_array().map(Vec::len),
        Some(1)
    );

    // A file written before per-name tracks existed still renders.
    let mut old: Value = serde_json::from_str(&read(&new)).unwrap();
    old["version"] = 1.into();
    old.as_object_mut().unwrap().remove("tracks");
    let old_file = dir.path().join("v1.json");
    std::fs::write(&old_file, old.to_string()).unwrap();
    let from_old = dir.path().join("v1.html");
    Outcome::of(
        starling()
            .arg("report")
            .arg(&old_file)
            .arg("--html")
            .arg(&from_old),
    )
    .code(0);
    let data = page_data(&read(&from_old));
    assert_eq!(data["runs"][0]["version"], 1);
    // The page data is the file's, histograms left out.
    let totals = &data["runs"][0]["totals"];
    assert_eq!(totals["requests"], old["totals"]["requests"]);
    assert_eq!(
        totals["journeys_started"],
        old["totals"]["journeys_started"]
    );
    assert!(totals["latency"].get("hdr").is_none());

    // Two files: the terminal compares them, the page holds both.
    let both = dir.path().join("both.html");
    let outcome = Outcome::of(
        starling()
            .arg("report")
            .args([&base, &new])
            .arg("--html")
            .arg(&both),
    )
    .code(0);
    assert!(outcome.stdout.contains("COMPARE"), "{}", outcome.stdout);
    let runs = page_data(&read(&both))["runs"].clone();
    assert_eq!(runs.as_array().map(Vec::len), Some(2));
    let base_json: Value = serde_json::from_str(&read(&base)).unwrap();
    assert_eq!(
        runs[0]["run"]["started_at_unix_ms"],
        base_json["run"]["started_at_unix_ms"]
    );
}

#[test]
fn an_unwritable_html_path_exits_2_before_any_load() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir").join("report.html");
    Outcome::of(
        starling()
            .arg("run")
            .arg(example("checkout.yaml"))
            .args(["--host", &demo.gateway(), "--quiet"])
            .args(["--users", "2", "--duration", "1s"])
            .arg("--html")
            .arg(&missing),
    )
    .code(2)
    .stderr_has("--html");
    assert_eq!(demo.total_received(), 0);
}
