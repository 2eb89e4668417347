//! A real nginx (Debian's nginx-light) on 127.0.0.1 for tests that must
//! see what a server received, logging each request's trace headers.
//! Without an nginx binary the caller skips, unless
//! `STARLING_REQUIRE_NGINX=1` (as .ci/run sets after installing it),
//! when it fails.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One logged request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub method: String,
    pub uri: String,
    /// `None` when the request carried no such header.
    pub traceparent: Option<String>,
    pub baggage: Option<String>,
}

/// A running nginx; stopped when dropped.
#[derive(Debug)]
pub struct Nginx {
    pub url: String,
    dir: PathBuf,
    child: Child,
}

fn binary() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").into_iter().flat_map(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("nginx"))
            .collect::<Vec<_>>()
    });
    on_path
        .chain([PathBuf::from("/usr/sbin/nginx")])
        .find(|path| path.is_file())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Nginx {
    /// Starts nginx with `locations` (nginx `location` blocks) in its
    /// server, or says SKIPPED and returns `None` if there is no nginx.
    pub fn start(test: &str, locations: &str) -> Option<Nginx> {
        let Some(binary) = binary() else {
            assert!(
                std::env::var("STARLING_REQUIRE_NGINX").as_deref() != Ok("1"),
                "STARLING_REQUIRE_NGINX=1 but there is no nginx binary (apt-get install nginx-light)"
            );
            eprintln!("SKIPPED {test}: nginx is not installed (apt-get install nginx-light)");
            return None;
        };
        let dir = std::env::temp_dir().join(format!(
            "starling-nginx-{test}-{}-{}",
            std::process::id(),
            fastrand::u32(..)
        ));
        std::fs::create_dir_all(dir.join("tmp")).unwrap();
        // A port bound and let go may be taken again before nginx binds
        // it: a few tries with fresh ports.
        for _ in 0..5 {
            let port = free_port();
            std::fs::write(dir.join("nginx.conf"), config(&dir, port, locations)).unwrap();
            let _ = std::fs::remove_file(dir.join("access.log"));
            let child = Command::new(&binary)
                .arg("-p")
                .arg(&dir)
                .arg("-c")
                .arg(dir.join("nginx.conf"))
                .arg("-e")
                .arg(dir.join("error.log"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("nginx starts");
            let mut nginx = Nginx {
                url: format!("http://127.0.0.1:{port}"),
                dir: dir.clone(),
                child,
            };
            if nginx.ready(port) {
                return Some(nginx);
            }
            let _ = nginx.child.kill();
            let _ = nginx.child.wait();
        }
        panic!(
            "nginx did not start: {}",
            std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
        );
    }

    fn ready(&mut self, port: u16) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Every request logged so far, in order.
    pub fn log(&self) -> Vec<Logged> {
        let text = std::fs::read_to_string(self.dir.join("access.log")).unwrap_or_default();
        text.lines().map(parse).collect()
    }
}

fn parse(line: &str) -> Logged {
    let fields: Vec<&str> = line.split('|').collect();
    assert_eq!(fields.len(), 4, "log line {line:?}");
    let header = |text: &str| (text != "-").then(|| text.to_owned());
    Logged {
        method: fields[0].to_owned(),
        uri: fields[1].to_owned(),
        traceparent: header(fields[2]),
        baggage: header(fields[3]),
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn config(dir: &Path, port: u16, locations: &str) -> String {
    let dir = dir.display();
    format!(
        "worker_processes 1;
daemon off;
master_process off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
  log_format trace '$request_method|$request_uri|$http_traceparent|$http_baggage';
  access_log {dir}/access.log trace;
  client_body_temp_path {dir}/tmp/body;
  proxy_temp_path {dir}/tmp/proxy;
  fastcgi_temp_path {dir}/tmp/fastcgi;
  uwsgi_temp_path {dir}/tmp/uwsgi;
  scgi_temp_path {dir}/tmp/scgi;
  server {{
    listen 127.0.0.1:{port};
    location / {{ default_type text/plain; return 200 \"ok\\n\"; }}
    {locations}
  }}
}}
"
    )
}
