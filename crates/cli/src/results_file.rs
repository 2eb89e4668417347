//! Reading results files back (`report`, `merge`, `compare`): a regular
//! file of bounded size holding a starling results document of a version
//! this build reads. Anything else is bad input, named with its path.

use std::io::Read;
use std::path::Path;

use starling_metrics::{FORMAT, OLDEST_VERSION, Summary, VERSION};

use crate::Failure;

/// Results files past this size are refused: a one-hour run with hundreds
/// of names is a few MiB, so a larger file is not one of ours.
const MAX_RESULTS_BYTES: u64 = 512 * 1024 * 1024;

pub(crate) fn read_results(path: &Path) -> Result<Summary, Failure> {
    let bad = |why: String| Failure::Input(format!("{}: {why}", path.display()));
    let meta = std::fs::metadata(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
    if !meta.is_file() {
        return Err(bad("is not a regular file".into()));
    }
    if meta.len() > MAX_RESULTS_BYTES {
        return Err(bad(format!(
            "is {} bytes, larger than any results file (at most {MAX_RESULTS_BYTES})",
            meta.len()
        )));
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_RESULTS_BYTES).read_to_string(&mut text))
        .map_err(|e| bad(format!("cannot read it: {e}")))?;
    // Format and version first, so a foreign JSON file is named as such
    // rather than by the first field it lacks.
    let head: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("is not JSON: {e}")))?;
    if head.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(bad(format!(
            "is not a starling results file (no `\"format\": \"{FORMAT}\"`)"
        )));
    }
    let version = head.get("version").and_then(serde_json::Value::as_u64);
    if !version.is_some_and(|v| (u64::from(OLDEST_VERSION)..=u64::from(VERSION)).contains(&v)) {
        return Err(bad(format!(
            "is results version {}, this build reads versions {OLDEST_VERSION} to {VERSION}",
            version.map_or_else(|| "?".to_owned(), |v| v.to_string())
        )));
    }
    serde_json::from_value(head).map_err(|e| bad(format!("is damaged: {e}")))
}
