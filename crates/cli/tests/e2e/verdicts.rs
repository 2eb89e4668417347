//! Verdicts a pipeline acts on: thresholds judged against the demo decide
//! the exit code (0, 99, 98), bad gates and bad output paths are exit 2
//! before any load, and a results file is never lost or half-written.

use std::process::Stdio;
use std::time::Duration;

use starling_demo::{DemoConfig, Latency};

use crate::support::{Demo, Outcome, Ran, Run, example, starling};

/// The demo with payments answering in 800 ms (its knob; 20-40 ms when
/// healthy, so a 500 ms gate tells them apart even on a loaded machine).
fn slow_payments() -> Demo {
    let mut config = DemoConfig::ephemeral();
    config.knobs.payments.latency = Latency::fixed_ms(800);
    Demo::with(config)
}

/// checkout.yaml with a gate on payments. Each user picks checkout or
/// browse at random for its first journey and waits 1-5 s before another,
/// so 5 users sent no payment in one run of 32 (a "no data" gate fails
/// even on a healthy system); 20 users leave one in a million.
fn checkout(demo: &Demo, duration: &str, threshold: &str) -> Run {
    Run::new(example("checkout.yaml")).against(demo).args([
        "--users",
        "20",
        "--spawn-rate",
        "100",
        "--duration",
        duration,
        "--threshold",
        threshold,
    ])
}

#[test]
fn a_slow_service_fails_its_threshold_with_exit_99() {
    let demo = slow_payments();
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("run");
    let junit = dir.path().join("junit.xml");
    let ran = checkout(&demo, "3s", "service payments: p95 < 500ms")
        .args([
            "--csv".as_ref(),
            prefix.as_os_str(),
            "--junit".as_ref(),
            junit.as_os_str(),
        ])
        .exits(99);
    // The JUnit file carries the failed gate, the CSV files exist with
    // Locust's first columns (the report crate's tests compare them with
    // a real Locust run's, and read the JUnit with junitparser).
    let xml = std::fs::read_to_string(&junit).expect("JUnit written");
    assert!(
        xml.contains(
            "<testcase classname=\"thresholds\" name=\"service payments: p95 &lt; 500ms\""
        ),
        "{xml}"
    );
    assert!(xml.contains("message=\"actual "), "{xml}");
    for suffix in [
        "_stats.csv",
        "_stats_history.csv",
        "_failures.csv",
        "_journeys.csv",
        "_funnel.csv",
        "_services.csv",
    ] {
        let path = dir.path().join(format!("run{suffix}"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // A header row, and rows but for failures (payments is slow, not
        // failing).
        let rows = if suffix == "_failures.csv" { 1 } else { 2 };
        assert!(text.lines().count() >= rows, "{suffix}: {text}");
    }
    let stats = std::fs::read_to_string(dir.path().join("run_stats.csv")).unwrap();
    assert!(
        stats.starts_with("Type,Name,Request Count,Failure Count"),
        "{stats}"
    );
    assert!(
        stats.lines().last().unwrap().starts_with(",Aggregated,"),
        "{stats}"
    );
    assert_eq!(ran.json["verdict"], "fail");
    let threshold = &ran.json["thresholds"][0];
    assert_eq!(threshold["label"], "service payments: p95 < 500ms");
    assert_eq!(threshold["status"], "fail");
    assert!(
        threshold["actual"].as_f64().unwrap() >= 800_000.0,
        "{threshold}"
    );
    let stdout = &ran.outcome.stdout;
    assert!(stdout.contains("THRESHOLDS"), "{stdout}");
    assert!(
        stdout.contains("✗   service payments: p95 < 500ms"),
        "{stdout}"
    );
    assert!(stdout.contains("verdict: FAIL"), "{stdout}");
}

#[test]
fn the_same_gate_on_a_healthy_system_exits_0() {
    let demo = Demo::start();
    let ran = checkout(&demo, "3s", "service payments: p95 < 500ms").succeeds();
    assert_eq!(ran.json["verdict"], "pass");
    assert_eq!(ran.json["thresholds"][0]["status"], "pass");
    assert!(ran.outcome.stdout.contains("verdict: pass"));
}

/// `abort`: an hour-long run stops at the first round that measures the
/// breach, gracefully, and exits 98 with its results.
#[test]
fn an_abort_threshold_stops_the_run_with_exit_98() {
    let demo = slow_payments();
    let ran = checkout(&demo, "1h", "service payments: p95 < 500ms, abort").exits(98);
    assert_eq!(ran.json["verdict"], "aborted");
    assert_eq!(
        ran.summary.run.aborted_by.as_deref(),
        Some("service payments: p95 < 500ms")
    );
    assert!(
        ran.summary.run.duration_ms < 60_000,
        "{:?}",
        ran.summary.run
    );
    assert!(
        ran.outcome.stderr.contains("stopped by its threshold"),
        "{}",
        ran.outcome.stderr
    );
    // Graceful: every journey started was finished, none cut off.
    for (name, journey) in &ran.summary.journeys {
        assert_eq!(
            journey.started,
            journey.succeeded + journey.failed,
            "{name}"
        );
    }
}

/// Bad gates and unusable output paths are bad input: exit 2, named, and
/// not one request sent.
#[test]
fn bad_gates_and_output_paths_exit_2_before_any_load() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder").join("results.json");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["--threshold".into(), "journey chekout: p95 < 1s".into()],
            "did you mean `checkout`",
        ),
        (
            vec!["--threshold".into(), "all: success < 99%".into()],
            "write `success > 99%`",
        ),
        (
            vec!["--threshold".into(), "all p95 800ms".into()],
            "expected `SCOPE: METRIC < LIMIT`",
        ),
        (
            vec!["--threshold".into(), "journey browse: rps > 10".into()],
            "`rps` counts requests per second",
        ),
        (
            vec!["--out".into(), missing.display().to_string()],
            "does not exist",
        ),
        (
            vec!["--out".into(), dir.path().display().to_string()],
            "is a directory",
        ),
    ];
    for (flags, message) in cases {
        let outcome = Outcome::of(
            starling()
                .arg("run")
                .arg(example("checkout.yaml"))
                .args(["--host", &demo.gateway(), "--duration", "2s"])
                .args(&flags),
        )
        .code(2);
        assert!(
            outcome.stderr.contains(message),
            "{flags:?}: stderr lacks {message:?}:\n{}",
            outcome.stderr
        );
    }
    assert_eq!(demo.total_received(), 0, "no load may be sent");
}

/// A closed stdout (`| head` that exited) must not cost the results, and
/// is not an error of the run.
#[test]
fn a_closed_stdout_still_writes_the_results() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results.json");
    let mut child = crate::support::starling_std()
        .arg("run")
        .arg(example("checkout.yaml"))
        .args([
            "--host",
            &demo.gateway(),
            "--users",
            "3",
            "--duration",
            "1s",
        ])
        .arg("--quiet")
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // nobody reads: writes fail with EPIPE
    let status = wait(&mut child, Duration::from_secs(60));
    assert_eq!(status.code(), Some(0));
    let text = std::fs::read_to_string(&out).expect("results written");
    let ran = Ran::parse(
        &text,
        Outcome {
            code: status.code(),
            stdout: String::new(),
            stderr: String::new(),
        },
    );
    assert!(ran.summary.totals.requests > 0);
}

/// A full stdout (`> /dev/full`) is an error (exit 1), but the results
/// are written all the same.
#[test]
fn a_full_stdout_is_exit_1_and_the_results_are_still_written() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results.json");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = crate::support::starling_std()
        .arg("run")
        .arg(example("checkout.yaml"))
        .args([
            "--host",
            &demo.gateway(),
            "--users",
            "3",
            "--duration",
            "1s",
        ])
        .arg("--quiet")
        .arg("--out")
        .arg(&out)
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("could not write the summary"), "{stderr}");
    let text = std::fs::read_to_string(&out).expect("results written");
    assert!(text.contains("\"format\": \"starling-results\""));
}

/// A disk that fills up while the results are written: exit 1, and the
/// previous results file is still there, whole (it used to be truncated in
/// place to 8 KiB of invalid JSON). Needs a small tmpfs, so it runs where
/// the test may mount one (root, as in CI) and says so where it cannot.
#[test]
fn a_full_disk_keeps_the_previous_results_file() {
    let dir = tempfile::tempdir().unwrap();
    let mount = dir.path().join("small");
    std::fs::create_dir(&mount).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&mount)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("SKIPPED a_full_disk_keeps_the_previous_results_file: cannot mount a tmpfs here");
        return;
    }
    let unmount = Unmount(mount.clone());
    let out = mount.join("results.json");
    let previous = "{\"format\": \"starling-results\", \"previous\": true}\n";
    std::fs::write(&out, previous).unwrap();
    // Fill what is left, so the new results cannot fit.
    let filler = vec![b'x'; 4096];
    let mut file = std::fs::File::create(mount.join("filler")).unwrap();
    while std::io::Write::write_all(&mut file, &filler).is_ok() {}
    drop(file);

    let demo = Demo::start();
    let outcome = Outcome::of(
        starling()
            .arg("run")
            .arg(example("checkout.yaml"))
            .args([
                "--host",
                &demo.gateway(),
                "--users",
                "3",
                "--duration",
                "1s",
            ])
            .arg("--quiet")
            .arg("--out")
            .arg(&out),
    )
    .code(1);
    assert!(
        outcome.stderr.contains("could not write"),
        "{}",
        outcome.stderr
    );
    // The summary was still printed, and the old file is untouched.
    assert!(outcome.stdout.contains("JOURNEYS"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), previous);
    let leftovers: Vec<_> = std::fs::read_dir(&mount)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    drop(unmount);
}

struct Unmount(std::path::PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

fn wait(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("starling did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
