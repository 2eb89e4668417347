//! An HTTP/2 connection that needs no task of its own: the `h2` connection
//! future is polled together with the request, only while a request is in
//! flight. Sessions live on a current-thread runtime (perhaps without a
//! `LocalSet`), and a spawned task per virtual user would cost memory; a
//! virtual user is sequential anyway, so there is one stream at a time and
//! nothing to multiplex. While idle nobody polls the connection: whatever
//! the server sent meanwhile (PING, SETTINGS, GOAWAY, a close) is handled on
//! the next use, first by [`Http2::is_open`], then by the stale-connection
//! retry in `session`.

use std::cell::Cell;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use h2::Reason;
use h2::client::{Connection, SendRequest};
use http::header::{CONTENT_ENCODING, CONTENT_LENGTH, SET_COOKIE};
use tokio::time::Instant;

use crate::body::BodySink;
use crate::counted::{Counted, Counts};
use crate::error::{Phase, TransportError};
use crate::headers::Headers;
use crate::http2_head::Reuse;
use crate::pool::BufferPool;
use crate::read::RawResponse;
use crate::stream::Stream;
use crate::version::Protocol;

/// Flow-control windows we grant the server, per stream and per
/// connection. The default 64 KiB costs a round trip per 32 KiB of a large
/// body; the body is read as it comes, so at most this much waits in `h2`.
const WINDOW: u32 = 1024 * 1024;
/// Largest response head accepted, as for HTTP/1.1.
const MAX_HEAD: u32 = 64 * 1024;
/// Request body bytes handed to `h2` at a time.
const SEND_CHUNK: usize = 64 * 1024;
/// A connection answered within this long is not looked at before reuse
/// (`Http2::is_open`): the next step of a user without think time comes
/// within microseconds; a server closes a connection it left idle far
/// later than this.
const RECENTLY_USED: std::time::Duration = std::time::Duration::from_millis(10);

/// One HTTP/2 connection kept by a session (boxed there: `h2`'s state is
/// large and an HTTP/1.1 connection should not pay for it).
pub(crate) struct Http2 {
    send: SendRequest<Bytes>,
    conn: Connection<Counted, Bytes>,
    counts: Rc<Counts>,
    /// What of `counts` earlier exchanges already reported.
    reported_sent: u64,
    reported_received: u64,
    /// What this connection's requests share, for building the next.
    pub(crate) reuse: Reuse,
    /// When the last response head arrived.
    last_answer: Option<Instant>,
}

impl std::fmt::Debug for Http2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http2")
            .field("counts", &self.counts)
            .finish_non_exhaustive()
    }
}

/// A connection's counts as they stood when an exchange began.
#[derive(Debug)]
pub(crate) struct Unreported {
    counts: Rc<Counts>,
    sent: u64,
    received: u64,
}

impl Unreported {
    /// Bytes moved since: (sent, received).
    pub(crate) fn since(&self) -> (u64, u64) {
        (
            self.counts.sent.get() - self.sent,
            self.counts.received.get() - self.received,
        )
    }
}

/// What one request on the connection came to.
#[derive(Debug)]
pub(crate) struct Attempt {
    pub(crate) result: Result<RawResponse, TransportError>,
    /// It failed before the response head, in the way a connection the
    /// server had already closed or was closing fails: safe to send again.
    pub(crate) stale: bool,
    pub(crate) sent: u64,
    pub(crate) received: u64,
    /// When the response head arrived.
    pub(crate) first_byte: Option<Instant>,
}

/// Why the request failed: `h2`'s own error (to tell a stale connection
/// from the rest) or ours.
enum Failure {
    H2(h2::Error),
    Other(TransportError),
}

impl From<h2::Error> for Failure {
    fn from(error: h2::Error) -> Self {
        Failure::H2(error)
    }
}

impl Http2 {
    /// Sends the connection preface (without waiting for an answer: the
    /// server's SETTINGS are read along with the first response).
    pub(crate) async fn handshake(stream: Stream) -> Result<Http2, TransportError> {
        let counts = Rc::new(Counts::default());
        let io = Counted::new(stream, Rc::clone(&counts));
        let (send, conn) = h2::client::Builder::new()
            .enable_push(false)
            .initial_window_size(WINDOW)
            .initial_connection_window_size(WINDOW)
            .max_header_list_size(MAX_HEAD)
            .handshake(io)
            .await
            .map_err(transport_error)?;
        Ok(Http2 {
            send,
            conn,
            counts,
            reported_sent: 0,
            reported_received: 0,
            reuse: Reuse::default(),
            last_answer: None,
        })
    }

    /// Processes what the server sent while the connection sat idle and
    /// says whether it can still carry a request. A GOAWAY or a close seen
    /// here costs nothing; one that arrives later is met by the retry.
    pub(crate) fn is_open(&mut self) -> bool {
        // Just used, as a user without think time uses it: the exchange
        // polls the connection before it sends anyway, and a GOAWAY read
        // there is met by the retry. Skipping this poll saves 3% of such a
        // request's instructions; the look is for connections left idle,
        // which is when servers close them.
        if self
            .last_answer
            .is_some_and(|at| at.elapsed() < RECENTLY_USED)
        {
            return true;
        }
        // Nothing waits on this poll: a no-op waker is enough.
        let mut cx = Context::from_waker(Waker::noop());
        Pin::new(&mut self.conn).poll(&mut cx).is_pending()
            && !matches!(self.send.poll_ready(&mut cx), Poll::Ready(Err(_)))
    }

    /// The byte counts and what of them is reported already: should the
    /// exchange be dropped (a timeout), the session counts the rest itself.
    pub(crate) fn unreported(&self) -> Unreported {
        Unreported {
            counts: self.counts.clone(),
            sent: self.reported_sent,
            received: self.reported_received,
        }
    }

    /// Sends `request` with `body` and reads the response, polling the
    /// connection meanwhile.
    pub(crate) async fn exchange(
        &mut self,
        request: http::Request<()>,
        body: &[u8],
        keep: usize,
        pool: &BufferPool,
        phase: &Cell<Phase>,
    ) -> Attempt {
        let head_at = Cell::new(None);
        let Http2 { send, conn, .. } = self;
        let mut conn_done = false;
        let mut work = pin!(request_on(send, request, body, keep, pool, phase, &head_at));
        let result = poll_fn(|cx| {
            if !conn_done && Pin::new(&mut *conn).poll(cx).is_ready() {
                conn_done = true;
            }
            let Poll::Ready(result) = work.as_mut().poll(cx) else {
                return Poll::Pending;
            };
            // Send what finishing the stream queued (window updates).
            if !conn_done && Pin::new(&mut *conn).poll(cx).is_ready() {
                conn_done = true;
            }
            Poll::Ready(result)
        })
        .await;
        let sent = self.counts.sent.get() - self.reported_sent;
        let received = self.counts.received.get() - self.reported_received;
        self.reported_sent += sent;
        self.reported_received += received;
        let first_byte = head_at.get();
        self.last_answer = first_byte;
        let (result, stale) = match result {
            Ok(mut raw) => {
                raw.reusable = !conn_done;
                (Ok(raw), false)
            }
            Err(Failure::H2(error)) => {
                let stale = first_byte.is_none() && connection_gone(&error);
                (Err(transport_error(error)), stale)
            }
            Err(Failure::Other(error)) => (Err(error), false),
        };
        Attempt {
            result,
            stale,
            sent,
            received,
            first_byte,
        }
    }
}

/// One request on one stream, to the end of its response body.
async fn request_on(
    send: &mut SendRequest<Bytes>,
    request: http::Request<()>,
    body: &[u8],
    keep: usize,
    pool: &BufferPool,
    phase: &Cell<Phase>,
    head_at: &Cell<Option<Instant>>,
) -> Result<RawResponse, Failure> {
    phase.set(Phase::Write);
    poll_fn(|cx| send.poll_ready(cx)).await?;
    let (response, mut stream) = send.send_request(request, body.is_empty())?;
    let mut rest = body;
    while !rest.is_empty() {
        // Only what the server's window allows is handed over, so a large
        // body is not buffered whole inside `h2`.
        stream.reserve_capacity(rest.len().min(SEND_CHUNK));
        let granted = match poll_fn(|cx| stream.poll_capacity(cx)).await {
            Some(granted) => granted?,
            None => {
                return Err(Failure::Other(TransportError::reset(
                    "the server closed the stream before the request body was sent",
                )));
            }
        };
        let n = granted.min(rest.len());
        if n > 0 {
            stream.send_data(Bytes::copy_from_slice(&rest[..n]), n == rest.len())?;
            rest = &rest[n..];
        }
    }

    phase.set(Phase::Headers);
    let response = response.await?;
    head_at.set(Some(Instant::now()));
    phase.set(Phase::Body);
    let (parts, mut recv) = response.into_parts();
    let headers = parts.headers;
    // The inflate state is large: none is built for a response without body.
    let gzip = !recv.is_end_stream()
        && headers.get(CONTENT_ENCODING).is_some_and(|v| {
            v.as_bytes().eq_ignore_ascii_case(b"gzip")
                || v.as_bytes().eq_ignore_ascii_case(b"x-gzip")
        });
    let hint = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let mut sink = BodySink::new(keep, gzip.then(|| pool.take_inflate()), hint);
    while let Some(chunk) = recv.data().await {
        let chunk = chunk?;
        sink.push(&chunk);
        // Give the window back as we go, so a body larger than the window
        // keeps flowing. Fails only if the stream is already gone.
        let _ = recv.flow_control().release_capacity(chunk.len());
    }
    let finished = sink
        .finish()
        .map_err(|e| Failure::Other(TransportError::protocol(e)))?;
    if let Some(inflate) = finished.inflate {
        pool.give_inflate(inflate);
    }
    Ok(RawResponse {
        status: parts.status.as_u16(),
        sets_cookie: headers.contains_key(SET_COOKIE),
        headers: Headers::from_map(&headers),
        body: finished.body,
        body_len: finished.wire_len,
        reusable: true,
        protocol: Protocol::Http2,
    })
}

/// The failures a connection the server closed, or was closing, shows
/// before it answered: the request never reached the application.
fn connection_gone(error: &h2::Error) -> bool {
    error.is_io()
        || (error.is_go_away() && error.is_remote())
        || (error.is_reset() && error.is_remote() && error.reason() == Some(Reason::REFUSED_STREAM))
}

/// Maps `h2`'s error to ours: socket failures as for HTTP/1.1, a stream or
/// connection the server reset to `Reset`, a violation `h2` detected to
/// `Protocol`.
pub(crate) fn transport_error(error: h2::Error) -> TransportError {
    if let Some(io) = error.get_io() {
        return TransportError::from_io(io);
    }
    let reason = error
        .reason()
        .map_or_else(|| "unknown".to_owned(), |r| format!("{r:?}"));
    if error.is_remote() && error.is_reset() {
        TransportError::reset(format!("HTTP/2 stream reset by the server ({reason})"))
    } else if error.is_remote() && error.is_go_away() {
        TransportError::reset(format!(
            "HTTP/2 connection closed by the server (GOAWAY {reason})"
        ))
    } else {
        TransportError::protocol(format!("HTTP/2: {error}"))
    }
}
