//! Typed transport failures: what went wrong between the virtual user and the
//! server. They are data for the metrics (a failure category and an example),
//! never a reason to stop a run.

use std::fmt;
use std::io;

use crate::response::Timings;

/// The part of an exchange that was running when a timeout fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Resolving, TCP connect and TLS handshake.
    Connect,
    /// Sending the request head and body.
    Write,
    /// Waiting for (and reading) the response head.
    Headers,
    /// Reading the response body.
    Body,
}

impl Phase {
    /// A stable lowercase name for metrics keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Connect => "connect",
            Phase::Write => "write",
            Phase::Headers => "headers",
            Phase::Body => "body",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a connection could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectCause {
    /// The host name did not resolve.
    Dns,
    /// The peer answered with a reset (nothing listens on the port).
    Refused,
    /// No route to the host or network.
    Unreachable,
    /// Any other socket error.
    Other,
}

impl ConnectCause {
    /// A stable lowercase name for metrics keys.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectCause::Dns => "dns",
            ConnectCause::Refused => "refused",
            ConnectCause::Unreachable => "unreachable",
            ConnectCause::Other => "other",
        }
    }
}

impl fmt::Display for ConnectCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Bytes moved before a failure, all hops and retries included: a request
/// that timed out or was reset after it was written was still sent, and
/// the counts must say so.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Transfer {
    /// Bytes written to sockets (of a partial write too).
    pub sent: u64,
    /// Bytes read from sockets.
    pub received: u64,
}

/// The kind of a [`TransportError`], one per variant. Deliberately not
/// `#[non_exhaustive]`: a caller's `match` must name every kind, so a kind
/// added here fails to compile until every caller has placed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransportKind {
    Connect,
    Timeout,
    Reset,
    Tls,
    Protocol,
    Redirects,
    /// The client refused to send what it was given: the caller's input,
    /// not the server, is at fault.
    InvalidRequest,
    Io,
}

impl TransportKind {
    /// A stable lowercase name: "connect", "timeout", "reset", "tls",
    /// "protocol", "redirects", "request" or "io".
    pub fn as_str(self) -> &'static str {
        match self {
            TransportKind::Connect => "connect",
            TransportKind::Timeout => "timeout",
            TransportKind::Reset => "reset",
            TransportKind::Tls => "tls",
            TransportKind::Protocol => "protocol",
            TransportKind::Redirects => "redirects",
            TransportKind::InvalidRequest => "request",
            TransportKind::Io => "io",
        }
    }
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request that produced no HTTP response. Every variant carries the
/// [`Timings`] measured until the failure (`total` is the time spent) and
/// the [`Transfer`] until then.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The TCP connection could not be opened.
    #[error("connect to {target} failed ({cause}): {detail}")]
    Connect {
        /// `host:port`. Boxed, not a `String`, so that the error (returned
        /// on every request's path) stays within 128 bytes.
        target: Box<str>,
        cause: ConnectCause,
        detail: String,
        timings: Timings,
        transfer: Transfer,
    },
    /// The request's deadline (or the connect timeout) passed.
    #[error("timed out during {phase} after {:?}", timings.total)]
    Timeout {
        phase: Phase,
        timings: Timings,
        transfer: Transfer,
    },
    /// The peer closed or reset the connection mid-request or mid-response
    /// (on HTTP/2 also: it reset the stream, or sent GOAWAY).
    #[error("connection reset: {detail}")]
    Reset {
        detail: String,
        timings: Timings,
        transfer: Transfer,
    },
    /// The TLS handshake or a TLS record failed.
    #[error("TLS error: {detail}")]
    Tls {
        detail: String,
        timings: Timings,
        transfer: Transfer,
    },
    /// The response was not valid HTTP/1.1 or HTTP/2 (or its gzip body was
    /// corrupt), or HTTP/2 was required and the server did not agree to it.
    #[error("invalid HTTP response: {detail}")]
    Protocol {
        detail: String,
        timings: Timings,
        transfer: Transfer,
    },
    /// More redirects than `ClientConfig::max_redirects`.
    #[error("more than {max} redirects")]
    TooManyRedirects {
        max: u8,
        timings: Timings,
        transfer: Transfer,
    },
    /// The request itself could not be sent as given (bad host, CR/LF in a
    /// header, unsupported redirect scheme is a `Protocol` error instead).
    #[error("invalid request: {detail}")]
    InvalidRequest {
        detail: String,
        timings: Timings,
        transfer: Transfer,
    },
    /// Any other socket error.
    #[error("I/O error: {detail}")]
    Io {
        detail: String,
        timings: Timings,
        transfer: Transfer,
    },
}

impl TransportError {
    /// What kind of failure this is, for the caller to map to its own
    /// categories with an exhaustive `match`.
    pub fn kind(&self) -> TransportKind {
        match self {
            TransportError::Connect { .. } => TransportKind::Connect,
            TransportError::Timeout { .. } => TransportKind::Timeout,
            TransportError::Reset { .. } => TransportKind::Reset,
            TransportError::Tls { .. } => TransportKind::Tls,
            TransportError::Protocol { .. } => TransportKind::Protocol,
            TransportError::TooManyRedirects { .. } => TransportKind::Redirects,
            TransportError::InvalidRequest { .. } => TransportKind::InvalidRequest,
            TransportError::Io { .. } => TransportKind::Io,
        }
    }

    /// What was measured until the failure; `total` is the time spent.
    pub fn timings(&self) -> Timings {
        *self.timings_slot()
    }

    /// Bytes moved until the failure.
    pub fn transfer(&self) -> Transfer {
        match self {
            TransportError::Connect { transfer, .. }
            | TransportError::Timeout { transfer, .. }
            | TransportError::Reset { transfer, .. }
            | TransportError::Tls { transfer, .. }
            | TransportError::Protocol { transfer, .. }
            | TransportError::TooManyRedirects { transfer, .. }
            | TransportError::InvalidRequest { transfer, .. }
            | TransportError::Io { transfer, .. } => *transfer,
        }
    }

    pub(crate) fn set_transfer(&mut self, value: Transfer) {
        match self {
            TransportError::Connect { transfer, .. }
            | TransportError::Timeout { transfer, .. }
            | TransportError::Reset { transfer, .. }
            | TransportError::Tls { transfer, .. }
            | TransportError::Protocol { transfer, .. }
            | TransportError::TooManyRedirects { transfer, .. }
            | TransportError::InvalidRequest { transfer, .. }
            | TransportError::Io { transfer, .. } => *transfer = value,
        }
    }

    fn timings_slot(&self) -> &Timings {
        match self {
            TransportError::Connect { timings, .. }
            | TransportError::Timeout { timings, .. }
            | TransportError::Reset { timings, .. }
            | TransportError::Tls { timings, .. }
            | TransportError::Protocol { timings, .. }
            | TransportError::TooManyRedirects { timings, .. }
            | TransportError::InvalidRequest { timings, .. }
            | TransportError::Io { timings, .. } => timings,
        }
    }

    pub(crate) fn set_timings(&mut self, value: Timings) {
        match self {
            TransportError::Connect { timings, .. }
            | TransportError::Timeout { timings, .. }
            | TransportError::Reset { timings, .. }
            | TransportError::Tls { timings, .. }
            | TransportError::Protocol { timings, .. }
            | TransportError::TooManyRedirects { timings, .. }
            | TransportError::InvalidRequest { timings, .. }
            | TransportError::Io { timings, .. } => *timings = value,
        }
    }

    pub(crate) fn protocol(detail: impl Into<String>) -> Self {
        TransportError::Protocol {
            detail: detail.into(),
            timings: Timings::default(),
            transfer: Transfer::default(),
        }
    }

    pub(crate) fn reset(detail: impl Into<String>) -> Self {
        TransportError::Reset {
            detail: detail.into(),
            timings: Timings::default(),
            transfer: Transfer::default(),
        }
    }

    pub(crate) fn invalid_request(detail: impl Into<String>) -> Self {
        TransportError::InvalidRequest {
            detail: detail.into(),
            timings: Timings::default(),
            transfer: Transfer::default(),
        }
    }

    /// Classifies a socket error met while writing or reading.
    pub(crate) fn from_io(error: &io::Error) -> Self {
        let timings = Timings::default();
        let transfer = Transfer::default();
        match error.kind() {
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof
            | io::ErrorKind::NotConnected => TransportError::Reset {
                detail: error.to_string(),
                timings,
                transfer,
            },
            // Only rustls reports InvalidData on our streams: a bad record.
            io::ErrorKind::InvalidData => TransportError::Tls {
                detail: error.to_string(),
                timings,
                transfer,
            },
            _ => TransportError::Io {
                detail: error.to_string(),
                timings,
                transfer,
            },
        }
    }

    /// True when this failure is what a stale keep-alive connection looks
    /// like: the socket was closed or reset under us.
    pub(crate) fn is_closed_socket(&self) -> bool {
        matches!(self, TransportError::Reset { .. })
    }
}

/// `Client::new` could not build its configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read CA file {path}: {detail}")]
    CaFile { path: String, detail: String },
    #[error("TLS configuration: {0}")]
    Tls(String),
}
