//! Errors of reading results back (merging results files).

/// A results file that cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("not a starling results file (format is `{0}`, expected `starling-results`)")]
    Format(String),
    #[error(
        "results version {0} is not supported (this build reads versions {oldest} to {current})",
        oldest = crate::OLDEST_VERSION,
        current = crate::VERSION
    )]
    Version(u32),
    #[error("a histogram in the results is damaged: {0}")]
    Histogram(String),
    #[error("no results to merge")]
    Empty,
}
