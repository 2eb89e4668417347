//! WARNINGS: what silently changed the test (`run.warnings`), last, so a
//! run that did not test what was asked for does not read as a clean one.

use std::io::{self, Write};

use starling_metrics::Summary;

use super::Style;

pub(super) fn render(summary: &Summary, out: &mut impl Write, style: &Style<'_>) -> io::Result<()> {
    if summary.run.warnings.is_empty() {
        return Ok(());
    }
    style.title(out, "WARNINGS")?;
    for warning in &summary.run.warnings {
        if style.opts.color {
            writeln!(out, "\x1b[33m- {warning}\x1b[0m")?;
        } else {
            writeln!(out, "- {warning}")?;
        }
    }
    Ok(())
}
