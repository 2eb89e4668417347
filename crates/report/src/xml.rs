//! Escaping for XML 1.0 text and attribute values.

/// Appends `text` to `out`, escaped for both element text and a quoted
/// attribute value. Tab, newline and carriage return become character
/// references, since a parser would turn them into spaces inside an
/// attribute; characters XML 1.0 forbids anywhere (other C0 controls,
/// U+FFFE, U+FFFF) cannot be written even as references and become
/// U+FFFD, so one stray byte in a name never makes a whole report
/// unreadable.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if is_forbidden(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// `text` escaped, as a new string.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Outside XML 1.0's `Char` production. Surrogates cannot occur in a
/// `str`, so only controls and the two non-characters remain.
fn is_forbidden(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_quotes_become_entities() {
        assert_eq!(escape(r#"a<b>&"c'"#), "a&lt;b&gt;&amp;&quot;c&apos;");
    }

    #[test]
    fn whitespace_survives_attributes_and_controls_are_replaced() {
        assert_eq!(escape("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d");
        assert_eq!(
            escape("x\u{0}y\u{1b}z\u{FFFF}"),
            "x\u{FFFD}y\u{FFFD}z\u{FFFD}"
        );
        assert_eq!(escape("é ☃ \u{7f}"), "é ☃ \u{7f}");
    }
}
