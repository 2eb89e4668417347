//! starling-http: the HTTP client a virtual user holds: its connections,
//! its cookie jar, per-request timings and typed transport errors.
//!
//! HTTP/1.1 is driven by our own small codec over `tokio::net::TcpStream`
//! (and `tokio-rustls`), with a one-pass parser of response heads: measured
//! faster than hyper's connection API (and than `httparse`) here, and it
//! lets an idle virtual user hold no buffer. HTTP/2 is the `h2` crate's,
//! over the same streams, driven by the session itself (no task per
//! connection). Each worker thread has one [`Client`] (TLS configuration
//! and a pool of buffers); each virtual user has one [`Session`], which
//! borrows a buffer only while bytes move (one buffer carries a request
//! and then its response) and gives it back while it waits.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use starling_http::{Client, ClientConfig, Request, Scheme};
//! let client = Client::new(ClientConfig::default())?;
//! let mut session = client.session();
//! let response = session
//!     .send(&Request::new("GET", Scheme::Http, "127.0.0.1", 8080, "/health"))
//!     .await?;
//! assert_eq!(response.status, 200);
//! # Ok(()) }
//! ```
//!
//! # Behaviour
//! - **HTTP version** ([`ClientConfig::http_version`]): `Auto` (the default)
//!   offers `h2` and `http/1.1` by ALPN on https and speaks what the server
//!   picks, and HTTP/1.1 on plain http. `Http1` never speaks HTTP/2. `Http2`
//!   offers only `h2` and fails (a `Protocol` error, or a `Tls` one if the
//!   server refuses the handshake) when the server does not agree: no silent
//!   fall back; on plain http it speaks h2c with prior knowledge (no
//!   Upgrade). [`Response::version`] says which protocol answered.
//! - **HTTP/2**: one stream at a time (a virtual user is sequential); the
//!   connection is polled only while a request is in flight, so what the
//!   server sent meanwhile (PING, GOAWAY) is handled on the next use.
//!   Connection-specific headers (`Connection`, `Keep-Alive`,
//!   `Transfer-Encoding`, `Upgrade`, `Proxy-Connection`, `TE` other than
//!   `trailers`) are dropped, `Host` becomes `:authority`, names are
//!   lowercased; the added headers are those of HTTP/1.1. Bodies, gzip,
//!   cookies, redirects and timeouts behave as below; byte counts are of
//!   every frame moved meanwhile (SETTINGS, PING, window updates included).
//!   A request saying `Connection: close` does not send it, but its
//!   connection is not kept afterwards, as on HTTP/1.1.
//!   An RST_STREAM or GOAWAY from the server is a `Reset`, a violation of
//!   the protocol a `Protocol` error. Windows of 1 MiB are granted and given
//!   back as the body is read.
//! - **Keep-alive**: one idle connection per origin (scheme, host, port), up
//!   to four origins per session. `Connection: close` (from the server or in
//!   the request), HTTP/1.0 without keep-alive, close-delimited bodies and
//!   stray bytes after a response all close the connection.
//! - **Stale connections**: a reused connection found closed or reset
//!   before any response byte is retried once on a fresh connection, for
//!   any method (the server cannot have answered; browsers and hyper do the
//!   same). On HTTP/2 likewise for a GOAWAY or REFUSED_STREAM before the
//!   response head; an HTTP/2 connection already seen closed when it is
//!   taken up is replaced at once. `bytes_sent` counts both attempts.
//! - **Framing**: Content-Length, chunked (extensions and trailers read and
//!   dropped), or until close; HEAD, 204 and 304 have no body; 1xx heads
//!   are skipped; 101 is a protocol error. Heads up to 64 KiB.
//! - **Bodies** are read in full (so `total` is honest) but only the first
//!   `keep_body_bytes` are kept, after gzip decoding; `body_len` is the wire
//!   length. Neither a huge body nor a gzip bomb grows memory.
//! - **Cookies**: every `Set-Cookie` (redirect hops included) goes into the
//!   session's jar; matching cookies are sent unless the request sets its
//!   own `Cookie` header. The jar is bounded as a browser's: a cookie over
//!   [`MAX_COOKIE_BYTES`] is dropped, and past [`MAX_COOKIES_PER_DOMAIN`]
//!   per domain or [`MAX_COOKIES`] in all the least recently set go.
//! - **Redirects** (301, 302, 303, 307, 308 with a `Location`) are followed
//!   up to `max_redirects` (0: not followed); 303, and 301/302 after a POST,
//!   become a body-less GET. Crossing to another origin drops the request's
//!   `Authorization` and `Cookie` headers (jar cookies still apply by their
//!   own rules).
//! - **Time**: `Request::timeout` bounds the whole call; the error says in
//!   which [`Phase`] it struck. `connect_timeout` bounds each connect.
//!   [`Session::send_from`] counts from an instant the caller already read.
//! - **Headers** of a response are kept as the lines they came in (one
//!   copy) and read on demand through [`Headers`]; the client's own needs
//!   (framing, keep-alive, gzip, cookies) are read while parsing.
//!
//! # Layout
//! - `client`: [`Client`], the per-worker shared part.
//! - `config`: [`ClientConfig`].
//! - `version`: [`HttpVersion`] (a setting) and [`Protocol`] (a fact).
//! - `session`: [`Session`], the request path: connection reuse, the stale
//!   keep-alive retry, cookies, redirects, the deadline.
//! - `cookie_jar`: the session's bounded cookie jar.
//! - `request`: [`Request`], [`Scheme`], and writing the HTTP/1.1 head.
//! - `http2`: an HTTP/2 connection driven by the session, its exchange and
//!   its errors.
//! - `http2_head`: the HTTP/2 form of a request head.
//! - `counted`: a stream that counts its bytes (for HTTP/2).
//! - `read`: reading a response head and body by its framing.
//! - `chunked`: the chunked transfer-coding decoder.
//! - `body`: the bounded body sink.
//! - `gunzip`: incremental gzip decoding over a pooled inflate state.
//! - `redirect`: where a redirect leads and what the next hop sends.
//! - `connect`: resolve, TCP connect, TLS handshake.
//! - `stream`: plain or TLS byte stream.
//! - `tls`: the rustls configuration, the accept-any-certificate verifier,
//!   and reading the CA file (a regular file, up to a cap).
//! - `tls_advice`: a failed handshake in words that say what to do.
//! - `pool`: per-worker buffers, lent only while bytes move; one carries
//!   an exchange's request, then its response.
//! - `response`: [`Response`] and [`Timings`].
//! - `headers`: [`Headers`], a response's header lines kept as one copy and
//!   read on demand.
//! - `error`: [`TransportError`] and its [`TransportKind`], [`Phase`],
//!   [`ConnectCause`], [`ConfigError`].

mod body;
#[cfg(test)]
mod burst_test;
mod chunked;
mod client;
mod config;
mod connect;
mod cookie_jar;
mod counted;
mod deadline;
mod error;
mod gunzip;
mod head;
mod headers;
mod http2;
mod http2_head;
mod origin_lines;
mod pool;
mod read;
mod redirect;
mod request;
mod response;
mod session;
mod stream;
mod tls;
mod tls_advice;

mod version;

pub use client::Client;
pub use config::ClientConfig;
pub use cookie_jar::{MAX_COOKIE_BYTES, MAX_COOKIES, MAX_COOKIES_PER_DOMAIN};
pub use cookie_store;
pub use error::{ConfigError, ConnectCause, Phase, Transfer, TransportError, TransportKind};
pub use headers::Headers;
pub use request::{Request, Scheme};
pub use response::{Response, Timings};
pub use session::Session;
pub use tls::MAX_CA_FILE_BYTES;
pub use version::{HttpVersion, Protocol, UnknownHttpVersion};
