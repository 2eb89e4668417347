//! Exit codes: what a pipeline reads of a run. Derived from the results'
//! verdict and how the run ended, never decided inside the engine.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | the run completed and every threshold held |
//! | 1 | a runtime error of starling itself (a worker died, a results file could not be written) |
//! | 2 | bad input (scenario, flags, output paths), before any load is sent |
//! | 98 | a threshold with `abort: true` stopped the run early |
//! | 99 | the run completed and a threshold failed (k6's code) |
//! | 130 / 143 | stopped by SIGINT / SIGTERM before its planned end (results still written) |

use std::process::ExitCode;

use starling_metrics::{Summary, Verdict};

use crate::signals::Signal;

/// How a command that ran to its end finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    Ok,
    ThresholdFailed,
    ThresholdAborted,
    Signalled(Signal),
}

impl Exit {
    /// The exit of a run with these results, stopped by `signal` if one
    /// came. A threshold's abort is the run's own decision and wins over a
    /// later signal; a signal wins over a verdict judged on a run that was
    /// cut short.
    pub(crate) fn of_run(summary: &Summary, signal: Option<Signal>) -> Exit {
        match (summary.verdict, signal) {
            (Verdict::Aborted, _) => Exit::ThresholdAborted,
            (_, Some(signal)) => Exit::Signalled(signal),
            (Verdict::Fail, None) => Exit::ThresholdFailed,
            (Verdict::Pass, None) => Exit::Ok,
        }
    }

    pub(crate) fn code(self) -> ExitCode {
        ExitCode::from(match self {
            Exit::Ok => 0,
            Exit::ThresholdFailed => 99,
            Exit::ThresholdAborted => 98,
            // 128 + the signal's number, as a shell reports a process the
            // signal killed, so scripts read it the same way.
            Exit::Signalled(Signal::Interrupt) => 130,
            Exit::Signalled(Signal::Terminate) => 143,
        })
    }
}
