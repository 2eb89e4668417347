//! `starling ui SCENARIO`, `starling run SCENARIO --ui` and `starling demo
//! --ui`: the web UI (`starling-web`) and the run manager behind it.
//!
//! The manager is one loop on the main thread that takes events one at a
//! time (a command from the page, a signal, a run's end), so what it keeps
//! (which run runs, its `Control`, the last results) has one owner and no
//! lock. Each run is `starling_engine::run` on a thread of its own; its
//! observer publishes the results so far on the board once a round, from
//! the collector's thread, never a worker's. The server reads the board on
//! its own thread, so the browser never touches the run.

use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use starling_engine::{
    Control, EngineError, Round, RunConfig, RunOutcome, RunState, SteerError, Target,
};
use starling_metrics::{Summary, Verdict};
use starling_scenario::Plan;
use starling_web::{
    Board, Command, LoadNow, Phase, Refusal, Request, RunLength, StartLoad, StartRun, Status,
    SteerLoad, TokenChoice, UiServer, WebConfig,
};

use crate::Failure;
use crate::args::{UiArgs, WebArgs};
use crate::exit::Exit;
use crate::load_override::spawn_rate_of;
use crate::output::{self, Files, notice};
use crate::run_cmd::{Scenario, prepare};
use crate::ui_load;

/// How long a start waits for the engine to take the plan (or refuse it)
/// before answering the page: the engine says it has begun only by its
/// `Control` showing a target, so the manager looks for that.
const BEGIN_WITHIN: Duration = Duration::from_secs(10);

/// `starling ui SCENARIO`.
pub(crate) fn ui(args: UiArgs) -> Result<Exit, Failure> {
    let (plan, config) = prepare(&Scenario {
        file: &args.file,
        load: &args.load,
        host: args.host.as_deref(),
        services: &args.services,
        engine: &args.engine,
        thresholds: &args.thresholds,
    })?;
    serve(plan, config, &args.web, None)
}

/// Serves the UI for `plan` until Ctrl-C with no run going. With
/// `autostart`, a run of the plan as it is starts at once and its results
/// are written to those files (and printed) when it ends.
pub(crate) fn serve(
    plan: Plan,
    config: RunConfig,
    web: &WebArgs,
    autostart: Option<Files<'_>>,
) -> Result<Exit, Failure> {
    if config.segment.count() > 1 || config.start_at.is_some() {
        return Err(Failure::Input(
            "the web UI runs one whole run at a time: --segment, --segments and --start-at do not apply"
                .into(),
        ));
    }
    if let Some(files) = &autostart {
        files.check()?;
    }
    let input = |e: starling_web::WebError| Failure::Input(e.to_string());
    let binding = WebConfig {
        host: web.web_host.clone(),
        port: web.web_port,
        token: TokenChoice::parse(web.web_token.as_deref()).map_err(input)?,
    }
    .resolve()
    .map_err(input)?;
    let board = Board::new(Status {
        phase: Phase::Idle,
        runs: 0,
        scenario: config.scenario_name.clone(),
        load: None,
        active_users: 0,
        elapsed_ms: 0,
        message: None,
        form: ui_load::prefill(&plan, config.host.as_ref()),
    });
    let (events, queue) = mpsc::channel();
    let to_manager = events.clone();
    let server = UiServer::start(&binding, board.clone(), move |request| {
        // The manager gone means starling is quitting; the page hears so
        // when the request's answer is dropped.
        let _ = to_manager.send(Event::Web(request));
    })
    .map_err(input)?;
    println!("starling web UI: {}", server.url());
    if binding.addr.ip().is_unspecified() {
        notice(
            "listening on every interface: open the URL with this machine's address in place of 0.0.0.0",
        );
    }
    notice("Ctrl-C stops a run; Ctrl-C with no run going quits");
    forward_signals(events.clone())
        .map_err(|e| Failure::Runtime(format!("could not watch for Ctrl-C: {e}")))?;
    let mut manager = Manager {
        template: plan,
        config,
        board,
        events,
        current: None,
        runs: 0,
        autostart_files: autostart,
        autostart_exit: None,
    };
    if manager.autostart_files.is_some() {
        let start = StartRun {
            load: StartLoad::Scenario,
            length: RunLength::Scenario,
            host: None,
        };
        if let Err(refusal) = manager.start(&start, true) {
            return Err(Failure::Input(refusal.to_string()));
        }
    }
    manager.run(&queue);
    server.stop();
    Ok(manager.autostart_exit.unwrap_or(Exit::Ok))
}

/// What the manager's loop takes, one at a time.
#[derive(Debug)]
enum Event {
    Web(Request),
    /// Ctrl-C or SIGTERM.
    Signal,
    /// Run number n has returned (its thread is done).
    Ended(u32),
}

/// The run going on.
#[derive(Debug)]
struct Running {
    number: u32,
    control: Control,
    /// For a change of users that names no spawn rate.
    spawn_rate: f64,
    autostarted: bool,
    thread: JoinHandle<Result<RunOutcome, EngineError>>,
}

struct Manager<'a> {
    /// The scenario with the command line's flags: each run starts from a
    /// copy, so one run's form values never leak into the next.
    template: Plan,
    config: RunConfig,
    board: Board,
    /// Given to each run's thread, to say when it is done.
    events: mpsc::Sender<Event>,
    current: Option<Running>,
    runs: u32,
    /// Where the autostarted run's results go (`run --ui`'s outputs).
    autostart_files: Option<Files<'a>>,
    /// The autostarted run's own ending (its verdict), which `run --ui`
    /// exits with as `run` would, so a pipeline still reads the verdict.
    autostart_exit: Option<Exit>,
}

impl Manager<'_> {
    fn run(&mut self, queue: &mpsc::Receiver<Event>) {
        while let Ok(event) = queue.recv() {
            match event {
                Event::Web(request) => {
                    let result = self.command(request.command());
                    request.answer(result);
                }
                Event::Ended(number) => self.ended(number),
                Event::Signal => match &self.current {
                    Some(run) if run.control.state() == RunState::Running => {
                        notice(
                            "\nstopping the run: letting in-flight journeys finish (Ctrl-C again to stop now)",
                        );
                        self.stop(false);
                    }
                    Some(run) if run.control.state() == RunState::Draining => {
                        notice("\nstopping now");
                        self.stop(true);
                    }
                    _ => {
                        notice("\nquitting");
                        return;
                    }
                },
            }
        }
    }

    fn command(&mut self, command: &Command) -> Result<(), Refusal> {
        match command {
            Command::Start(start) => self.start(start, false),
            Command::Steer(steer) => self.steer(steer),
            Command::Stop | Command::Abort => {
                if self.current.is_none() {
                    return Err(Refusal::Conflict("no run is going on".into()));
                }
                self.stop(matches!(command, Command::Abort));
                Ok(())
            }
            Command::ResetStats => self.reset_stats(),
        }
    }

    /// The statistics restart within a round; the round that applies it
    /// says on the board what was dropped (see `publish`).
    fn reset_stats(&mut self) -> Result<(), Refusal> {
        let run = self
            .current
            .as_ref()
            .ok_or_else(|| Refusal::Conflict("no run is going on: nothing to reset".into()))?;
        run.control.reset_stats().map_err(|_| {
            Refusal::Conflict("the run is stopping: its statistics are kept as they are".into())
        })
    }

    fn steer(&mut self, steer: &SteerLoad) -> Result<(), Refusal> {
        let run = self
            .current
            .as_ref()
            .ok_or_else(|| Refusal::Conflict("no run is going on: start one first".into()))?;
        let change = ui_load::change(steer, run.spawn_rate);
        run.control.steer(change).map_err(|e| match e {
            SteerError::NotRunning => {
                Refusal::Conflict("the run is stopping: its load can no longer change".into())
            }
            e => Refusal::Invalid(e.to_string()),
        })?;
        let load = run.control.target().map(load_now);
        self.board.update(|live| live.status.load = load);
        Ok(())
    }

    fn stop(&mut self, now: bool) {
        let Some(run) = &self.current else { return };
        if now {
            run.control.abort();
        } else {
            run.control.stop();
        }
        self.board.update(|live| {
            live.status.phase = Phase::Stopping;
            live.status.load = None;
        });
    }

    /// Starts a run as `start` says, answering once the engine has taken
    /// the plan: a plan it refuses (no target, say) is the page's error,
    /// and nothing was started.
    fn start(&mut self, start: &StartRun, autostarted: bool) -> Result<(), Refusal> {
        if let Some(run) = &self.current {
            return Err(Refusal::Conflict(format!(
                "run {} is going on: stop it before starting another",
                run.number
            )));
        }
        let mut plan = self.template.clone();
        ui_load::apply(start, &mut plan.load).map_err(Refusal::Invalid)?;
        let mut config = self.config.clone();
        if let Some(host) = &start.host {
            config.host = Some(host.clone());
        }
        let spawn_rate = match start.load {
            StartLoad::Users {
                spawn_rate: Some(rate),
                ..
            } => rate,
            _ => spawn_rate_of(&plan.load).unwrap_or(1.0),
        };
        let number = self.runs + 1;
        let before = self.show_starting(number);
        let control = Control::new();
        let thread = self.spawn(number, Arc::new(plan), config, control.clone());
        let thread = match thread {
            Ok(thread) => thread,
            Err(e) => {
                self.board.update(|live| *live = before);
                return Err(Refusal::Failed(format!(
                    "could not start the run's thread: {e}"
                )));
            }
        };
        let deadline = Instant::now() + BEGIN_WITHIN;
        while control.target().is_none() && !thread.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        self.runs = number;
        let run = Running {
            number,
            control,
            spawn_rate,
            autostarted,
            thread,
        };
        if run.thread.is_finished() && run.control.target().is_none() {
            // Over before it was seen to begin: refused, or very short.
            return match run.thread.join() {
                Ok(Err(e)) => {
                    self.runs -= 1;
                    self.board.update(|live| *live = before);
                    Err(match e {
                        EngineError::Worker { .. } => Refusal::Failed(e.to_string()),
                        e => Refusal::Invalid(e.to_string()),
                    })
                }
                Ok(Ok(outcome)) => {
                    self.finish(number, outcome.summary, autostarted);
                    Ok(())
                }
                Err(_) => {
                    self.broke(number);
                    Ok(())
                }
            };
        }
        let load = run.control.target().map(load_now);
        self.board.update(|live| live.status.load = load);
        self.current = Some(run);
        Ok(())
    }

    /// Shows run `number` starting; returns what was shown before, to put
    /// back if it does not start.
    fn show_starting(&self, number: u32) -> starling_web::Live {
        let mut before = None;
        self.board.update(|live| {
            before = Some(live.clone());
            let status = &mut live.status;
            status.phase = Phase::Running;
            status.runs = number;
            status.message = None;
            status.active_users = 0;
            status.elapsed_ms = 0;
            status.load = None;
            // The last run's results go: the live view shows the new run.
            live.results = None;
        });
        before.expect("update ran the closure")
    }

    fn spawn(
        &self,
        number: u32,
        plan: Arc<Plan>,
        config: RunConfig,
        control: Control,
    ) -> std::io::Result<JoinHandle<Result<RunOutcome, EngineError>>> {
        let board = self.board.clone();
        let events = self.events.clone();
        std::thread::Builder::new()
            .name(format!("starling-run-{number}"))
            .spawn(move || {
                let outcome = starling_engine::run(plan, &config, &control, |round| {
                    publish(&board, &control, round);
                });
                let _ = events.send(Event::Ended(number));
                outcome
            })
    }

    /// Run `number`'s thread is done: its results stay for downloads.
    fn ended(&mut self, number: u32) {
        let Some(run) = self.current.take_if(|run| run.number == number) else {
            // Already joined by `start` (a run over before it was seen).
            return;
        };
        match run.thread.join() {
            Ok(Ok(outcome)) => self.finish(number, outcome.summary, run.autostarted),
            Ok(Err(e)) => self.board.update(|live| {
                live.status.phase = Phase::Finished;
                live.status.load = None;
                live.status.message = Some(format!("run {number} could not run: {e}"));
            }),
            Err(_) => self.broke(number),
        }
    }

    fn finish(&mut self, number: u32, summary: Summary, autostarted: bool) {
        let message = ended_message(number, &summary);
        notice(&message);
        let summary = Arc::new(summary);
        let shown = summary.clone();
        self.board.update(move |live| {
            let status = &mut live.status;
            status.phase = Phase::Finished;
            status.load = None;
            status.active_users = 0;
            status.elapsed_ms = shown.run.duration_ms;
            status.message = Some(message);
            live.results = Some(shown);
        });
        if autostarted && let Some(files) = self.autostart_files.take() {
            self.autostart_exit = Some(Exit::of_run(&summary, None));
            if let Err(Failure::Input(e) | Failure::Runtime(e)) = output::report(&summary, &files) {
                output::error(&e);
                // A results file lost: exit 1, as `run` does.
                self.autostart_exit = Some(Exit::Incomplete);
            }
        }
    }

    fn broke(&mut self, number: u32) {
        let message = format!("run {number} broke inside starling (a panic): its results are lost");
        output::error(&message);
        self.board.update(|live| {
            live.status.phase = Phase::Finished;
            live.status.load = None;
            live.status.message = Some(message);
        });
    }
}

/// The collector's round, on the board: the results so far and the live
/// figures. `round.summary()` serialises every histogram, once a round,
/// on the collector's thread.
fn publish(board: &Board, control: &Control, round: &Round<'_>) {
    let summary = Arc::new(round.summary());
    let load = control.target().map(load_now);
    let (users, elapsed) = (round.progress.active_users, round.progress.elapsed);
    let reset = round.reset.map(|reset| {
        format!(
            "statistics reset: {} requests dropped, {} journeys in flight carried over",
            starling_report::count(reset.dropped_requests),
            starling_report::count(reset.carried_journeys),
        )
    });
    board.update(move |live| {
        if reset.is_some() {
            live.status.message = reset;
        }
        live.status.active_users = users;
        live.status.elapsed_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
        // A stop clears the load; a late round must not bring it back.
        if live.status.phase == Phase::Running {
            live.status.load = load;
        }
        live.results = Some(summary);
    });
}

fn load_now(target: Target) -> LoadNow {
    LoadNow {
        model: ui_load::model(target.model),
        current: target.current,
        heading: target.heading,
        ends_at_ms: target
            .ends_at
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
    }
}

/// `run 2 ended: 1,234 requests, 0.1% failed, 97 journeys; verdict pass`.
fn ended_message(number: u32, summary: &Summary) -> String {
    let totals = &summary.totals;
    format!(
        "run {number} ended{}: {} requests, {} failed, {} journeys; verdict {}",
        if summary.run.stopped_early {
            " (stopped)"
        } else {
            ""
        },
        starling_report::count(totals.requests),
        starling_report::percent(totals.failure_ratio),
        starling_report::count(totals.journeys_started),
        match summary.verdict {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Aborted => "aborted",
        },
    )
}

/// Ctrl-C and SIGTERM, as events of the manager's loop.
fn forward_signals(events: mpsc::Sender<Event>) -> std::io::Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("starling-signals".into())
        .spawn(move || {
            for _ in signals.forever() {
                if events.send(Event::Signal).is_err() {
                    break;
                }
            }
        })?;
    Ok(())
}
