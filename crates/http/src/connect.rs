//! Opening a connection: resolve, TCP connect (each address in turn), then
//! the TLS handshake for https, which says (by ALPN) whether the server
//! agreed to HTTP/2. Failures come back typed.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout};
use tokio_rustls::TlsConnector;

use crate::error::{ConnectCause, Phase, TransportError};
use crate::request::Scheme;
use crate::response::Timings;
use crate::stream::Stream;
use crate::tls_advice;

/// Durations of one successful connect.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectTimes {
    pub(crate) tcp: Duration,
    pub(crate) tls: Option<Duration>,
}

/// A connection just opened.
#[derive(Debug)]
pub(crate) struct Connected {
    pub(crate) stream: Stream,
    pub(crate) times: ConnectTimes,
    /// The TLS handshake agreed on `h2` by ALPN (never for plain TCP).
    pub(crate) alpn_h2: bool,
}

/// `host` may be a name, an IP address, or a bracketed IPv6 address.
///
/// The future is kept small for the usual case of a load test, plain TCP
/// to an IP address: a burst holds one per user at once (9,000 users
/// started together, issue 17 item 11), and what a burst allocates glibc
/// keeps for the rest of the run. The rarer and larger states are boxed
/// where they begin: name resolution (and trying each address), and the
/// TLS handshake (about 1.1 KiB; it made every connect 1.4 KiB).
pub(crate) async fn connect(
    scheme: Scheme,
    host: &str,
    port: u16,
    connect_timeout: Duration,
    tls: &TlsConnector,
) -> Result<Connected, TransportError> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let started = Instant::now();
    // An IP literal needs no resolver (and no blocking thread).
    let tcp = match bare.parse::<IpAddr>() {
        Ok(ip) => {
            let addr = SocketAddr::new(ip, port);
            match timeout(connect_timeout, TcpStream::connect(addr)).await {
                Ok(result) => result.map_err(|e| connect_error(format!("{bare}:{port}"), &e))?,
                Err(_) => return Err(connect_timed_out()),
            }
        }
        Err(_) => match Box::pin(timeout(connect_timeout, tcp_connect_named(bare, port))).await {
            Ok(result) => result?,
            Err(_) => return Err(connect_timed_out()),
        },
    };
    let tcp_time = started.elapsed();
    // Requests are written whole; Nagle would only delay them.
    let _ = tcp.set_nodelay(true);
    match scheme {
        Scheme::Http => Ok(Connected {
            stream: Stream::Plain(tcp),
            times: ConnectTimes {
                tcp: tcp_time,
                tls: None,
            },
            alpn_h2: false,
        }),
        Scheme::Https => Box::pin(tls_handshake(tcp, bare, tcp_time, connect_timeout, tls)).await,
    }
}

/// The TLS handshake over `tcp`, within what is left of the connect
/// timeout.
async fn tls_handshake(
    tcp: TcpStream,
    bare: &str,
    tcp_time: Duration,
    connect_timeout: Duration,
    tls: &TlsConnector,
) -> Result<Connected, TransportError> {
    let name = ServerName::try_from(bare.to_string())
        .map_err(|e| TransportError::invalid_request(format!("TLS server name {bare}: {e}")))?;
    let tls_started = Instant::now();
    let left = connect_timeout.saturating_sub(tcp_time);
    let stream = match timeout(left, tls.connect(name, tcp)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => {
            return Err(TransportError::Tls {
                detail: tls_advice::describe(&e, bare, &tls.config().alpn_protocols),
                timings: Timings::default(),
                transfer: Default::default(),
            });
        }
        Err(_) => return Err(connect_timed_out()),
    };
    let alpn_h2 = stream.get_ref().1.alpn_protocol() == Some(b"h2");
    Ok(Connected {
        stream: Stream::Tls(Box::new(stream)),
        times: ConnectTimes {
            tcp: tcp_time,
            tls: Some(tls_started.elapsed()),
        },
        alpn_h2,
    })
}

fn connect_timed_out() -> TransportError {
    TransportError::Timeout {
        phase: Phase::Connect,
        timings: Timings::default(),
        transfer: Default::default(),
    }
}

/// A host name: resolved, then each address tried in turn.
async fn tcp_connect_named(host: &str, port: u16) -> Result<TcpStream, TransportError> {
    let target = || format!("{host}:{port}");
    let addrs =
        tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| TransportError::Connect {
                target: target().into(),
                cause: ConnectCause::Dns,
                detail: e.to_string(),
                timings: Timings::default(),
                transfer: Default::default(),
            })?;
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => return Ok(stream),
            Err(e) => last = Some(connect_error(target(), &e)),
        }
    }
    Err(last.unwrap_or_else(|| TransportError::Connect {
        target: target().into(),
        cause: ConnectCause::Dns,
        detail: "no address found".into(),
        timings: Timings::default(),
        transfer: Default::default(),
    }))
}

fn connect_error(target: String, error: &io::Error) -> TransportError {
    let cause = match error.kind() {
        io::ErrorKind::ConnectionRefused => ConnectCause::Refused,
        io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable => {
            ConnectCause::Unreachable
        }
        _ => ConnectCause::Other,
    };
    TransportError::Connect {
        target: target.into(),
        cause,
        detail: error.to_string(),
        timings: Timings::default(),
        transfer: Default::default(),
    }
}
