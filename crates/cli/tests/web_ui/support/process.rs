//! The processes under test, started as a user starts them: the built
//! binary from the workspace root with no `STARLING_*` variable leaking in,
//! its stdout read line by line (the URLs it prints), killed when dropped.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::http::{Answer, Call};

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `starling` with a clean `STARLING_*` environment.
pub(crate) fn starling() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_starling"));
    cmd.current_dir(workspace_root());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("STARLING_") {
            cmd.env_remove(name);
        }
    }
    cmd
}

/// A child process whose output is collected as it comes.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    stderr: Arc<Mutex<String>>,
}

impl Running {
    fn start(mut cmd: Command) -> Running {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starling starts");
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let pipe = child.stderr.take().expect("piped stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut all = sink.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        Running {
            child,
            lines,
            stderr,
        }
    }

    /// The first stdout line `pick` accepts, within 30 s.
    fn line<T>(&mut self, mut pick: impl FnMut(&str) -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(found) = pick(&line) {
                        return found;
                    }
                }
                Err(_) => panic!(
                    "no such line on stdout ({:?}); stderr:\n{}",
                    self.child.try_wait(),
                    self.stderr()
                ),
            }
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// SIGINT, as Ctrl-C sends it, to this child only.
    fn interrupt(&self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("runs kill");
        assert!(status.success());
    }

    fn wait(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("waits for starling") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "starling did not exit within {within:?}; stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `starling demo serve --port 0`: the demo system in a process of its own.
pub(crate) struct DemoServe {
    _process: Running,
    urls: BTreeMap<String, String>,
}

impl DemoServe {
    pub(crate) fn start() -> DemoServe {
        let mut cmd = starling();
        cmd.args(["demo", "serve", "--port", "0"]);
        let mut process = Running::start(cmd);
        let mut urls = BTreeMap::new();
        while urls.len() < 5 {
            let (name, url) = process.line(|line| {
                let mut words = line.split_whitespace();
                let name = words.next()?.to_owned();
                let url = words
                    .next()
                    .filter(|w| w.starts_with("http://"))?
                    .to_owned();
                Some((name, url))
            });
            urls.insert(name, url);
        }
        DemoServe {
            _process: process,
            urls,
        }
    }

    pub(crate) fn url(&self, service: &str) -> &str {
        &self.urls[service]
    }

    /// `--host` and `--service payments=...`: the checkout scenario aimed
    /// at this demo's ports.
    pub(crate) fn flags(&self) -> Vec<String> {
        vec![
            "--host".into(),
            self.url("gateway").into(),
            "--service".into(),
            format!("payments={}", self.url("payments")),
        ]
    }

    /// Every service's `/admin/stats` URL.
    pub(crate) fn stats_urls(&self) -> Vec<String> {
        self.urls
            .values()
            .map(|url| format!("{url}/admin/stats"))
            .collect()
    }

    /// What every service counted, from its own `/admin/stats`.
    pub(crate) fn received(&self) -> u64 {
        self.stats_urls()
            .iter()
            .map(|url| {
                let rest = url.strip_prefix("http://").unwrap();
                let (authority, path) = rest.split_once('/').unwrap();
                let stats = Call::get(authority.parse().unwrap(), &format!("/{path}"))
                    .send()
                    .json();
                stats["requests"]
                    .as_object()
                    .map_or(0, |routes| routes.values().filter_map(Value::as_u64).sum())
            })
            .sum()
    }
}

/// A `starling ui`, `run --ui` or `demo --ui` process and its URL.
pub(crate) struct UiProcess {
    process: Running,
    pub(crate) url: String,
    pub(crate) addr: SocketAddr,
    token: Option<String>,
}

impl UiProcess {
    /// Starts `starling ARGS... --web-port 0` and reads the URL it prints.
    pub(crate) fn start<S: AsRef<std::ffi::OsStr>>(args: impl IntoIterator<Item = S>) -> UiProcess {
        let mut cmd = starling();
        cmd.args(args).args(["--web-port", "0"]);
        let mut process = Running::start(cmd);
        let url = process.line(|line| line.strip_prefix("starling web UI: ").map(str::to_owned));
        let rest = url.strip_prefix("http://").expect("an http URL");
        let authority = rest.split('/').next().unwrap();
        let token = url.split_once("#token=").map(|(_, t)| t.to_owned());
        UiProcess {
            addr: authority.parse().expect("a socket address"),
            url,
            process,
            token,
        }
    }

    pub(crate) fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    fn authorized(&self, call: Call) -> Call {
        match &self.token {
            Some(token) => call.token(token),
            None => call,
        }
    }

    pub(crate) fn get(&self, path: &str) -> Answer {
        self.authorized(Call::get(self.addr, path)).send()
    }

    /// A POST as the page makes it (JSON, `X-Starling: 1`).
    pub(crate) fn post(&self, path: &str, body: &str) -> Answer {
        self.authorized(Call::post(self.addr, path).json(body))
            .send()
    }

    pub(crate) fn status(&self) -> Value {
        let answer = self.get("/api/state");
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.json()["status"].clone()
    }

    /// Follows the live stream until a frame's status satisfies `done`,
    /// for up to `within` (frames come with every change and every round,
    /// so nothing is polled); returns that status and how long it took.
    #[track_caller]
    pub(crate) fn wait_for(
        &self,
        what: &str,
        within: Duration,
        done: impl Fn(&Value) -> bool,
    ) -> (Value, Duration) {
        let start = Instant::now();
        let mut events = self
            .authorized(Call::get(self.addr, "/api/stream"))
            .events();
        loop {
            let frame = events.next_frame().unwrap_or_else(|| {
                panic!(
                    "{what}: the stream ended; stderr:\n{}",
                    self.process.stderr()
                )
            });
            let status = &frame["status"];
            if done(status) {
                return (status.clone(), start.elapsed());
            }
            assert!(
                start.elapsed() < within,
                "{what}: not within {within:?}; last status {status}\nstderr:\n{}",
                self.process.stderr()
            );
        }
    }

    pub(crate) fn stderr(&self) -> String {
        self.process.stderr()
    }

    /// Ctrl-C, then its exit.
    pub(crate) fn interrupt_and_wait(&mut self) -> ExitStatus {
        self.process.interrupt();
        self.process.wait(Duration::from_secs(30))
    }
}
