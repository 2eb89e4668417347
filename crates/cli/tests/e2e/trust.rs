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
