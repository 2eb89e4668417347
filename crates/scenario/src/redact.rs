//! What must never leave the process: the secret header and field names,
//! the scenario's own additions (`redact:`), and the values `env()` read.
//! The engine applies it when it builds a failure example, so every
//! renderer (terminal, JSON and what reads the same summary) gets redacted
//! text.

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Headers whose values are always secret.
pub const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// A query parameter, form field, JSON member or header whose name holds
/// one of these (in any case) has a secret value.
pub const SECRET_NAME_PARTS: &[&str] = &["token", "key", "secret", "password", "session", "auth"];

/// Values shorter than this are not replaced where they appear verbatim:
/// a two-character value would hit unrelated text everywhere (`10` in
/// `expected 200, got 410`). Secret-named fields are redacted whatever
/// their length.
pub const MIN_SECRET_LEN: usize = 4;

/// The scenario's redaction policy, part of the Plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redact {
    /// Name parts the scenario's `redact:` list adds, in lower case.
    pub names: Vec<String>,
    /// Every value `env()` read from the environment (not defaults written
    /// in the file), deduplicated.
    pub env_values: Vec<String>,
}

impl Redact {
    /// Whether a parameter, field or header called `name` holds a secret:
    /// a secret header, or a name containing a secret part.
    pub fn is_secret_name(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        SECRET_HEADERS.contains(&lower.as_str())
            || SECRET_NAME_PARTS.iter().any(|part| lower.contains(part))
            || self.names.iter().any(|part| lower.contains(part.as_str()))
    }
}

/// What a `Basic` credential (RFC 7617) encodes, `user:password`, and the
/// password: a server that echoes them decoded must not show them either.
pub fn basic_credentials(header_value: &str) -> Option<(String, String)> {
    use base64::Engine as _;
    let (scheme, encoded) = header_value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let pair = String::from_utf8(decoded).ok()?;
    let (_, password) = pair.split_once(':')?;
    let password = password.to_owned();
    Some((pair, password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_by_part_in_any_case_and_the_scenario_adds_parts() {
        let redact = Redact {
            names: vec!["pin".to_owned()],
            env_values: Vec::new(),
        };
        for name in [
            "api_key",
            "X-Auth-Token",
            "PASSWORD",
            "sessionid",
            "Cookie",
            "user_pin",
        ] {
            assert!(redact.is_secret_name(name), "{name}");
        }
        for name in ["page", "user_id", "content-type", "q"] {
            assert!(!redact.is_secret_name(name), "{name}");
        }
        assert!(!Redact::default().is_secret_name("user_pin"));
    }

    #[test]
    fn basic_credentials_are_decoded_for_redaction() {
        assert_eq!(
            basic_credentials("Basic YWRhOnMzY3JldA=="),
            Some(("ada:s3cret".to_owned(), "s3cret".to_owned()))
        );
        assert_eq!(basic_credentials("Bearer YWRhOnMzY3JldA=="), None);
        assert_eq!(basic_credentials("Basic !!!"), None);
    }
}
