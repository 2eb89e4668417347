//! Locust, junitparser, kubernetes-validate and Selenium in a venv,
//! installed once by `python-tools.sh` (which .ci/run also runs, so CI has
//! them up front).
//!
//! Without Python or the registry a test prints `SKIPPED: ...` and
//! returns; with `STARLING_REQUIRE_PYTHON_TOOLS` set (as .ci/run sets it)
//! it fails instead, so CI never passes without checking.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

pub(crate) struct PythonTools {
    bin: PathBuf,
}

impl PythonTools {
    /// The installed tools, or `None` after printing why `test` is
    /// skipped.
    pub(crate) fn get(test: &str) -> Option<&'static PythonTools> {
        match PythonTools::installed() {
            Ok(tools) => Some(tools),
            Err(why) if std::env::var_os("STARLING_REQUIRE_PYTHON_TOOLS").is_some() => {
                panic!("{test}: STARLING_REQUIRE_PYTHON_TOOLS is set but {why}")
            }
            Err(why) => {
                eprintln!("SKIPPED: {test}: {why}");
                None
            }
        }
    }

    /// The installed tools, or why they are not: for a caller with its own
    /// rule for skipping (the browser tests).
    pub(crate) fn installed() -> Result<&'static PythonTools, &'static str> {
        static TOOLS: OnceLock<Result<PythonTools, String>> = OnceLock::new();
        TOOLS.get_or_init(install).as_ref().map_err(String::as_str)
    }

    /// A program of the venv: `locust`, `python`.
    pub(crate) fn command(&self, program: &str) -> Command {
        Command::new(self.bin.join(program))
    }
}

fn install() -> Result<PythonTools, String> {
    let venv = std::env::var_os("STARLING_PYTHON_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("python-tools"));
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/python-tools.sh");
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
    Ok(PythonTools {
        bin: venv.join("bin"),
    })
}
