//! Raw-socket servers on 127.0.0.1:0 for tests that must control every
//! byte: resets, silence, garbage, huge bodies. A handler gets each
//! accepted connection and decides what to write; `Wire::respond` is the
//! well-behaved keep-alive case, one reply per request.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    /// Path and query, as on the request line.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When its head was complete.
    pub at: Instant,
    /// Which accepted connection (from 0) it came on.
    pub connection: u64,
}

impl Req {
    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The value of query parameter `name`, undecoded.
    pub fn query(&self, name: &str) -> Option<&str> {
        let (_, query) = self.target.split_once('?')?;
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// What a wire server saw.
#[derive(Debug, Default)]
pub struct WireSeen {
    requests: Mutex<Vec<Req>>,
    pub connections: AtomicU64,
}

impl WireSeen {
    /// Every request read so far, in arrival order.
    pub fn requests(&self) -> Vec<Req> {
        self.requests.lock().unwrap().clone()
    }

    /// Requests whose path (without query) is `path`.
    pub fn count(&self, path: &str) -> u64 {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path() == path)
            .count() as u64
    }

    pub fn total(&self) -> u64 {
        self.requests.lock().unwrap().len() as u64
    }
}

/// One accepted connection, handed to a handler.
pub struct Conn {
    pub stream: TcpStream,
    buf: Vec<u8>,
    seen: Arc<WireSeen>,
    number: u64,
}

impl Conn {
    /// Reads the next request (head and Content-Length body) and records
    /// it; `None` when the peer closed or sent something unreadable.
    pub async fn request(&mut self) -> Option<Req> {
        let head_end = loop {
            if let Some(at) = find(&self.buf, b"\r\n\r\n") {
                break at;
            }
            if !self.fill().await {
                return None;
            }
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let mut first = lines.next()?.split(' ');
        let method = first.next()?.to_owned();
        let target = first.next()?.to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let len: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let at = Instant::now();
        let body_start = head_end + 4;
        while self.buf.len() < body_start + len {
            if !self.fill().await {
                return None;
            }
        }
        let body = self.buf[body_start..body_start + len].to_vec();
        self.buf.drain(..body_start + len);
        let req = Req {
            method,
            target,
            headers,
            body,
            at,
            connection: self.number,
        };
        self.seen.requests.lock().unwrap().push(req.clone());
        Some(req)
    }

    /// Writes all of `bytes`; false if the peer is gone.
    pub async fn write(&mut self, bytes: &[u8]) -> bool {
        self.stream.write_all(bytes).await.is_ok() && self.stream.flush().await.is_ok()
    }

    /// Closes with a TCP reset (SO_LINGER 0) instead of a FIN.
    pub fn reset(self) {
        let _ = self.stream.set_zero_linger();
        drop(self.stream);
    }

    async fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 8192];
        match self.stream.read(&mut chunk).await {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A reply of the well-behaved server.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Waited before the reply is written.
    pub delay: Duration,
}

impl Reply {
    pub fn text(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "text/plain".into())],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
        }
    }

    pub fn json(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
        }
    }

    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    /// The reply's bytes, with its Content-Length.
    pub fn to_bytes(&self) -> Vec<u8> {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        response(self.status, &headers, &self.body)
    }
}

/// A whole HTTP/1.1 response with a Content-Length.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// A raw server on its own runtime; stops when dropped.
pub struct Wire {
    pub url: String,
    pub addr: SocketAddr,
    pub seen: Arc<WireSeen>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Wire {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Wire {
    /// Serves every accepted connection with `handler`, each on its own task.
    pub fn start<F, Fut>(handler: F) -> Wire
    where
        F: Fn(Conn) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let (runtime, listener) = super::server_runtime();
        Wire::serve(runtime, listener, handler)
    }

    /// As [`Wire::respond`], listening on `[::1]:0`; `None` when the
    /// machine has no IPv6 loopback.
    pub fn respond_ipv6<F>(reply: F) -> Option<Wire>
    where
        F: Fn(&Req) -> Reply + Send + Sync + 'static,
    {
        let (runtime, _) = super::server_runtime();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("[::1]:0"))
            .ok()?;
        Some(Wire::serve(runtime, listener, replying(reply)))
    }

    fn serve<F, Fut>(
        runtime: tokio::runtime::Runtime,
        listener: tokio::net::TcpListener,
        handler: F,
    ) -> Wire
    where
        F: Fn(Conn) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let seen = Arc::new(WireSeen::default());
        let addr = listener.local_addr().unwrap();
        let accept_seen = seen.clone();
        runtime.spawn(async move {
            let handler = Arc::new(handler);
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let number = accept_seen.connections.fetch_add(1, Ordering::Relaxed);
                let conn = Conn {
                    stream,
                    buf: Vec::new(),
                    seen: accept_seen.clone(),
                    number,
                };
                tokio::spawn(handler(conn));
            }
        });
        Wire {
            url: format!("http://{addr}"),
            addr,
            seen,
            runtime: Some(runtime),
        }
    }

    /// A well-behaved keep-alive server: `reply` answers each request.
    pub fn respond<F>(reply: F) -> Wire
    where
        F: Fn(&Req) -> Reply + Send + Sync + 'static,
    {
        Wire::start(replying(reply))
    }
}

/// The keep-alive handler of [`Wire::respond`]: `reply` answers each request.
fn replying<F>(reply: F) -> impl Fn(Conn) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>>
where
    F: Fn(&Req) -> Reply + Send + Sync + 'static,
{
    let reply = Arc::new(reply);
    move |mut conn| {
        let reply = reply.clone();
        Box::pin(async move {
            while let Some(req) = conn.request().await {
                let answer = reply(&req);
                if !answer.delay.is_zero() {
                    tokio::time::sleep(answer.delay).await;
                }
                if !conn.write(&answer.to_bytes()).await {
                    return;
                }
            }
        })
    }
}
