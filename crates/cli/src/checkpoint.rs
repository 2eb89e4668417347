//! Checkpoints: while a run goes on, `--out` is rewritten atomically with
//! the results so far (marked `partial`), so a SIGKILL or an out-of-memory
//! kill loses at most the last interval instead of everything.

use std::path::Path;
use std::time::{Duration, Instant};

use starling_engine::Round;
use starling_metrics::Summary;

use crate::output::notice;
use crate::safe_write::write_atomically;

#[derive(Debug)]
pub(crate) struct Checkpoints<'a> {
    path: &'a Path,
    every: Duration,
    last: Instant,
    /// A failed checkpoint is reported once, not every interval; the
    /// final write reports its own failure as an error.
    warned: bool,
}

impl<'a> Checkpoints<'a> {
    pub(crate) fn new(path: &'a Path, every: Duration) -> Self {
        Checkpoints {
            path,
            every,
            last: Instant::now(),
            warned: false,
        }
    }

    /// Writes the results so far when an interval has passed since the
    /// last checkpoint, from the round's summary in `built` (made here if
    /// nobody made it yet, and left there for the round's other users).
    /// Runs on the collector's thread, never near a request.
    pub(crate) fn maybe_write(&mut self, round: &Round<'_>, built: &mut Option<Summary>) {
        if self.last.elapsed() < self.every {
            return;
        }
        self.last = Instant::now();
        let summary = built.get_or_insert_with(|| round.summary());
        let written =
            write_atomically(self.path, |file| starling_report::write_json(summary, file));
        if let Err(e) = written
            && !self.warned
        {
            self.warned = true;
            notice(&format!(
                "could not write a checkpoint to {}: {e} (the run goes on)",
                self.path.display()
            ));
        }
    }
}
