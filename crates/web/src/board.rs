//! What the run manager publishes and the server shows: the status and the
//! latest results, in one `watch` channel. Every reader sees the newest
//! only: a slow browser skips what it missed, and nothing queues for it.

use std::sync::Arc;

use starling_metrics::Summary;
use tokio::sync::watch;

use crate::status::Status;

/// What the page shows.
#[derive(Debug, Clone)]
pub struct Live {
    pub status: Status,
    /// The current run's results so far, or the last run's final ones:
    /// what the live view draws and the downloads are made from.
    pub results: Option<Arc<Summary>>,
}

/// A change counter with what it counts.
#[derive(Debug, Clone)]
pub(crate) struct Published {
    pub(crate) seq: u64,
    pub(crate) live: Live,
}

/// The shared board; clone it for each writer (the manager's thread, a
/// run's collector) and the server.
#[derive(Debug, Clone)]
pub struct Board {
    tx: Arc<watch::Sender<Published>>,
}

impl Board {
    pub fn new(status: Status) -> Board {
        let live = Live {
            status,
            results: None,
        };
        let (tx, _) = watch::channel(Published { seq: 0, live });
        Board { tx: Arc::new(tx) }
    }

    /// Changes what is shown. Done under the channel's lock, so the
    /// manager and a run's collector, each changing its own fields, never
    /// undo each other's change.
    pub fn update(&self, change: impl FnOnce(&mut Live)) {
        self.tx.send_modify(|published| {
            change(&mut published.live);
            published.seq += 1;
        });
    }

    /// The status now.
    pub fn status(&self) -> Status {
        self.tx.borrow().live.status.clone()
    }

    pub(crate) fn latest(&self) -> Published {
        self.tx.borrow().clone()
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<Published> {
        self.tx.subscribe()
    }
}
