//! Machinery shared by templates, expressions, captures and expectations:
//! the one minijinja environment, the template splitter, compile-time
//! `env()` resolution, and the evaluation context built from a `Scope`.
//!
//! Only the error types and [`with_rng`] are public; everything else is an implementation
//! detail of `template`, `expr`, `capture` and `expect`.

mod code;
mod context;
mod environment;
mod error;
mod lex;

pub(crate) use code::Code;
pub(crate) use context::ResponseFields;
pub use environment::with_rng;
pub use error::{EvalError, SyntaxError};
pub(crate) use lex::{Part, split_template, template_as_expr};
