//! Compiled expressions for `if`, `until`, `while`, `set` and expectation
//! conditions, e.g. `response.json.status == "settled"`.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use crate::runtime::{Code, EvalError, SyntaxError};
use crate::scope::Scope;
use crate::value::Value;

/// A compiled expression (minijinja's expression language). Cheap to
/// clone and shareable between threads.
#[derive(Clone)]
pub struct Expr(Arc<ExprInner>);

struct ExprInner {
    source: Box<str>,
    code: Code,
}

impl fmt::Debug for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Expr").field(&self.0.source).finish()
    }
}

impl Expr {
    /// Compiles `source` (no `{{ }}` around it); an error's offset is
    /// inside `source`.
    pub fn compile(source: &str) -> Result<Expr, SyntaxError> {
        let code = Code::compile(source)?;
        Ok(Expr(Arc::new(ExprInner {
            source: source.into(),
            code,
        })))
    }

    pub fn source(&self) -> &str {
        &self.0.source
    }

    /// Root names of the user variables it reads (not `vu`, `journey`,
    /// `response` or functions).
    pub fn variables(&self) -> BTreeSet<String> {
        self.0.code.variables().map(str::to_owned).collect()
    }

    /// The values its `env()` calls read from the environment.
    pub fn env_values(&self) -> impl Iterator<Item = &str> {
        self.0.code.env_values()
    }

    /// The compiled code, for the compile-time checks.
    pub(crate) fn code(&self) -> &Code {
        &self.0.code
    }

    /// The expression's value. Undefined is an error, never a value.
    pub fn eval(&self, scope: &Scope<'_>) -> Result<Value, EvalError> {
        self.0.code.eval(scope, None)
    }

    /// The value's truth (Jinja's: `0`, `""`, `none`, empty lists and maps
    /// are false).
    pub fn is_true(&self, scope: &Scope<'_>) -> Result<bool, EvalError> {
        self.eval(scope).map(|value| value.is_true())
    }

    /// Like `eval`, with one more variable bound (it hides a user variable
    /// of the same name): `value` in an expectation condition.
    pub(crate) fn eval_with(
        &self,
        scope: &Scope<'_>,
        name: &str,
        value: &Value,
    ) -> Result<Value, EvalError> {
        self.0.code.eval(scope, Some((name, value)))
    }
}
