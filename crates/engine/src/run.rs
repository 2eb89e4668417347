//! A whole run: start the workers, collect their shards about once a
//! second, and produce the Summary when they are done.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use starling_http::{Client, ClientConfig, HttpVersion};
use starling_metrics::{Aggregate, Progress, RunMeta, Summary};
use starling_scenario::{LoadModel, Plan};

use crate::catalog::catalog;
use crate::config::RunConfig;
use crate::control::{Control, RunState};
use crate::error::EngineError;
use crate::feeder::Feeders;
use crate::round::{Round, StatsReset};
use crate::schedule::Schedule;
use crate::segment::Segment;
use crate::stamp::Stamp;
use crate::steering::LoadView;
use crate::target::Targets;
use crate::thresholds::{self, AbortWatch};
use crate::trace::{Exporter, TraceSettings};

/// How long the end of a run waits for the exporter to send what the
/// workers queued (a dead endpoint costs at most this, once).
const EXPORT_FLUSH: Duration = Duration::from_secs(15);
use crate::worker::{self, Report, WorkerInit};

/// What a finished run hands back.
#[derive(Debug)]
pub struct RunOutcome {
    /// The results, thresholds judged and verdict set.
    pub summary: Summary,
    /// The run was stopped by its control (Ctrl-C, a test, a UI) before
    /// its load shape ended.
    pub stopped_early: bool,
}

/// Runs `plan` to its end, or until `control` stops it. Blocks the calling
/// thread, which becomes the collector; `observe` is called after every
/// collection round (live figures, and the results so far on demand).
/// Errors only for bad settings, before any load is sent.
pub fn run(
    plan: Arc<Plan>,
    config: &RunConfig,
    control: &Control,
    mut observe: impl FnMut(&Round<'_>),
) -> Result<RunOutcome, EngineError> {
    if config.workers == 0 {
        return Err(EngineError::NoWorkers);
    }
    TraceSettings::check(&config.trace)?;
    let trace = TraceSettings::new(&plan, &config.trace);
    let targets = Arc::new(Targets::new(&plan, config.host.as_ref())?);
    let stamp = Stamp::new(&plan, config, &targets);
    let http = client_config(&plan, config);
    // Built once here so a bad CA file is reported before any worker starts.
    Client::new(http.clone()).map_err(|e| EngineError::Http(e.to_string()))?;
    // Spans are only made of iterations that carry a trace context.
    let exporter = match &config.trace.otlp {
        Some(otlp) if trace.enabled => Some(Exporter::start(
            otlp,
            &http,
            config.trace.sample,
            &config.scenario_name,
        )?),
        _ => None,
    };
    let catalog = Arc::new(catalog(&plan));
    check_segment(&plan, config.segment)?;
    let feeders = Arc::new(Feeders::new(&plan.data, config.segment));
    let drift = Arc::new(crate::drift::Drift::new(&plan));
    let stamp = stamp.with_feeders(Arc::clone(&feeders), Arc::clone(&drift));
    let seed = config
        .seed
        .or(plan.seed)
        .unwrap_or_else(|| fastrand::u64(..));
    let active_users = Arc::new(AtomicU64::new(0));
    let peak_users = Arc::new(AtomicU64::new(0));
    let (tx, rx) = mpsc::channel::<Report>();
    let (start, late) = common_start(config.start_at, control);
    // From here the load may be changed live; workers subscribe after this,
    // so only changes count as news to them.
    let curve = Schedule::new(&plan.load.stages);
    control.begin(LoadView::new(plan.load.model, curve, start));
    let started_at_unix_ms = (SystemTime::now() - late)
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    // The wall-clock time of `start`, so workers date samples and spans
    // from the instants they already read.
    let unix_start = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .saturating_sub(start.elapsed());

    let mut threads = Vec::with_capacity(config.workers);
    for index in 0..config.workers {
        let init = WorkerInit {
            index,
            lane: config.segment.lane(index, config.workers),
            plan: plan.clone(),
            targets: targets.clone(),
            feeders: feeders.clone(),
            drift: drift.clone(),
            catalog: catalog.clone(),
            http: http.clone(),
            seed: seed.wrapping_add(index as u64),
            start,
            unix_start,
            trace,
            export: exporter.as_ref().and_then(Exporter::queue),
            stop_timeout: config.stop_timeout,
            collect_every: config.collect_every,
            state: control.subscribe(),
            load: control.load_changes(),
            active_users: active_users.clone(),
            peak_users: peak_users.clone(),
            reports: tx.clone(),
            debug: config.debug.clone(),
        };
        match worker::spawn(init) {
            Ok(thread) => threads.push(thread),
            Err(source) => {
                control.abort();
                control.end();
                return Err(EngineError::Worker { index, source });
            }
        }
    }
    drop(tx);

    let declared = thresholds::declared(&plan);
    let mut watch = AbortWatch::new(&declared);
    // The statistics' origin on the run's clock: zero, or the instant of
    // the last reset. Every figure is measured from it.
    let mut origin = Duration::ZERO;
    let since = |origin: Duration| start.elapsed().saturating_sub(origin);
    let meta = |origin: Duration, stopped_early: bool| RunMeta {
        scenario: config.scenario_name.clone(),
        started_at_unix_ms: started_at_unix_ms.saturating_add(millis(origin)),
        duration: since(origin),
        workers: config.workers,
        model: match plan.load.model {
            LoadModel::Closed => "closed".to_owned(),
            LoadModel::Open => "open".to_owned(),
        },
        seed: Some(seed),
        stopped_early,
    };

    let mut aggregate = Aggregate::new((*catalog).clone());
    let mut resets = control.reset_requests();
    let mut round = Vec::with_capacity(config.workers);
    let mut finished = 0;
    // What broke inside starling: a run with any is incomplete.
    let mut errors: Vec<String> = Vec::new();
    // Workers report on the same beat; a round closes when each has
    // reported, or half a beat late if one lags, so the time series keeps
    // one point per beat.
    let mut deadline = start + config.collect_every + config.collect_every / 2;
    while finished < config.workers {
        let wait = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(wait) {
            Ok(report) => {
                finished += usize::from(report.last);
                errors.extend(report.panics);
                round.push(report.snapshot);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if round.len() >= config.workers || Instant::now() >= deadline {
            let users = active_users.load(Ordering::Relaxed);
            aggregate.absorb(since(origin), users, std::mem::take(&mut round));
            // A reset takes effect at a round's edge: what the round just
            // absorbed is the last of the old statistics, and every shard's
            // next snapshot starts at this edge, so nothing is counted in
            // both or in neither.
            let mut reset = None;
            if resets.has_changed().unwrap_or(false) {
                resets.mark_unchanged();
                origin = start.elapsed();
                let dropped_requests = aggregate.progress().requests;
                let carried_journeys = aggregate.reset();
                peak_users.store(users, Ordering::Relaxed);
                reset = Some(StatsReset {
                    dropped_requests,
                    carried_journeys,
                });
            }
            // A breached `abort` threshold stops the run as a first Ctrl-C
            // does: in-flight journeys finish, everything is reported.
            if watch.check(&aggregate, || meta(origin, false)).is_some() {
                control.stop();
            }
            observe(&Round {
                progress: &Progress {
                    // Live changes may move the end, or take it away.
                    planned: control.ends_at().map(|end| end.saturating_sub(origin)),
                    ..aggregate.progress()
                },
                reset,
                reset_after: (!origin.is_zero()).then_some(origin),
                aggregate: &aggregate,
                meta: meta(origin, false),
                thresholds: &declared,
                aborted_by: watch.tripped(),
                stamp: &stamp,
            });
            deadline = (deadline + config.collect_every).max(Instant::now());
        }
    }
    if !round.is_empty() {
        aggregate.absorb(since(origin), 0, round);
    }
    aggregate.note_peak_users(peak_users.load(Ordering::Relaxed));
    errors.extend(crate::panics::join_all(threads));
    // The workers are gone: what they queued is sent now, for a while.
    let trace_export = exporter.map(|e| e.finish(EXPORT_FLUSH));
    control.end();

    // Stopped by the control, not by a threshold of its own.
    let stopped_early = control.state() != RunState::Running && watch.tripped().is_none();
    let mut summary = aggregate.summary(meta(origin, stopped_early));
    summary.run.stats_reset_after_ms = (!origin.is_zero()).then(|| millis(origin));
    summary.judge(&declared, watch.tripped());
    summary.run.errors = errors;
    stamp.apply(&mut summary.run);
    summary.run.trace_export = trace_export;
    summary.run.started_late_ms =
        (!late.is_zero()).then(|| u64::try_from(late.as_millis()).unwrap_or(u64::MAX));
    Ok(RunOutcome {
        summary,
        stopped_early,
    })
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// When the run's clock starts, and how late that is. With no common
/// start, now. Before it, waits (a stop cuts the wait short). After it,
/// the clock starts in the past: the closed model catches up with its
/// curve at once, and the open model's arrivals due already are started
/// late, their lag counted as coordinated omission demands.
fn common_start(at: Option<SystemTime>, control: &Control) -> (Instant, Duration) {
    let Some(at) = at else {
        return (Instant::now(), Duration::ZERO);
    };
    let mut waited = false;
    loop {
        let now = Instant::now();
        match at.duration_since(SystemTime::now()) {
            Ok(wait) if !wait.is_zero() && control.state() == RunState::Running => {
                waited = true;
                std::thread::sleep(wait.min(Duration::from_millis(50)));
            }
            Ok(_) => return (now, Duration::ZERO),
            Err(past) => {
                // Overslept by a scheduler tick: the clock starts at the
                // common time itself, and this process was not late.
                let behind = past.duration();
                let start = now.checked_sub(behind).unwrap_or(now);
                return (start, if waited { Duration::ZERO } else { behind });
            }
        }
    }
}

/// A segment must have something to run: more segments than the users of
/// a closed-model run (or than an open model's `max_users`) would leave
/// some idle, which is better said than run.
fn check_segment(plan: &Plan, segment: Segment) -> Result<(), EngineError> {
    let count = u64::from(segment.count());
    if count == 1 {
        return Ok(());
    }
    let users = match plan.load.model {
        LoadModel::Closed => {
            let fixed: Option<u64> = plan.user_types.iter().map(|u| u.count.map(u64::from)).sum();
            let peak = plan
                .load
                .stages
                .iter()
                .map(|s| s.target)
                .fold(0.0, f64::max)
                .floor() as u64;
            Some(fixed.map_or(peak, |f| f.min(peak)))
        }
        LoadModel::Open => plan.load.max_users.map(u64::from),
    };
    match users {
        Some(users) if users < count => Err(EngineError::IdleSegments {
            segments: segment.count(),
            users,
        }),
        _ => Ok(()),
    }
}

fn client_config(plan: &Plan, config: &RunConfig) -> ClientConfig {
    ClientConfig {
        connect_timeout: plan.defaults.timeout.min(Duration::from_secs(10)),
        accept_invalid_certs: config.accept_invalid_certs,
        ca_file: config.ca_file.clone(),
        keep_body_bytes: plan.defaults.keep_body_bytes,
        max_redirects: plan.defaults.max_redirects,
        user_agent: concat!("starling/", env!("CARGO_PKG_VERSION")).to_owned(),
        http_version: config.http_version.unwrap_or(match plan.defaults.http {
            starling_scenario::HttpVersion::Auto => HttpVersion::Auto,
            starling_scenario::HttpVersion::Http1 => HttpVersion::Http1,
            starling_scenario::HttpVersion::Http2 => HttpVersion::Http2,
        }),
    }
}
