//! `starling validate FILE` and `starling schema`: the scenario format's
//! checks and its JSON Schema, without sending anything.

use std::io::{IsTerminal, Write};
use std::path::Path;

use starling_scenario::Plan;

use crate::Failure;

/// Compiles a scenario file; on failure prints every located error (with
/// snippets) and reports it as bad input. Warnings are printed either way.
pub(crate) fn load_scenario(path: &Path) -> Result<Plan, Failure> {
    match starling_scenario::load(path) {
        Ok(compiled) => {
            let mut err = std::io::stderr().lock();
            for warning in &compiled.warnings {
                let _ = writeln!(err, "{warning}");
            }
            Ok(compiled.plan)
        }
        Err(diagnostics) => {
            let mut err = std::io::stderr().lock();
            if std::io::stderr().is_terminal() {
                let _ = write!(err, "{}", diagnostics.render_fancy(true));
            } else {
                let _ = writeln!(err, "{diagnostics}");
            }
            Err(Failure::Reported)
        }
    }
}

pub(crate) fn validate(path: &Path) -> Result<(), Failure> {
    let plan = load_scenario(path)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "ok: {}", starling_scenario::summary_line(&plan))
        .map_err(|e| Failure::Runtime(e.to_string()))
}

pub(crate) fn schema() -> Result<(), Failure> {
    let schema = starling_scenario::schema();
    let text =
        serde_json::to_string_pretty(&schema).map_err(|e| Failure::Runtime(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(|e| Failure::Runtime(e.to_string()))
}
