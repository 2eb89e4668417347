//! Test servers on 127.0.0.1:0 written on plain sockets, so each test
//! controls the exact bytes (and the misbehaviour) of the server.
#![allow(dead_code, unreachable_pub)]

pub mod http2_server;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use starling_http::{Client, ClientConfig, Request, Scheme};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A running test server: its port and how many connections it accepted.
pub struct Server {
    pub port: u16,
    accepted: Arc<AtomicUsize>,
}

impl Server {
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

/// Serves every accepted connection with `handler(connection, index)`.
pub async fn serve<F, Fut>(handler: F) -> Server
where
    F: Fn(Conn<TcpStream>, usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let index = counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(handler(Conn::new(stream), index));
        }
    });
    Server { port, accepted }
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub head: String,
    pub body: Vec<u8>,
}

impl Received {
    pub fn line(&self) -> &str {
        self.head.lines().next().unwrap_or("")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// A server-side connection that reads whole requests.
pub struct Conn<S> {
    pub stream: S,
    buf: Vec<u8>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Conn<S> {
    pub fn new(stream: S) -> Self {
        Conn {
            stream,
            buf: Vec::new(),
        }
    }

    /// The next request, or None when the client closed the connection.
    pub async fn request(&mut self) -> Option<Received> {
        loop {
            if let Some(at) = find(&self.buf, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buf[..at]).into_owned();
                let mut received = Received {
                    head,
                    body: Vec::new(),
                };
                let length: usize = received
                    .header("content-length")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let start = at + 4;
                while self.buf.len() < start + length {
                    if !self.fill().await {
                        return None;
                    }
                }
                received.body = self.buf[start..start + length].to_vec();
                self.buf.drain(..start + length);
                return Some(received);
            }
            if !self.fill().await {
                return None;
            }
        }
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

    pub async fn send(&mut self, bytes: &[u8]) {
        let _ = self.stream.write_all(bytes).await;
        let _ = self.stream.flush().await;
    }

    /// Writes `bytes` in pieces of `size`, yielding between them so the
    /// client tends to see them in separate reads.
    pub async fn send_split(&mut self, bytes: &[u8], size: usize) {
        for piece in bytes.chunks(size.max(1)) {
            self.send(piece).await;
            tokio::task::yield_now().await;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `HTTP/1.1 200 OK` with a Content-Length body and extra header lines.
pub fn ok(body: &str, extra: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n{extra}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

pub fn client() -> Client {
    client_with(ClientConfig::default())
}

pub fn client_with(config: ClientConfig) -> Client {
    Client::new(config).unwrap()
}

pub fn get(port: u16, path: &str) -> Request<'_> {
    let mut request = Request::new("GET", Scheme::Http, "127.0.0.1", port, path);
    request.timeout = Duration::from_secs(10);
    request
}
