//! FAILURES: the most frequent (request or journey, category) pairs, each
//! with one sampled example.

use std::io::{self, Write};

use comfy_table::Cell;
use starling_metrics::{ExampleSummary, FailureCategory, Summary};

use super::Style;
use crate::format::{count, one_line};

/// Characters of an example's URL, error and body shown.
const EXAMPLE_WIDTH: usize = 100;

struct Row<'a> {
    count: u64,
    category: FailureCategory,
    source: String,
    example: Option<&'a ExampleSummary>,
}

pub(super) fn render(summary: &Summary, out: &mut impl Write, style: &Style<'_>) -> io::Result<()> {
    let mut rows = rows(summary);
    if rows.is_empty() || style.opts.top_failures == 0 {
        return Ok(());
    }
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.source.cmp(&b.source))
            .then(a.category.cmp(&b.category))
    });
    let shown = rows.len().min(style.opts.top_failures);
    let title = if shown < rows.len() {
        format!("FAILURES (top {shown} of {})", rows.len())
    } else {
        "FAILURES".to_owned()
    };
    style.title(out, &title)?;
    let mut table = style.table(&["count", "category", "where", "example"], 0);
    if let Some(column) = table.column_mut(1) {
        column.set_cell_alignment(comfy_table::CellAlignment::Left);
    }
    for column in [2, 3] {
        if let Some(column) = table.column_mut(column) {
            column.set_cell_alignment(comfy_table::CellAlignment::Left);
        }
    }
    for row in rows.iter().take(shown) {
        table.add_row(vec![
            Cell::new(count(row.count)),
            Cell::new(row.category.as_str()),
            Cell::new(&row.source),
            Cell::new(row.example.map_or_else(|| "-".to_owned(), describe)),
        ]);
    }
    style.print(out, &table)
}

/// Request failures by category; journey failures only for categories the
/// journey sampled itself (template, data, ...), since the others are the
/// request failures already listed.
fn rows(summary: &Summary) -> Vec<Row<'_>> {
    let mut rows = Vec::new();
    for (name, r) in &summary.requests {
        for (&category, &n) in &r.failure_categories {
            rows.push(Row {
                count: n,
                category,
                source: name.clone(),
                example: r.examples.iter().find(|e| e.category == category),
            });
        }
    }
    for (name, j) in &summary.journeys {
        let mut categories: Vec<FailureCategory> = j.examples.iter().map(|e| e.category).collect();
        categories.sort();
        categories.dedup();
        for category in categories {
            let n = j
                .failures
                .iter()
                .filter(|f| f.category == category)
                .map(|f| f.count)
                .sum();
            rows.push(Row {
                count: n,
                category,
                source: format!("journey {name}"),
                example: j.examples.iter().find(|e| e.category == category),
            });
        }
    }
    rows
}

/// `500 http://…/payments: expected 200, got 500` and the body's start.
fn describe(e: &ExampleSummary) -> String {
    let x = &e.example;
    let status = x.status.map(|s| s.to_string()).unwrap_or_default();
    let target = [status.as_str(), x.url.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let line = [target.as_str(), x.error.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(": ");
    let mut text = one_line(&line, EXAMPLE_WIDTH);
    let body = one_line(&x.body, EXAMPLE_WIDTH - 6);
    if !body.is_empty() {
        text.push_str("\nbody: ");
        text.push_str(&body);
    }
    text
}
