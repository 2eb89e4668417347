//! What a user must be able to trust of a run whatever the system under
//! test or the machine does: it ends on time and writes what it measured.

use crate::support::{BIN, Demo, Outcome, Ran, workspace_root};

/// An open-files limit below the user count: most users cannot open a
/// socket, so their journeys fail without awaiting anything. The run once
/// spun forever (a 10 s test ran 11 minutes); it must end on time, with
/// the failures counted and its results written.
#[test]
fn a_run_short_of_file_descriptors_ends_on_time() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("many.yaml");
    let out = dir.path().join("results.json");
    std::fs::write(
        &scenario,
        format!(
            "target: {}\nload: {{ users: 600, spawn_rate: 600, duration: 2s }}\nusers:\n  - name: u\n    journeys:\n      - name: browse\n        steps:\n          - get: /products\n",
            demo.gateway()
        ),
    )
    .unwrap();
    // `ulimit -n` in the shell lowers both limits, so starling cannot
    // raise its own; `exec` keeps the process the one the timeout kills.
    let mut sh = assert_cmd::Command::new("sh");
    sh.current_dir(workspace_root())
        .timeout(std::time::Duration::from_secs(60))
        .arg("-c")
        .arg("ulimit -n 256 && exec \"$0\" \"$@\"")
        .arg(BIN)
        .args(["run", "--workers", "1", "--quiet", "--out"])
        .arg(&out)
        .arg(&scenario);
    let outcome = Outcome::of(&mut sh).code(0);
    let text = std::fs::read_to_string(&out).expect("the results were written");
    let ran = Ran::parse(&text, outcome);
    let browse = &ran.summary.journeys["browse"];
    assert!(browse.failed > 0, "some users had no socket: {browse:?}");
    assert!(
        browse.succeeded > 0,
        "the users with a socket went on: {browse:?}"
    );
    assert!(
        ran.summary.run.duration_ms < 20_000,
        "{:?}",
        ran.summary.run
    );
}

/// Checkpoints: an hour-long run rewrites `--out` every second with the
/// results so far, marked partial; killed with SIGKILL (nothing can be
/// written then), it still leaves a valid results file with what it
/// measured up to its last checkpoint.
#[test]
fn a_killed_run_leaves_its_last_checkpoint() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results.json");
    let mut child = crate::support::starling_std()
        .arg("run")
        .arg(crate::support::example("checkout.yaml"))
        .args([
            "--host",
            &demo.gateway(),
            "--users",
            "5",
            "--spawn-rate",
            "100",
        ])
        .args([
            "--duration",
            "1h",
            "--checkpoint-every",
            "1s",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let summary = loop {
        assert!(
            std::time::Instant::now() < deadline,
            "no checkpoint with requests in 30 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
        let Ok(text) = std::fs::read_to_string(&out) else {
            continue;
        };
        // Written by rename: whatever is there is a whole file.
        let summary: starling_metrics::Summary =
            serde_json::from_str(&text).expect("a checkpoint is always whole JSON");
        if summary.totals.requests > 0 {
            break summary;
        }
    };
    child.kill().unwrap(); // SIGKILL
    let _ = child.wait();
    assert!(summary.run.partial, "a checkpoint says it is partial");
    let text = std::fs::read_to_string(&out).unwrap();
    let last: starling_metrics::Summary = serde_json::from_str(&text).unwrap();
    assert!(last.run.partial);
    assert!(last.totals.requests >= summary.totals.requests);
    assert!(last.totals.requests <= demo.stats()["gateway"].values().sum::<u64>());
}

/// The final write replaces the last checkpoint with results that are not
/// partial.
#[test]
fn the_final_results_are_not_partial() {
    let demo = Demo::start();
    let ran = crate::support::Run::new(crate::support::example("checkout.yaml"))
        .against(&demo)
        .args([
            "--users",
            "3",
            "--duration",
            "2500ms",
            "--checkpoint-every",
            "1s",
        ])
        .succeeds();
    assert!(!ran.summary.run.partial);
    assert!(
        ran.json["run"].get("partial").is_none(),
        "{}",
        ran.json["run"]
    );
}
