//! HTTP/2 test servers on 127.0.0.1:0 built on `h2::server`: plain (h2c
//! with prior knowledge) or TLS with the ALPN protocols a test chooses.

use std::future::{Future, poll_fn};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use h2::server::SendResponse;
use h2::{Reason, RecvStream, SendStream};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use starling_http::{Client, ClientConfig, Request, Scheme};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// The server side of one HTTP/2 connection.
pub type ServerConn = h2::server::Connection<Box<dyn Io>, Bytes>;

/// How the server listens.
#[derive(Clone, Copy)]
pub enum Transport {
    /// Plain TCP: h2c with prior knowledge.
    Plain,
    /// TLS offering these ALPN protocols (empty: no ALPN at all).
    Tls(&'static [&'static [u8]]),
}

pub const H2_AND_H1: Transport = Transport::Tls(&[b"h2", b"http/1.1"]);

/// A running server: its port and how many connections it accepted.
pub struct H2Server {
    pub port: u16,
    accepted: Arc<AtomicUsize>,
}

impl H2Server {
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

/// Accepts connections and hands each raw (TLS or plain) stream with its
/// index to `handler`.
pub async fn listen<F, Fut>(transport: Transport, handler: F) -> H2Server
where
    F: Fn(Box<dyn Io>, usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    let acceptor = match transport {
        Transport::Plain => None,
        Transport::Tls(alpn) => Some(acceptor(alpn)),
    };
    let handler = Arc::new(handler);
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let index = counter.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            let handler = Arc::clone(&handler);
            tokio::spawn(async move {
                let io: Box<dyn Io> = match acceptor {
                    None => Box::new(tcp),
                    Some(acceptor) => match acceptor.accept(tcp).await {
                        Ok(tls) => Box::new(tls) as Box<dyn Io>,
                        Err(_) => return,
                    },
                };
                handler(io, index).await;
            });
        }
    });
    H2Server { port, accepted }
}

/// Serves every connection as HTTP/2, answering each request with
/// `reply` (each in its own task, so large bodies flow).
pub async fn serve_h2<R>(transport: Transport, reply: R) -> H2Server
where
    R: Fn(Seen) -> Reply + Send + Sync + 'static,
{
    let reply = Arc::new(reply);
    listen(transport, move |io, _| {
        let reply = Arc::clone(&reply);
        async move {
            let Ok(mut conn) = h2::server::handshake(io).await else {
                return;
            };
            while let Some(Ok((request, respond))) = conn.accept().await {
                let reply = Arc::clone(&reply);
                tokio::spawn(answer(request, respond, move |seen| reply(seen)));
            }
        }
    })
    .await
}

fn acceptor(alpn: &[&[u8]]) -> TlsAcceptor {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert = CertificateDer::from(certified.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    TlsAcceptor::from(Arc::new(config))
}

/// One request as the server received it.
#[derive(Debug)]
pub struct Seen {
    pub parts: http::request::Parts,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.parts.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn path(&self) -> &str {
        self.parts.uri.path_and_query().map_or("", |p| p.as_str())
    }
}

/// What the server answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
    /// Reset the stream with this reason instead of answering.
    pub reset: Option<Reason>,
}

impl Reply {
    pub fn ok(body: impl Into<Bytes>) -> Reply {
        Reply {
            status: 200,
            headers: Vec::new(),
            body: body.into(),
            reset: None,
        }
    }

    pub fn status(mut self, status: u16) -> Reply {
        self.status = status;
        self
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    pub fn reset(reason: Reason) -> Reply {
        Reply {
            reset: Some(reason),
            ..Reply::ok("")
        }
    }
}

/// Reads the request body, then sends what `reply` says.
pub async fn answer(
    request: http::Request<RecvStream>,
    mut respond: SendResponse<Bytes>,
    reply: impl FnOnce(Seen) -> Reply,
) {
    let (parts, mut recv) = request.into_parts();
    let mut body = Vec::new();
    while let Some(Ok(chunk)) = recv.data().await {
        let _ = recv.flow_control().release_capacity(chunk.len());
        body.extend_from_slice(&chunk);
    }
    let reply = reply(Seen { parts, body });
    if let Some(reason) = reply.reset {
        respond.send_reset(reason);
        return;
    }
    let mut response = http::Response::builder().status(reply.status);
    for (name, value) in &reply.headers {
        response = response.header(*name, value);
    }
    let response = response.body(()).unwrap();
    let Ok(stream) = respond.send_response(response, reply.body.is_empty()) else {
        return;
    };
    if !reply.body.is_empty() {
        send_body(stream, reply.body).await;
    }
}

/// Sends `body` within the client's flow-control window.
async fn send_body(mut stream: SendStream<Bytes>, mut body: Bytes) {
    while !body.is_empty() {
        stream.reserve_capacity(body.len().min(64 * 1024));
        let Some(Ok(granted)) = poll_fn(|cx| stream.poll_capacity(cx)).await else {
            return;
        };
        let n = granted.min(body.len());
        if n == 0 {
            continue;
        }
        let chunk = body.split_to(n);
        if stream.send_data(chunk, body.is_empty()).is_err() {
            return;
        }
    }
}

pub fn h2_client(config: ClientConfig) -> Client {
    Client::new(ClientConfig {
        accept_invalid_certs: true,
        ..config
    })
    .unwrap()
}

pub fn https(port: u16, path: &str) -> Request<'_> {
    let mut request = Request::new("GET", Scheme::Https, "localhost", port, path);
    request.timeout = std::time::Duration::from_secs(10);
    request
}

pub fn http(port: u16, path: &str) -> Request<'_> {
    let mut request = Request::new("GET", Scheme::Http, "127.0.0.1", port, path);
    request.timeout = std::time::Duration::from_secs(10);
    request
}
