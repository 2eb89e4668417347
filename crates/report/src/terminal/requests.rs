//! REQUESTS and SERVICES: what each request cost, and the load each
//! service received (the systemic view, slowest first).

use std::io::{self, Write};

use comfy_table::{Cell, Color};
use starling_metrics::Summary;

use super::Style;
use crate::format::{count, latency, percent, rate};

pub(super) fn render(summary: &Summary, out: &mut impl Write, style: &Style<'_>) -> io::Result<()> {
    if !summary.requests.is_empty() {
        style.title(out, "REQUESTS")?;
        let mut table = style.table(
            &[
                "request", "service", "count", "failed", "req/s", "p50", "p90", "p95", "p99", "max",
            ],
            2,
        );
        for (name, r) in &summary.requests {
            let t = &r.total;
            table.add_row(vec![
                Cell::new(name),
                Cell::new(&r.service),
                Cell::new(count(r.count)),
                style.alarm(count(r.failures), r.failures > 0),
                Cell::new(rate(r.rps)),
                Cell::new(latency(t.p50_us, t.count)),
                Cell::new(latency(t.p90_us, t.count)),
                Cell::new(latency(t.p95_us, t.count)),
                Cell::new(latency(t.p99_us, t.count)),
                Cell::new(latency(t.max_us, t.count)),
            ]);
        }
        style.print(out, &table)?;
    }
    services(summary, out, style)
}

fn services(summary: &Summary, out: &mut impl Write, style: &Style<'_>) -> io::Result<()> {
    if summary.services.is_empty() {
        return Ok(());
    }
    style.title(out, "SERVICES")?;
    let mut table = style.table(
        &[
            "service", "requests", "req/s", "failed", "p50", "p95", "p99", "",
        ],
        1,
    );
    let mut services: Vec<_> = summary.services.iter().collect();
    // Slowest p95 first: the service the whole system waits on.
    services.sort_by(|a, b| {
        b.1.latency
            .p95_us
            .cmp(&a.1.latency.p95_us)
            .then(a.0.cmp(b.0))
    });
    for (i, (name, s)) in services.iter().enumerate() {
        let l = &s.latency;
        let slowest = i == 0 && l.count > 0 && services.len() > 1;
        let mut p95 = Cell::new(latency(l.p95_us, l.count));
        if slowest && style.opts.color {
            p95 = p95.fg(Color::Yellow);
        }
        // A label guessed from a path (`/login`) is not presented as one
        // of the system's services.
        let shown = if summary.run.guessed_services.iter().any(|g| g == *name) {
            format!("{name} (guessed from path)")
        } else {
            (*name).clone()
        };
        table.add_row(vec![
            Cell::new(shown),
            Cell::new(count(s.requests)),
            Cell::new(rate(s.rps)),
            style.alarm(percent(s.failure_ratio), s.failures > 0),
            Cell::new(latency(l.p50_us, l.count)),
            p95,
            Cell::new(latency(l.p99_us, l.count)),
            Cell::new(if slowest { "◀ slowest p95" } else { "" }),
        ]);
    }
    if let Some(column) = table.column_mut(7) {
        column.set_cell_alignment(comfy_table::CellAlignment::Left);
    }
    style.print(out, &table)
}
