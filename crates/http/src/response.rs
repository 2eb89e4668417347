//! What a finished exchange returns: the final response and its timings.

use std::time::Duration;

use bytes::Bytes;

use crate::headers::Headers;
use crate::version::Protocol;

/// Where the time of one `Session::send` went. All durations start at the
/// call; they cover every redirect hop.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    /// Time spent opening TCP connections (summed over hops); `None` when
    /// every hop reused a kept-alive connection.
    pub connect: Option<Duration>,
    /// Time spent in TLS handshakes (summed over hops); `None` if none ran.
    pub tls: Option<Duration>,
    /// From the start of the call to the first byte of the final response
    /// (zero if no byte came).
    pub ttfb: Duration,
    /// From the start of the call until the final body was read (or until
    /// the failure).
    pub total: Duration,
}

/// The final response of one `Session::send` (after redirects).
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// The protocol the final response came over.
    pub version: Protocol,
    /// Headers of the final response.
    pub headers: Headers,
    /// The body, gzip-decoded when the server sent `Content-Encoding: gzip`,
    /// truncated to `ClientConfig::keep_body_bytes`.
    pub body: Bytes,
    /// Length of the final body as it came off the wire (before decoding,
    /// without chunk framing), read in full even when `body` is truncated.
    pub body_len: u64,
    pub timings: Timings,
    /// Redirects followed to reach this response.
    pub redirects: u8,
    /// Bytes written to sockets, all hops and retries included (for
    /// HTTP/2, every frame written meanwhile: the preface, SETTINGS, window
    /// updates).
    pub bytes_sent: u64,
    /// Bytes read from sockets (heads, framing and bodies), all hops
    /// included (for HTTP/2, every frame read meanwhile).
    pub bytes_received: u64,
}
