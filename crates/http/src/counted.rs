//! A stream that counts the bytes it moves. An HTTP/2 connection owns its
//! stream and reads or writes whole frames for any stream (and for itself:
//! SETTINGS, PING, WINDOW_UPDATE), so the session cannot count at the call
//! site as it does for HTTP/1.1; it reads these counters before and after.

use std::cell::Cell;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::stream::Stream;

/// Bytes moved so far. Shared (`Rc`) between the stream, buried in the
/// HTTP/2 connection, and the session that reads them.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    pub(crate) sent: Cell<u64>,
    pub(crate) received: Cell<u64>,
}

#[derive(Debug)]
pub(crate) struct Counted {
    stream: Stream,
    counts: Rc<Counts>,
}

impl Counted {
    pub(crate) fn new(stream: Stream, counts: Rc<Counts>) -> Self {
        Counted { stream, counts }
    }
}

impl AsyncRead for Counted {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.stream).poll_read(cx, buf);
        let read = (buf.filled().len() - before) as u64;
        this.counts.received.set(this.counts.received.get() + read);
        result
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.stream).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = result {
            this.counts.sent.set(this.counts.sent.get() + n as u64);
        }
        result
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(n)) = result {
            this.counts.sent.set(this.counts.sent.get() + n as u64);
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
