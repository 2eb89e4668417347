//! One compiled expression: the unit both `Template` (each `{{ }}`) and
//! `Expr` are made of.

use std::fmt;

use minijinja::{Error, ErrorKind, Expression, Value};

use super::context::{ResponseFields, Roots};
use super::environment::{ENV, GLOBALS};
use super::lex::{Resolved, called_names, resolve_env};
use super::{EvalError, SyntaxError};
use crate::scope::Scope;

/// A compiled expression and the root names it reads.
pub(crate) struct Code {
    /// `'static` because it borrows the static `ENV` and owns its source.
    expr: Expression<'static, 'static>,
    /// Set for a bare variable or dotted path, the most common template
    /// code: evaluated by direct lookups instead of minijinja's VM, whose
    /// set-up alone measured about 200 ns per evaluation here (a lookup is
    /// tens of nanoseconds).
    fast: Option<Fast>,
    roots: Roots,
    /// The code as written (before `env()` resolution), for messages.
    source: Box<str>,
    /// What its `env()` calls read from the environment, for redaction.
    env_values: Box<[Box<str>]>,
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // minijinja's own Debug prints the whole environment.
        f.debug_tuple("Code").field(&self.source).finish()
    }
}

impl Code {
    /// Compiles expression code; error offsets are inside `code`.
    pub(crate) fn compile(code: &str) -> Result<Code, SyntaxError> {
        let resolved = resolve_env(code)?;
        let expr = ENV
            .compile_expression_owned(resolved.code.clone())
            .map_err(|e| syntax_error(&e, &resolved, code))?;
        let roots = roots(&expr);
        if let Some(err) = unknown_function(code, &roots) {
            return Err(err);
        }
        Ok(Code {
            expr,
            fast: Fast::parse(code),
            roots,
            source: code.into(),
            env_values: resolved.env_values.into_iter().map(Into::into).collect(),
        })
    }

    /// The values its `env()` calls read from the environment.
    pub(crate) fn env_values(&self) -> impl Iterator<Item = &str> {
        self.env_values.iter().map(|value| &**value)
    }

    /// User variables read (not builtins or functions), sorted.
    pub(crate) fn variables(&self) -> impl Iterator<Item = &str> {
        self.roots.vars.iter().map(|(name, _)| &**name)
    }

    /// For code that reads nothing that changes (no variable, `vu`,
    /// `journey` or `response`), the error it gives when evaluated: it gives
    /// the same one on every run (`random_int(5, 1)`), so compile time can
    /// report it. Such code only calls functions on literals, so evaluating
    /// it once here is cheap and bounded (minijinja caps repetition).
    pub(crate) fn constant_error(&self) -> Option<EvalError> {
        let roots = &self.roots;
        if !roots.vars.is_empty() || roots.vu || roots.journey || roots.response.is_some() {
            return None;
        }
        let vars = crate::scope::Vars::new();
        let scope = Scope::new(&vars, crate::scope::VuInfo::default(), "");
        self.eval(&scope, None).err()
    }

    /// The dotted paths it reads from outside (`d.nope` for
    /// `{{ d.nope | upper }}`), for checking data columns.
    pub(crate) fn paths(&self) -> Vec<String> {
        self.expr.undeclared_variables(true).into_iter().collect()
    }

    /// Evaluates against `scope`, with `extra` bound as one more variable.
    /// An undefined result is an error: strictness means an unset variable
    /// never silently becomes an empty value.
    pub(crate) fn eval(
        &self,
        scope: &Scope<'_>,
        extra: Option<(&str, &Value)>,
    ) -> Result<Value, EvalError> {
        if let Some(fast) = &self.fast {
            return fast.eval(scope, extra);
        }
        let context = self.roots.context(scope, extra);
        match self.expr.eval(context) {
            Ok(value) if value.is_undefined() => Err(self.undefined(None, scope, extra)),
            Ok(value) => Ok(value),
            Err(error) => Err(self.error(&error, scope, extra)),
        }
    }

    fn error(&self, error: &Error, scope: &Scope<'_>, extra: Option<(&str, &Value)>) -> EvalError {
        let detail = error.detail().unwrap_or_default();
        if let Some(name) = undefined_name(detail)
            && self.roots.is_missing(name, scope)
            && extra.is_none_or(|(extra, _)| extra != name)
        {
            return not_set(name);
        }
        if error.kind() == ErrorKind::UndefinedError {
            return self.undefined(Some(detail), scope, extra);
        }
        if detail.is_empty() {
            EvalError(error.kind().to_string())
        } else {
            EvalError(format!("{}: {detail}", error.kind()))
        }
    }

    fn undefined(
        &self,
        detail: Option<&str>,
        scope: &Scope<'_>,
        extra: Option<(&str, &Value)>,
    ) -> EvalError {
        if let Some(name) = self.roots.first_missing(scope, extra) {
            return not_set(name);
        }
        if self.roots.response.is_some() && scope.response.is_none() {
            return EvalError(
                "`response` is not available here: no request has answered yet".into(),
            );
        }
        match detail {
            Some(detail) if !detail.is_empty() => EvalError(detail.to_owned()),
            _ => EvalError(format!("`{}` is undefined", self.source.trim())),
        }
    }
}

/// Code that is a variable or a dotted path of names.
#[derive(Debug)]
enum Fast {
    /// A user variable and attribute names: `customers.email`.
    Path {
        root: Box<str>,
        attrs: Box<[Box<str>]>,
    },
    VuId,
    VuIteration,
    JourneyName,
}

/// Names that are not variables when they stand alone.
const KEYWORDS: [&str; 14] = [
    "true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if", "else",
    "loop",
];

impl Fast {
    fn parse(code: &str) -> Option<Fast> {
        let mut names = code.trim().split('.');
        let root = names.next()?;
        let attrs: Vec<&str> = names.collect();
        let is_name = |name: &str| {
            let mut bytes = name.bytes();
            bytes
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        };
        if !is_name(root) || !attrs.iter().all(|a| is_name(a)) || KEYWORDS.contains(&root) {
            return None;
        }
        match (root, attrs.as_slice()) {
            ("vu", ["id"]) => Some(Fast::VuId),
            ("vu", ["iteration"]) => Some(Fast::VuIteration),
            ("journey", ["name"]) => Some(Fast::JourneyName),
            // Other uses of builtins and globals take the general path.
            ("vu" | "journey" | "response", _) => None,
            _ if GLOBALS.contains(root) => None,
            _ => Some(Fast::Path {
                root: root.into(),
                attrs: attrs.into_iter().map(Box::from).collect(),
            }),
        }
    }

    /// Same results and messages as the general path.
    fn eval(&self, scope: &Scope<'_>, extra: Option<(&str, &Value)>) -> Result<Value, EvalError> {
        let (root, attrs) = match self {
            Fast::VuId => return Ok(Value::from(scope.vu.id)),
            Fast::VuIteration => return Ok(Value::from(scope.vu.iteration)),
            Fast::JourneyName => return Ok(Value::from(scope.journey)),
            Fast::Path { root, attrs } => (root, attrs),
        };
        let found = match extra {
            Some((name, value)) if name == &**root => Some(value),
            _ => scope.vars.get(root),
        };
        let mut value = found.ok_or_else(|| not_set(root))?.clone();
        for (i, attr) in attrs.iter().enumerate() {
            value = value.get_attr(attr).map_err(|e| {
                EvalError(format!("{}: {}", e.kind(), e.detail().unwrap_or_default()))
            })?;
            if value.is_undefined() {
                let path: Vec<&str> = attrs[..=i].iter().map(|a| &**a).collect();
                return Err(EvalError(format!(
                    "`{root}.{}` is undefined",
                    path.join(".")
                )));
            }
        }
        Ok(value)
    }
}

fn not_set(name: &str) -> EvalError {
    EvalError(format!("variable `{name}` is not set"))
}

/// The name in a minijinja detail such as "... (`user_id` is undefined)".
fn undefined_name(detail: &str) -> Option<&str> {
    let end = detail.find("` is undefined")?;
    let start = detail[..end].rfind('`')? + 1;
    Some(&detail[start..end])
}

/// The first call of a name that is no function (`nope(1)`, `uuidd()`):
/// minijinja sees an undefined variable there, but no variable can hold a
/// function, so it would fail on every run. Reported at the name, with the
/// nearest of starling's functions.
fn unknown_function(code: &str, roots: &Roots) -> Option<SyntaxError> {
    let (offset, name) = called_names(code)
        .into_iter()
        .find(|(_, name)| roots.vars.iter().any(|(var, _)| &**var == *name))?;
    let functions: Vec<&str> = GLOBALS.iter().map(String::as_str).collect();
    Some(SyntaxError::new(
        crate::suggest::unknown("function", name, &functions),
        offset,
        name.len(),
    ))
}

/// A minijinja compile error as a `SyntaxError` located in the original code.
fn syntax_error(error: &Error, resolved: &Resolved, code: &str) -> SyntaxError {
    let (start, len) = error.range().map_or((0, code.len()), |r| {
        (r.start, r.end.saturating_sub(r.start))
    });
    let (start, len) = resolved.original_range(start, len);
    let (offset, len) = on_char_boundaries(code, start, len);
    let detail = error
        .detail()
        .map_or_else(|| error.kind().to_string(), str::to_owned);
    SyntaxError::new(format!("syntax error: {detail}"), offset, len)
}

/// The range clamped to `text` and widened to whole characters: minijinja
/// may report one byte of a multi-byte character, and the scenario compiler
/// slices the source with the range.
fn on_char_boundaries(text: &str, offset: usize, len: usize) -> (usize, usize) {
    let mut start = offset.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = offset.saturating_add(len).clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    (start, end - start)
}

/// Sorts the root names an expression reads into builtins and variables.
fn roots(expr: &Expression<'static, 'static>) -> Roots {
    let mut names: Vec<String> = expr.undeclared_variables(false).into_iter().collect();
    names.sort();
    let mut roots = Roots::default();
    let mut vars = Vec::new();
    for name in names {
        match name.as_str() {
            _ if GLOBALS.contains(&name) => {}
            "vu" => roots.vu = true,
            "journey" => roots.journey = true,
            "response" => roots.response = Some(response_fields(expr)),
            _ => {
                let key = Value::from(name.as_str());
                vars.push((name.into_boxed_str(), key));
            }
        }
    }
    roots.vars = vars.into_boxed_slice();
    roots
}

/// Which `response.*` parts an expression reads; all of them when it uses
/// `response` as a whole (e.g. `response["json"]`).
fn response_fields(expr: &Expression<'static, 'static>) -> ResponseFields {
    let mut fields = ResponseFields::default();
    for path in expr.undeclared_variables(true) {
        match path.strip_prefix("response") {
            Some("") => return ResponseFields::ALL,
            Some(rest) => match rest.trim_start_matches('.').split('.').next() {
                Some("headers") => fields.headers = true,
                Some("json") => fields.json = true,
                Some("body") => fields.body = true,
                _ => {}
            },
            None => {}
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_shareable_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Code>();
    }

    #[test]
    fn fast_path_only_for_plain_names() {
        for code in [
            " order_id ",
            "customers.email",
            "a.b.c",
            "vu.id",
            "journey.name",
        ] {
            assert!(Fast::parse(code).is_some(), "{code}");
        }
        for code in [
            "a + 1",
            "a | upper",
            "a[0]",
            "true",
            "vu",
            "response.status",
            "uuid",
            "a.0",
            "f()",
        ] {
            assert!(Fast::parse(code).is_none(), "{code}");
        }
    }

    #[test]
    fn undefined_name_finds_the_quoted_name() {
        assert_eq!(undefined_name("`x` is undefined"), Some("x"));
        assert_eq!(
            undefined_name("tried to use + on undefined and number (`user_id` is undefined)"),
            Some("user_id")
        );
        assert_eq!(undefined_name("something else"), None);
    }

    #[test]
    fn roots_sort_builtins_functions_and_variables() {
        let code =
            Code::compile("vu.id ~ journey.name ~ uuid() ~ b ~ a.x ~ response.status").unwrap();
        assert_eq!(code.variables().collect::<Vec<_>>(), ["a", "b"]);
        assert!(code.roots.vu && code.roots.journey);
        assert_eq!(code.roots.response, Some(ResponseFields::default()));
        let code = Code::compile("response.json.id and response.headers['x']").unwrap();
        let fields = code.roots.response.unwrap();
        assert!(fields.json && fields.headers && !fields.body);
    }
}
