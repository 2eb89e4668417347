//! JOURNEYS and each journey's FUNNEL.

use std::io::{self, Write};

use comfy_table::Cell;
use starling_metrics::Summary;

use super::Style;
use crate::format::{bar, count, latency, percent};

/// Width of the funnel bars, in characters.
const BAR_WIDTH: usize = 20;

pub(super) fn render(summary: &Summary, out: &mut impl Write, style: &Style<'_>) -> io::Result<()> {
    if summary.journeys.is_empty() {
        return Ok(());
    }
    style.title(out, "JOURNEYS")?;
    let mut table = style.table(
        &[
            "journey",
            "user type",
            "started",
            "ok",
            "failed",
            "success",
            "p50",
            "p95",
            "p99",
        ],
        2,
    );
    for (name, j) in &summary.journeys {
        let d = &j.duration;
        table.add_row(vec![
            Cell::new(name),
            Cell::new(&j.user_type),
            Cell::new(count(j.started)),
            Cell::new(count(j.succeeded)),
            style.alarm(count(j.failed), j.failed > 0),
            style.alarm(
                if j.succeeded + j.failed == 0 {
                    "-".to_owned()
                } else {
                    percent(j.success_ratio)
                },
                j.failed > 0,
            ),
            Cell::new(latency(d.p50_us, d.count)),
            Cell::new(latency(d.p95_us, d.count)),
            Cell::new(latency(d.p99_us, d.count)),
        ]);
    }
    style.print(out, &table)?;

    for (name, j) in &summary.journeys {
        if j.funnel.is_empty() || j.started == 0 {
            continue;
        }
        style.title(out, &format!("FUNNEL {name}"))?;
        let mut table = style.table(&["#", "step", "reached", "passed", "of started", ""], 2);
        for (i, step) in j.funnel.iter().enumerate() {
            let share = step.passed as f64 / j.started as f64;
            let lost = step.reached > step.passed;
            table.add_row(vec![
                Cell::new(i + 1),
                Cell::new(&step.label),
                Cell::new(count(step.reached)),
                style.alarm(count(step.passed), lost),
                Cell::new(percent(share)),
                Cell::new(bar(share, BAR_WIDTH)),
            ]);
        }
        // The bar column reads left to right.
        if let Some(column) = table.column_mut(5) {
            column.set_cell_alignment(comfy_table::CellAlignment::Left);
        }
        style.print(out, &table)?;
    }
    Ok(())
}
