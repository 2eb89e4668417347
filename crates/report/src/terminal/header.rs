//! The first lines: what ran, and its totals.

use std::io::{self, Write};

use starling_metrics::Summary;

use super::Style;
use crate::format::{bytes, count, percent, rate};
use crate::progress::run_clock;

pub(super) fn render(summary: &Summary, out: &mut impl Write, style: &Style<'_>) -> io::Result<()> {
    let run = &summary.run;
    let mut line = format!(
        "starling · {} · {} · {} (peak) · {} model · {}",
        run.scenario,
        run_clock(summary),
        counted(run.peak_users, "user"),
        run.model,
        counted(u64::try_from(run.workers).unwrap_or(u64::MAX), "worker"),
    );
    if let Some(seed) = run.seed {
        line.push_str(&format!(" · seed {seed}"));
    }
    if run.stopped_early {
        line.push_str(" · stopped early");
    }
    if let Some(tags) = run.load.as_ref().and_then(|l| l.tags.as_ref()) {
        if !tags.keep.is_empty() {
            line.push_str(&format!(" · tags {}", tags.keep.join(",")));
        }
        if !tags.exclude.is_empty() {
            line.push_str(&format!(" · excluding tags {}", tags.exclude.join(",")));
        }
    }
    if style.opts.color {
        writeln!(out, "\x1b[1m{line}\x1b[0m")?;
    } else {
        writeln!(out, "{line}")?;
    }
    let t = &summary.totals;
    // Arrivals no user could start are load the system never received:
    // they belong next to the failures, not only in the open-model table.
    let dropped = if run.model == "open" {
        format!(" · {} dropped arrivals", count(t.dropped_arrivals))
    } else {
        String::new()
    };
    writeln!(
        out,
        "{} requests · {} req/s · {} failed ({}) · {} journeys ({} ok, {} failed){dropped} · {} sent · {} received",
        count(t.requests),
        rate(t.rps),
        count(t.failures),
        percent(t.failure_ratio),
        count(t.journeys_started),
        count(t.journeys_succeeded),
        count(t.journeys_failed),
        bytes(t.bytes_sent),
        bytes(t.bytes_received),
    )
}

/// `1 user`, `2 users`, `1,000 users`: a count and its noun, plural but for 1.
fn counted(n: u64, noun: &str) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} {noun}{s}", count(n))
}
