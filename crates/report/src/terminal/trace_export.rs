//! TRACES: what the span export (`--otlp-endpoint`) did, so a tracing
//! backend missing spans says why: the queue was full (dropped) or the
//! endpoint did not take them (failed).

use std::io::{self, Write};

use starling_metrics::Summary;

use super::Style;
use crate::format::count;

pub(super) fn render(summary: &Summary, out: &mut impl Write, style: &Style<'_>) -> io::Result<()> {
    let Some(export) = &summary.run.trace_export else {
        return Ok(());
    };
    style.title(out, "TRACES")?;
    writeln!(
        out,
        "{} spans of {} journeys exported to {} (every failed journey, {} of the others)",
        count(export.spans_exported),
        count(export.journeys),
        export.endpoint,
        share(export.sample),
    )?;
    let lost = export.spans_dropped + export.spans_failed;
    if lost > 0 {
        let line = format!(
            "{} spans lost: {} dropped (export queue full), {} failed (the endpoint did not take them)",
            count(lost),
            count(export.spans_dropped),
            count(export.spans_failed),
        );
        if style.opts.color {
            writeln!(out, "\x1b[31m{line}\x1b[0m")?;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// `1%`, `0.5%`, `100%`: at most two decimals, none written for nothing.
fn share(ratio: f64) -> String {
    let text = format!("{:.2}", ratio * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

#[cfg(test)]
mod tests {
    #[test]
    fn shares_read_as_written() {
        assert_eq!(super::share(0.01), "1%");
        assert_eq!(super::share(0.07), "7%");
        assert_eq!(super::share(0.005), "0.5%");
        assert_eq!(super::share(1.0), "100%");
        assert_eq!(super::share(0.0), "0%");
    }
}
