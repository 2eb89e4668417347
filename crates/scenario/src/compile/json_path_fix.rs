//! How to fix the JSONPaths newcomers write most: a name with a `-` in dot
//! notation (`$.headers.X-Token`, from httpbin's echo), an index after a dot
//! (`$.items.0.id`, lodash style) and a path without its `$` (`id`).
//! A fix is offered only when the rewritten path compiles.

use crate::capture::JsonPath;

/// The corrected path and what was wrong, for a path that does not compile.
pub(crate) fn fix(text: &str) -> Option<(String, String)> {
    let (rooted, why) = if text.starts_with('$') {
        (text.to_owned(), None)
    } else if text.starts_with(['.', '[']) {
        (format!("${text}"), Some(ROOT.to_owned()))
    } else {
        (format!("$.{text}"), Some(ROOT.to_owned()))
    };
    let (fixed, bracket_why) = bracket_names(&rooted);
    let why = why.or(bracket_why)?;
    JsonPath::compile(&fixed).ok()?;
    Some((fixed, why))
}

const ROOT: &str = "a JSONPath starts with `$`";

/// `fix` as the end of a message: "`.b-c` needs brackets: write `"$.a['b-c']"`"
/// (quoted when it has a `[`, which YAML reads as a list inside `{ }`).
pub(crate) fn hint(text: &str) -> Option<String> {
    let (fixed, why) = fix(text)?;
    let shown = if fixed.contains('[') {
        format!("\"{fixed}\"")
    } else {
        fixed
    };
    Some(format!("{why}: write `{shown}`"))
}

/// Rewrites each `.name` that dot notation cannot hold into brackets:
/// `.0` into `[0]`, `.X-Token` into `['X-Token']`. Text inside brackets
/// and quotes is kept as it is.
fn bracket_names(path: &str) -> (String, Option<String>) {
    let mut out = String::with_capacity(path.len() + 8);
    let mut why = None;
    let mut rest = path;
    while let Some(c) = rest.chars().next() {
        match c {
            '[' => {
                let end = bracket_end(rest);
                out.push_str(&rest[..end]);
                rest = &rest[end..];
            }
            '.' if !rest.starts_with("..") => {
                let name_len = rest[1..].find(['.', '[']).map_or(rest.len() - 1, |i| i);
                let name = &rest[1..1 + name_len];
                rest = &rest[1 + name_len..];
                if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) {
                    out.push_str(&format!("[{name}]"));
                    why.get_or_insert_with(|| format!("`.{name}` is an index, in brackets"));
                } else if !name.is_empty() && !is_shorthand(name) {
                    out.push_str(&format!("['{}']", name.replace('\'', "\\'")));
                    why.get_or_insert_with(|| format!("`.{name}` needs brackets"));
                } else {
                    out.push('.');
                    out.push_str(name);
                }
            }
            _ => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    (out, why)
}

/// RFC 9535's member-name-shorthand: a letter, `_` or non-ASCII first,
/// then those or digits (`*` is the wildcard, also allowed after a dot).
fn is_shorthand(name: &str) -> bool {
    let ok = |c: char| c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii();
    name == "*" || (name.chars().all(ok) && !name.starts_with(|c: char| c.is_ascii_digit()))
}

/// The length of the bracket at the start of `text`, up to its `]` outside
/// quotes (all of `text` when it is not closed).
fn bracket_end(text: &str) -> usize {
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, ']') => return i + 1,
            _ => {}
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_dashed_names_dotted_indexes_and_a_missing_root() {
        assert_eq!(
            fix("$.headers.X-Token").map(|f| f.0).as_deref(),
            Some("$.headers['X-Token']")
        );
        assert_eq!(
            fix("$.items.0.id").map(|f| f.0).as_deref(),
            Some("$.items[0].id")
        );
        assert_eq!(fix("id").map(|f| f.0).as_deref(), Some("$.id"));
        assert_eq!(fix("[0].id").map(|f| f.0).as_deref(), Some("$[0].id"));
        // Brackets are kept as written, a valid path needs no fix, and a
        // path still broken after the rewrite gets none.
        assert_eq!(
            fix("$['a.b'].c-d").map(|f| f.0).as_deref(),
            Some("$['a.b']['c-d']")
        );
        assert_eq!(fix("$.a.b"), None);
        assert_eq!(fix("$.a[?"), None);
    }
}
