//! `starling compare`'s view: the rows of two results side by side, as a
//! terminal table or as Markdown for a pull-request comment. Each cell
//! reads `base → new (change)`; regressions are marked in the last column.

use std::io::{self, Write};

use starling_metrics::{CompareKind, ComparedRow, Figures};

use crate::format::{duration_us, percent, rate};
use crate::terminal::{TerminalOptions, render_table};

/// How `starling compare` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareFormat {
    Text,
    Markdown,
}

const HEADER: [&str; 7] = ["scope", "p50", "p95", "p99", "errors", "throughput", ""];

/// Writes the comparison, then a line counting regressions.
pub fn render_compare(
    rows: &[ComparedRow],
    format: CompareFormat,
    opts: &TerminalOptions,
    out: &mut impl Write,
) -> io::Result<()> {
    let cells: Vec<Vec<String>> = rows.iter().map(cells).collect();
    match format {
        CompareFormat::Text => render_table(out, opts, "COMPARE (base → new)", &HEADER, 1, cells)?,
        CompareFormat::Markdown => markdown(out, &cells)?,
    }
    let regressions = rows.iter().filter(|r| r.regressed()).count();
    writeln!(out)?;
    if regressions == 0 {
        writeln!(out, "no regression beyond the tolerance")
    } else {
        writeln!(out, "{regressions} regression(s) beyond the tolerance")
    }
}

fn cells(row: &ComparedRow) -> Vec<String> {
    let kind = match row.kind {
        CompareKind::Journey => "journey",
        CompareKind::Request => "request",
        CompareKind::Service => "service",
    };
    let pick = |f: fn(&Figures) -> f64, show: fn(f64) -> String| match (row.base, row.new) {
        (Some(b), Some(n)) => format!(
            "{} → {} ({})",
            show(f(&b)),
            show(f(&n)),
            change(f(&b), f(&n))
        ),
        (Some(b), None) => format!("{} → gone", show(f(&b))),
        (None, Some(n)) => format!("new: {}", show(f(&n))),
        (None, None) => "-".to_owned(),
    };
    let us = |v: f64| duration_us(v as u64);
    let mut flags = Vec::new();
    if row.p95_regressed {
        flags.push("p95");
    }
    if row.errors_regressed {
        flags.push("errors");
    }
    vec![
        // Names come from the scenario; keep them on one line.
        format!("{kind} {}", row.name.replace(['\n', '\r', '\t'], " ")),
        pick(|f| f.p50_us as f64, us),
        pick(|f| f.p95_us as f64, us),
        pick(|f| f.p99_us as f64, us),
        pick(|f| f.error_rate, percent),
        pick(|f| f.throughput, |v| format!("{}/s", rate(v))),
        if flags.is_empty() {
            String::new()
        } else {
            format!("REGRESSION ({})", flags.join(", "))
        },
    ]
}

/// The relative change, or `=` when both are zero.
fn change(base: f64, new: f64) -> String {
    if base == new {
        "=".to_owned()
    } else if base == 0.0 {
        "new".to_owned()
    } else {
        format!("{:+.0}%", (new - base) / base * 100.0)
    }
}

fn markdown(out: &mut impl Write, rows: &[Vec<String>]) -> io::Result<()> {
    writeln!(out, "| {} |", HEADER.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(HEADER.len()))?;
    for row in rows {
        let escaped: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
        writeln!(out, "| {} |", escaped.join(" | "))?;
    }
    Ok(())
}
