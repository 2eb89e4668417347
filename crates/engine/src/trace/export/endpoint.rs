//! Where spans go: the OTLP/HTTP traces URL, read the way every
//! OpenTelemetry SDK reads it, and the extra headers a hosted backend asks
//! for (an API key).

use starling_http::Scheme;
use thiserror::Error;

/// The path OTLP/HTTP receivers take traces on.
const TRACES_PATH: &str = "/v1/traces";

/// Where and how spans are posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtlpConfig {
    /// The full URL spans are posted to, `…/v1/traces`.
    pub endpoint: String,
    /// Sent with every export (`OTEL_EXPORTER_OTLP_HEADERS`).
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum OtlpError {
    #[error("OTLP endpoint `{0}`: expected an http:// or https:// URL")]
    Url(String),
    #[error("OTLP headers: expected `name=value` pairs separated by commas, found `{0}`")]
    Header(String),
}

impl OtlpConfig {
    /// From a base URL, as `--otlp-endpoint` and `OTEL_EXPORTER_OTLP_ENDPOINT`
    /// give it: `/v1/traces` is appended (once), as the SDKs do for HTTP.
    pub fn from_base(base: &str) -> Result<OtlpConfig, OtlpError> {
        let trimmed = base.trim().trim_end_matches('/');
        let endpoint = if trimmed.ends_with(TRACES_PATH) {
            trimmed.to_owned()
        } else {
            format!("{trimmed}{TRACES_PATH}")
        };
        OtlpConfig::exact(&endpoint)
    }

    /// The URL as given, as `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is read.
    pub fn exact(url: &str) -> Result<OtlpConfig, OtlpError> {
        Target::parse(url)?;
        Ok(OtlpConfig {
            endpoint: url.to_owned(),
            headers: Vec::new(),
        })
    }

    /// Adds `OTEL_EXPORTER_OTLP_HEADERS`: `name=value,name2=value2`, values
    /// percent-decoded as the specification says.
    pub fn with_headers(mut self, text: &str) -> Result<OtlpConfig, OtlpError> {
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = pair
                .split_once('=')
                .filter(|(n, _)| !n.trim().is_empty())
                .ok_or_else(|| OtlpError::Header(pair.to_owned()))?;
            self.headers
                .push((name.trim().to_owned(), percent_decode(value.trim())));
        }
        Ok(self)
    }
}

/// `%XX` escapes decoded; anything else kept as it is.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The endpoint in the parts the HTTP client takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) scheme: Scheme,
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) path: String,
}

impl Target {
    pub(crate) fn parse(text: &str) -> Result<Target, OtlpError> {
        let error = || OtlpError::Url(text.to_owned());
        let url = url::Url::parse(text).map_err(|_| error())?;
        let scheme = match url.scheme() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            _ => return Err(error()),
        };
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(error)?;
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let mut path = url.path().to_owned();
        if let Some(query) = url.query() {
            path.push('?');
            path.push_str(query);
        }
        Ok(Target {
            scheme,
            host: host.to_owned(),
            port: url.port_or_known_default().unwrap_or(scheme.default_port()),
            path,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_gets_the_traces_path_once() {
        for base in [
            "http://127.0.0.1:4318",
            "http://127.0.0.1:4318/",
            "http://127.0.0.1:4318/v1/traces",
        ] {
            assert_eq!(
                OtlpConfig::from_base(base).unwrap().endpoint,
                "http://127.0.0.1:4318/v1/traces"
            );
        }
        assert_eq!(
            OtlpConfig::from_base("https://otel.example.invalid/otlp")
                .unwrap()
                .endpoint,
            "https://otel.example.invalid/otlp/v1/traces"
        );
        let target = Target::parse("http://[::1]:4318/v1/traces").unwrap();
        assert_eq!((target.host.as_str(), target.port), ("::1", 4318));
        assert_eq!(Target::parse("https://h/x").unwrap().port, 443);
    }

    #[test]
    fn bad_urls_and_headers_are_refused() {
        assert!(OtlpConfig::from_base("localhost:4318").is_err());
        assert!(OtlpConfig::from_base("grpc://h:4317").is_err());
        let config = OtlpConfig::exact("http://h:1/v1/traces")
            .unwrap()
            .with_headers("api-key=s%3Dcret+1, x-team = blue ,")
            .unwrap();
        assert_eq!(
            config.headers,
            [
                ("api-key".to_owned(), "s=cret+1".to_owned()),
                ("x-team".to_owned(), "blue".to_owned())
            ]
        );
        assert!(
            OtlpConfig::exact("http://h:1/")
                .unwrap()
                .with_headers("novalue")
                .is_err()
        );
    }
}
