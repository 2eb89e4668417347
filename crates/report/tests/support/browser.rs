//! Debian's headless Chromium (packages `chromium` and `chromium-driver`),
//! driven by Selenium from the tests' Python venv: `browser_check.py`
//! loads a report from a `file://` URL and prints what it found as JSON.
//!
//! Without Chromium, chromedriver or the venv a test prints `SKIPPED: ...`
//! and why, and returns; with `STARLING_REQUIRE_CHROMIUM=1` (as .ci/run
//! sets it) it fails instead, so CI never passes without a browser.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use super::python::PythonTools;

pub(crate) struct Browser {
    tools: &'static PythonTools,
    chromium: PathBuf,
    chromedriver: PathBuf,
}

/// One browser at a time: the machines have two cores, and a Chromium
/// starved of CPU makes timing-dependent checks flaky.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

impl Browser {
    /// The browser, or `None` after printing why `test` is skipped.
    pub(crate) fn get(test: &str) -> Option<&'static Browser> {
        static BROWSER: OnceLock<Result<Browser, String>> = OnceLock::new();
        match BROWSER.get_or_init(find) {
            Ok(browser) => Some(browser),
            Err(why) if required() => {
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

    /// Loads `html` and returns the facts `browser_check.py` gathered;
    /// `args` ask for more (`--select service:NAME`, `--series`, ...).
    pub(crate) fn check(&self, html: &Path, args: &[&str]) -> Value {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/browser_check.py"
        );
        let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let output = self
            .tools
            .command("python")
            .arg(script)
            .arg(html)
            .args(args)
            .env("STARLING_CHROMIUM", &self.chromium)
            .env("STARLING_CHROMEDRIVER", &self.chromedriver)
            .output()
            .expect("runs the venv's python");
        assert!(
            output.status.success(),
            "browser_check.py failed on {} ({}):\n{}",
            html.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "browser_check.py printed no JSON ({e}):\n{}",
                String::from_utf8_lossy(&output.stdout)
            )
        })
    }
}

fn required() -> bool {
    std::env::var("STARLING_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1")
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
    let tools = PythonTools::installed()
        .map_err(|why| format!("Selenium is not available in the tests' venv: {why}"))?;
    Ok(Browser {
        tools,
        chromium,
        chromedriver,
    })
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
