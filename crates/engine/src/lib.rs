//! starling-engine: per-core workers, pacers and virtual users that run a
//! `Plan` and feed metric shards.
//!
//! # Layout
//!
//! - [`run`](crate::run()) — a whole run: workers out, collector in, `Summary` back.
//! - `worker` — one thread, one single-threaded runtime, one metrics shard.
//! - `drivers/` — the load models' decisions as pure state machines fed the
//!   time: `closed` (users wanted, started, stopped), `open` (which arrival
//!   is due when); `drive` — the one loop that sleeps to their deadlines
//!   and applies their actions.
//! - `schedule` — the stage list as a curve over time, and its inverse for
//!   arrival times; `population` — which user type each user gets.
//! - `segment` — one machine's share of a run spread over several.
//! - `pacer` — when a user's next journey starts (its wait, or an arrival).
//! - `vu` — a virtual user and its life; `journey` — one iteration.
//! - `steps/` — one file per step kind with its run.
//! - `target` — base URLs resolved once; `feeder` — data rows.
//! - `stamp` — what every summary is stamped with (the plan's facts, the
//!   warnings); `drift` — late pacing counted for those warnings.
//! - `round` — what the collector shows its caller after each round.
//! - `panics` — panics caught at the task and thread boundaries.
//! - `redact` — failure examples with every secret replaced.
//! - `trace/` — a W3C trace per journey iteration, the chain of steps it
//!   ran, and the failed and slowest iterations kept whole.
//! - `control` — the stop channel (Ctrl-C, tests, a web UI), and live
//!   changes of load; `steering` — the typed change, its checks, the
//!   target a UI shows.
//! - `debug` — `starling try`'s seam: typed, redacted events of what one
//!   user did, handed to a sink the user carries (`None` on load runs).
//! - `thresholds` — the plan's thresholds by name, and the live watch of
//!   those that abort the run.

mod catalog;
mod config;
mod control;
mod debug;
mod drift;
mod drive;
mod drivers;
mod error;
mod feeder;
mod journey;
mod pacer;
mod panics;
mod population;
mod redact;
mod round;
mod run;
mod schedule;
mod segment;
mod stamp;
mod steering;
mod steps;
mod target;
mod thresholds;
mod trace;
mod vu;
mod worker;

pub use config::RunConfig;
pub use control::{Control, RunState};
pub use debug::{
    DEBUG_BODY_BYTES, DebugEvent, DebugSink, ExpectationResult, Part, ReceivedResponse,
    SentRequest, debug_plan,
};
pub use error::EngineError;
pub use round::{Round, StatsReset};
pub use run::{RunOutcome, run};
pub use schedule::Schedule;
pub use segment::{Segment, SegmentError};
pub use steering::{LoadChange, SteerError, Target, Until};
pub use trace::{DEFAULT_SAMPLE, OtlpConfig, OtlpError, TraceConfig};
