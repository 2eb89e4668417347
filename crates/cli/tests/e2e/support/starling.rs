//! `starling` run as a user runs it: the built binary, from the workspace
//! root, with no `STARLING_*` variable leaking in from the test's own
//! environment, and its results read back from `--out`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use starling_metrics::{RequestSummary, Summary};

use super::Demo;

/// The binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_starling");

/// Where the examples live (also the working directory of every run).
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) fn example(name: &str) -> PathBuf {
    workspace_root().join("examples").join(name)
}

/// `starling` with a clean `STARLING_*` environment, killed if it hangs.
pub(crate) fn starling() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::from_std(starling_std());
    cmd.timeout(Duration::from_secs(60));
    cmd
}

/// The same as a plain `std::process::Command`, for runs in the background.
pub(crate) fn starling_std() -> std::process::Command {
    let mut cmd = std::process::Command::new(BIN);
    cmd.current_dir(workspace_root());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("STARLING_") {
            cmd.env_remove(name);
        }
    }
    cmd
}

/// How a command ended, with its output as text.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Outcome {
    pub(crate) fn of(cmd: &mut assert_cmd::Command) -> Outcome {
        let output = cmd.output().expect("starling starts");
        Outcome {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts the exit code, showing both streams when it differs.
    #[track_caller]
    pub(crate) fn code(self, expected: i32) -> Outcome {
        assert_eq!(
            self.code,
            Some(expected),
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub(crate) fn stderr_has(self, needle: &str) -> Outcome {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub(crate) fn stdout_has(self, needle: &str) -> Outcome {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}:\n{}",
            self.stdout
        );
        self
    }
}

/// `starling run SCENARIO --out <tmp>/results.json --quiet`, built up
/// fluently, then run to completion.
pub(crate) struct Run {
    cmd: assert_cmd::Command,
    out: PathBuf,
    _dir: tempfile::TempDir,
}

impl Run {
    pub(crate) fn new(scenario: impl AsRef<Path>) -> Run {
        let dir = tempfile::tempdir().expect("a temp dir");
        let out = dir.path().join("results.json");
        let mut cmd = starling();
        cmd.arg("run")
            .arg(scenario.as_ref())
            .arg("--out")
            .arg(&out)
            .arg("--quiet");
        Run {
            cmd,
            out,
            _dir: dir,
        }
    }

    /// Aims the run at the demo's gateway (`--host`).
    pub(crate) fn against(self, demo: &Demo) -> Run {
        self.args(["--host", &demo.gateway()])
    }

    pub(crate) fn args<S: AsRef<OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Run {
        self.cmd.args(args);
        self
    }

    pub(crate) fn env(mut self, name: &str, value: &str) -> Run {
        self.cmd.env(name, value);
        self
    }

    /// Runs it, asserts exit 0, and reads the results file.
    #[track_caller]
    pub(crate) fn succeeds(self) -> Ran {
        self.exits(0)
    }

    /// Runs it, asserts the exit code, and reads the results file.
    #[track_caller]
    pub(crate) fn exits(mut self, code: i32) -> Ran {
        let outcome = Outcome::of(&mut self.cmd).code(code);
        let text = std::fs::read_to_string(&self.out).unwrap_or_else(|e| {
            panic!(
                "no results file {}: {e}\n--- stderr\n{}",
                self.out.display(),
                outcome.stderr
            )
        });
        Ran::parse(&text, outcome)
    }
}

/// A finished run: its summary as written to `--out`, and its output.
#[derive(Debug)]
pub(crate) struct Ran {
    pub(crate) summary: Summary,
    pub(crate) json: serde_json::Value,
    pub(crate) outcome: Outcome,
}

impl Ran {
    #[track_caller]
    pub(crate) fn parse(text: &str, outcome: Outcome) -> Ran {
        let json: serde_json::Value =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("results are not JSON: {e}"));
        let summary: Summary = serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("results do not match the Summary layout: {e}"));
        assert_eq!(json["format"], "starling-results");
        assert_eq!(json["version"], starling_metrics::VERSION);
        Ran {
            summary,
            json,
            outcome,
        }
    }

    /// The request metric `name`, listing the names there are if absent.
    #[track_caller]
    pub(crate) fn request(&self, name: &str) -> &RequestSummary {
        self.summary.requests.get(name).unwrap_or_else(|| {
            panic!(
                "no request {name:?}; there are {:?}",
                self.summary.requests.keys().collect::<Vec<_>>()
            )
        })
    }

    /// How many requests named `name` starling sent (0 if none).
    pub(crate) fn count(&self, name: &str) -> u64 {
        self.summary.requests.get(name).map_or(0, |r| r.count)
    }
}
