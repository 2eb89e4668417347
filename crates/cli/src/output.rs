//! Where the binary writes: the summary to stdout, everything else
//! (progress, notices, errors) to stderr, so `starling run > out.txt`
//! captures exactly the report.

use std::io::{IsTerminal, Write};
use std::path::Path;

use starling_metrics::{Progress, Summary};
use starling_report::{CSV_FILES, TerminalOptions};

use crate::Failure;
use crate::safe_write::{check_writable, write_atomically};

pub(crate) fn error(message: &str) {
    let _ = writeln!(std::io::stderr(), "error: {message}");
}

pub(crate) fn notice(message: &str) {
    let _ = writeln!(std::io::stderr(), "{message}");
}

/// The live progress line: redrawn in place on a terminal, a plain line
/// every few seconds otherwise (CI logs stay readable).
#[derive(Debug)]
pub(crate) struct ProgressLine {
    quiet: bool,
    tty: bool,
    drawn: bool,
    calls: u64,
}

impl ProgressLine {
    pub(crate) fn new(quiet: bool) -> ProgressLine {
        ProgressLine {
            quiet,
            tty: std::io::stderr().is_terminal(),
            drawn: false,
            calls: 0,
        }
    }

    pub(crate) fn update(&mut self, progress: &Progress) {
        self.calls += 1;
        if self.quiet {
            return;
        }
        let line = starling_report::render_progress(progress);
        let mut err = std::io::stderr().lock();
        if self.tty {
            let _ = write!(err, "\r\x1b[2K{line}");
            self.drawn = true;
        } else if self.calls.is_multiple_of(5) {
            let _ = writeln!(err, "{line}");
        }
        let _ = err.flush();
    }

    /// Ends the redrawn line so the summary starts on a fresh one.
    pub(crate) fn finish(&mut self) {
        if self.drawn {
            let _ = writeln!(std::io::stderr());
            self.drawn = false;
        }
    }
}

/// How tables are drawn on stdout: in colour only on a terminal.
pub(crate) fn terminal_options() -> TerminalOptions {
    TerminalOptions {
        color: std::io::stdout().is_terminal(),
        ..TerminalOptions::default()
    }
}

/// The files a summary is written to (each optional): JSON results,
/// Locust-style CSV files under a prefix, JUnit XML, the HTML report.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Files<'a> {
    pub(crate) out: Option<&'a Path>,
    pub(crate) csv: Option<&'a Path>,
    pub(crate) junit: Option<&'a Path>,
    pub(crate) html: Option<&'a Path>,
}

impl Files<'_> {
    /// Checks every path before anything runs: an unusable one is bad
    /// input (exit 2) before any load is sent.
    pub(crate) fn check(&self) -> Result<(), Failure> {
        if let Some(path) = self.out {
            check_writable("--out", path)?;
        }
        if let Some(prefix) = self.csv {
            for file in CSV_FILES {
                check_writable("--csv", &file.path(prefix))?;
            }
        }
        if let Some(path) = self.junit {
            check_writable("--junit", path)?;
        }
        if let Some(path) = self.html {
            check_writable("--html", path)?;
        }
        Ok(())
    }

    /// Writes every file, each atomically; one that fails does not stop
    /// the others. Returns the first failure. `base` is an earlier run the
    /// HTML report draws beside this one.
    fn write(&self, summary: &Summary, base: Option<&Summary>) -> Result<(), Failure> {
        let mut first = None;
        let mut keep = |result: Result<(), Failure>| {
            if let Err(e) = result {
                first.get_or_insert(e);
            }
        };
        if let Some(path) = self.out {
            keep(write_file(path, |f| {
                starling_report::write_json(summary, f)
            }));
        }
        if let Some(prefix) = self.csv {
            for file in CSV_FILES {
                keep(write_file(&file.path(prefix), |f| file.write(summary, f)));
            }
        }
        if let Some(path) = self.junit {
            keep(write_file(path, |f| {
                starling_report::write_junit(summary, f)
            }));
        }
        if let Some(path) = self.html {
            let runs: Vec<&Summary> = base.into_iter().chain([summary]).collect();
            let page =
                starling_report::render_html(&runs, &starling_report::HtmlHeader::of(summary));
            keep(write_file(path, |f| f.write_all(page.as_bytes())));
        }
        first.map_or(Ok(()), Err)
    }
}

/// Writes the results files asked for, then prints the summary to stdout.
/// The files come first and neither stops the other: a closed or full
/// stdout never costs the results, a failed write never hides the summary.
pub(crate) fn report(summary: &Summary, files: &Files<'_>) -> Result<(), Failure> {
    report_against(summary, None, files)
}

/// As [`report`]; with a `base` run, stdout shows the two compared and the
/// HTML report draws both.
pub(crate) fn report_against(
    summary: &Summary,
    base: Option<&Summary>,
    files: &Files<'_>,
) -> Result<(), Failure> {
    let written = files.write(summary, base);
    let printed = {
        let mut lock = std::io::stdout().lock();
        match base {
            None => starling_report::render_terminal(summary, &mut lock, &terminal_options()),
            Some(base) => {
                let rows = starling_metrics::compare(base, summary, COMPARE_TOLERANCE);
                let format = starling_report::CompareFormat::Text;
                starling_report::render_compare(&rows, format, &terminal_options(), &mut lock)
            }
        }
        .and_then(|()| lock.flush())
    };
    written?;
    match printed {
        // Whoever read stdout has stopped reading (`| head`): not an error
        // of the run, whose results are written.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::Runtime(format!(
            "could not write the summary to stdout: {e}"
        ))),
        _ => Ok(()),
    }
}

/// `compare`'s default `--tolerance`, for the comparison `report BASE NEW`
/// prints.
const COMPARE_TOLERANCE: f64 = 0.10;

fn write_file(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<(), Failure> {
    write_atomically(path, write)
        .map_err(|e| Failure::Runtime(format!("could not write {}: {e}", path.display())))?;
    notice(&format!("results written to {}", path.display()));
    Ok(())
}
