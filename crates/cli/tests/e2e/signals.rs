//! Ctrl-C or SIGTERM during `starling run`: in-flight journeys finish, the
//! summary is printed and the results file written, and the exit code says
//! which signal stopped the run (130, 143), as a shell would.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use starling_demo::{DemoConfig, Latency};

use crate::support::{Demo, Outcome, Ran, example, starling_std};

/// A `starling run` in the background, with its results file.
struct Background {
    child: Child,
    out: PathBuf,
    _dir: tempfile::TempDir,
}

impl Background {
    /// checkout.yaml at the demo for an hour, plus `flags`; returns once
    /// `ready` holds of the demo (load has arrived, so the run and its
    /// signal handling are under way).
    fn start(demo: &Demo, flags: &[&str], ready: impl Fn(&Demo) -> bool) -> Background {
        let dir = tempfile::tempdir().expect("a temp dir");
        let out = dir.path().join("results.json");
        let child = starling_std()
            .arg("run")
            .arg(example("checkout.yaml"))
            .args(["--host", &demo.gateway()])
            .args(["--users", "10", "--spawn-rate", "100", "--duration", "1h"])
            .arg("--out")
            .arg(&out)
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starling starts");
        let mut background = Background {
            child,
            out,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !ready(demo) {
            if let Ok(Some(status)) = background.child.try_wait() {
                panic!("starling ended early: {status}");
            }
            assert!(Instant::now() < deadline, "no load reached the demo");
            std::thread::sleep(Duration::from_millis(50));
        }
        background
    }

    /// Sends SIGINT, as Ctrl-C does; false if the process was already gone.
    fn interrupt(&self) -> bool {
        self.signal("-INT")
    }

    fn signal(&self, which: &str) -> bool {
        Command::new("kill")
            .args([which, &self.child.id().to_string()])
            .status()
            .expect("kill runs")
            .success()
    }

    /// Waits for the exit (a hang past `limit` is a failure), then reads
    /// the output and the results file.
    fn finish(&mut self, limit: Duration, code: i32) -> Ran {
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            // The summary is a few KiB: it waits in the pipe until the end.
            assert!(
                Instant::now() < deadline,
                "starling did not stop within {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let outcome = Outcome {
            code: status.code(),
            stdout: read(self.child.stdout.take()),
            stderr: read(self.child.stderr.take()),
        };
        let text = std::fs::read_to_string(&self.out).unwrap_or_else(|e| {
            panic!("no results file: {e}\n--- stderr\n{}", outcome.stderr);
        });
        Ran::parse(&text, outcome.code(code))
    }
}

impl Drop for Background {
    /// A failed test must not leave an hour-long run behind.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read(pipe: Option<impl Read>) -> String {
    let mut text = String::new();
    if let Some(mut pipe) = pipe {
        let _ = pipe.read_to_string(&mut text);
    }
    text
}

#[test]
fn ctrl_c_stops_gracefully_with_a_full_report() {
    let demo = Demo::start();
    let mut run = Background::start(&demo, &[], |demo| demo.total_received() >= 10);
    assert!(run.interrupt(), "kill -INT failed");
    // The default stop timeout is 10 s; leave room for a slow machine.
    let ran = run.finish(Duration::from_secs(30), 130);
    let stdout = &ran.outcome.stdout;
    assert!(
        stdout.contains("JOURNEYS") && stdout.contains("REQUESTS"),
        "{stdout}"
    );
    assert!(
        ran.outcome.stderr.contains("stopping"),
        "{}",
        ran.outcome.stderr
    );
    let summary = &ran.summary;
    assert!(summary.run.stopped_early);

    // In-flight journeys finished: nothing was cut off on either side.
    for name in [
        "POST /users",
        "POST /orders",
        "POST /payments",
        "GET /products",
    ] {
        let service = name.split('/').nth(1).unwrap_or_default();
        assert_eq!(ran.count(name), demo.received(service, name), "{name}");
        assert_eq!(ran.count(name), demo.received("gateway", name), "{name}");
    }
    let gateway_total: u64 = demo.stats()["gateway"].values().sum();
    assert_eq!(summary.totals.requests, gateway_total);
    assert_eq!(summary.totals.failures, 0);
    for (name, journey) in &summary.journeys {
        assert_eq!(
            journey.succeeded + journey.failed,
            journey.started,
            "{name}"
        );
    }
}

#[test]
fn a_second_ctrl_c_stops_at_once_and_still_writes_results() {
    // Payments answer after a minute, so journeys are in flight at the
    // interrupt, and with `--stop-timeout 1h` only the second Ctrl-C can
    // end the run before they do.
    let mut config = DemoConfig::ephemeral();
    config.knobs.payments.latency = Latency::fixed_ms(60_000);
    config.upstream_timeout = Duration::from_secs(120);
    let demo = Demo::with(config);
    let mut run = Background::start(&demo, &["--stop-timeout", "1h"], |demo| {
        demo.received("payments", "POST /payments") >= 1
    });
    assert!(run.interrupt(), "kill -INT failed");
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        run.interrupt(),
        "the first Ctrl-C must wait for the payments"
    );
    let ran = run.finish(Duration::from_secs(30), 130);
    assert!(
        ran.outcome.stdout.contains("JOURNEYS"),
        "{}",
        ran.outcome.stdout
    );
    assert!(
        ran.outcome.stderr.contains("stopping now"),
        "{}",
        ran.outcome.stderr
    );
    let summary = &ran.summary;
    assert!(summary.run.stopped_early);
    // What was measured before the abort is there.
    assert!(ran.count("POST /users") > 0);
    assert_eq!(
        ran.count("POST /users"),
        demo.received("users", "POST /users")
    );
}

/// SIGTERM (what `docker stop`, systemd and Kubernetes send) stops as
/// gracefully as Ctrl-C, and the exit code is 143.
#[test]
fn sigterm_stops_gracefully_and_exits_143() {
    let demo = Demo::start();
    let mut run = Background::start(&demo, &[], |demo| demo.total_received() >= 10);
    assert!(run.signal("-TERM"), "kill -TERM failed");
    let ran = run.finish(Duration::from_secs(30), 143);
    assert!(ran.summary.run.stopped_early);
    assert_eq!(ran.summary.totals.failures, 0);
    let gateway_total: u64 = demo.stats()["gateway"].values().sum();
    assert_eq!(ran.summary.totals.requests, gateway_total);
}
