//! Template and expression code that compiles but would fail on every run:
//! code that reads nothing and errors (`random_int(5, 1)`), and a data
//! column the data file does not have (`{{ d.nope }}`). At run time each
//! only fails every journey at that step; `validate` reports it instead,
//! at its place in the file.

use crate::expr::Expr;
use crate::raw::Node;
use crate::runtime::Code;
use crate::suggest;
use crate::template::Template;

use super::Ctx;
use super::templates::locate;

/// Checks each `{{ }}` of `template`, compiled from `value` at `node`.
pub(crate) fn template(ctx: &mut Ctx, node: &Node, value: &str, template: &Template, what: &str) {
    for (offset, len, code) in template.located_codes() {
        check(ctx, node, value, (offset, len), code, what);
    }
}

/// Checks an expression compiled from `value` at `node`.
pub(crate) fn expr(ctx: &mut Ctx, node: &Node, value: &str, expr: &Expr, what: &str) {
    check(ctx, node, value, (0, value.len()), expr.code(), what);
}

/// `at` is the code's offset and length inside `value`.
fn check(ctx: &mut Ctx, node: &Node, value: &str, at: (usize, usize), code: &Code, what: &str) {
    if let Some(err) = code.constant_error() {
        let span = locate(ctx, node, value, at.0, at.1);
        let source = value.get(at.0..at.0 + at.1).unwrap_or(value).trim();
        ctx.sink.error(
            span,
            format!("`{source}` in {what} fails on every run: {err}"),
        );
        return;
    }
    for path in code.paths() {
        let mut names = path.split('.');
        let (Some(root), Some(column)) = (names.next(), names.next()) else {
            continue;
        };
        let Some(columns) = ctx.data_columns.get(root) else {
            continue;
        };
        if columns.iter().any(|c| c == column) {
            continue;
        }
        let list = columns
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let known: Vec<&str> = columns.iter().map(String::as_str).collect();
        let hint = match suggest::nearest(column, &known) {
            Some(near) => format!(", did you mean `{near}`? (its columns: {list})"),
            None => format!(": its columns are {list}"),
        };
        let message = format!("data source `{root}` has no column `{column}`{hint}");
        // Point at the column's name where the code reads it.
        let code_text = value.get(at.0..at.0 + at.1).unwrap_or("");
        let span = match find_path(code_text, root, column) {
            Some(i) => locate(ctx, node, value, at.0 + i + root.len() + 1, column.len()),
            None => locate(ctx, node, value, at.0, at.1),
        };
        ctx.sink.error(span, message);
    }
}

/// Where `root.column` is written in `code`, as a whole name.
fn find_path(code: &str, root: &str, column: &str) -> Option<usize> {
    let needle = format!("{root}.{column}");
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    code.match_indices(&needle).map(|(i, _)| i).find(|&i| {
        let before = i.checked_sub(1).and_then(|j| code.as_bytes().get(j));
        let after = code.as_bytes().get(i + needle.len());
        !before.is_some_and(|&b| is_name(b) || b == b'.') && !after.is_some_and(|&b| is_name(b))
    })
}

#[cfg(test)]
mod tests {
    use super::find_path;

    #[test]
    fn a_path_is_found_only_as_whole_names() {
        assert_eq!(find_path(" d.nope ", "d", "nope"), Some(1));
        assert_eq!(find_path("dd.nope ~ d.nope", "d", "nope"), Some(10));
        assert_eq!(find_path("d.nopes", "d", "nope"), None);
        assert_eq!(find_path("x.d.nope", "d", "nope"), None);
    }
}
