//! The results file: the Summary as pretty JSON.

use std::io::{self, Write};

use starling_metrics::Summary;

/// Writes the summary as pretty JSON followed by a newline, and flushes.
pub fn write_json(summary: &Summary, mut out: impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut out, summary).map_err(io::Error::other)?;
    out.write_all(b"\n")?;
    out.flush()
}
