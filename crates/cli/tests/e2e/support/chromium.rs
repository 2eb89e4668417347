//! Debian's headless Chromium (`chromium`, `chromium-driver`) for scripts
//! run with the tests' venv Python (Selenium in it): found as the report's
//! and the UI's browser tests find it. Without it a test prints
//! `SKIPPED: ...` and returns; with `STARLING_REQUIRE_CHROMIUM=1` (as
//! .ci/run sets it) it fails instead.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::PythonTools;

pub(crate) struct Chromium {
    tools: &'static PythonTools,
    chromium: PathBuf,
    chromedriver: PathBuf,
}

impl Chromium {
    /// The browser, or `None` after printing why `test` is skipped.
    pub(crate) fn get(test: &str) -> Option<Chromium> {
        let required = std::env::var("STARLING_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1");
        let found = program("STARLING_CHROMIUM", &["chromium", "chromium-browser"])
            .ok_or("Chromium is not installed (apt-get install chromium chromium-driver)")
            .and_then(|chromium| {
                program("STARLING_CHROMEDRIVER", &["chromedriver"])
                    .or_else(|| executable(Path::new("/usr/lib/chromium/chromedriver")))
                    .map(|driver| (chromium, driver))
                    .ok_or("chromedriver is not installed (apt-get install chromium-driver)")
            });
        match found {
            Ok((chromium, chromedriver)) => Some(Chromium {
                tools: PythonTools::get(test)?,
                chromium,
                chromedriver,
            }),
            Err(why) if required => panic!("{test}: STARLING_REQUIRE_CHROMIUM=1 but {why}"),
            Err(why) => {
                eprintln!(
                    "SKIPPED: {test}: {why} (set STARLING_REQUIRE_CHROMIUM=1 to fail instead)"
                );
                None
            }
        }
    }

    /// The venv's `python` running `script` with the browser's paths and
    /// the report's `browser.py` helpers importable.
    pub(crate) fn python(&self, script: &Path) -> Command {
        let mut cmd = self.tools.command("python");
        cmd.arg(script)
            .env("STARLING_CHROMIUM", &self.chromium)
            .env("STARLING_CHROMEDRIVER", &self.chromedriver)
            .env(
                "PYTHONPATH",
                super::workspace_root().join("crates/report/tests/support"),
            );
        cmd
    }
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
