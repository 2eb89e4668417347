//! The CA file is read only if it is a regular file, up to a cap (issue 17,
//! item 12): a FIFO would block `Client::new` for ever and `/dev/zero`
//! would grow memory until the process aborts.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use starling_http::{Client, ClientConfig};

/// What `Client::new` says about `ca_file`, or a panic after 10 s (a
/// blocked open fails the test instead of hanging the suite).
fn client_error(ca_file: &Path) -> String {
    let (tx, rx) = mpsc::channel();
    let config = ClientConfig {
        ca_file: Some(ca_file.to_owned()),
        ..ClientConfig::default()
    };
    std::thread::spawn(move || {
        let _ = tx.send(Client::new(config).err().map(|e| e.to_string()));
    });
    rx.recv_timeout(Duration::from_secs(10))
        .expect("Client::new blocked for 10 s")
        .expect("Client::new refused the CA file")
}

struct Folder(PathBuf);

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_fifo_as_the_ca_file_is_refused_without_blocking() {
    let dir = std::env::temp_dir().join(format!("starling-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dir = Folder(dir);
    let fifo = dir.0.join("ca.pem");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        client_error(&fifo),
        format!(
            "cannot read CA file {}: it is a FIFO (named pipe), not a regular file",
            fifo.display()
        )
    );
}

#[test]
fn dev_zero_as_the_ca_file_is_refused() {
    assert_eq!(
        client_error(Path::new("/dev/zero")),
        "cannot read CA file /dev/zero: it is a device, not a regular file"
    );
}
