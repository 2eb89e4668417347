//! `starling compare BASE.json NEW.json`: journeys, requests and services
//! side by side, regressions beyond `--tolerance` flagged, and with
//! `--fail-on-regression` exit 99 when there is one.

use std::io::Write;
use std::path::Path;

use starling_report::CompareFormat;

use crate::Failure;
use crate::exit::Exit;
use crate::output::terminal_options;
use crate::results_file::read_results;

pub(crate) fn compare(
    base: &Path,
    new: &Path,
    tolerance: &str,
    fail_on_regression: bool,
    markdown: bool,
) -> Result<Exit, Failure> {
    let tolerance = parse_tolerance(tolerance)?;
    let rows = starling_metrics::compare(&read_results(base)?, &read_results(new)?, tolerance);
    let format = if markdown {
        CompareFormat::Markdown
    } else {
        CompareFormat::Text
    };
    let mut out = std::io::stdout().lock();
    starling_report::render_compare(&rows, format, &terminal_options(), &mut out)
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Runtime(format!("could not write the comparison: {e}")))?;
    let regressed = rows.iter().any(|r| r.regressed());
    Ok(if regressed && fail_on_regression {
        Exit::ThresholdFailed
    } else {
        Exit::Ok
    })
}

/// `10%` or `0.1`.
fn parse_tolerance(text: &str) -> Result<f64, Failure> {
    let bad = || {
        Failure::Input(format!(
            "--tolerance `{text}`: expected a percentage like `10%`"
        ))
    };
    let value = match text.trim().strip_suffix('%') {
        Some(number) => number.trim().parse::<f64>().map_err(|_| bad())? / 100.0,
        None => text.trim().parse::<f64>().map_err(|_| bad())?,
    };
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(bad())
    }
}
