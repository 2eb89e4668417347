//! WHERE JOURNEYS FAILED: failed iterations joined with the services'
//! own spans, each drawn as the call tree under the request that failed
//! with the path of blame marked, then the count of failed iterations by
//! the service where their failure began.
//!
//! ```text
//! checkout · trace 4bf92f3577b34da6a3ce929d0e0e4736 · vu 17#2
//!   POST /orders 504 1.00s ✗
//!   └─ gateway POST /orders 504 1.00s · orders answered 504
//!      └─ orders POST /orders timeout 1.00s · users did not answer in time
//!         ├─ users GET /users/{id} 200 2.00s (late) · injected latency 2.0s  ◀ origin
//!         └─ products GET /products/{name} 200 3.00ms
//!   where: gateway 504 ← orders timeout ← users 2.00s
//! ```

use std::collections::BTreeMap;
use std::io::{self, Write};

use starling_metrics::{CallNode, JoinedSample, Origin, Role, count_origins};

use super::failed_journeys::in_turn;
use super::{Style, TerminalOptions, escape};
use crate::format::{count, duration_us, one_line, percent};

/// Characters of a span's error or note.
const NOTE_WIDTH: usize = 70;
/// Spans drawn under one request: a fan-out beyond this is summarised.
const MAX_SPANS: usize = 40;

/// Draws up to `opts.top_failures` joined samples (taken in turn from each
/// journey, as FAILED JOURNEYS does) and the origin count over all of
/// them. Nothing when `joined` is empty.
pub fn render_call_trees(
    joined: &[JoinedSample],
    out: &mut impl Write,
    opts: &TerminalOptions,
) -> io::Result<()> {
    if joined.is_empty() {
        return Ok(());
    }
    let style = Style { opts };
    let shown = pick(joined, opts.top_failures);
    let title = if shown.len() < joined.len() {
        format!(
            "WHERE JOURNEYS FAILED ({} of {} joined with the services' spans)",
            shown.len(),
            count(joined.len() as u64)
        )
    } else {
        "WHERE JOURNEYS FAILED (joined with the services' spans)".to_owned()
    };
    style.title(out, &title)?;
    for sample in shown {
        draw(sample, out)?;
    }

    style.title(out, "FAILED JOURNEYS BY ORIGIN")?;
    let mut table = style.table(&["failure began in", "failed journeys", "share"], 1);
    let total = joined.len() as u64;
    for (origin, n) in count_origins(joined) {
        table.add_row(vec![
            escape::printable(&origin).into_owned(),
            count(n),
            percent(n as f64 / total as f64),
        ]);
    }
    style.print(out, &table)?;
    writeln!(
        out,
        "(of the {} failed journeys kept as samples; each trace id opens the whole trace in a tracing backend)",
        count(total)
    )
}

fn pick(joined: &[JoinedSample], limit: usize) -> Vec<&JoinedSample> {
    let mut by_journey: BTreeMap<&str, Vec<&JoinedSample>> = BTreeMap::new();
    for sample in joined {
        by_journey.entry(&sample.journey).or_default().push(sample);
    }
    let groups: Vec<Vec<&JoinedSample>> = by_journey.into_values().collect();
    in_turn(&groups, limit)
}

fn draw(joined: &JoinedSample, out: &mut impl Write) -> io::Result<()> {
    let sample = &joined.sample;
    let trace = sample
        .trace_id
        .map_or_else(|| "-".to_owned(), |t| t.to_string());
    writeln!(
        out,
        "\n{} · trace {trace} · vu {}#{}",
        text(&joined.journey),
        sample.vu,
        sample.iteration
    )?;
    if let Some(step) = joined.step() {
        let outcome = match (step.status, step.failure) {
            (Some(status), _) => status.to_string(),
            (None, Some(category)) => category.as_str().to_owned(),
            (None, None) => "-".to_owned(),
        };
        let name = step.request.as_deref().unwrap_or("");
        writeln!(
            out,
            "  {} {outcome} {} ✗",
            text(name),
            duration_us(step.total_us)
        )?;
    }
    let mut budget = MAX_SPANS;
    let last = joined.trees.len().saturating_sub(1);
    for (i, tree) in joined.trees.iter().enumerate() {
        draw_node(tree, "  ", i == last, &mut budget, out)?;
    }
    let origin = match &joined.origin {
        Origin::Service { chain, .. } => text(chain),
        Origin::Answer { category } => format!(
            "the services answered; starling's check failed ({})",
            category.as_str()
        ),
        Origin::NoRequest { category } => {
            format!("nothing was sent ({})", category.as_str())
        }
        Origin::NoSpans => {
            "no server span of this request was found (it reached no traced service, or the store forgot it)".to_owned()
        }
    };
    writeln!(out, "  where: {origin}")
}

fn draw_node(
    node: &CallNode,
    indent: &str,
    last: bool,
    budget: &mut usize,
    out: &mut impl Write,
) -> io::Result<()> {
    if *budget == 0 {
        return Ok(());
    }
    *budget -= 1;
    let span = &node.span;
    let outcome = match (node.role, span.status) {
        (Role::TimedOut, _) => "timeout".to_owned(),
        (_, Some(status)) => status.to_string(),
        (_, None) => "-".to_owned(),
    };
    let late = if node.role == Role::Late {
        " (late)"
    } else {
        ""
    };
    let mut line = format!(
        "{indent}{} {} {} {outcome} {}{late}",
        if last { "└─" } else { "├─" },
        text(&span.service),
        text(&span.name),
        duration_us(span.duration_us),
    );
    for said in [&span.error, &span.note].into_iter().flatten() {
        line.push_str(" · ");
        line.push_str(&one_line(said, NOTE_WIDTH));
    }
    let is_origin = node.blamed && !node.children.iter().any(|c| c.blamed);
    if is_origin {
        line.push_str("  ◀ origin");
    }
    writeln!(out, "{line}")?;
    let below = format!("{indent}{}", if last { "   " } else { "│  " });
    let shown = node.children.len().min(*budget);
    for (i, child) in node.children.iter().enumerate() {
        draw_node(child, &below, i + 1 == node.children.len(), budget, out)?;
    }
    if node.children.len() > shown && *budget == 0 {
        writeln!(out, "{below}… more spans not shown")?;
    }
    Ok(())
}

/// Names and messages come from the scenario and the services.
fn text(raw: &str) -> String {
    escape::printable(raw).into_owned()
}
