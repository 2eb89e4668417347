//! `starling try SCENARIO` (and `run --debug`): one user of each user type
//! in turn runs each of its journeys once, in order, and every request,
//! response, capture and expectation is printed, secrets redacted. The
//! run is the engine's own, reshaped by `debug_plan` and observed through
//! its debug sink; nothing here sends a request.

use std::io::Write as _;
use std::sync::{Arc, Mutex, PoisonError};

use starling_engine::{Control, DebugSink, EngineError, RunState, Segment, debug_plan};

use crate::Failure;
use crate::args::{LoadArgs, RunArgs, TryArgs};
use crate::exit::Exit;
use crate::run_cmd::{Scenario, prepare};
use crate::signals;
use crate::try_render::Renderer;

pub(crate) fn try_scenario(args: TryArgs) -> Result<Exit, Failure> {
    let scenario = Scenario {
        file: &args.file,
        load: &LoadArgs::default(),
        host: args.host.as_deref(),
        services: &args.services,
        engine: &args.engine,
        thresholds: &[],
    };
    debug_run(&scenario, args.iterations, args.keep_think)
}

/// `run --debug`: as `try`, with `--iterations` as the rounds; the other
/// load flags are ignored, the tag filters kept.
pub(crate) fn run_debug(args: RunArgs) -> Result<Exit, Failure> {
    let load = LoadArgs {
        tags: args.load.tags.clone(),
        exclude_tags: args.load.exclude_tags.clone(),
        ..LoadArgs::default()
    };
    let scenario = Scenario {
        file: &args.file,
        load: &load,
        host: args.host.as_deref(),
        services: &args.services,
        engine: &args.engine,
        thresholds: &[],
    };
    debug_run(&scenario, args.load.iterations.unwrap_or(1), false)
}

fn debug_run(scenario: &Scenario<'_>, rounds: u64, keep_think: bool) -> Result<Exit, Failure> {
    if rounds == 0 {
        return Err(Failure::Input("--iterations must be at least 1".into()));
    }
    // Every input problem is found here, before the first request.
    let (plan, mut config) = prepare(scenario)?;
    // One user on one worker: the events come in the order they happened.
    config.workers = 1;
    config.segment = Segment::WHOLE;
    config.start_at = None;
    let renderer = Arc::new(Mutex::new(Renderer::default()));
    let sink = {
        let renderer = renderer.clone();
        DebugSink::new(move |event| {
            let text = renderer
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .render(&event);
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) ends the output, not the run.
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        })
        .keep_think(keep_think)
    };
    config.debug = Some(sink);

    let times = match rounds {
        1 => "once".to_owned(),
        n => format!("{n} times"),
    };
    let think = if keep_think {
        "think time waited"
    } else {
        "think time and waits skipped (--keep-think waits them)"
    };
    println!(
        "{}: one user per user type runs each journey {times}; {think}",
        starling_report::printable(&config.scenario_name)
    );

    let control = Control::new();
    let signal = signals::forward_to(control.clone())
        .map_err(|e| Failure::Runtime(format!("could not watch for Ctrl-C: {e}")))?;
    let mut errors = Vec::new();
    for (id, user_type) in plan.user_types.iter().enumerate() {
        if user_type.journeys.is_empty() {
            continue;
        }
        let one = debug_plan(&plan, id, rounds, keep_think);
        let outcome = starling_engine::run(Arc::new(one), &config, &control, |_| {}).map_err(
            |e| match e {
                EngineError::Worker { .. } => Failure::Runtime(e.to_string()),
                _ => Failure::Input(e.to_string()),
            },
        )?;
        errors.extend(outcome.summary.run.errors);
        if control.state() != RunState::Running {
            break;
        }
    }
    let tally = renderer
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .tally;
    println!("\n{}", tally.line());
    for error in &errors {
        crate::output::error(&format!("the run is incomplete: {error}"));
    }
    Ok(if !errors.is_empty() {
        Exit::Incomplete
    } else if let Some(signal) = signal.get() {
        Exit::Signalled(signal)
    } else if tally.all_passed() {
        Exit::Ok
    } else {
        Exit::JourneyFailed
    })
}
