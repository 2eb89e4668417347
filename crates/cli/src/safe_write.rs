//! Writing output files so they can be trusted: every path is checked
//! before any load is sent, and each file is written to a temporary file
//! beside it, flushed to disk, then renamed over the target, so a full disk
//! or a kill leaves the previous file intact and never half a file.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::Failure;

/// Checks that `path` (given as `flag`) can be written: its folder exists
/// and takes a new file, and the path is not a folder. Exit 2 otherwise,
/// before the run.
pub(crate) fn check_writable(flag: &str, path: &Path) -> Result<(), Failure> {
    let bad = |why: String| Failure::Input(format!("{flag} {}: {why}", path.display()));
    if path.is_dir() {
        return Err(bad("is a directory; give a file name".into()));
    }
    let dir = folder_of(path);
    if !dir.is_dir() {
        return Err(bad(format!("the folder {} does not exist", dir.display())));
    }
    let probe = temp_path(path, "check");
    match File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(bad(format!("cannot write in {}: {e}", dir.display()))),
    }
}

/// Writes a file through `write`, atomically: temp file, flush, fsync,
/// rename. The previous file survives any failure.
pub(crate) fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let temp = temp_path(path, "tmp");
    let result = (|| {
        let mut out = BufWriter::new(File::create(&temp)?);
        write(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// A hidden name beside `path`, unique to this process, so a rename never
/// crosses file systems and two runs never share a temporary file.
fn temp_path(path: &Path, what: &str) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    folder_of(path).join(format!(".{name}.{what}-{}", std::process::id()))
}
