//! How a worker's client is configured.

use std::path::PathBuf;
use std::time::Duration;

use crate::version::HttpVersion;

/// Settings shared by every session of a [`crate::Client`].
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Bound on resolving + TCP connect + TLS handshake of one connection
    /// (the request's own timeout bounds it too).
    pub connect_timeout: Duration,
    /// Accept any server certificate (self-signed test systems).
    /// Handshake signatures are still checked.
    pub accept_invalid_certs: bool,
    /// Extra PEM root certificates, trusted beside the webpki roots: a
    /// regular file of at most [`MAX_CA_FILE_BYTES`](crate::MAX_CA_FILE_BYTES).
    pub ca_file: Option<PathBuf>,
    /// How much of each (decoded) body `Response::body` keeps.
    pub keep_body_bytes: usize,
    /// Redirects followed before `TooManyRedirects`; 0 returns 3xx as is.
    pub max_redirects: u8,
    /// Sent as `User-Agent` unless the request sets its own; empty: none.
    pub user_agent: String,
    /// HTTP/1.1, HTTP/2, or whichever the server picks by ALPN (the
    /// default; plain http then speaks HTTP/1.1).
    pub http_version: HttpVersion,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: Duration::from_secs(10),
            accept_invalid_certs: false,
            ca_file: None,
            keep_body_bytes: 1024 * 1024,
            max_redirects: 10,
            user_agent: concat!("starling/", env!("CARGO_PKG_VERSION")).to_string(),
            http_version: HttpVersion::Auto,
        }
    }
}
