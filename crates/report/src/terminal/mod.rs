//! The end-of-run tables on the terminal, read only from a `Summary`.

mod call_trees;
mod escape;
mod failed_journeys;
mod failures;
mod header;
mod journeys;
mod open_model;
mod requests;
mod sections;
mod thresholds;
mod trace_export;
mod warnings;

use std::io::{self, Write};

pub use call_trees::render_call_trees;
pub use escape::printable;

use comfy_table::{
    Attribute, Cell, CellAlignment, Color, ContentArrangement, LineStyle, Table, TableStyle,
};
use starling_metrics::Summary;

/// How the terminal summary is drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TerminalOptions {
    /// ANSI colours and bold; the caller sets it when stdout is a terminal.
    pub color: bool,
    /// Rows in the FAILURES table, and lines in FAILED JOURNEYS.
    pub top_failures: usize,
    /// Wrap tables to this width; `None` never wraps (files, pipes).
    pub width: Option<u16>,
}

impl Default for TerminalOptions {
    fn default() -> TerminalOptions {
        TerminalOptions {
            color: false,
            top_failures: 5,
            width: None,
        }
    }
}

/// Writes the summary: header, JOURNEYS, FUNNEL, REQUESTS, SERVICES,
/// SECTIONS (if any), FAILURES and FAILED JOURNEYS (if any), TRACES (with
/// an export), in the open
/// model the corrected latencies and dropped arrivals, THRESHOLDS with
/// the verdict, and WARNINGS (if any) last.
pub fn render_terminal(
    summary: &Summary,
    out: &mut impl Write,
    opts: &TerminalOptions,
) -> io::Result<()> {
    let style = Style { opts };
    // Names and examples come from the scenario and the server: no
    // control character of theirs reaches the terminal.
    let summary = &escape::summary(summary);
    header::render(summary, out, &style)?;
    journeys::render(summary, out, &style)?;
    requests::render(summary, out, &style)?;
    sections::render(summary, out, &style)?;
    failures::render(summary, out, &style)?;
    failed_journeys::render(summary, out, &style)?;
    trace_export::render(summary, out, &style)?;
    open_model::render(summary, out, &style)?;
    thresholds::render(summary, out, &style)?;
    warnings::render(summary, out, &style)?;
    Ok(())
}

/// A titled table drawn like the summary's own, for rows a `Summary` does
/// not hold (the demo's FAN-OUT, counted by the services). Columns from
/// `right_from` on are numbers and aligned right.
pub fn render_table(
    out: &mut impl Write,
    opts: &TerminalOptions,
    title: &str,
    header: &[&str],
    right_from: usize,
    rows: impl IntoIterator<Item = Vec<String>>,
) -> io::Result<()> {
    let style = Style { opts };
    style.title(out, title)?;
    let mut table = style.table(header, right_from);
    for row in rows {
        table.add_row(
            row.iter()
                .map(|cell| escape::printable(cell).into_owned())
                .collect::<Vec<_>>(),
        );
    }
    style.print(out, &table)
}

/// The options turned into drawing helpers shared by every table.
struct Style<'a> {
    opts: &'a TerminalOptions,
}

/// A line under the header only: light enough for wide tables.
const TABLE_STYLE: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction(' '));

impl Style<'_> {
    fn title(&self, out: &mut impl Write, title: &str) -> io::Result<()> {
        if self.opts.color {
            writeln!(out, "\n\x1b[1m{title}\x1b[0m")
        } else {
            writeln!(out, "\n{title}")
        }
    }

    /// A table with this header; columns from `right_from` on are numbers
    /// and aligned right.
    fn table(&self, header: &[&str], right_from: usize) -> Table {
        let mut table = Table::new();
        table.load_style(TABLE_STYLE);
        if self.opts.color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        match self.opts.width {
            Some(width) => {
                table.set_width(width);
                table.set_content_arrangement(ContentArrangement::Dynamic);
            }
            None => {
                table.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        table.set_header(header.iter().map(|h| self.bold(h)));
        for index in right_from..header.len() {
            if let Some(column) = table.column_mut(index) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        table
    }

    fn bold(&self, text: &str) -> Cell {
        let cell = Cell::new(text);
        if self.opts.color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }

    /// Red when `alarm` is set (and colours are on).
    fn alarm(&self, text: String, alarm: bool) -> Cell {
        let cell = Cell::new(text);
        if self.opts.color && alarm {
            cell.fg(Color::Red)
        } else {
            cell
        }
    }

    fn print(&self, out: &mut impl Write, table: &Table) -> io::Result<()> {
        for line in table.lines() {
            // comfy-table pads the last column; trailing blanks only make
            // diffs and snapshots noisy.
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}
