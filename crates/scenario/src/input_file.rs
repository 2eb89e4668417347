//! Opening the files a scenario names (the scenario itself, its CSV data
//! files): regular files only, read up to a cap.
//!
//! A FIFO given as a file blocks `open` until a writer comes, so a scenario
//! or data path that is one would hang `validate` and `run` forever; a
//! device like `/dev/zero` never ends and grows memory until the process
//! aborts. The type is therefore checked before the file is opened, and the
//! bytes read are counted against a cap so a file that grows while it is
//! read is stopped too.

use std::fmt;
use std::fs::{File, FileType, Metadata};
use std::io::{self, Read};
use std::path::Path;

/// The largest scenario file read: 64 MiB (a scenario is a few KiB; this
/// leaves room for generated ones).
pub const MAX_SCENARIO_BYTES: u64 = 64 * 1024 * 1024;

/// The largest data (CSV) file read: 1 GiB. All rows are held in memory for
/// the run, so a larger file is better split or sampled.
pub const MAX_DATA_BYTES: u64 = 1024 * 1024 * 1024;

/// Why a file was not read. Each reads after "the data file `x`: ".
#[derive(Debug)]
pub(crate) enum InputError {
    NotFound,
    /// A directory, FIFO, device or socket, in words.
    NotRegular(&'static str),
    /// Larger than this cap in bytes.
    TooLarge(u64),
    Io(io::Error),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::NotFound => f.write_str("file not found"),
            InputError::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            InputError::TooLarge(cap) => write!(f, "{}", too_large(*cap)),
            InputError::Io(err) => write!(f, "{err}"),
        }
    }
}

impl From<io::Error> for InputError {
    fn from(err: io::Error) -> Self {
        match err.kind() {
            io::ErrorKind::NotFound => InputError::NotFound,
            _ => InputError::Io(err),
        }
    }
}

/// Opens `path` for reading if it is a regular file (symlinks followed) no
/// larger than `cap` bytes; reading more than `cap` from it is an error.
pub(crate) fn open(path: &Path, cap: u64) -> Result<Capped<File>, InputError> {
    // `metadata` does not open the file, so it cannot block on a FIFO.
    check(&std::fs::metadata(path)?, cap)?;
    let file = File::open(path)?;
    // The path may have been replaced between the two looks; the open file
    // is what is read, so check it again.
    check(&file.metadata()?, cap)?;
    Ok(Capped {
        inner: file,
        left: cap,
        cap,
    })
}

/// Reads a whole text file through [`open`].
pub(crate) fn read_to_string(path: &Path, cap: u64) -> Result<String, InputError> {
    let mut file = open(path, cap)?;
    let mut text = String::new();
    file.read_to_string(&mut text)?;
    Ok(text)
}

fn check(meta: &Metadata, cap: u64) -> Result<(), InputError> {
    if !meta.file_type().is_file() {
        return Err(InputError::NotRegular(kind(meta.file_type())));
    }
    if meta.len() > cap {
        return Err(InputError::TooLarge(cap));
    }
    Ok(())
}

fn too_large(cap: u64) -> String {
    format!("it is larger than the {} limit", bytes(cap))
}

/// A cap in the unit it was chosen in.
fn bytes(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if n >= 1024 * MIB && n.is_multiple_of(1024 * MIB) {
        format!("{} GiB", n / (1024 * MIB))
    } else if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else {
        format!("{n} bytes")
    }
}

/// What a file that is not a regular file is, in words.
fn kind(file_type: FileType) -> &'static str {
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// A reader that fails, rather than goes on, once more than `cap` bytes
/// have come out of it: silently truncating would parse half a file.
#[derive(Debug)]
pub(crate) struct Capped<R> {
    inner: R,
    left: u64,
    cap: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // Ask for one byte past the cap, so reaching it exactly is not an
        // error but going beyond it is.
        let room = usize::try_from(self.left.saturating_add(1)).unwrap_or(usize::MAX);
        let want = buf.len().min(room);
        let n = self.inner.read(&mut buf[..want])?;
        let n64 = n as u64;
        if n64 > self.left {
            return Err(io::Error::other(too_large(self.cap)));
        }
        self.left -= n64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_past_its_cap_fails_and_one_at_its_cap_does_not() {
        let mut at = Capped {
            inner: &b"abcd"[..],
            left: 4,
            cap: 4,
        };
        let mut out = Vec::new();
        assert_eq!(at.read_to_end(&mut out).unwrap(), 4);

        let mut past = Capped {
            inner: &b"abcde"[..],
            left: 4,
            cap: 4,
        };
        let err = past.read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(err.to_string(), "it is larger than the 4 bytes limit");
    }

    #[test]
    fn caps_are_named_in_their_unit() {
        assert_eq!(bytes(MAX_SCENARIO_BYTES), "64 MiB");
        assert_eq!(bytes(MAX_DATA_BYTES), "1 GiB");
    }
}
