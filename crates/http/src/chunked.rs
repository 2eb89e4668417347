//! The `Transfer-Encoding: chunked` decoder: a byte-level state machine fed
//! whatever a read returned, so chunk boundaries may fall anywhere.

/// Longest chunk-extension or trailer line accepted, so a hostile server
/// cannot make us scan forever without progress.
const MAX_LINE: usize = 8 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Size,
    Extension,
    SizeLf,
    Data,
    DataCr,
    DataLf,
    TrailerStart,
    TrailerLine,
    EndLf,
    Done,
}

/// Decodes a chunked body incrementally. Trailers are read and discarded.
#[derive(Debug, Clone)]
pub(crate) struct ChunkedDecoder {
    state: State,
    /// Bytes left in the current chunk, or the size being parsed.
    size: u64,
    digits: u8,
    line: usize,
}

impl ChunkedDecoder {
    pub(crate) fn new() -> Self {
        ChunkedDecoder {
            state: State::Size,
            size: 0,
            digits: 0,
            line: 0,
        }
    }

    pub(crate) fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Consumes `input`, passing body data to `data`. Returns how many bytes
    /// were consumed: all of them unless the body ended inside `input`.
    pub(crate) fn decode(
        &mut self,
        input: &[u8],
        mut data: impl FnMut(&[u8]),
    ) -> Result<usize, String> {
        let mut i = 0;
        while i < input.len() {
            if self.state == State::Data {
                let take = (input.len() - i).min(usize::try_from(self.size).unwrap_or(usize::MAX));
                data(&input[i..i + take]);
                i += take;
                self.size -= take as u64;
                if self.size == 0 {
                    self.state = State::DataCr;
                }
                continue;
            }
            let byte = input[i];
            i += 1;
            self.step(byte)?;
            if self.state == State::Done {
                break;
            }
        }
        Ok(i)
    }

    fn step(&mut self, byte: u8) -> Result<(), String> {
        self.state = match self.state {
            State::Size => match byte {
                b'0'..=b'9' | b'a'..=b'f' | b'A'..=b'F' => {
                    if self.digits == 16 {
                        return Err("chunk size too large".into());
                    }
                    self.digits += 1;
                    self.size = self.size * 16 + u64::from(hex_value(byte));
                    State::Size
                }
                _ if self.digits == 0 => {
                    return Err(format!("invalid chunk size byte 0x{byte:02x}"));
                }
                b';' | b' ' | b'\t' => {
                    self.line = 0;
                    State::Extension
                }
                b'\r' => State::SizeLf,
                b'\n' => self.after_size(),
                _ => return Err(format!("invalid chunk size byte 0x{byte:02x}")),
            },
            State::Extension => match byte {
                b'\r' => State::SizeLf,
                b'\n' => self.after_size(),
                _ => {
                    self.line += 1;
                    if self.line > MAX_LINE {
                        return Err("chunk extension too long".into());
                    }
                    State::Extension
                }
            },
            State::SizeLf => match byte {
                b'\n' => self.after_size(),
                _ => return Err("expected LF after chunk size".into()),
            },
            State::DataCr => match byte {
                b'\r' => State::DataLf,
                b'\n' => self.next_size(),
                _ => return Err("expected CRLF after chunk data".into()),
            },
            State::DataLf => match byte {
                b'\n' => self.next_size(),
                _ => return Err("expected LF after chunk data".into()),
            },
            State::TrailerStart => match byte {
                b'\r' => State::EndLf,
                b'\n' => State::Done,
                _ => {
                    self.line = 1;
                    State::TrailerLine
                }
            },
            State::TrailerLine => match byte {
                b'\n' => State::TrailerStart,
                _ => {
                    self.line += 1;
                    if self.line > MAX_LINE {
                        return Err("chunked trailer line too long".into());
                    }
                    State::TrailerLine
                }
            },
            State::EndLf => match byte {
                b'\n' => State::Done,
                _ => return Err("expected LF after chunked trailers".into()),
            },
            // `decode` handles Data in bulk and stops at Done.
            State::Data | State::Done => self.state,
        };
        Ok(())
    }

    fn after_size(&mut self) -> State {
        if self.size == 0 {
            State::TrailerStart
        } else {
            State::Data
        }
    }

    fn next_size(&mut self) -> State {
        self.size = 0;
        self.digits = 0;
        State::Size
    }
}

fn hex_value(byte: u8) -> u8 {
    match byte {
        b'0'..=b'9' => byte - b'0',
        b'a'..=b'f' => byte - b'a' + 10,
        _ => byte - b'A' + 10,
    }
}

#[cfg(test)]
mod tests {
    use super::ChunkedDecoder;
    use proptest::prelude::*;

    fn decode_all(pieces: &[&[u8]]) -> Result<(Vec<u8>, bool, usize), String> {
        let mut decoder = ChunkedDecoder::new();
        let mut body = Vec::new();
        let mut leftover = 0;
        for piece in pieces {
            if decoder.is_done() {
                leftover += piece.len();
                continue;
            }
            let used = decoder.decode(piece, |d| body.extend_from_slice(d))?;
            leftover += piece.len() - used;
        }
        Ok((body, decoder.is_done(), leftover))
    }

    #[test]
    fn decodes_chunks_extensions_and_trailers() {
        let wire = b"5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT";
        let (body, done, leftover) = decode_all(&[wire]).unwrap();
        assert_eq!(body, b"hello world");
        assert!(done);
        assert_eq!(leftover, 4);
    }

    #[test]
    fn rejects_bad_size_and_missing_crlf() {
        assert!(decode_all(&[b"zz\r\n"]).is_err());
        assert!(decode_all(&[b"2\r\nabX"]).is_err());
        assert!(decode_all(&[b"11111111111111111\r\n"]).is_err());
    }

    fn encode(body: &[u8], sizes: &[usize], trailer: bool) -> Vec<u8> {
        let mut wire = Vec::new();
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
        wire.extend_from_slice(b"0\r\n");
        if trailer {
            wire.extend_from_slice(b"Trailer-A: x\r\n");
        }
        wire.extend_from_slice(b"\r\n");
        wire
    }

    proptest! {
        #[test]
        fn any_framing_and_split_gives_the_body(
            body in proptest::collection::vec(any::<u8>(), 0..3000),
            sizes in proptest::collection::vec(1usize..700, 1..8),
            cuts in proptest::collection::vec(1usize..200, 1..30),
            trailer in any::<bool>(),
        ) {
            let wire = encode(&body, &sizes, trailer);
            let mut pieces = Vec::new();
            let mut rest = &wire[..];
            let mut k = 0;
            while !rest.is_empty() {
                let n = cuts[k % cuts.len()].min(rest.len());
                k += 1;
                pieces.push(&rest[..n]);
                rest = &rest[n..];
            }
            let (decoded, done, leftover) = decode_all(&pieces).unwrap();
            prop_assert_eq!(decoded, body);
            prop_assert!(done);
            prop_assert_eq!(leftover, 0);
        }

        #[test]
        fn random_bytes_never_panic(input in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode_all(&[&input]);
        }
    }
}
