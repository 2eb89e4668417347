//! CSV export: Locust's three files (`_stats.csv`, `_stats_history.csv`,
//! `_failures.csv`), column for column, so tools built for Locust read a
//! starling run, and starling's own views (`_journeys.csv`, `_funnel.csv`,
//! `_services.csv`).
//!
//! Each file is a [`CsvFile`]: a suffix for the caller's prefix (as
//! Locust's `--csv PREFIX`) and a writer, so the caller decides how each
//! file reaches the disk (the CLI writes each one atomically).
//!
//! Locust's files follow Locust's formats (whole milliseconds for the
//! median and percentiles, CRLF line ends, `N/A` where Locust has no
//! number); starling's views keep microsecond precision as milliseconds
//! with up to three decimals.

mod failures;
mod history;
mod journeys;
mod services;
mod stats;

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use ::csv::{Terminator, Writer, WriterBuilder};
use starling_metrics::{Latency, Summary};

/// One file of the CSV export.
#[derive(Debug)]
pub struct CsvFile {
    suffix: &'static str,
    write: fn(&Summary, &mut dyn Write) -> io::Result<()>,
}

/// Every CSV file starling writes, Locust's first.
pub const CSV_FILES: &[CsvFile] = &[
    CsvFile {
        suffix: "_stats.csv",
        write: stats::write,
    },
    CsvFile {
        suffix: "_stats_history.csv",
        write: history::write,
    },
    CsvFile {
        suffix: "_failures.csv",
        write: failures::write,
    },
    CsvFile {
        suffix: "_journeys.csv",
        write: journeys::write_journeys,
    },
    CsvFile {
        suffix: "_funnel.csv",
        write: journeys::write_funnel,
    },
    CsvFile {
        suffix: "_services.csv",
        write: services::write,
    },
];

impl CsvFile {
    /// What follows the prefix, e.g. `_stats.csv`.
    pub fn suffix(&self) -> &'static str {
        self.suffix
    }

    /// The file's path for a prefix: `results/run` gives
    /// `results/run_stats.csv`. The suffix is appended to the last
    /// component, not joined as a new one, as Locust does.
    pub fn path(&self, prefix: &Path) -> PathBuf {
        let mut path = OsString::from(prefix.as_os_str());
        path.push(self.suffix);
        PathBuf::from(path)
    }

    /// Writes the whole file (header row included) and flushes.
    pub fn write(&self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        (self.write)(summary, out)
    }
}

/// The CSV dialect of Locust's files (Python's `csv` default): comma,
/// minimal quoting, CRLF.
fn writer(out: &mut dyn Write) -> Writer<&mut dyn Write> {
    WriterBuilder::new()
        .terminator(Terminator::CRLF)
        .from_writer(out)
}

/// Writes a header and rows of string cells, then flushes.
fn write_table(
    out: &mut dyn Write,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> io::Result<()> {
    let mut csv = writer(out);
    csv.write_record(header)?;
    for row in rows {
        csv.write_record(&row)?;
    }
    csv.flush()
}

/// What Locust writes for a number it does not have.
const NA: &str = "N/A";

/// Exact milliseconds from microseconds: `12345` → `12.345`, `2000` → `2`.
fn ms(us: u64) -> String {
    (us as f64 / 1000.0).to_string()
}

/// A percentile of a latency in exact milliseconds, `N/A` without data.
fn percentile_ms(latency: &Latency, percentile: f64) -> String {
    latency
        .percentile(percentile)
        .map_or_else(|| NA.to_owned(), ms)
}

/// The latency columns of starling's own views, after their counts.
const LATENCY_HEADER: [&str; 9] = [
    "Average (ms)",
    "Min (ms)",
    "Max (ms)",
    "50% (ms)",
    "90% (ms)",
    "95% (ms)",
    "99% (ms)",
    "100% (ms)",
    "99% Corrected (ms)",
];

/// The cells under [`LATENCY_HEADER`]. Only percentiles every `Latency`
/// keeps, so no histogram is decoded; `N/A` throughout without data.
fn latency_cells(latency: &Latency, corrected: &Latency) -> Vec<String> {
    let measured = latency.count > 0;
    let or_na = |us: u64| if measured { ms(us) } else { NA.to_owned() };
    let mut cells = vec![
        or_na(latency.mean_us),
        or_na(latency.min_us),
        or_na(latency.max_us),
    ];
    cells.extend([50.0, 90.0, 95.0, 99.0, 100.0].map(|p| percentile_ms(latency, p)));
    cells.push(percentile_ms(corrected, 99.0));
    cells
}

/// A header of leading columns followed by [`LATENCY_HEADER`].
fn with_latency_header(leading: &[&'static str]) -> Vec<&'static str> {
    [leading, LATENCY_HEADER.as_slice()].concat()
}

/// Events per second over a run of `millis`.
fn per_second(count: u64, millis: u64) -> f64 {
    if millis == 0 {
        0.0
    } else {
        count as f64 * 1000.0 / millis as f64
    }
}

/// `part / whole`, 0 when there is no whole.
fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}
