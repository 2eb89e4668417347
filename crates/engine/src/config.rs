//! How a run is set up beyond what the Plan says: workers, host override,
//! seed, shutdown grace, TLS settings, HTTP version, tracing, debugging.

use std::path::PathBuf;
use std::time::Duration;

use starling_http::HttpVersion;
use starling_scenario::BaseUrl;

use crate::debug::DebugSink;
use crate::segment::Segment;
use crate::trace::TraceConfig;

/// Settings of one run. The load shape itself is in the Plan.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Worker threads, each with its own single-threaded runtime.
    pub workers: usize,
    /// Replaces the Plan's `target` (the CLI's `--host`).
    pub host: Option<BaseUrl>,
    /// Overrides the Plan's seed; `None` with no seed in the Plan is random.
    pub seed: Option<u64>,
    /// After a stop, how long in-flight journeys may take to finish.
    pub stop_timeout: Duration,
    /// How often shards are merged into the aggregate (and progress shown).
    pub collect_every: Duration,
    pub accept_invalid_certs: bool,
    pub ca_file: Option<PathBuf>,
    /// Replaces the Plan's `defaults.http` (the CLI's `--http`).
    pub http_version: Option<HttpVersion>,
    /// Scenario name for the summary (usually its file name).
    pub scenario_name: String,
    /// A fingerprint of the scenario's text, kept in the results so that
    /// `merge` can refuse results of different scenarios.
    pub scenario_hash: Option<String>,
    /// This process's share of a run spread over several (`--segment`).
    pub segment: Segment,
    /// The common start of a run spread over several machines
    /// (`--start-at`); `None` starts at once.
    pub start_at: Option<std::time::SystemTime>,
    /// Trace context and sampling (`--no-trace`, `--trace-sample`).
    pub trace: TraceConfig,
    /// What the caller changed before the run (e.g. `--users` ignored),
    /// stamped on every summary's `run.warnings`.
    pub warnings: Vec<starling_metrics::RunWarning>,
    /// A debug run's sink (`starling try`): every user hands it what it
    /// did. `None` on a load run.
    pub debug: Option<DebugSink>,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            workers: std::thread::available_parallelism().map_or(1, |n| n.get()),
            host: None,
            seed: None,
            stop_timeout: Duration::from_secs(10),
            collect_every: Duration::from_secs(1),
            accept_invalid_certs: false,
            ca_file: None,
            http_version: None,
            scenario_name: String::from("scenario"),
            scenario_hash: None,
            segment: Segment::WHOLE,
            start_at: None,
            trace: TraceConfig::default(),
            warnings: Vec::new(),
            debug: None,
        }
    }
}
