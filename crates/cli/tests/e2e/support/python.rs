//! The Python tools the report tests install (kubernetes-validate among
//! them), from the same script and venv, so CI installs them once. Without
//! them a test prints `SKIPPED: ...` and returns; with
//! `STARLING_REQUIRE_PYTHON_TOOLS` set (as .ci/run sets it) it fails.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use super::workspace_root;

#[derive(Debug)]
pub(crate) struct PythonTools {
    bin: PathBuf,
}

impl PythonTools {
    pub(crate) fn get(test: &str) -> Option<&'static PythonTools> {
        static TOOLS: OnceLock<Result<PythonTools, String>> = OnceLock::new();
        match TOOLS.get_or_init(install) {
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

    /// A program of the venv: `kubernetes-validate`, `python`.
    pub(crate) fn command(&self, program: &str) -> Command {
        Command::new(self.bin.join(program))
    }
}

fn install() -> Result<PythonTools, String> {
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
    Ok(PythonTools {
        bin: venv.join("bin"),
    })
}
