//! Where the binary writes: the summary to stdout, everything else
//! (progress, notices, errors) to stderr, so `starling run > out.txt`
//! captures exactly the report.

use std::io::{IsTerminal, Write};

use starling_metrics::{Progress, Summary};
use starling_report::TerminalOptions;

use crate::Failure;

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

/// Prints the summary to stdout and writes the results file if asked.
pub(crate) fn report(summary: &Summary, out: Option<&std::path::Path>) -> Result<(), Failure> {
    let mut lock = std::io::stdout().lock();
    starling_report::render_terminal(summary, &mut lock, &terminal_options())
        .map_err(|e| Failure::Runtime(format!("could not write the summary: {e}")))?;
    if let Some(path) = out {
        let file = std::fs::File::create(path)
            .map_err(|e| Failure::Runtime(format!("could not create {}: {e}", path.display())))?;
        starling_report::write_json(summary, std::io::BufWriter::new(file))
            .map_err(|e| Failure::Runtime(format!("could not write {}: {e}", path.display())))?;
        notice(&format!("results written to {}", path.display()));
    }
    Ok(())
}
