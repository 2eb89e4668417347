//! Reading one HTTP/1.1 response off a stream: the head (1xx responses
//! skipped), then the body by its framing (none, Content-Length, chunked,
//! or until close) into a bounded [`BodySink`].

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::time::Instant;

use crate::body::BodySink;
use crate::chunked::ChunkedDecoder;
use crate::error::{Phase, TransportError};
use crate::head::{self, HeadFacts};
use crate::headers::Headers;
use crate::pool::{Lease, MAX_HEAD};
use crate::version::Protocol;

/// One response as read off the wire.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) headers: Headers,
    pub(crate) body: Bytes,
    pub(crate) body_len: u64,
    /// The connection may carry another request.
    pub(crate) reusable: bool,
    /// A `Set-Cookie` came (most responses have none: the jar is not
    /// consulted for them).
    pub(crate) sets_cookie: bool,
    pub(crate) protocol: Protocol,
}

/// Counters the caller keeps even when reading fails.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    pub(crate) received: u64,
    pub(crate) first_byte: Option<Instant>,
}

enum Framing {
    Empty,
    Length(u64),
    Chunked(ChunkedDecoder),
    Close,
}

/// Reads one response into `buf`, the lease the request was written from
/// (see [`first_read`]); its buffer may grow for a large head. `phase` is
/// updated so a timeout can say where it struck.
pub(crate) async fn read_response<R: AsyncRead + Unpin>(
    io: &mut R,
    buf: &mut Lease<'_>,
    head_request: bool,
    keep: usize,
    phase: &Cell<Phase>,
    progress: &mut Progress,
) -> Result<RawResponse, TransportError> {
    let pool = buf.pool();
    std::future::poll_fn(|cx| first_read(io, buf, cx)).await?;
    if !buf.is_empty() {
        progress.received += buf.len() as u64;
        progress.first_byte.get_or_insert_with(Instant::now);
    }
    // What has been read and not consumed is `buf[start..]`.
    let buf: &mut Vec<u8> = buf;
    let mut start = 0;
    let (status, headers, facts, mut reusable) = loop {
        if buf.len() > start {
            match head::parse(&buf[start..]) {
                Ok(Some(parsed)) => {
                    let status = parsed.status;
                    if (100..200).contains(&status) {
                        if status == 101 {
                            return Err(TransportError::protocol(
                                "unexpected 101 Switching Protocols",
                            ));
                        }
                        start += parsed.len;
                        continue;
                    }
                    let block = start + parsed.block.start..start + parsed.block.end;
                    let headers = Headers::from_block(&buf[block]);
                    start += parsed.len;
                    let reusable = parsed.facts.keeps_alive(parsed.http10);
                    break (status, headers, parsed.facts, reusable);
                }
                Ok(None) => {}
                Err(e) => {
                    return Err(TransportError::protocol(format!(
                        "invalid response head: {e}"
                    )));
                }
            }
        }
        if buf.len() == buf.capacity() {
            if start > 0 {
                buf.drain(..start);
                start = 0;
            } else if buf.len() < MAX_HEAD {
                let grown = (buf.len() * 2).min(MAX_HEAD);
                buf.reserve_exact(grown - buf.len());
            } else {
                return Err(TransportError::protocol("response head larger than 64 KiB"));
            }
        }
        if read_more(io, buf, progress).await? == 0 {
            return Err(TransportError::reset(if progress.received == 0 {
                "connection closed before any response byte"
            } else {
                "connection closed in the middle of the response head"
            }));
        }
    };

    phase.set(Phase::Body);
    let framing = framing(&facts, status, head_request);
    // The inflate state is large: none is built for a response without body.
    let gzip = !matches!(framing, Framing::Empty) && facts.gzip;
    let hint = match framing {
        Framing::Length(n) => Some(n),
        _ => None,
    };
    let mut sink = BodySink::new(keep, gzip.then(|| pool.take_inflate()), hint);
    match framing {
        Framing::Empty => {}
        Framing::Length(mut left) => loop {
            let take = left.min((buf.len() - start) as u64) as usize;
            sink.push(&buf[start..start + take]);
            start += take;
            left -= take as u64;
            if left == 0 {
                break;
            }
            start = 0;
            buf.clear();
            if read_more(io, buf, progress).await? == 0 {
                return Err(TransportError::reset(format!(
                    "connection closed with {left} body bytes missing"
                )));
            }
        },
        Framing::Chunked(mut decoder) => loop {
            let used = decoder
                .decode(&buf[start..], |data| sink.push(data))
                .map_err(|e| TransportError::protocol(format!("chunked body: {e}")))?;
            start += used;
            if decoder.is_done() {
                break;
            }
            start = 0;
            buf.clear();
            if read_more(io, buf, progress).await? == 0 {
                return Err(TransportError::reset(
                    "connection closed inside a chunked body",
                ));
            }
        },
        Framing::Close => {
            reusable = false;
            sink.push(&buf[start..]);
            loop {
                buf.clear();
                match read_more(io, buf, progress).await {
                    Ok(0) => break,
                    Ok(_) => sink.push(buf),
                    // TLS peers often end a close-delimited body without
                    // close_notify: the body is complete all the same.
                    Err(TransportError::Reset { .. }) => break,
                    Err(e) => return Err(e),
                }
            }
            start = 0;
        }
    }
    // Bytes after the response (a server that ignores framing) would be
    // read as the next response's head: close instead.
    if buf.len() > start {
        reusable = false;
    }
    let finished = sink.finish().map_err(TransportError::protocol)?;
    if let Some(inflate) = finished.inflate {
        pool.give_inflate(inflate);
    }
    Ok(RawResponse {
        status,
        headers,
        body: finished.body,
        body_len: finished.wire_len,
        reusable,
        sets_cookie: facts.sets_cookie,
        protocol: Protocol::Http11,
    })
}

/// The first read of a response, with a buffer held only for a poll that
/// finds bytes: while the server has not answered, a poll that finds none
/// gives the buffer back, so thousands of exchanges waiting for their
/// first byte hold no buffer (issue 17 item 11: 9,000 users started at
/// once held 9,000 of them, and glibc kept the heap after the burst).
///
/// The first poll, just after the request went out, reads into the buffer
/// the request was written from: when the answer is already there, one
/// buffer serves the whole exchange; when it is not (the usual case), it
/// goes back to the pool, and the poll that finds the answer takes one
/// again (the same one, on an otherwise idle worker).
fn first_read<R: AsyncRead + Unpin>(
    io: &mut R,
    buf: &mut Lease<'_>,
    cx: &mut Context<'_>,
) -> Poll<Result<(), TransportError>> {
    buf.refill();
    buf.clear();
    match pin!(io.read_buf(&mut **buf)).poll(cx) {
        Poll::Ready(Ok(_)) => Poll::Ready(Ok(())),
        Poll::Ready(Err(e)) => Poll::Ready(Err(TransportError::from_io(&e))),
        Poll::Pending => {
            buf.release();
            Poll::Pending
        }
    }
}

/// Reads what comes next into `buf`'s spare room (behind what it holds).
async fn read_more<R: AsyncRead + Unpin>(
    io: &mut R,
    buf: &mut Vec<u8>,
    progress: &mut Progress,
) -> Result<usize, TransportError> {
    let n = io
        .read_buf(buf)
        .await
        .map_err(|e| TransportError::from_io(&e))?;
    if n > 0 {
        progress.received += n as u64;
        progress.first_byte.get_or_insert_with(Instant::now);
    }
    Ok(n)
}

/// RFC 9112 section 6.3, in order: no body for HEAD, 204, 304; then
/// Transfer-Encoding (chunked last, or read until close); then
/// Content-Length; else until close.
fn framing(facts: &HeadFacts, status: u16, head_request: bool) -> Framing {
    if head_request || status == 204 || status == 304 {
        return Framing::Empty;
    }
    match (facts.transfer_chunked, facts.content_length) {
        (Some(true), _) => Framing::Chunked(ChunkedDecoder::new()),
        (Some(false), _) => Framing::Close,
        (None, Some(0)) => Framing::Empty,
        (None, Some(n)) => Framing::Length(n),
        (None, None) => Framing::Close,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::BufferPool;
    use proptest::prelude::*;
    use std::collections::VecDeque;
    use std::io;
    use std::pin::Pin;
    use tokio::io::ReadBuf;

    /// Hands out the wire in the given pieces, one per read, then EOF.
    struct Pieces(VecDeque<Vec<u8>>);

    impl AsyncRead for Pieces {
        fn poll_read(
            self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            let this = self.get_mut();
            if let Some(mut piece) = this.0.pop_front() {
                let n = piece.len().min(buf.remaining());
                buf.put_slice(&piece[..n]);
                if n < piece.len() {
                    this.0.push_front(piece.split_off(n));
                }
            }
            Poll::Ready(Ok(()))
        }
    }

    fn split(wire: &[u8], cuts: &[usize]) -> VecDeque<Vec<u8>> {
        let mut pieces = VecDeque::new();
        let mut rest = wire;
        let mut k = 0;
        while !rest.is_empty() {
            let n = cuts[k % cuts.len()].clamp(1, rest.len());
            k += 1;
            pieces.push_back(rest[..n].to_vec());
            rest = &rest[n..];
        }
        pieces
    }

    fn read(pieces: VecDeque<Vec<u8>>, keep: usize) -> Result<RawResponse, TransportError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| TransportError::protocol(e.to_string()))?;
        runtime.block_on(async {
            let mut io = Pieces(pieces);
            let phase = Cell::new(Phase::Headers);
            let mut progress = Progress::default();
            let pool = BufferPool::default();
            read_response(
                &mut io,
                &mut pool.lease(),
                false,
                keep,
                &phase,
                &mut progress,
            )
            .await
        })
    }

    fn encode(body: &[u8], framing: u8, sizes: &[usize]) -> Vec<u8> {
        let mut wire = b"HTTP/1.1 200 OK\r\nServer: test\r\n".to_vec();
        match framing {
            0 => {
                wire.extend_from_slice(
                    format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes(),
                );
                wire.extend_from_slice(body);
            }
            1 => {
                wire.extend_from_slice(b"Transfer-Encoding: chunked\r\n\r\n");
                let mut rest = body;
                let mut k = 0;
                while !rest.is_empty() {
                    let n = sizes[k % sizes.len()].clamp(1, rest.len());
                    k += 1;
                    wire.extend_from_slice(format!("{n:x}\r\n").as_bytes());
                    wire.extend_from_slice(&rest[..n]);
                    wire.extend_from_slice(b"\r\n");
                    rest = &rest[n..];
                }
                wire.extend_from_slice(b"0\r\nT: 1\r\n\r\n");
            }
            _ => {
                wire.extend_from_slice(b"\r\n");
                wire.extend_from_slice(body);
            }
        }
        wire
    }

    #[test]
    fn lenient_but_valid_heads_parse() {
        let cases: [(&[u8], &[u8]); 4] = [
            (b"HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok", b"ok"),
            (b"HTTP/1.1 200 OK\ncontent-length: 2\n\nok", b"ok"),
            (b"HTTP/1.0 200 OK\r\n\r\nuntil close", b"until close"),
            (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 99\r\n\r\n2\r\nok\r\n0\r\n\r\n", b"ok"),
        ];
        for (wire, body) in cases {
            let response = read(VecDeque::from([wire.to_vec()]), 100).unwrap();
            assert_eq!(
                &response.body[..],
                body,
                "{}",
                String::from_utf8_lossy(wire)
            );
        }
    }

    /// The response is read into the buffer the request was written from
    /// (what it still holds is stale), growing past its room when the head
    /// does not fit; one buffer serves the exchange when the answer is
    /// there at once.
    #[test]
    fn the_request_buffer_carries_the_response() {
        let mut wire = b"HTTP/1.1 200 OK\r\n".to_vec();
        let filler = "v".repeat(200);
        for i in 0..100 {
            wire.extend_from_slice(format!("x-filler-{i}: {filler}{i}\r\n").as_bytes());
        }
        let head_len = wire.len() + 2;
        assert!(head_len > crate::pool::BUF_SIZE);
        let body: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        wire.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
        wire.extend_from_slice(&body);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let pool = BufferPool::default();
        let response = runtime.block_on(async {
            let mut sent = pool.lease();
            sent.extend_from_slice(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            let mut io = Pieces(split(&wire, &[7_000]));
            read_response(
                &mut io,
                &mut sent,
                false,
                usize::MAX,
                &Cell::new(Phase::Headers),
                &mut Progress::default(),
            )
            .await
            .unwrap()
        });
        assert!(
            response
                .headers
                .get_str("x-filler-99")
                .unwrap()
                .ends_with("v99")
        );
        assert_eq!(&response.body[..], &body[..]);
        assert_eq!(pool.made(), 1);
    }

    #[test]
    fn http10_keeps_alive_only_when_asked() {
        let plain = read(
            VecDeque::from([b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec()]),
            10,
        )
        .unwrap();
        assert!(!plain.reusable);
        let asked = read(
            VecDeque::from([
                b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n".to_vec(),
            ]),
            10,
        )
        .unwrap();
        assert!(asked.reusable);
        let closing = read(
            VecDeque::from([
                b"HTTP/1.1 200 OK\r\nConnection: foo, close\r\nContent-Length: 0\r\n\r\n".to_vec(),
            ]),
            10,
        )
        .unwrap();
        assert!(!closing.reusable);
    }

    proptest! {
        #[test]
        fn any_framing_and_split_parses_to_the_body(
            body in proptest::collection::vec(any::<u8>(), 0..40_000),
            framing in 0u8..3,
            sizes in proptest::collection::vec(1usize..5000, 1..6),
            cuts in proptest::collection::vec(1usize..20_000, 1..20),
            keep in 0usize..50_000,
        ) {
            let wire = encode(&body, framing, &sizes);
            let response = read(split(&wire, &cuts), keep).unwrap();
            prop_assert_eq!(response.status, 200);
            prop_assert_eq!(response.body_len, body.len() as u64);
            prop_assert_eq!(&response.body[..], &body[..keep.min(body.len())]);
            prop_assert_eq!(response.reusable, framing != 2);
        }

        #[test]
        fn random_bytes_never_panic(
            prefix in 0usize..3,
            noise in proptest::collection::vec(any::<u8>(), 0..2000),
            cuts in proptest::collection::vec(1usize..300, 1..10),
        ) {
            let heads: [&[u8]; 3] = [
                b"",
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n",
            ];
            let mut wire = heads[prefix].to_vec();
            wire.extend_from_slice(&noise);
            let _ = read(split(&wire, &cuts), 100);
        }
    }
}
