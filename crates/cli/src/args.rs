//! The command line, as close to what the user typed as possible: clap
//! types only. Resolving them into real settings happens in the commands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Load-test a microservice system as one system: virtual users run whole
/// journeys across your services, and the report shows the load every
/// service really received.
#[derive(Debug, Parser)]
#[command(name = "starling", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Shown by `starling run --help`; the table lives in `exit.rs`.
const EXIT_CODES: &str = "\
Exit codes:
  0    the run completed and every threshold held
  1    a runtime error of starling itself (a worker died, a results file could not be written)
  2    bad input (scenario, flags, output paths), before any load is sent
  98   a threshold with `abort: true` stopped the run early
  99   the run completed and a threshold failed
  130  stopped by SIGINT (Ctrl-C) before its planned end; results still written
  143  stopped by SIGTERM before its planned end; results still written";

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run a scenario file against its target.
    #[command(after_long_help = EXIT_CODES)]
    Run(Box<RunArgs>),
    /// Write a scenario to start from: a commented starter, or the
    /// requests of a browser's HAR recording (`--from-har`).
    Init {
        /// Where to write it.
        #[arg(default_value = "starling.yaml", value_name = "PATH")]
        path: PathBuf,
        /// A HAR file (a browser's network recording, "Save all as HAR"):
        /// its API calls in order, static assets left out, reused ids
        /// captured, one service per origin.
        #[arg(long, value_name = "FILE.har")]
        from_har: Option<PathBuf>,
        /// Where to write it (the same as PATH).
        #[arg(short, long, value_name = "PATH", conflicts_with = "path")]
        output: Option<PathBuf>,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// One user runs each journey once and prints every request, response,
    /// capture and expectation (secrets redacted); exit 1 if one failed.
    Try(Box<TryArgs>),
    /// Check a scenario file without sending anything.
    Validate {
        /// The scenario file.
        file: PathBuf,
    },
    /// Print the JSON Schema of the scenario format (for editors).
    Schema,
    /// Start the demo microservice system and load-test it.
    Demo(DemoArgs),
    /// Serve the web UI for a scenario: start, watch and steer its runs
    /// from the browser, and download their results.
    Ui(Box<UiArgs>),
    /// Print the summary of a saved results file again, and write the
    /// other outputs from it.
    Report {
        /// A results file written by `run --out`; with two (BASE NEW), the
        /// terminal compares them and the HTML report draws both.
        #[arg(required = true, num_args = 1..=2, value_name = "RESULTS")]
        results: Vec<PathBuf>,
        #[command(flatten)]
        files: FileArgs,
    },
    /// Merge results of several runs or generators into one, exactly, and
    /// judge their thresholds on the whole (exit 99 if one fails).
    Merge {
        /// Two results files or more.
        #[arg(required = true, num_args = 2..)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        outputs: FileArgs,
        /// Merge even results of different scenarios.
        #[arg(long)]
        force: bool,
        /// Merge an incomplete set of segments (some missing).
        #[arg(long)]
        partial: bool,
    },
    /// Print Kubernetes manifests that run a scenario as N segments (an
    /// Indexed Job) and merge their results into one verdict.
    Kube {
        /// The scenario file.
        file: PathBuf,
        /// How many pods (segments) share the load.
        #[arg(long)]
        segments: u32,
        /// The container image with starling in it (see deploy/docker).
        #[arg(long, default_value = "starling:latest")]
        image: String,
        /// Name of the Jobs, ConfigMap and volume.
        #[arg(long, default_value = "starling")]
        name: String,
        /// The common start (RFC 3339); default: two minutes from now.
        #[arg(long, value_name = "TIME")]
        start_at: Option<String>,
    },
    /// Compare two results files: p50/p95/p99, error rate and throughput per
    /// journey, request and service, with regressions flagged.
    Compare {
        /// The results to compare against.
        base: PathBuf,
        /// The results to judge.
        new: PathBuf,
        /// How much worse a p95 or an error rate may get before it is a
        /// regression.
        #[arg(long, default_value = "10%")]
        tolerance: String,
        /// Exit 99 when there is a regression.
        #[arg(long)]
        fail_on_regression: bool,
        /// `text` (a table) or `markdown` (for a pull-request comment).
        #[arg(long, default_value = "text", value_parser = ["text", "markdown"])]
        format: String,
    },
    /// Print a shell completion script: `starling completions bash >
    /// /etc/bash_completion.d/starling` (or zsh, fish).
    Completions {
        /// The shell the script is for.
        shell: crate::completions_cmd::Shell,
    },
}

/// Flags override `STARLING_*` environment variables, which override the file.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The scenario file.
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) load: LoadArgs,
    /// Base URL that replaces the scenario's `target`, e.g. http://127.0.0.1:8000
    #[arg(long, env = "STARLING_HOST")]
    pub(crate) host: Option<String>,
    /// Replaces a service's base URL: NAME=URL (repeatable).
    #[arg(long = "service", value_name = "NAME=URL")]
    pub(crate) services: Vec<String>,
    #[command(flatten)]
    pub(crate) engine: EngineArgs,
    /// Write the full results as JSON to this file.
    #[arg(long, env = "STARLING_OUT")]
    pub(crate) out: Option<PathBuf>,
    /// Also write Locust's CSV files (PREFIX_stats.csv, PREFIX_stats_history.csv,
    /// PREFIX_failures.csv) and starling's (PREFIX_journeys.csv, _funnel, _services).
    #[arg(long, value_name = "PREFIX", env = "STARLING_CSV")]
    pub(crate) csv: Option<PathBuf>,
    /// Also write JUnit XML: a test case per threshold and per journey.
    #[arg(long, value_name = "FILE", env = "STARLING_JUNIT")]
    pub(crate) junit: Option<PathBuf>,
    /// Also write the HTML report: one self-contained page to share.
    #[arg(long, value_name = "FILE", env = "STARLING_HTML")]
    pub(crate) html: Option<PathBuf>,
    /// While the run goes on, rewrite --out this often with the results so
    /// far (marked partial), so a kill loses at most one interval; 0 never.
    #[arg(long, default_value = "10s", env = "STARLING_CHECKPOINT_EVERY")]
    pub(crate) checkpoint_every: String,
    /// Serve Prometheus metrics of the run on this address (e.g.
    /// 127.0.0.1:9464), labelled with the segment.
    #[arg(long, value_name = "HOST:PORT", env = "STARLING_METRICS_ADDR")]
    pub(crate) metrics_addr: Option<String>,
    /// Keep serving the final metrics this long after the run, so the last
    /// scrape sees them.
    #[arg(long, default_value = "0s", env = "STARLING_METRICS_HOLD")]
    pub(crate) metrics_hold: String,
    /// Adds a threshold, e.g. 'journey checkout: p95 < 800ms' or
    /// 'all: errors < 1%, abort' (repeatable; added to the scenario's).
    #[arg(long = "threshold", value_name = "RULE")]
    pub(crate) thresholds: Vec<String>,
    /// No progress line; only the summary.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Serve the web UI and start this run in it at once (the outputs
    /// are written when it ends); the UI stays up until Ctrl-C.
    #[arg(long)]
    pub(crate) ui: bool,
    /// Run as `starling try` does instead: one user, each journey once (or
    /// --iterations times), every request shown; the load is ignored.
    #[arg(long)]
    pub(crate) debug: bool,
    #[command(flatten)]
    pub(crate) web: WebArgs,
}

/// `starling try SCENARIO`: the scenario's journeys, one user at a time.
#[derive(Debug, Args)]
pub(crate) struct TryArgs {
    /// The scenario file.
    pub(crate) file: PathBuf,
    /// How many times each journey runs.
    #[arg(long, default_value_t = 1)]
    pub(crate) iterations: u64,
    /// Wait the think steps and waits between journeys (skipped otherwise).
    #[arg(long)]
    pub(crate) keep_think: bool,
    /// Base URL that replaces the scenario's `target`, e.g. http://127.0.0.1:8000
    #[arg(long, env = "STARLING_HOST")]
    pub(crate) host: Option<String>,
    /// Replaces a service's base URL: NAME=URL (repeatable).
    #[arg(long = "service", value_name = "NAME=URL")]
    pub(crate) services: Vec<String>,
    #[command(flatten)]
    pub(crate) engine: EngineArgs,
}

/// `starling ui SCENARIO`: the scenario and flags of `run`, as the start
/// form's values.
#[derive(Debug, Args)]
pub(crate) struct UiArgs {
    /// The scenario file.
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) load: LoadArgs,
    /// Base URL that replaces the scenario's `target`, e.g. http://127.0.0.1:8000
    #[arg(long, env = "STARLING_HOST")]
    pub(crate) host: Option<String>,
    /// Replaces a service's base URL: NAME=URL (repeatable).
    #[arg(long = "service", value_name = "NAME=URL")]
    pub(crate) services: Vec<String>,
    #[command(flatten)]
    pub(crate) engine: EngineArgs,
    /// Adds a threshold to every run (repeatable; see `run --help`).
    #[arg(long = "threshold", value_name = "RULE")]
    pub(crate) thresholds: Vec<String>,
    #[command(flatten)]
    pub(crate) web: WebArgs,
}

/// Where the web UI listens, and the token that guards it.
#[derive(Debug, Args, Clone)]
pub(crate) struct WebArgs {
    /// The web UI's address: 127.0.0.1 (this machine only) unless told;
    /// any other (e.g. 0.0.0.0) needs --web-token.
    #[arg(long, default_value = "127.0.0.1", env = "STARLING_WEB_HOST")]
    pub(crate) web_host: String,
    /// The web UI's port (0: any free one, printed).
    #[arg(long, default_value_t = 8089, env = "STARLING_WEB_PORT")]
    pub(crate) web_port: u16,
    /// A token every API call must carry (16+ characters), or `auto` to
    /// make one; the printed URL carries it. Required off loopback.
    #[arg(
        long,
        value_name = "TOKEN|auto",
        env = "STARLING_WEB_TOKEN",
        hide_env_values = true
    )]
    pub(crate) web_token: Option<String>,
}

#[derive(Debug, Args, Default)]
pub(crate) struct LoadArgs {
    /// Number of virtual users (closed model).
    #[arg(long, short, env = "STARLING_USERS")]
    pub(crate) users: Option<u32>,
    /// Users started per second while ramping up.
    #[arg(long, env = "STARLING_SPAWN_RATE", allow_negative_numbers = true)]
    pub(crate) spawn_rate: Option<f64>,
    /// How long the run lasts: 30s, 5m, 1h.
    #[arg(long, short, env = "STARLING_DURATION")]
    pub(crate) duration: Option<String>,
    /// Journeys started per second (open model).
    #[arg(long, env = "STARLING_ARRIVAL_RATE", allow_negative_numbers = true)]
    pub(crate) arrival_rate: Option<f64>,
    /// Journeys each user runs, then it stops (closed model).
    #[arg(long, env = "STARLING_ITERATIONS")]
    pub(crate) iterations: Option<u64>,
    /// Run only the journeys carrying one of these tags (a user type's
    /// tags apply to all its journeys), e.g. --tags smoke,checkout.
    #[arg(long, value_name = "TAG,..", env = "STARLING_TAGS")]
    pub(crate) tags: Option<String>,
    /// Leave out the journeys carrying any of these tags.
    #[arg(long, value_name = "TAG,..", env = "STARLING_EXCLUDE_TAGS")]
    pub(crate) exclude_tags: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct EngineArgs {
    /// Worker threads (default: one per core).
    #[arg(long, env = "STARLING_WORKERS")]
    pub(crate) workers: Option<usize>,
    /// Seed for every random choice, to make a run reproducible.
    #[arg(long, env = "STARLING_SEED")]
    pub(crate) seed: Option<u64>,
    /// After Ctrl-C or the end, how long in-flight journeys may finish.
    #[arg(long, default_value = "10s", env = "STARLING_STOP_TIMEOUT")]
    pub(crate) stop_timeout: String,
    /// Accept invalid TLS certificates (self-signed test servers).
    #[arg(long, env = "STARLING_INSECURE")]
    pub(crate) insecure: bool,
    /// Extra CA certificates (PEM) to trust.
    #[arg(long, env = "STARLING_CA_FILE")]
    pub(crate) ca_file: Option<PathBuf>,
    /// HTTP version: auto (HTTP/2 on https when the server picks it by
    /// ALPN, else HTTP/1.1), 1.1, or 2 (fails unless the server agrees;
    /// h2c with prior knowledge on plain http). Default: the scenario's
    /// `defaults.http`, else auto.
    #[arg(long = "http", value_name = "VERSION", env = "STARLING_HTTP")]
    pub(crate) http: Option<String>,
    /// Run only segment INDEX of COUNT of the load (e.g. 0/3), one per
    /// machine: users and arrivals k with k mod COUNT = INDEX.
    #[arg(
        long,
        value_name = "INDEX/COUNT",
        env = "STARLING_SEGMENT",
        conflicts_with = "segments"
    )]
    pub(crate) segment: Option<String>,
    /// Run one of COUNT segments, its index read from JOB_COMPLETION_INDEX
    /// (a Kubernetes Indexed Job sets it).
    #[arg(long, value_name = "COUNT")]
    pub(crate) segments: Option<u32>,
    /// Start at this time (RFC 3339, e.g. 2026-12-01T10:00:00Z), so every
    /// segment of a run begins together; one that starts late says so.
    #[arg(long, value_name = "TIME", env = "STARLING_START_AT")]
    pub(crate) start_at: Option<String>,
    /// Send no W3C trace context (`traceparent`), whatever the scenario's
    /// `defaults.trace` says.
    #[arg(long, env = "STARLING_NO_TRACE")]
    pub(crate) no_trace: bool,
    /// Share of journey iterations whose `traceparent` says "sampled",
    /// 0 to 1: a system that samples by its parent traces that share.
    #[arg(long, value_name = "RATIO", default_value_t = starling_engine::DEFAULT_SAMPLE, env = "STARLING_TRACE_SAMPLE")]
    pub(crate) trace_sample: f64,
    /// Export spans over OTLP/HTTP (protobuf) to this base URL
    /// (`/v1/traces` is appended): every failed journey iteration and the
    /// --trace-sample share of the others.
    #[arg(long, value_name = "URL", env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub(crate) otlp_endpoint: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    #[command(subcommand)]
    pub(crate) serve: Option<DemoCommand>,
    /// Virtual users for the demo run.
    #[arg(long, short, default_value_t = 300)]
    pub(crate) users: u32,
    /// Users started per second.
    #[arg(long, default_value_t = 100.0)]
    pub(crate) spawn_rate: f64,
    /// How long the demo run lasts.
    #[arg(long, short, default_value = "30s")]
    pub(crate) duration: String,
    /// Payments answer 202 and settle later (poll for the result).
    #[arg(long)]
    pub(crate) async_payments: bool,
    /// Inject a fault into one service from the start, in its knobs'
    /// words (repeatable): `users:latency=2s`, `payments:error_rate=10%`,
    /// `products:concurrency_limit=2,latency=50ms`. At the end, failed
    /// journeys are joined with the services' spans to show where each
    /// failure began.
    #[arg(long, value_name = "SERVICE:KNOB=VALUE")]
    pub(crate) fault: Vec<starling_demo::Fault>,
    /// Export spans over OTLP/HTTP (protobuf) to this base URL: starling's
    /// (failed journeys and the --trace-sample share) and every server
    /// span of the demo services, which hang under starling's requests.
    #[arg(long, value_name = "URL", env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub(crate) otlp_endpoint: Option<String>,
    /// The share of successful journeys starling exports and marks sampled.
    #[arg(long, value_name = "RATIO", default_value_t = starling_engine::DEFAULT_SAMPLE)]
    pub(crate) trace_sample: f64,
    /// Write the full results as JSON to this file.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Also write Locust's CSV files and starling's under this prefix.
    #[arg(long, value_name = "PREFIX")]
    pub(crate) csv: Option<PathBuf>,
    /// Also write JUnit XML.
    #[arg(long, value_name = "FILE")]
    pub(crate) junit: Option<PathBuf>,
    /// Also write the HTML report: one self-contained page to share.
    #[arg(long, value_name = "FILE")]
    pub(crate) html: Option<PathBuf>,
    /// No progress line; only the summary.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Start the demo system and the web UI, with the checkout scenario
    /// ready to start from the browser; until Ctrl-C.
    #[arg(long)]
    pub(crate) ui: bool,
    #[command(flatten)]
    pub(crate) web: WebArgs,
}

/// Where `report` and `merge` write, besides the terminal.
#[derive(Debug, Args)]
pub(crate) struct FileArgs {
    /// Write the results as JSON to this file.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Write Locust's CSV files and starling's under this prefix.
    #[arg(long, value_name = "PREFIX")]
    pub(crate) csv: Option<PathBuf>,
    /// Write JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) junit: Option<PathBuf>,
    /// Write the HTML report to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) html: Option<PathBuf>,
}

impl FileArgs {
    pub(crate) fn files(&self) -> crate::output::Files<'_> {
        crate::output::Files {
            out: self.out.as_deref(),
            csv: self.csv.as_deref(),
            junit: self.junit.as_deref(),
            html: self.html.as_deref(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum DemoCommand {
    /// Only start the demo system and print its URLs, until Ctrl-C.
    Serve {
        /// Gateway port; the services take the next four.
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Payments answer 202 and settle later.
        #[arg(long)]
        async_payments: bool,
        /// Inject a fault into one service (repeatable), as for `demo`.
        #[arg(long, value_name = "SERVICE:KNOB=VALUE")]
        fault: Vec<starling_demo::Fault>,
        /// The services export their spans over OTLP/HTTP to this base URL.
        #[arg(long, value_name = "URL", env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
        otlp_endpoint: Option<String>,
    },
}
