//! Where the binary writes: the summary to stdout, everything else
//! (progress, notices, errors) to stderr, so `starling run > out.txt`
//! captures exactly the report.

use std::io::{IsTerminal, Write};

use starling_metrics::{Progress, Summary};
use starling_report::TerminalOptions;

use crate::Failure;
use crate::safe_write::write_atomically;

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

/// Writes the results file if asked, then prints the summary to stdout.
/// The file comes first and neither stops the other: a closed or full
/// stdout never costs the results, a failed write never hides the summary.
pub(crate) fn report(summary: &Summary, out: Option<&std::path::Path>) -> Result<(), Failure> {
    let written = match out {
        Some(path) => write_results(summary, path),
        None => Ok(()),
    };
    let printed = {
        let mut lock = std::io::stdout().lock();
        starling_report::render_terminal(summary, &mut lock, &terminal_options())
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

fn write_results(summary: &Summary, path: &std::path::Path) -> Result<(), Failure> {
    write_atomically(path, |file| starling_report::write_json(summary, file))
        .map_err(|e| Failure::Runtime(format!("could not write {}: {e}", path.display())))?;
    notice(&format!("results written to {}", path.display()));
    Ok(())
}
