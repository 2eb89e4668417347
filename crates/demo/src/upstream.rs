//! Calls from one service to another: plain HTTP on loopback through one
//! shared keep-alive pool, with a timeout per caller, and errors turned
//! into 502/504.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use bytes::Bytes;
use serde_json::Value;

use crate::config::Service;
use crate::error::ApiError;

/// The W3C trace context header, passed along so one journey is one trace.
pub(crate) const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");

/// A client aimed at one service.
#[derive(Debug, Clone)]
pub(crate) struct Upstream {
    /// Cloning a reqwest client shares its connection pool.
    client: reqwest::Client,
    base: String,
    service: Service,
    /// How long the caller waits for this service before answering 504.
    timeout: Duration,
}

/// A buffered answer from another service.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Reply {
    /// The body as JSON, or a 502 naming the service that sent garbage.
    pub(crate) fn json(&self, service: Service) -> Result<Value, ApiError> {
        serde_json::from_slice(&self.body)
            .map_err(|err| ApiError::bad_gateway(format!("{service} answered invalid JSON: {err}")))
    }
}

impl Upstream {
    pub(crate) fn new(
        client: reqwest::Client,
        base: String,
        service: Service,
        timeout: Duration,
    ) -> Self {
        Upstream {
            client,
            base,
            service,
            timeout,
        }
    }

    pub(crate) fn service(&self) -> Service {
        self.service
    }

    /// `GET path`, passing on the caller's `traceparent` (which the
    /// service layer set to the caller's own server span).
    pub(crate) async fn get(&self, path: &str, inbound: &HeaderMap) -> Result<Reply, ApiError> {
        let mut request = self
            .client
            .get(format!("{}{path}", self.base))
            .timeout(self.timeout);
        if let Some(trace) = inbound.get(TRACEPARENT) {
            request = request.header(TRACEPARENT, trace.clone());
        }
        self.send(request).await
    }

    /// Sends any request built on this upstream's client.
    pub(crate) fn request(
        &self,
        method: reqwest::Method,
        path_and_query: &str,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path_and_query}", self.base))
            .timeout(self.timeout)
    }

    /// Sends and buffers the answer, mapping transport failures to 502/504.
    pub(crate) async fn send(&self, request: reqwest::RequestBuilder) -> Result<Reply, ApiError> {
        let response = request.send().await.map_err(|err| self.failure(&err))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|err| self.failure(&err))?;
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    fn failure(&self, err: &reqwest::Error) -> ApiError {
        if err.is_timeout() {
            ApiError::new(
                StatusCode::GATEWAY_TIMEOUT,
                format!("{} did not answer in time", self.service),
            )
        } else {
            ApiError::bad_gateway(format!("cannot reach {}: {err}", self.service))
        }
    }
}

/// Headers that describe one hop's connection, not the message, so a
/// proxy must not pass them on (RFC 9110 section 7.6.1), plus the framing
/// headers the next hop recomputes.
pub(crate) fn is_hop_header(name: &HeaderName) -> bool {
    name == header::CONNECTION
        || name == header::TRANSFER_ENCODING
        || name == header::TE
        || name == header::TRAILER
        || name == header::UPGRADE
        || name == header::PROXY_AUTHORIZATION
        || name == header::PROXY_AUTHENTICATE
        || name == header::HOST
        || name == header::CONTENT_LENGTH
        || name.as_str() == "keep-alive"
        || name.as_str() == "proxy-connection"
}

/// Percent-encodes one path segment (everything but RFC 3986 unreserved
/// characters), so an item name like "usb hub" or "a/b" stays one segment.
pub(crate) fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(encode_segment("widget"), "widget");
        assert_eq!(encode_segment("usb hub/2"), "usb%20hub%2F2");
        assert_eq!(encode_segment("é"), "%C3%A9");
    }

    #[test]
    fn hop_headers_are_recognised() {
        assert!(is_hop_header(&header::CONNECTION));
        assert!(is_hop_header(&HeaderName::from_static("keep-alive")));
        assert!(!is_hop_header(&header::COOKIE));
        assert!(!is_hop_header(&header::SET_COOKIE));
        assert!(!is_hop_header(&TRACEPARENT));
    }
}
