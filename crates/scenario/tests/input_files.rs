//! Files a scenario names are read only if they are regular files, up to a
//! cap (issue 17, item 12): a FIFO used to block `validate` forever and
//! `/dev/zero` as a CSV grew to 2.2 GB before the process aborted.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

/// A fresh, empty folder for one test, removed when the test ends.
struct Folder(PathBuf);

impl Folder {
    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn folder(test: &str) -> Folder {
    let dir = std::env::temp_dir().join(format!("starling-input-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Folder(dir)
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// What `starling validate` says about the scenario at `path`, or a panic
/// if it has not answered within 10 s (a FIFO would block it for ever, so
/// the regression fails here instead of hanging the suite).
fn validate(path: &Path) -> String {
    let (tx, rx) = mpsc::channel();
    let path = path.to_owned();
    std::thread::spawn(move || {
        let out = match starling_scenario::load(&path) {
            Ok(_) => "ok".to_owned(),
            Err(diagnostics) => diagnostics.to_string(),
        };
        let _ = tx.send(out);
    });
    rx.recv_timeout(Duration::from_secs(10))
        .expect("loading the scenario blocked for 10 s")
}

/// A scenario that reads the data source `d` from `csv`.
fn with_data(csv: &str) -> String {
    format!(
        r#"target: http://127.0.0.1:8000
load: {{ users: 1, duration: 1s }}
data:
  d: {{ csv: "{csv}" }}
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: "/a/{{{{ d.id }}}}"
"#
    )
}

#[test]
fn a_fifo_as_the_scenario_file_is_refused_without_blocking() {
    let dir = folder("fifo-scenario");
    let path = dir.join("scenario.yaml");
    mkfifo(&path);
    assert_eq!(
        validate(&path),
        format!(
            "{}: error: cannot read the scenario file: it is a FIFO (named pipe), not a regular file",
            path.display()
        )
    );
}

#[test]
fn a_fifo_as_a_data_file_is_refused_without_blocking() {
    let dir = folder("fifo-data");
    let fifo = dir.join("rows.csv");
    mkfifo(&fifo);
    let path = dir.join("scenario.yaml");
    std::fs::write(&path, with_data("rows.csv")).unwrap();
    let out = validate(&path);
    assert!(
        out.contains(&format!(
            "error: data file `{}`: it is a FIFO (named pipe), not a regular file",
            fifo.display()
        )),
        "{out}"
    );
    assert!(out.contains(":4:13:"), "located at the `csv` value: {out}");
}

#[test]
fn dev_zero_as_a_data_file_is_refused() {
    let dir = folder("dev-zero");
    let path = dir.join("scenario.yaml");
    std::fs::write(&path, with_data("/dev/zero")).unwrap();
    let out = validate(&path);
    assert!(
        out.contains("error: data file `/dev/zero`: it is a device, not a regular file"),
        "{out}"
    );
}

#[test]
fn a_directory_as_the_scenario_file_is_refused() {
    let dir = folder("dir-scenario");
    assert_eq!(
        validate(&dir.0),
        format!(
            "{}: error: cannot read the scenario file: it is a directory, not a regular file",
            dir.0.display()
        )
    );
}

#[test]
fn files_over_their_cap_are_refused_before_they_are_read() {
    // Sparse files: their length is past the cap but they take no space.
    let dir = folder("too-large");
    let scenario = dir.join("big.yaml");
    let file = std::fs::File::create(&scenario).unwrap();
    file.set_len(starling_scenario::MAX_SCENARIO_BYTES + 1)
        .unwrap();
    assert_eq!(
        validate(&scenario),
        format!(
            "{}: error: cannot read the scenario file: it is larger than the 64 MiB limit",
            scenario.display()
        )
    );

    let csv = dir.join("big.csv");
    let file = std::fs::File::create(&csv).unwrap();
    file.set_len(starling_scenario::MAX_DATA_BYTES + 1).unwrap();
    let path = dir.join("scenario.yaml");
    std::fs::write(&path, with_data("big.csv")).unwrap();
    let out = validate(&path);
    assert!(
        out.contains(&format!(
            "error: data file `{}`: it is larger than the 1 GiB limit",
            csv.display()
        )),
        "{out}"
    );
}
