//! Which recorded headers a scenario keeps: what the server reads
//! (content type, custom headers), not what a browser adds to everything
//! (cookies, which the user's jar handles; user agent, encodings, `sec-*`
//! hints, connection management). A recorded credential is never written:
//! it becomes a reference to an environment variable.

/// Headers a browser sends on its own, or that starling sets itself.
const NOISE: &[&str] = &[
    "accept-encoding",
    "accept-language",
    "cache-control",
    "connection",
    "content-length",
    "cookie",
    "dnt",
    "host",
    "if-modified-since",
    "if-none-match",
    "keep-alive",
    "origin",
    "pragma",
    "priority",
    "purpose",
    "referer",
    "te",
    "traceparent",
    "tracestate",
    "upgrade-insecure-requests",
    "user-agent",
];

/// Name parts that make a value a credential (the same parts starling
/// redacts by name in its outputs).
const SECRET_PARTS: &[&str] = &["token", "key", "secret", "password", "session", "auth"];

/// What becomes of one recorded header.
#[derive(Debug, PartialEq)]
pub(crate) enum Kept {
    Dropped,
    /// Written as recorded (name lower-cased).
    Header(String, String),
    /// A credential: the header reads this environment variable instead.
    FromEnv(String, String),
    /// `Authorization: Bearer ...`: `auth: { bearer: env(VAR) }`.
    Bearer(String),
}

/// True when a field or header named `name` holds a credential.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_PARTS.iter().any(|part| name.contains(part))
}

/// The environment variable read in place of the field `name`:
/// `X-Api-Key` → `X_API_KEY`.
pub(crate) fn env_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Decides one header. `body_typed` is true when the step's `json:` or
/// `form:` body sets the content type itself.
pub(crate) fn keep(name: &str, value: &str, body_typed: bool) -> Kept {
    let name = name.to_ascii_lowercase();
    // HTTP/2 pseudo-headers (`:authority`, `:path`) are the URL again.
    if name.starts_with(':') || name.starts_with("sec-") || NOISE.contains(&name.as_str()) {
        return Kept::Dropped;
    }
    if name == "authorization" {
        let is_bearer = value
            .get(..7)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("bearer "));
        return if is_bearer {
            Kept::Bearer("TOKEN".into())
        } else {
            Kept::FromEnv(name, "AUTHORIZATION".into())
        };
    }
    if is_secret_name(&name) || name == "proxy-authorization" {
        let var = env_name(&name);
        return Kept::FromEnv(name, var);
    }
    if name == "content-type" && body_typed {
        return Kept::Dropped;
    }
    // A browser's default `accept` says nothing the server needs.
    if name == "accept" && (value.trim() == "*/*" || value.starts_with("text/html")) {
        return Kept::Dropped;
    }
    Kept::Header(name, value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_noise_is_dropped() {
        for name in [
            "Cookie",
            "User-Agent",
            "Accept-Encoding",
            "sec-ch-ua",
            "Sec-Fetch-Mode",
            "Connection",
            "Content-Length",
            "Host",
            ":authority",
            "Referer",
        ] {
            assert_eq!(keep(name, "x", false), Kept::Dropped, "{name}");
        }
        assert_eq!(keep("Accept", "*/*", false), Kept::Dropped);
    }

    #[test]
    fn what_the_server_reads_is_kept() {
        assert_eq!(
            keep("Content-Type", "text/plain", false),
            Kept::Header("content-type".into(), "text/plain".into())
        );
        assert_eq!(
            keep("Content-Type", "application/json", true),
            Kept::Dropped
        );
        assert_eq!(
            keep("X-Request-Id", "abc", false),
            Kept::Header("x-request-id".into(), "abc".into())
        );
        assert_eq!(
            keep("Accept", "application/json", false),
            Kept::Header("accept".into(), "application/json".into())
        );
    }

    #[test]
    fn credentials_become_environment_references() {
        assert_eq!(
            keep("Authorization", "Bearer eyJ.x.y", false),
            Kept::Bearer("TOKEN".into())
        );
        assert_eq!(
            keep("authorization", "Basic YTpi", false),
            Kept::FromEnv("authorization".into(), "AUTHORIZATION".into())
        );
        assert_eq!(
            keep("X-Api-Key", "k-123", false),
            Kept::FromEnv("x-api-key".into(), "X_API_KEY".into())
        );
        assert_eq!(
            keep("X-CSRF-Token", "t", false),
            Kept::FromEnv("x-csrf-token".into(), "X_CSRF_TOKEN".into())
        );
    }
}
