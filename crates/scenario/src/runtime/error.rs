//! Errors of compiling (with a location) and of evaluating (with a message).

/// A template, expression, JSONPath or regex that does not compile.
///
/// `offset` and `len` are a byte range inside the source string that was
/// given to `compile`, so the scenario compiler can turn it into a file,
/// line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    pub message: String,
    pub offset: usize,
    pub len: usize,
}

impl SyntaxError {
    pub(crate) fn new(message: impl Into<String>, offset: usize, len: usize) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            offset,
            len,
        }
    }

    /// The same error, moved `by` bytes later (for code inside a template).
    pub(crate) fn shifted(mut self, by: usize) -> SyntaxError {
        self.offset += by;
        self
    }
}

/// A template or expression that failed while rendering or evaluating,
/// e.g. "variable `user_id` is not set".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EvalError(pub String);
