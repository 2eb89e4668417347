//! SECTIONS: groups and polls, each with its own duration.

use std::io::{self, Write};

use comfy_table::Cell;
use starling_metrics::Summary;

use super::Style;
use crate::format::{count, latency};

pub(super) fn render(summary: &Summary, out: &mut impl Write, style: &Style<'_>) -> io::Result<()> {
    if summary.sections.values().all(|s| s.count == 0) {
        return Ok(());
    }
    style.title(out, "SECTIONS")?;
    let mut table = style.table(
        &[
            "section", "kind", "journey", "count", "failed", "p50", "p95", "p99",
        ],
        3,
    );
    for (name, s) in &summary.sections {
        let d = &s.duration;
        table.add_row(vec![
            Cell::new(name),
            Cell::new(s.kind.as_str()),
            Cell::new(s.journey.as_deref().unwrap_or("-")),
            Cell::new(count(s.count)),
            style.alarm(count(s.failures), s.failures > 0),
            Cell::new(latency(d.p50_us, d.count)),
            Cell::new(latency(d.p95_us, d.count)),
            Cell::new(latency(d.p99_us, d.count)),
        ]);
    }
    style.print(out, &table)
}
