//! Debian's headless Chromium (`chromium`, `chromium-driver`) driven by
//! Selenium from the tests' Python venv, as the HTML report's browser
//! tests drive it: the same venv (`crates/report/tests/support/
//! python-tools.sh`), the same `browser.py` (started, logged, screenshot)
//! and its error hooks; `ui_browser.py` beside this crate's tests does the
//! UI's steps and prints what it saw as JSON.
//!
//! Without Chromium, chromedriver or the venv a test prints `SKIPPED: ...`
//! and why, and returns; with `STARLING_REQUIRE_CHROMIUM=1` (as .ci/run
//! sets it) it fails instead, so CI never passes without a browser.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use super::workspace_root;

pub(crate) struct Browser {
    python: PathBuf,
    chromium: PathBuf,
    chromedriver: PathBuf,
}

/// One browser at a time: two cores, and a starved Chromium makes the
/// timing of a live page flaky.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

impl Browser {
    /// The browser, or `None` after printing why `test` is skipped.
    pub(crate) fn get(test: &str) -> Option<&'static Browser> {
        static BROWSER: OnceLock<Result<Browser, String>> = OnceLock::new();
        match BROWSER.get_or_init(find) {
            Ok(browser) => Some(browser),
            Err(why) if std::env::var("STARLING_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1") => {
                panic!("{test}: STARLING_REQUIRE_CHROMIUM=1 but {why}")
            }
            Err(why) => {
                eprintln!(
                    "SKIPPED: {test}: {why} (set STARLING_REQUIRE_CHROMIUM=1 to fail instead)"
                );
                None
            }
        }
    }

    /// Runs `ui_browser.py ARGS...` and returns the facts it printed.
    pub(crate) fn run(&self, args: &[&str]) -> Value {
        let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/web_ui/ui_browser.py");
        let output = Command::new(&self.python)
            .arg(script)
            .args(args)
            .env("STARLING_CHROMIUM", &self.chromium)
            .env("STARLING_CHROMEDRIVER", &self.chromedriver)
            .env(
                "PYTHONPATH",
                workspace_root().join("crates/report/tests/support"),
            )
            .output()
            .expect("runs the venv's python");
        assert!(
            output.status.success(),
            "ui_browser.py {args:?} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "ui_browser.py printed no JSON ({e}):\n{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        })
    }
}

fn find() -> Result<Browser, String> {
    let chromium = program(
        "STARLING_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    )
    .ok_or("Chromium is not installed (apt-get install chromium chromium-driver)")?;
    let chromedriver = program("STARLING_CHROMEDRIVER", &["chromedriver"])
        .or_else(|| executable(Path::new("/usr/lib/chromium/chromedriver")))
        .ok_or("chromedriver is not installed (apt-get install chromium-driver)")?;
    let python =
        venv().map_err(|why| format!("Selenium is not available in the tests' venv: {why}"))?;
    Ok(Browser {
        python,
        chromium,
        chromedriver,
    })
}

/// The tests' venv, installed by the report's script on first need (a
/// second run returns at once): the same place and pins as every test.
fn venv() -> Result<PathBuf, String> {
    let venv = std::env::var_os("STARLING_PYTHON_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/tmp/python-tools"));
    let script = workspace_root().join("crates/report/tests/support/python-tools.sh");
    let output = Command::new("bash")
        .arg(script)
        .arg(&venv)
        .output()
        .map_err(|e| format!("cannot run bash: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the Python tools could not be installed into {} ({}):\n{}",
            venv.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(venv.join("bin/python"))
}

/// `$env` if set, else the first of `names` on `PATH`.
fn program(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env) {
        return executable(Path::new(&path));
    }
    let path = std::env::var_os("PATH")?;
    names
        .iter()
        .find_map(|name| std::env::split_paths(&path).find_map(|dir| executable(&dir.join(name))))
}

fn executable(path: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).ok()?;
    (meta.is_file() && meta.permissions().mode() & 0o111 != 0).then(|| path.to_path_buf())
}
