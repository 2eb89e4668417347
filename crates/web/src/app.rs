//! What every handler shares: the board, the frame cache, the checks, the
//! way to the run manager, and the server's own stop signal.

use std::fmt;
use std::sync::Arc;

use tokio::sync::{Semaphore, watch};

use crate::access::Access;
use crate::board::Board;
use crate::command::Request;
use crate::frame::Frames;
use crate::page::Assets;

/// Live views open at once, at most: each holds a connection and a frame
/// being sent; more is a runaway script, not people watching.
pub(crate) const MAX_STREAMS: usize = 32;

/// Where the page's commands go: the manager's queue, in the binary.
pub(crate) type Commands = Box<dyn Fn(Request) + Send + Sync>;

pub(crate) struct App {
    pub(crate) board: Board,
    pub(crate) frames: Frames,
    pub(crate) access: Access,
    pub(crate) commands: Commands,
    pub(crate) assets: Assets,
    pub(crate) streams: Arc<Semaphore>,
    /// Turns true when the server stops: open streams end, so the
    /// graceful shutdown does not wait on them forever.
    pub(crate) stopping: watch::Receiver<bool>,
}

impl App {
    pub(crate) fn new(
        board: Board,
        access: Access,
        commands: Commands,
        stopping: watch::Receiver<bool>,
    ) -> App {
        App {
            board,
            frames: Frames::default(),
            access,
            commands,
            assets: Assets::new(),
            streams: Arc::new(Semaphore::new(MAX_STREAMS)),
            stopping,
        }
    }
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("access", &self.access)
            .finish_non_exhaustive()
    }
}
