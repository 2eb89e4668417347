//! `GET /api/stream`: the live view, as server-sent events. The page reads
//! it with `fetch` (which can send the token header; `EventSource` cannot)
//! and gets one `frame` event at once and one after each change, at most
//! every [`PACE`]: a round a second, and a command's effect as it happens.
//!
//! Bounded by construction: a stream holds a `watch` receiver (the latest
//! frame, never a queue of them) and sends only as fast as the connection
//! takes it, so a slow or stalled browser costs one frame in flight and
//! skips the changes it missed. At most [`MAX_STREAMS`] are open at once.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::{OwnedSemaphorePermit, watch};
use tokio::time::Instant;

use crate::app::{App, MAX_STREAMS};
use crate::board::Published;
use crate::error::ApiError;

/// The least time between two frames of one stream: changes closer
/// together are sent as one (the later).
pub(crate) const PACE: Duration = Duration::from_millis(250);

/// One open stream's state.
struct Open {
    app: Arc<App>,
    changes: watch::Receiver<Published>,
    stopping: watch::Receiver<bool>,
    last: Option<Instant>,
    /// Given back when the stream ends (the page closed).
    _permit: OwnedSemaphorePermit,
}

pub(crate) async fn stream(
    State(app): State<Arc<App>>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let permit = app.streams.clone().try_acquire_owned().map_err(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{MAX_STREAMS} live views are open already: close one"),
        )
    })?;
    let open = Open {
        changes: app.board.subscribe(),
        stopping: app.stopping.clone(),
        app,
        last: None,
        _permit: permit,
    };
    let frames = futures_util::stream::unfold(open, |mut open| async move {
        let frame = open.next().await?;
        let event = Event::default()
            .event("frame")
            .data(std::str::from_utf8(&frame).unwrap_or("{}"));
        Some((Ok(event), open))
    });
    // A comment now and then keeps proxies from closing a quiet stream.
    Ok(Sse::new(frames).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

impl Open {
    /// The next frame to send: the current one first, then the latest
    /// after each change; `None` when the server stops.
    async fn next(&mut self) -> Option<bytes::Bytes> {
        if let Some(last) = self.last {
            tokio::select! {
                changed = self.changes.changed() => changed.ok()?,
                _ = self.stopping.wait_for(|stop| *stop) => return None,
            }
            tokio::select! {
                () = tokio::time::sleep_until(last + PACE) => {}
                _ = self.stopping.wait_for(|stop| *stop) => return None,
            }
        }
        if *self.stopping.borrow() {
            return None;
        }
        let published = self.changes.borrow_and_update().clone();
        self.last = Some(Instant::now());
        Some(self.app.frames.frame(published).await)
    }
}
