//! Open model only: latency measured from the intended start next to the
//! measured one (coordinated omission made visible), and dropped arrivals.

use std::io::{self, Write};

use comfy_table::Cell;
use starling_metrics::{Latency, Summary};

use super::Style;
use crate::format::{count, latency};

pub(super) fn render(summary: &Summary, out: &mut impl Write, style: &Style<'_>) -> io::Result<()> {
    if summary.run.model != "open" {
        return Ok(());
    }
    style.title(
        out,
        "CORRECTED FOR SCHEDULE LAG (from each arrival's intended start)",
    )?;
    let mut table = style.table(
        &[
            "journey / request",
            "p50",
            "p50 corrected",
            "p99",
            "p99 corrected",
        ],
        1,
    );
    let rows = summary
        .journeys
        .iter()
        .map(|(name, j)| {
            (
                format!("journey {name}"),
                &j.duration,
                &j.duration_corrected,
            )
        })
        .chain(
            summary
                .requests
                .iter()
                .map(|(name, r)| (name.clone(), &r.total, &r.total_corrected)),
        );
    for (name, measured, corrected) in rows {
        if measured.count == 0 {
            continue;
        }
        table.add_row(vec![
            Cell::new(name),
            Cell::new(latency(measured.p50_us, measured.count)),
            lagging(style, corrected, corrected.p50_us, measured.p50_us),
            Cell::new(latency(measured.p99_us, measured.count)),
            lagging(style, corrected, corrected.p99_us, measured.p99_us),
        ]);
    }
    style.print(out, &table)?;
    let dropped = summary.totals.dropped_arrivals;
    let line = format!(
        "dropped arrivals: {} (no free virtual user)",
        count(dropped)
    );
    if style.opts.color && dropped > 0 {
        writeln!(out, "\x1b[31m{line}\x1b[0m")
    } else {
        writeln!(out, "{line}")
    }
}

/// A corrected figure, red when it is well above the measured one.
fn lagging(style: &Style<'_>, corrected: &Latency, value: u64, measured: u64) -> Cell {
    style.alarm(
        latency(value, corrected.count),
        value > measured.saturating_mul(11) / 10,
    )
}
