//! `starling run FILE`: compile the scenario, apply the flags, run it,
//! report. Every input problem is found before the first request.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use starling_engine::{
    Control, EngineError, OtlpConfig, RunConfig, Segment, SegmentError, TraceConfig,
};
use starling_http::HttpVersion;
use starling_metrics::Summary;
use starling_scenario::{BaseUrl, Plan};

use crate::Failure;
use crate::args::{EngineArgs, LoadArgs, RunArgs};
use crate::checkpoint::Checkpoints;
use crate::exit::Exit;
use crate::load_override::LoadOverride;
use crate::metrics_endpoint::MetricsEndpoint;
use crate::output::{self, Files, ProgressLine};
use crate::signals;
use crate::start_at;
use crate::validate_cmd::load_scenario;

pub(crate) fn run(args: RunArgs) -> Result<Exit, Failure> {
    let (plan, config) = prepare(&Scenario {
        file: &args.file,
        load: &args.load,
        host: args.host.as_deref(),
        services: &args.services,
        engine: &args.engine,
        thresholds: &args.thresholds,
    })?;
    // `0` (no unit needed for nothing) turns checkpoints off.
    let checkpoint = match args.checkpoint_every.trim() {
        "0" => Duration::ZERO,
        every => parse_duration_flag("--checkpoint-every", every)?,
    };
    let outputs = Outputs {
        files: Files {
            out: args.out.as_deref(),
            csv: args.csv.as_deref(),
            junit: args.junit.as_deref(),
            html: args.html.as_deref(),
        },
        checkpoint_every: (!checkpoint.is_zero()).then_some(checkpoint),
        metrics_addr: args.metrics_addr.as_deref(),
        metrics_hold: parse_duration_flag("--metrics-hold", &args.metrics_hold)?,
    };
    if args.ui {
        return crate::ui_cmd::serve(plan, config, &args.web, Some(outputs.files));
    }
    let (_, exit) = execute(plan, config, &outputs, args.quiet)?;
    Ok(exit)
}

/// The flags that say which scenario runs and how.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scenario<'a> {
    pub(crate) file: &'a Path,
    pub(crate) load: &'a LoadArgs,
    pub(crate) host: Option<&'a str>,
    pub(crate) services: &'a [String],
    pub(crate) engine: &'a EngineArgs,
    pub(crate) thresholds: &'a [String],
}

/// The scenario compiled with the flags applied, and the run's settings:
/// every input problem is found here, before any load. Shared by `run`
/// and `ui`.
pub(crate) fn prepare(args: &Scenario<'_>) -> Result<(Plan, RunConfig), Failure> {
    let mut plan = load_scenario(args.file)?;
    for rule in args.thresholds {
        let added = starling_scenario::threshold_flag(rule, &plan).map_err(Failure::Input)?;
        plan.thresholds.extend(added);
    }
    load_override(args.load)?
        .apply(&mut plan.load)
        .map_err(Failure::Input)?;
    apply_tags(args.load, &mut plan)?;
    let mut config = engine_config(args.engine, scenario_name(args.file))?;
    config
        .warnings
        .extend(crate::load_override::users_ignored(args.load.users, &plan));
    config.host = args.host.map(parse_host).transpose()?;
    for service in args.services {
        override_service(&mut plan, service)?;
    }
    // The file was just read and compiled, so it is a regular file of
    // bounded size; reading it again for its fingerprint is safe.
    config.scenario_hash = std::fs::read(args.file).ok().map(|text| fingerprint(&text));
    Ok((plan, config))
}

/// Where a run's results go, and how often checkpoints are written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outputs<'a> {
    pub(crate) files: Files<'a>,
    /// How often `--out` is rewritten with the results so far.
    pub(crate) checkpoint_every: Option<Duration>,
    /// Where Prometheus metrics are served during the run, and how long
    /// after it (so the last scrape sees the final counts).
    pub(crate) metrics_addr: Option<&'a str>,
    pub(crate) metrics_hold: Duration,
}

/// Runs a compiled plan with Ctrl-C wired in, then writes and prints the
/// results. Shared by `run` and `demo`. Output paths are checked first:
/// a path that cannot be written is bad input, found before any load.
pub(crate) fn execute(
    plan: Plan,
    config: RunConfig,
    outputs: &Outputs<'_>,
    quiet: bool,
) -> Result<(Summary, Exit), Failure> {
    outputs.files.check()?;
    let segment = config.segment;
    let mut metrics = outputs
        .metrics_addr
        .map(|addr| {
            MetricsEndpoint::start(addr, (segment.count() > 1).then(|| segment.to_string()))
        })
        .transpose()?;
    let mut checkpoints = outputs
        .files
        .out
        .zip(outputs.checkpoint_every)
        .map(|(path, every)| Checkpoints::new(path, every));
    let control = Control::new();
    let signal = signals::forward_to(control.clone())
        .map_err(|e| Failure::Runtime(format!("could not watch for Ctrl-C: {e}")))?;
    let mut progress = ProgressLine::new(quiet);
    let outcome = starling_engine::run(Arc::new(plan), &config, &control, |round| {
        progress.update(round.progress);
        // At most one summary a round, shared by the checkpoint and the
        // metrics endpoint: building one reads every histogram, and two a
        // round were most of what checkpoints and metrics cost.
        let mut summary = None;
        if let Some(checkpoints) = &mut checkpoints {
            checkpoints.maybe_write(round, &mut summary);
        }
        if let Some(metrics) = &mut metrics {
            let summary = summary.get_or_insert_with(|| round.summary());
            metrics.update(summary, round.progress.active_users);
        }
    })
    .map_err(|e| match e {
        EngineError::Worker { .. } => Failure::Runtime(e.to_string()),
        _ => Failure::Input(e.to_string()),
    })?;
    progress.finish();
    let mut outcome = outcome;
    if outcome.summary.run.segment.is_some() {
        outcome.summary.run.host = hostname();
    }
    if let Some(late) = outcome.summary.run.started_late_ms {
        output::notice(&format!(
            "this run started {late} ms after its --start-at: it caught up with the planned load at once"
        ));
    }
    if let Some(label) = &outcome.summary.run.aborted_by {
        output::notice(&format!(
            "run stopped by its threshold `{label}`; the summary covers what was measured"
        ));
    } else if outcome.stopped_early {
        output::notice("run stopped early; the summary covers what was measured");
    }
    output::report(&outcome.summary, &outputs.files)?;
    for error in &outcome.summary.run.errors {
        output::error(&format!("the run is incomplete: {error}"));
    }
    if let Some(metrics) = &mut metrics {
        metrics.update(&outcome.summary, 0);
        std::thread::sleep(outputs.metrics_hold);
    }
    let exit = Exit::of_run(&outcome.summary, signal.get());
    Ok((outcome.summary, exit))
}

pub(crate) fn load_override(args: &LoadArgs) -> Result<LoadOverride, Failure> {
    let duration = args
        .duration
        .as_deref()
        .map(|d| parse_duration_flag("--duration", d))
        .transpose()?;
    Ok(LoadOverride {
        users: args.users,
        spawn_rate: args.spawn_rate,
        duration,
        arrival_rate: args.arrival_rate,
        iterations: args.iterations,
    })
}

/// `--tags` and `--exclude-tags`: the plan cut down to the journeys asked
/// for, or exit 2 when none is left.
pub(crate) fn apply_tags(args: &LoadArgs, plan: &mut Plan) -> Result<(), Failure> {
    let list = |flag: &Option<String>| {
        flag.as_deref()
            .map(starling_scenario::tags::TagFilter::parse_list)
            .unwrap_or_default()
    };
    let filter = starling_scenario::tags::TagFilter {
        keep: list(&args.tags),
        exclude: list(&args.exclude_tags),
    };
    filter
        .apply(plan)
        .map_err(|e| Failure::Input(e.to_string()))
}

pub(crate) fn engine_config(
    args: &EngineArgs,
    scenario_name: String,
) -> Result<RunConfig, Failure> {
    let mut config = RunConfig {
        scenario_name,
        seed: args.seed,
        stop_timeout: parse_duration_flag("--stop-timeout", &args.stop_timeout)?,
        accept_invalid_certs: args.insecure,
        ca_file: args.ca_file.clone(),
        ..RunConfig::default()
    };
    if let Some(version) = &args.http {
        let parsed = version
            .parse::<HttpVersion>()
            .map_err(|e| Failure::Input(format!("--http `{version}`: {e}")))?;
        config.http_version = Some(parsed);
    }
    if !(0.0..=1.0).contains(&args.trace_sample) {
        return Err(Failure::Input(format!(
            "--trace-sample must be between 0 and 1, found {}",
            args.trace_sample
        )));
    }
    config.trace = TraceConfig {
        off: args.no_trace,
        sample: args.trace_sample,
        otlp: otlp(args.otlp_endpoint.as_deref())?,
    };
    config.segment = segment(args)?;
    config.start_at = args
        .start_at
        .as_deref()
        .map(start_at::parse)
        .transpose()
        .map_err(Failure::Input)?;
    if let Some(workers) = args.workers {
        if workers == 0 {
            return Err(Failure::Input("--workers must be at least 1".into()));
        }
        config.workers = workers;
    }
    Ok(config)
}

/// Where spans go, read as every OpenTelemetry SDK reads it: the flag (or
/// `OTEL_EXPORTER_OTLP_ENDPOINT`) is a base URL, `…_TRACES_ENDPOINT` an
/// exact one and wins; `OTEL_EXPORTER_OTLP_HEADERS` adds headers.
pub(crate) fn otlp(base: Option<&str>) -> Result<Option<OtlpConfig>, Failure> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    otlp_from(
        base,
        var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").as_deref(),
        var("OTEL_EXPORTER_OTLP_HEADERS").as_deref(),
    )
    .map_err(|e| Failure::Input(format!("--otlp-endpoint: {e}")))
}

fn otlp_from(
    base: Option<&str>,
    exact: Option<&str>,
    headers: Option<&str>,
) -> Result<Option<OtlpConfig>, starling_engine::OtlpError> {
    let config = match (exact, base) {
        (Some(exact), _) => OtlpConfig::exact(exact)?,
        (None, Some(base)) => OtlpConfig::from_base(base)?,
        (None, None) => return Ok(None),
    };
    match headers {
        Some(headers) => config.with_headers(headers).map(Some),
        None => Ok(Some(config)),
    }
}

/// This machine's name (a pod's name on Kubernetes), for segment results.
fn hostname() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
}

/// `--segment i/n`, or `--segments n` with i from `JOB_COMPLETION_INDEX`.
fn segment(args: &EngineArgs) -> Result<Segment, Failure> {
    let bad = |flag: &str, e: SegmentError| Failure::Input(format!("{flag}: {e}"));
    if let Some(text) = &args.segment {
        return Segment::parse(text).map_err(|e| bad("--segment", e));
    }
    let Some(count) = args.segments else {
        return Ok(Segment::WHOLE);
    };
    let index = std::env::var("JOB_COMPLETION_INDEX").map_err(|_| {
        Failure::Input(
            "--segments needs the segment's index in JOB_COMPLETION_INDEX (a Kubernetes Indexed Job sets it), or use --segment INDEX/COUNT".into(),
        )
    })?;
    let index = index.trim().parse::<u32>().map_err(|_| {
        Failure::Input(format!(
            "JOB_COMPLETION_INDEX `{index}` is not a segment index (a whole number)"
        ))
    })?;
    Segment::new(index, count).map_err(|e| bad("--segments", e))
}

pub(crate) fn parse_duration_flag(flag: &str, value: &str) -> Result<std::time::Duration, Failure> {
    starling_scenario::parse_duration(value)
        .map_err(|e| Failure::Input(format!("{flag} `{value}`: {e}")))
}

/// `--service NAME=URL`: the named service's base URL replaced.
fn override_service(plan: &mut Plan, flag: &str) -> Result<(), Failure> {
    let bad = |why: String| Failure::Input(format!("--service `{flag}`: {why}"));
    let (name, url) = flag
        .split_once('=')
        .ok_or_else(|| bad("expected NAME=URL, e.g. payments=http://127.0.0.1:8004".into()))?;
    let base = BaseUrl::parse(url.trim()).map_err(|e| bad(e.to_string()))?;
    // Only services declared under `services:` have a base URL to replace;
    // the others are labels of requests that go to the target.
    let names: Vec<String> = plan
        .services
        .iter()
        .filter(|s| s.base_url.is_some())
        .map(|s| s.name.clone())
        .collect();
    match plan
        .services
        .iter_mut()
        .find(|s| s.name == name.trim() && s.base_url.is_some())
    {
        Some(service) => {
            service.base_url = Some(base);
            Ok(())
        }
        None => Err(bad(format!(
            "the scenario declares no service `{}` under `services:` (it declares: {})",
            name.trim(),
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        ))),
    }
}

fn parse_host(host: &str) -> Result<BaseUrl, Failure> {
    BaseUrl::parse(host).map_err(|e| Failure::Input(format!("--host `{host}`: {e}")))
}

fn scenario_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A fingerprint of a scenario's text for the results (`merge` compares
/// them): FNV-1a, 64 bits. It only tells files apart, it guards nothing,
/// so a cryptographic hash would buy nothing here.
pub(crate) fn fingerprint(text: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in text {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("fnv1a64:{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::otlp_from;

    #[test]
    fn the_otlp_endpoint_is_read_as_the_sdks_read_it() {
        assert_eq!(otlp_from(None, None, Some("a=b")), Ok(None));
        let base = otlp_from(Some("http://127.0.0.1:4318"), None, None)
            .unwrap()
            .unwrap();
        assert_eq!(base.endpoint, "http://127.0.0.1:4318/v1/traces");
        // The traces endpoint is taken as it is, and wins.
        let exact = otlp_from(Some("http://a:1"), Some("http://b:2/traces"), Some("k=v"))
            .unwrap()
            .unwrap();
        assert_eq!(exact.endpoint, "http://b:2/traces");
        assert_eq!(exact.headers, [("k".to_owned(), "v".to_owned())]);
        assert!(otlp_from(Some("localhost:4318"), None, None).is_err());
    }
}
