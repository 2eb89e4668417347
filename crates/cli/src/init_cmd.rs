//! `starling init [PATH]` and `starling init --from-har FILE.har [-o PATH]`:
//! a scenario to start from, either a commented starter (the demo's
//! checkout journey, written for someone coming from Locust) or the
//! requests of a browser's recording. An existing file is never replaced
//! unless `--force` says so.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use crate::Failure;
use crate::exit::Exit;
use crate::har;

/// The commented starter; it validates and runs against the demo (the
/// e2e tests run it).
const STARTER: &str = include_str!("init_starter.yaml");

/// Writes the starter, or the conversion of `from_har`, to `path`.
pub(crate) fn init(path: &Path, from_har: Option<&Path>, force: bool) -> Result<Exit, Failure> {
    let (text, what) = match from_har {
        None => (STARTER.to_owned(), "a starter scenario".to_owned()),
        Some(har_path) => {
            let converted = har::convert_file(har_path)?;
            let what = format!(
                "{} requests from {} ({} captures; {} entries left out)",
                converted.requests,
                har_path.display(),
                converted.captures,
                converted.left_out
            );
            (converted.text, what)
        }
    };
    write(path, &text, force)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "wrote {}: {what}\nnext: starling validate {0}, then starling run {0}",
        path.display()
    )
    .map_err(|e| Failure::Runtime(e.to_string()))?;
    Ok(Exit::Ok)
}

/// Creates `path` with `text`; without `force`, an existing file is an
/// error (checked by the create itself, so nothing can slip in between).
fn write(path: &Path, text: &str, force: bool) -> Result<(), Failure> {
    let mut options = OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options.open(path).map_err(|e| {
        Failure::Input(match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} already exists; not overwriting it (--force replaces it, or give another path)",
                path.display()
            ),
            _ => format!("cannot write {}: {e}", path.display()),
        })
    })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .map_err(|e| Failure::Runtime(format!("cannot write {}: {e}", path.display())))
}
