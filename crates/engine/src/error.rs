//! Errors that stop a run before any load is sent. Faults of the system
//! under test are never errors: they are metrics.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum EngineError {
    #[error(
        "the scenario has requests with a relative path but no `target`; give one in the file or with --host"
    )]
    NoTarget,
    #[error("invalid HTTP client settings: {0}")]
    Http(String),
    #[error("could not start worker thread {index}: {source}")]
    Worker {
        index: usize,
        source: std::io::Error,
    },
    #[error("--workers must be at least 1")]
    NoWorkers,
    #[error(
        "{segments} segments for a run of {users} users would leave segments idle: use at most {users} segments"
    )]
    IdleSegments { segments: u32, users: u64 },
    #[error("--trace-sample must be between 0 and 1, found {0}")]
    TraceSample(f64),
    #[error("OTLP export: {0}")]
    Otlp(String),
}
