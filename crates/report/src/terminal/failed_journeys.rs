//! FAILED JOURNEYS: kept failed iterations, one line each with its trace
//! id and the chain of steps it ran, so a failure can be followed into
//! the services' own traces:
//! `POST /users 201 4.00ms → POST /orders 201 9.00ms → POST /payments 502 2.10s ✗`.

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment};
use starling_metrics::{JourneySample, StepSample, Summary};

use super::Style;
use crate::format::{count, duration_us, one_line};

/// Steps shown of a long chain: the first few and the last few.
const HEAD_STEPS: usize = 3;
const TAIL_STEPS: usize = 4;
/// Characters of a failure message that sent nothing (a template error).
const MESSAGE_WIDTH: usize = 60;

pub(super) fn render(summary: &Summary, out: &mut impl Write, style: &Style<'_>) -> io::Result<()> {
    let kept: usize = summary
        .journeys
        .values()
        .map(|j| j.samples.failed.len())
        .sum();
    let limit = style.opts.top_failures;
    if kept == 0 || limit == 0 {
        return Ok(());
    }
    let shown = pick(summary, limit);
    let title = if shown.len() < kept {
        format!(
            "FAILED JOURNEYS ({} of {} kept)",
            shown.len(),
            count(kept as u64)
        )
    } else {
        "FAILED JOURNEYS".to_owned()
    };
    style.title(out, &title)?;
    let mut table = style.table(&["journey", "trace id", "vu", "took", "chain"], 2);
    if let Some(column) = table.column_mut(4) {
        column.set_cell_alignment(CellAlignment::Left);
    }
    for (journey, sample) in shown {
        table.add_row(vec![
            Cell::new(journey),
            Cell::new(
                sample
                    .trace_id
                    .map_or_else(|| "-".to_owned(), |t| t.to_string()),
            ),
            Cell::new(format!("{}#{}", sample.vu, sample.iteration)),
            Cell::new(duration_us(sample.duration_us)),
            Cell::new(chain(sample)),
        ]);
    }
    style.print(out, &table)
}

/// Up to `limit` samples, taken in turn from each journey so one failing
/// journey does not hide another; within a journey, in the order they
/// started.
fn pick(summary: &Summary, limit: usize) -> Vec<(&str, &JourneySample)> {
    let groups: Vec<Vec<(&str, &JourneySample)>> = summary
        .journeys
        .iter()
        .map(|(name, journey)| {
            journey
                .samples
                .failed
                .iter()
                .map(|sample| (name.as_str(), sample))
                .collect()
        })
        .collect();
    in_turn(&groups, limit)
}

/// Up to `limit` items, taken in turn from each group (the first of every
/// group, then the second, …), each group in its own order.
pub(super) fn in_turn<T: Copy>(groups: &[Vec<T>], limit: usize) -> Vec<T> {
    let longest = groups.iter().map(Vec::len).max().unwrap_or(0);
    (0..longest)
        .flat_map(|round| groups.iter().filter_map(move |group| group.get(round)))
        .take(limit)
        .copied()
        .collect()
}

/// The steps joined by arrows; a long chain keeps its start and its end.
pub(crate) fn chain(sample: &JourneySample) -> String {
    let steps = &sample.steps;
    let omitted = sample.omitted_steps as usize;
    let mut parts: Vec<String> = Vec::new();
    if steps.len() > HEAD_STEPS + TAIL_STEPS + 1 {
        parts.extend(steps[..HEAD_STEPS].iter().map(step));
        let hidden = steps.len() - HEAD_STEPS - TAIL_STEPS + omitted;
        parts.push(format!("… {} more …", count(hidden as u64)));
        parts.extend(steps[steps.len() - TAIL_STEPS..].iter().map(step));
    } else {
        parts.extend(steps.iter().map(step));
        if omitted > 0 {
            parts.insert(
                steps.len() / 2,
                format!("… {} more …", count(omitted as u64)),
            );
        }
    }
    parts.join(" → ")
}

/// `POST /orders 201 9.00ms`, `GET /x timeout 2.00s ✗`, or for a failure
/// that sent nothing `template: undefined value ✗`.
fn step(step: &StepSample) -> String {
    let mark = if step.failure.is_some() { " ✗" } else { "" };
    match &step.request {
        Some(name) => {
            let outcome = match (step.status, step.failure) {
                (Some(status), _) => status.to_string(),
                (None, Some(category)) => category.as_str().to_owned(),
                (None, None) => "-".to_owned(),
            };
            let name = one_line(name, MESSAGE_WIDTH);
            format!("{name} {outcome} {}{mark}", duration_us(step.total_us))
        }
        None => {
            let category = step.failure.map_or("failed", |c| c.as_str());
            let message = one_line(&step.message, MESSAGE_WIDTH);
            if message.is_empty() {
                format!("{category}{mark}")
            } else {
                format!("{category}: {message}{mark}")
            }
        }
    }
}
