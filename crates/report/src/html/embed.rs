//! Putting data and code inside one HTML file without letting either
//! break out of its element. The page data is JSON in a
//! `<script type="application/json">`: the HTML parser ends that element
//! at the first `</script` whatever the JSON means, so every `<`, `>` and
//! `&` in it is written as a `\uXXXX` escape, which JSON reads back as the
//! same character. U+2028 and U+2029 are escaped too, so the text stays
//! valid should anything ever read it as JavaScript.
//!
//! Each inline script carries a fresh nonce that the page's Content
//! Security Policy requires: markup that reached the page some other way
//! could not run (no inline handler, no `javascript:` URL, no script
//! without the nonce), and the page cannot load anything from the network.

use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};

/// `value` as JSON that is safe anywhere inside a `<script>` element.
pub(crate) fn json_for_script(value: &serde_json::Value) -> String {
    let json = value.to_string();
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        match c {
            // Outside strings JSON has none of these, so escaping every
            // occurrence only ever touches string contents.
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// 128 unpredictable bits as hex: `RandomState` is seeded from the OS, and
/// the page only needs a value that its data cannot know in advance.
pub(crate) fn nonce() -> String {
    let mut out = String::with_capacity(32);
    for round in 0..2u8 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u8(round);
        let _ = write!(out, "{:016x}", hasher.finish());
    }
    out
}

/// The Content Security Policy of a report whose scripts carry `nonce`:
/// nothing from the network, scripts only with the nonce, styles inline.
pub(crate) fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; \
         base-uri 'none'; form-action 'none'"
    )
}

/// Whether `code` can sit inside a `<script>` (or `style`) element as is:
/// it must not close the element or open a comment the parser treats
/// specially. Checked by a test for every asset, never at run time.
#[cfg(test)]
pub(crate) fn safe_inline(code: &str) -> bool {
    let lower = code.to_ascii_lowercase();
    !["</script", "</style", "<!--", "<script"]
        .iter()
        .any(|needle| lower.contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nothing_in_the_json_can_close_the_script_and_it_reads_back_the_same() {
        let value = json!({
            "name": "</script><script>alert(1)</script>",
            "body": "a & b > c <!-- \u{2028}\u{2029}",
        });
        let embedded = json_for_script(&value);
        for raw in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!embedded.contains(raw), "{raw:?} left in {embedded}");
        }
        assert!(embedded.contains(r"\u003c/script\u003e"));
        let back: serde_json::Value = serde_json::from_str(&embedded).expect("still JSON");
        assert_eq!(back, value);
    }

    #[test]
    fn nonces_differ_and_are_hex() {
        let (a, b) = (nonce(), nonce());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn unsafe_inline_code_is_recognised() {
        assert!(safe_inline("a < b && c > d"));
        assert!(!safe_inline("s = '</SCRIPT>'"));
        assert!(!safe_inline("/* <!-- */"));
    }
}
