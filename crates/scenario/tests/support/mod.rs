//! Test support shared by the error-message suites.

use std::path::Path;

use starling_scenario::compile_str;

/// What `starling validate` prints for `source`: the errors, or the
/// warnings of a scenario that compiles.
pub(crate) fn report(source: &str) -> String {
    match compile_str(source, Path::new("scenario.yaml")) {
        Ok(compiled) => {
            let warnings: Vec<String> = compiled.warnings.iter().map(ToString::to_string).collect();
            format!("ok\n{}", warnings.join("\n"))
        }
        Err(diagnostics) => format!("failed\n{diagnostics}"),
    }
}
