//! Incremental gzip decoding (RFC 1952) over a raw-deflate state that the
//! worker pools: building an inflate state allocates and zeroes tens of
//! kilobytes, too much to pay per response.
//!
//! The member header is parsed here byte by byte (bodies arrive in arbitrary
//! pieces); the deflate stream's own integrity checks catch corruption. The
//! CRC32 and size trailer are read but not verified, because decoding stops
//! once the kept part of the body is full and the CRC could not be checked
//! then anyway. Bytes after the first member are ignored.

use flate2::{Decompress, FlushDecompress, Status};

const FEXTRA: u8 = 4;
const FNAME: u8 = 8;
const FCOMMENT: u8 = 16;
const FHCRC: u8 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Collecting the 10 fixed header bytes; the count so far.
    Fixed(u8),
    /// Reading the 2-byte FEXTRA length; bytes so far and value.
    ExtraLen(u8, u16),
    ExtraData(u16),
    Name,
    Comment,
    HeaderCrc(u8),
    Deflate,
    Trailer(u8),
    Done,
}

/// One gzip member being decoded.
#[derive(Debug)]
pub(crate) struct Gunzip {
    inflate: Decompress,
    state: State,
    flags: u8,
}

impl Gunzip {
    /// `inflate` must be a raw (no zlib header) state, fresh or reset.
    pub(crate) fn new(inflate: Decompress) -> Self {
        Gunzip {
            inflate,
            state: State::Fixed(0),
            flags: 0,
        }
    }

    /// Gives the inflate state back for reuse.
    pub(crate) fn into_inflate(mut self) -> Decompress {
        self.inflate.reset(false);
        self.inflate
    }

    /// True once the deflate stream ended (the trailer may still follow).
    pub(crate) fn finished(&self) -> bool {
        matches!(self.state, State::Trailer(_) | State::Done)
    }

    /// Decodes `input`, passing decoded bytes to `out`.
    pub(crate) fn push(
        &mut self,
        mut input: &[u8],
        out: &mut impl FnMut(&[u8]),
    ) -> Result<(), String> {
        while !input.is_empty() {
            if self.state == State::Deflate {
                input = self.inflate_some(input, out)?;
                continue;
            }
            let byte = input[0];
            input = &input[1..];
            self.header_byte(byte)?;
        }
        Ok(())
    }

    fn inflate_some<'a>(
        &mut self,
        input: &'a [u8],
        out: &mut impl FnMut(&[u8]),
    ) -> Result<&'a [u8], String> {
        let mut chunk = [0u8; 8 * 1024];
        let before_in = self.inflate.total_in();
        let before_out = self.inflate.total_out();
        let status = self
            .inflate
            .decompress(input, &mut chunk, FlushDecompress::None)
            .map_err(|e| format!("invalid gzip body: {e}"))?;
        let used = (self.inflate.total_in() - before_in) as usize;
        let made = (self.inflate.total_out() - before_out) as usize;
        out(&chunk[..made]);
        if status == Status::StreamEnd {
            self.state = State::Trailer(0);
        } else if used == 0 && made == 0 {
            return Err("invalid gzip body: no progress".into());
        }
        Ok(&input[used..])
    }

    fn header_byte(&mut self, byte: u8) -> Result<(), String> {
        self.state = match self.state {
            State::Fixed(n) => {
                match (n, byte) {
                    (0, 0x1f) | (1, 0x8b) | (2, 8) => {}
                    (0..=2, _) => return Err("invalid gzip body: bad header".into()),
                    (3, flags) => self.flags = flags,
                    _ => {}
                }
                if n < 9 {
                    State::Fixed(n + 1)
                } else {
                    self.after(FEXTRA - 1)
                }
            }
            State::ExtraLen(0, _) => State::ExtraLen(1, u16::from(byte)),
            State::ExtraLen(_, low) => {
                let len = low | (u16::from(byte) << 8);
                if len == 0 {
                    self.after(FEXTRA)
                } else {
                    State::ExtraData(len)
                }
            }
            State::ExtraData(left) => {
                if left > 1 {
                    State::ExtraData(left - 1)
                } else {
                    self.after(FEXTRA)
                }
            }
            State::Name => {
                if byte == 0 {
                    self.after(FNAME)
                } else {
                    State::Name
                }
            }
            State::Comment => {
                if byte == 0 {
                    self.after(FCOMMENT)
                } else {
                    State::Comment
                }
            }
            State::HeaderCrc(0) => State::HeaderCrc(1),
            State::HeaderCrc(_) => State::Deflate,
            State::Trailer(n) => {
                if n < 7 {
                    State::Trailer(n + 1)
                } else {
                    State::Done
                }
            }
            State::Deflate | State::Done => self.state,
        };
        Ok(())
    }

    /// The next header part after the one marked by `done` (the flag bit of
    /// the part just finished; `FEXTRA - 1` for the fixed header).
    fn after(&self, done: u8) -> State {
        let pending = |flag: u8| self.flags & flag != 0 && done < flag;
        if pending(FEXTRA) {
            State::ExtraLen(0, 0)
        } else if pending(FNAME) {
            State::Name
        } else if pending(FCOMMENT) {
            State::Comment
        } else if self.flags & FHCRC != 0 && done != FHCRC {
            State::HeaderCrc(0)
        } else {
            State::Deflate
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Gunzip;
    use flate2::{Compression, Decompress, GzBuilder};
    use proptest::prelude::*;
    use std::io::Write;

    fn gzip(data: &[u8], named: bool) -> Vec<u8> {
        let mut builder = GzBuilder::new();
        if named {
            builder = builder
                .filename("body.json")
                .comment("test")
                .extra(vec![1, 2, 3]);
        }
        let mut encoder = builder.write(Vec::new(), Compression::fast());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn gunzip(
        wire: &[u8],
        piece: usize,
        inflate: Decompress,
    ) -> (Result<Vec<u8>, String>, Decompress) {
        let mut gz = Gunzip::new(inflate);
        let mut out = Vec::new();
        let mut result = Ok(());
        for part in wire.chunks(piece.max(1)) {
            result = gz.push(part, &mut |d| out.extend_from_slice(d));
            if result.is_err() {
                break;
            }
        }
        let finished = gz.finished();
        let inflate = gz.into_inflate();
        match result {
            Err(e) => (Err(e), inflate),
            Ok(()) if !finished => (Err("truncated".into()), inflate),
            Ok(()) => (Ok(out), inflate),
        }
    }

    #[test]
    fn optional_header_fields_are_skipped_and_state_is_reused() {
        let plain: Vec<u8> = (0..20_000u32).map(|i| (i % 97) as u8).collect();
        let mut inflate = Decompress::new(false);
        for (named, piece) in [(true, 1), (false, 7), (true, 100_000)] {
            let (out, back) = gunzip(&gzip(&plain, named), piece, inflate);
            assert_eq!(out.unwrap(), plain);
            inflate = back;
        }
    }

    #[test]
    fn garbage_is_an_error() {
        let (out, _) = gunzip(
            b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage!",
            3,
            Decompress::new(false),
        );
        assert!(out.is_err());
        let (out, _) = gunzip(b"plain text", 3, Decompress::new(false));
        assert!(out.is_err());
    }

    proptest! {
        #[test]
        fn any_split_decodes(data in proptest::collection::vec(any::<u8>(), 0..5000), piece in 1usize..600, named in any::<bool>()) {
            let (out, _) = gunzip(&gzip(&data, named), piece, Decompress::new(false));
            prop_assert_eq!(out.unwrap(), data);
        }

        #[test]
        fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..600), piece in 1usize..50) {
            let mut wire = b"\x1f\x8b\x08".to_vec();
            wire.extend_from_slice(&data);
            let _ = gunzip(&wire, piece, Decompress::new(false));
        }
    }
}
