//! A response body read as JSON, and why it could not be: not JSON at all,
//! or JSON nested deeper than the reader goes (serde_json stops at 128
//! levels so that hostile input cannot overflow the stack). The two need
//! different fixes, so a user is told which one it is.

/// The deepest nesting serde_json reads: its recursion limit is 128, and
/// the 128th level is refused.
pub const MAX_JSON_DEPTH: usize = 127;

/// Why a body has no JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotJson {
    #[error("body is not JSON")]
    Invalid,
    #[error("body is nested more than 127 levels deep, too deeply nested to read as JSON")]
    TooDeep,
}

/// Parses `body`. Depth is looked at only when parsing failed, so a body
/// that parses costs nothing more.
pub(crate) fn parse(body: &[u8]) -> Result<serde_json::Value, NotJson> {
    serde_json::from_slice(body).map_err(|_| {
        if nesting_exceeds(body, MAX_JSON_DEPTH) {
            NotJson::TooDeep
        } else {
            NotJson::Invalid
        }
    })
}

/// True when arrays and objects in `body` nest deeper than `limit`
/// (brackets inside strings do not count). It does not check the rest of
/// the syntax: past the limit, the reader stopped before it could tell.
fn nesting_exceeds(body: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in body {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!("{}{}", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn the_limit_is_serde_jsons() {
        assert!(parse(nested(MAX_JSON_DEPTH).as_bytes()).is_ok());
        assert_eq!(
            parse(nested(MAX_JSON_DEPTH + 1).as_bytes()),
            Err(NotJson::TooDeep)
        );
    }

    #[test]
    fn brackets_in_strings_do_not_nest() {
        let body = format!(
            r#"{{"a": "{}\"{}", "b": tru}}"#,
            "[".repeat(300),
            "{".repeat(300)
        );
        assert_eq!(parse(body.as_bytes()), Err(NotJson::Invalid));
    }

    #[test]
    fn what_is_not_json_is_said_so() {
        assert_eq!(parse(b"<html>"), Err(NotJson::Invalid));
        assert_eq!(parse(b"[1, 2"), Err(NotJson::Invalid));
    }
}
