//! Splitting template text into literal text and `{{ expr }}` code, and
//! resolving `env("NAME")` calls inside code at compile time.
//!
//! A template is compiled as a list of literal strings and expressions
//! rather than as a minijinja template (see `environment` for why): that
//! keeps compiled templates lock-free and lets a string that is exactly one
//! `{{ expr }}` keep its value's type in a JSON body. Statements
//! (`{% if %}`, `{% for %}`) are therefore not supported: an inline
//! `{{ a if cond else b }}` covers what a request needs. `{# comments #}`
//! and the `{{-` / `-}}` whitespace control of Jinja are.

use super::SyntaxError;

/// A piece of a template.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Part<'s> {
    /// Literal text (comments removed, whitespace control applied).
    Text(String),
    /// The inside of a `{{ }}`, at `offset` in the template source.
    Code { code: &'s str, offset: usize },
}

/// Splits `source` into text and code parts.
pub(crate) fn split_template(source: &str) -> Result<Vec<Part<'_>>, SyntaxError> {
    let bytes = source.as_bytes();
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut pos = 0;
    let mut trim_next = false;
    while let Some(open) = find_open(bytes, pos) {
        let mut chunk = &source[pos..open];
        if std::mem::take(&mut trim_next) {
            chunk = chunk.trim_start();
        }
        let mut start = open + 2;
        if bytes.get(start) == Some(&b'-') {
            chunk = chunk.trim_end();
            start += 1;
        }
        text.push_str(chunk);
        match bytes[open + 1] {
            b'%' => {
                return Err(SyntaxError::new(
                    "`{% %}` statements are not supported in templates; \
                     use an expression such as `{{ a if condition else b }}`",
                    open,
                    2,
                ));
            }
            b'#' => {
                let Some(end) = source[start..].find("#}").map(|i| i + start) else {
                    return Err(SyntaxError::new(
                        "`{#` comment is not closed by `#}`",
                        open,
                        2,
                    ));
                };
                trim_next = end > start && bytes[end - 1] == b'-';
                pos = end + 2;
            }
            _ => {
                let Some(end) = find_code_end(bytes, start) else {
                    return Err(SyntaxError::new("`{{` is not closed by `}}`", open, 2));
                };
                let mut code_end = end;
                if code_end > start && bytes[code_end - 1] == b'-' {
                    code_end -= 1;
                    trim_next = true;
                }
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                parts.push(Part::Code {
                    code: &source[start..code_end],
                    offset: start,
                });
                pos = end + 2;
            }
        }
    }
    let mut rest = &source[pos..];
    if trim_next {
        rest = rest.trim_start();
    }
    text.push_str(rest);
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    Ok(parts)
}

/// The next `{{`, `{%` or `{#` at or after `from`.
fn find_open(bytes: &[u8], from: usize) -> Option<usize> {
    (from..bytes.len().saturating_sub(1))
        .find(|&i| bytes[i] == b'{' && matches!(bytes[i + 1], b'{' | b'%' | b'#'))
}

/// The `}}` that closes code starting at `from`, skipping string literals
/// (so `{{ "}}" }}` works).
fn find_code_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' => i = skip_string(bytes, i)?,
            b'}' if bytes.get(i + 1) == Some(&b'}') => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Given a quote at `start`, the index just past the closing quote.
fn skip_string(bytes: &[u8], start: usize) -> Option<usize> {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Expression code with every `env(...)` call replaced by a string literal.
#[derive(Debug)]
pub(crate) struct Resolved {
    pub(crate) code: String,
    /// Replaced ranges, in order: (start in `code`, length in `code`,
    /// start in the original, length in the original).
    splices: Vec<(usize, usize, usize, usize)>,
    /// The values read from the environment (not defaults written in the
    /// file): secrets the engine redacts from what it reports.
    pub(crate) env_values: Vec<String>,
}

impl Resolved {
    /// Maps a byte range of the rewritten code back to the original code.
    pub(crate) fn original_range(&self, start: usize, len: usize) -> (usize, usize) {
        let mut shift: isize = 0;
        for &(new_start, new_len, old_start, old_len) in &self.splices {
            if start < new_start {
                break;
            }
            if start < new_start + new_len {
                return (old_start, old_len);
            }
            shift = (old_start + old_len) as isize - (new_start + new_len) as isize;
        }
        (start.saturating_add_signed(shift), len)
    }
}

/// Replaces each `env("NAME")` / `env("NAME", "default")` call in `code`
/// with the variable's value, read now: a secret or a host from the
/// environment is fixed for the whole run, and a missing one is reported
/// before any load is sent. Offsets in errors are inside `code`.
pub(crate) fn resolve_env(code: &str) -> Result<Resolved, SyntaxError> {
    let bytes = code.as_bytes();
    let mut out = String::with_capacity(code.len());
    let mut splices = Vec::new();
    let mut env_values = Vec::new();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' || b == b'\'' {
            i = skip_string(bytes, i).unwrap_or(bytes.len());
        } else if b.is_ascii_alphabetic() || b == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let after_dot = code[..start].trim_end().ends_with('.');
            if &code[start..i] != "env" || after_dot {
                continue;
            }
            let open = skip_space(bytes, i);
            if bytes.get(open) != Some(&b'(') {
                continue;
            }
            let (value, from_env, end) = env_call(code, start, open + 1)?;
            if from_env {
                env_values.push(value.clone());
            }
            out.push_str(&code[copied..start]);
            let literal = string_literal(&value);
            splices.push((out.len(), literal.len(), start, end - start));
            out.push_str(&literal);
            copied = end;
            i = end;
        } else {
            i += 1;
        }
    }
    out.push_str(&code[copied..]);
    Ok(Resolved {
        code: out,
        splices,
        env_values,
    })
}

/// Parses the arguments of an `env(` call whose name starts at `start` and
/// whose arguments start at `args`; returns the value, whether it came from
/// the environment (not the default), and the end of the call.
fn env_call(code: &str, start: usize, args: usize) -> Result<(String, bool, usize), SyntaxError> {
    let bytes = code.as_bytes();
    // The span ends after the offending character, which may be wider
    // than the one byte `end` counts.
    let bad = |end: usize| {
        let mut end = end.min(code.len());
        while !code.is_char_boundary(end) {
            end += 1;
        }
        SyntaxError::new(
            "env() takes the variable's name as a quoted string, and optionally a \
             quoted default: env(\"NAME\") or env(\"NAME\", \"default\")",
            start,
            end - start,
        )
    };
    let mut i = skip_space(bytes, args);
    let (name, after) = string_at(code, i).ok_or_else(|| bad(i + 1))?;
    i = skip_space(bytes, after);
    let mut default = None;
    if bytes.get(i) == Some(&b',') {
        i = skip_space(bytes, i + 1);
        let (value, after) = string_at(code, i).ok_or_else(|| bad(i + 1))?;
        default = Some(value);
        i = skip_space(bytes, after);
    }
    if bytes.get(i) != Some(&b')') {
        return Err(bad(i + 1));
    }
    let end = i + 1;
    let (value, from_env) = match (std::env::var(&name), default) {
        (Ok(value), _) => (value, true),
        (Err(std::env::VarError::NotPresent), Some(default)) => (default, false),
        (Err(std::env::VarError::NotPresent), None) => {
            return Err(SyntaxError::new(
                format!("environment variable `{name}` is not set and has no default"),
                start,
                end - start,
            ));
        }
        (Err(std::env::VarError::NotUnicode(_)), _) => {
            return Err(SyntaxError::new(
                format!("environment variable `{name}` is not valid UTF-8"),
                start,
                end - start,
            ));
        }
    };
    Ok((value, from_env, end))
}

/// Each name called as a function in `code` (`nope(1)`; not a method or
/// filter such as `x.upper()` or `x | default(1)`), with its offset, so a
/// call of a name that is no function can be reported as an unknown
/// function rather than as an unset variable.
pub(crate) fn called_names(code: &str) -> Vec<(usize, &str)> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    // The last byte before the current token that is not a space.
    let mut before = b' ';
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if matches!(b, b'"' | b'\'') {
            i = skip_string(bytes, i).unwrap_or(bytes.len());
            before = b'"';
        } else if b.is_ascii_alphanumeric() || b == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let called = bytes.get(skip_space(bytes, i)) == Some(&b'(');
            if called && !b.is_ascii_digit() && !matches!(before, b'.' | b'|') {
                out.push((start, &code[start..i]));
            }
            before = b'a';
        } else {
            if !b.is_ascii_whitespace() {
                before = b;
            }
            i += 1;
        }
    }
    out
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// A quoted string literal at `i`: its (simply unescaped) value and its end.
fn string_at(code: &str, i: usize) -> Option<(String, usize)> {
    let bytes = code.as_bytes();
    if !matches!(bytes.get(i), Some(b'"' | b'\'')) {
        return None;
    }
    let end = skip_string(bytes, i)?;
    let mut value = String::new();
    let mut chars = code[i + 1..end - 1].chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => value.push('\n'),
                Some('t') => value.push('\t'),
                Some('r') => value.push('\r'),
                Some(other) => value.push(other),
                None => {}
            }
        } else {
            value.push(c);
        }
    }
    Some((value, end))
}

/// A template that compiled as one expression of the same value: its text
/// as string literals and its codes in parentheses, joined by `~`
/// (`user-{{ vu.id }}` becomes `"user-" ~ (vu.id)`), so it can be an
/// argument inside another expression. `None` if it does not split.
pub(crate) fn template_as_expr(source: &str) -> Option<String> {
    let parts: Vec<String> = split_template(source)
        .ok()?
        .into_iter()
        .map(|part| match part {
            Part::Text(text) => string_literal(&text),
            Part::Code { code, .. } => format!("({code})"),
        })
        .collect();
    Some(if parts.is_empty() {
        "\"\"".to_owned()
    } else {
        parts.join(" ~ ")
    })
}

/// `value` as a double-quoted minijinja string literal.
fn string_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(code: &str, offset: usize) -> Part<'_> {
        Part::Code { code, offset }
    }

    #[test]
    fn splits_text_and_code() {
        let parts = split_template("/orders/{{ id }}?x={{y}}").unwrap();
        assert_eq!(
            parts,
            [
                Part::Text("/orders/".into()),
                code(" id ", 10),
                Part::Text("?x=".into()),
                code("y", 21)
            ]
        );
    }

    #[test]
    fn skips_braces_inside_strings_and_comments() {
        let parts = split_template("a{{ \"}}\" }}{# c #}b").unwrap();
        assert_eq!(
            parts,
            [
                Part::Text("a".into()),
                code(" \"}}\" ", 3),
                Part::Text("b".into())
            ]
        );
    }

    #[test]
    fn whitespace_control_trims_around() {
        let parts = split_template("a  {{- x -}}  b").unwrap();
        assert_eq!(
            parts,
            [
                Part::Text("a".into()),
                code(" x ", 6),
                Part::Text("b".into())
            ]
        );
    }

    #[test]
    fn unclosed_and_statements_are_located() {
        let err = split_template("ab {{ x").unwrap_err();
        assert_eq!((err.offset, err.len), (3, 2));
        assert_eq!(err.message, "`{{` is not closed by `}}`");
        let err = split_template("x{% if a %}y{% endif %}").unwrap_err();
        assert_eq!((err.offset, err.len), (1, 2));
    }

    #[test]
    fn a_template_as_an_expression() {
        assert_eq!(
            template_as_expr(r#"user-{{ vu.id }}"x""#).as_deref(),
            Some(r#""user-" ~ ( vu.id ) ~ "\"x\"""#)
        );
        assert_eq!(template_as_expr("").as_deref(), Some(r#""""#));
        assert_eq!(template_as_expr("{{ a"), None);
    }

    #[test]
    fn called_names_skip_methods_filters_and_strings() {
        assert_eq!(
            called_names(r#"nope(1) ~ a.upper() ~ b | default(2) ~ "x(" ~ uuid ( )"#),
            [(0, "nope"), (46, "uuid")]
        );
        assert_eq!(called_names("a + 1e5"), []);
    }

    #[test]
    fn env_calls_become_literals_and_offsets_map_back() {
        // PATH is set in any test environment.
        let path = std::env::var("PATH").unwrap();
        let r = resolve_env("a ~ env('PATH') ~ b").unwrap();
        assert_eq!(r.code, format!("a ~ {} ~ b", string_literal(&path)));
        let lit = string_literal(&path).len();
        // A position after the call maps back by the length difference.
        assert_eq!(r.original_range(4 + lit + 3, 1), (18, 1));
        // A position inside the literal maps to the whole call.
        assert_eq!(r.original_range(5, 1), (4, 11));
        // Before the call: unchanged.
        assert_eq!(r.original_range(0, 1), (0, 1));
    }

    #[test]
    fn env_default_missing_and_misuse() {
        let r = resolve_env("env(\"STARLING_TEST_SURELY_UNSET\", \"dflt\")").unwrap();
        assert_eq!(r.code, "\"dflt\"");
        let err = resolve_env("1 + env(\"STARLING_TEST_SURELY_UNSET\")").unwrap_err();
        assert_eq!(
            err.message,
            "environment variable `STARLING_TEST_SURELY_UNSET` is not set and has no default"
        );
        assert_eq!((err.offset, err.len), (4, 33));
        let err = resolve_env("env(name)").unwrap_err();
        assert_eq!(err.offset, 0);
        // A misuse ending in a wide character spans all of it.
        let err = resolve_env("env(é").unwrap_err();
        assert_eq!((err.offset, err.len), (0, "env(é".len()));
        // Not calls of env: a method, an attribute, a longer name, a string.
        for code in ["x.env('A')", "myenv('A')", "'env(A)'", "env"] {
            assert_eq!(resolve_env(code).unwrap().code, code);
        }
    }
}
