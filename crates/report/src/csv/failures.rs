//! `PREFIX_failures.csv`: Locust's failures, one row per request and
//! failure category (starling counts failures by category, not by
//! message), the message taken from a kept example.

use std::io::{self, Write};

use starling_metrics::{FailureCategory, RequestSummary, Summary};

use super::write_table;

const HEADER: [&str; 6] = [
    "Method",
    "Name",
    "Error",
    "Occurrences",
    "First Seen",
    "Last Seen",
];

pub(super) fn write(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    let rows = summary.requests.iter().flat_map(|(name, request)| {
        let mut categories: Vec<_> = request.failure_categories.iter().collect();
        // Most frequent first; the map's order breaks ties.
        categories.sort_by_key(|(_, count)| std::cmp::Reverse(**count));
        categories.into_iter().map(move |(&category, count)| {
            vec![
                request.method.clone(),
                name.clone(),
                error_text(request, category),
                count.to_string(),
                // Not measured; Locust too leaves these empty when unknown.
                String::new(),
                String::new(),
            ]
        })
    });
    write_table(out, &HEADER, rows)
}

/// The category, and the message of its first kept example: the example
/// is one of the category's failures, not necessarily all of them.
fn error_text(request: &RequestSummary, category: FailureCategory) -> String {
    let example = request
        .examples
        .iter()
        .find(|e| e.category == category && !e.example.error.is_empty());
    match example {
        Some(e) => format!("{category} (e.g. {})", e.example.error),
        None => category.to_string(),
    }
}
