//! Where body bytes go: counted in full, kept only up to a limit, and
//! gzip-decoded on the way when the server compressed them. The decoder stops
//! being fed once the kept part is full, so neither a huge body nor a gzip
//! bomb can grow memory or burn CPU past the limit.

use bytes::Bytes;
use flate2::Decompress;

use crate::gunzip::Gunzip;

/// Keeps the first `limit` bytes and drops the rest.
#[derive(Debug)]
struct Limited {
    kept: Vec<u8>,
    limit: usize,
}

impl Limited {
    fn is_full(&self) -> bool {
        self.kept.len() >= self.limit
    }

    fn push(&mut self, data: &[u8]) {
        let room = self.limit - self.kept.len().min(self.limit);
        self.kept.extend_from_slice(&data[..data.len().min(room)]);
    }
}

/// Collects one response body.
#[derive(Debug)]
pub(crate) struct BodySink {
    kept: Limited,
    gzip: Option<Gunzip>,
    wire_len: u64,
    error: Option<String>,
}

/// A finished body, and the inflate state to give back to the pool.
#[derive(Debug)]
pub(crate) struct Finished {
    pub(crate) body: Bytes,
    pub(crate) wire_len: u64,
    pub(crate) inflate: Option<Decompress>,
}

impl BodySink {
    /// `inflate` (a raw-deflate state) makes this a gzip body. `size_hint`
    /// (the Content-Length, if any) sizes the first allocation.
    pub(crate) fn new(limit: usize, inflate: Option<Decompress>, size_hint: Option<u64>) -> Self {
        let hint = match inflate {
            Some(_) => 0,
            None => size_hint.map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX)),
        };
        BodySink {
            kept: Limited {
                kept: Vec::with_capacity(hint.min(limit)),
                limit,
            },
            gzip: inflate.map(Gunzip::new),
            wire_len: 0,
            error: None,
        }
    }

    pub(crate) fn push(&mut self, data: &[u8]) {
        self.wire_len += data.len() as u64;
        match &mut self.gzip {
            None => self.kept.push(data),
            Some(gzip) => {
                if self.error.is_none() && !self.kept.is_full() {
                    let kept = &mut self.kept;
                    if let Err(e) = gzip.push(data, &mut |out| kept.push(out)) {
                        self.error = Some(e);
                    }
                }
            }
        }
    }

    /// The kept (decoded) body and the wire length, or the gzip error.
    pub(crate) fn finish(self) -> Result<Finished, String> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let inflate = match self.gzip {
            None => None,
            Some(gzip) => {
                // Decoding stops on purpose once the kept part is full.
                if !gzip.finished() && !self.kept.is_full() {
                    return Err("invalid gzip body: truncated".into());
                }
                Some(gzip.into_inflate())
            }
        };
        Ok(Finished {
            body: Bytes::from(self.kept.kept),
            wire_len: self.wire_len,
            inflate,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::BodySink;
    use flate2::{Compression, Decompress, write::GzEncoder};
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn keeps_only_the_limit_but_counts_everything() {
        let mut sink = BodySink::new(10, None, Some(100));
        for _ in 0..10 {
            sink.push(&[7u8; 10]);
        }
        let done = sink.finish().unwrap();
        assert_eq!(done.body.len(), 10);
        assert_eq!(done.wire_len, 100);
    }

    #[test]
    fn gzip_is_decoded_in_pieces_and_bounded() {
        let plain: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
        let wire = gzip(&plain);
        let mut sink = BodySink::new(usize::MAX, Some(Decompress::new(false)), None);
        for piece in wire.chunks(333) {
            sink.push(piece);
        }
        let done = sink.finish().unwrap();
        assert_eq!(&done.body[..], &plain[..]);
        assert_eq!(done.wire_len, wire.len() as u64);
        assert!(done.inflate.is_some());

        let mut sink = BodySink::new(1000, done.inflate, None);
        sink.push(&wire);
        let done = sink.finish().unwrap();
        assert_eq!(&done.body[..], &plain[..1000]);
    }

    #[test]
    fn corrupt_or_truncated_gzip_is_an_error() {
        let mut sink = BodySink::new(1000, Some(Decompress::new(false)), None);
        sink.push(b"this is not gzip at all");
        assert!(sink.finish().is_err());
        let wire = gzip(&[5u8; 5000]);
        let mut sink = BodySink::new(100_000, Some(Decompress::new(false)), None);
        sink.push(&wire[..wire.len() / 2]);
        assert!(sink.finish().is_err());
    }
}
