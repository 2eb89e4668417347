//! `starling init --from-har`: a browser's HAR recording → a scenario.
//!
//! # Layout
//! - `model`: the HAR 1.2 fields read, as serde types.
//! - `url`: a recorded URL's origin and path.
//! - `assets`: which entries are static assets, left out.
//! - `headers`: which headers are kept; credentials → `env()` references.
//! - `captures`: reused ids → captures and `{{ var }}` templates.
//! - `recording`: the converted journey, before it is written.
//! - `convert`: HAR → recording (pure).
//! - `yaml`: recording → scenario text, in a stable order.

mod assets;
mod captures;
mod convert;
mod headers;
mod model;
mod recording;
mod url;
mod yaml;

use std::path::Path;

use crate::Failure;

/// What a conversion made: the scenario text and counts for the message.
pub(crate) struct Converted {
    pub(crate) text: String,
    pub(crate) requests: usize,
    pub(crate) captures: usize,
    pub(crate) left_out: usize,
}

/// Reads and converts the HAR at `path`. Bad input names the file, and
/// for a syntax or shape error its line and column and what was expected.
pub(crate) fn convert_file(path: &Path) -> Result<Converted, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Input(format!("cannot read {}: {e}", path.display())))?;
    // Some tools start their HAR with a byte order mark, which JSON forbids.
    let json = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let har: model::Har = serde_json::from_str(json).map_err(|e| {
        // serde_json's message ends in " at line L column C"; the location
        // goes first instead, as in every other located error.
        let message = e.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(head, _)| head);
        Failure::Input(format!(
            "{}:{}:{}: not a HAR 1.2 file ({{\"log\": {{\"entries\": [...]}}}}): {message}",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    let recording = convert::convert(&har).map_err(|empty| {
        Failure::Input(match empty {
            convert::Empty::NoEntries => {
                format!("{}: the recording has no entries", path.display())
            }
            convert::Empty::AllLeftOut(left) => format!(
                "{}: nothing to replay: {} static assets, {} CORS preflights and {} other entries (not HTTP) were left out",
                path.display(),
                left.static_assets,
                left.preflights,
                left.other
            ),
        })
    })?;
    let source = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect::<String>();
    let left = &recording.left_out;
    Ok(Converted {
        text: yaml::write(&recording, &source),
        requests: recording.steps.len(),
        captures: recording.steps.iter().map(|s| s.captures.len()).sum(),
        left_out: left.static_assets + left.preflights + left.other,
    })
}
