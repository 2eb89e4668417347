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
    /// The run ended but is incomplete: a part of starling broke (exit 1).
    Incomplete,
    ThresholdFailed,
    ThresholdAborted,
    /// `starling try`: a journey failed (exit 1, as a failed check).
    JourneyFailed,
    Signalled(Signal),
}

impl Exit {
    /// The exit of a run with these results, stopped by `signal` if one
    /// came. A run that lost a part of itself is a runtime error whatever
    /// else happened; a threshold's abort is the run's own decision and wins over a
    /// later signal; a signal wins over a verdict judged on a run that was
    /// cut short.
    pub(crate) fn of_run(summary: &Summary, signal: Option<Signal>) -> Exit {
        if !summary.run.errors.is_empty() {
            return Exit::Incomplete;
        }
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
            Exit::Incomplete | Exit::JourneyFailed => 1,
            Exit::ThresholdFailed => 99,
            Exit::ThresholdAborted => 98,
            // 128 + the signal's number, as a shell reports a process the
            // signal killed, so scripts read it the same way.
            Exit::Signalled(Signal::Interrupt) => 130,
            Exit::Signalled(Signal::Terminate) => 143,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(verdict: Verdict, errors: &[&str]) -> Summary {
        let text = r#"{"format":"starling-results","version":1,
            "run":{"scenario":"s","started_at_unix_ms":0,"duration_ms":1,"workers":1,
                   "model":"closed","seed":null,"stopped_early":false,"peak_users":0},
            "totals":{"requests":0,"failures":0,"failure_ratio":0,"rps":0,"bytes_sent":0,
                      "bytes_received":0,"status_codes":{},"failure_categories":{},
                      "latency":{"count":0,"min_us":0,"mean_us":0,"p50_us":0,"p90_us":0,"p95_us":0,"p99_us":0,"max_us":0},
                      "latency_corrected":{"count":0,"min_us":0,"mean_us":0,"p50_us":0,"p90_us":0,"p95_us":0,"p99_us":0,"max_us":0},
                      "journeys_started":0,"journeys_succeeded":0,"journeys_failed":0,"dropped_arrivals":0},
            "journeys":{},"requests":{},"services":{},"sections":{},"timeseries":[]}"#;
        let mut summary: Summary = serde_json::from_str(text).expect("a version 1 results file");
        summary.verdict = verdict;
        summary.run.errors = errors.iter().map(|e| (*e).to_owned()).collect();
        summary
    }

    #[test]
    fn each_ending_has_its_code_and_a_broken_run_wins() {
        let code =
            |verdict, errors: &[&str], signal| Exit::of_run(&summary(verdict, errors), signal);
        assert_eq!(code(Verdict::Pass, &[], None), Exit::Ok);
        assert_eq!(code(Verdict::Fail, &[], None), Exit::ThresholdFailed);
        assert_eq!(
            code(Verdict::Aborted, &[], Some(Signal::Interrupt)),
            Exit::ThresholdAborted
        );
        assert_eq!(
            code(Verdict::Fail, &[], Some(Signal::Terminate)),
            Exit::Signalled(Signal::Terminate)
        );
        assert_eq!(
            code(Verdict::Pass, &["worker 0 panicked: x"], None),
            Exit::Incomplete
        );
        assert_eq!(
            code(Verdict::Aborted, &["a virtual user panicked: x"], None),
            Exit::Incomplete
        );
    }
}
