//! starling-scenario: reads a scenario YAML file and compiles it into a
//! validated `Plan`, the only input the engine accepts. No tokio, no I/O
//! beyond the scenario file and its data files.
//!
//! ```no_run
//! let compiled = starling_scenario::load(std::path::Path::new("examples/checkout.yaml"))
//!     .map_err(|errors| eprintln!("{errors}"))
//!     .unwrap();
//! println!("ok: {}", starling_scenario::summary_line(&compiled.plan));
//! ```
//!
//! # Layout
//!
//! The format (YAML in, `Plan` out), in pipeline order:
//! - `raw`: the YAML tree with a span on every node (serde-saphyr, with
//!   input limits); checked for nothing but YAML syntax.
//! - `compile/`: walks the tree into a [`Plan`], collecting every error:
//!   `read` (typed getters, unknown keys with did-you-mean), `names`
//!   (target, services, routing), `load` (every load shape → one stage
//!   list), `user_type` (user types, journeys, weights, names), `data`
//!   (CSV feeders), `thresholds`, `templates` (templates and expressions
//!   located in the file), `always_fails` (code sure to fail at run time,
//!   data columns the file lacks), `headers`, `vars` (which variables are
//!   set where), and `steps/` with one file per step kind.
//! - `diagnostics`: located errors and warnings ([`Diagnostic`],
//!   [`Diagnostics`]) shown plainly or through `miette`.
//! - `duration`, `suggest`: the small parsers and did-you-mean.
//! - `input_file`: opens the scenario and data files: regular files only,
//!   read up to a cap.
//! - `schema`: the JSON Schema of the format; `summary`: the one-line
//!   summary of `starling validate`.
//!
//! The plan and what runs in it:
//! - [`plan`]: the compiled scenario, the contract with the engine.
//! - [`origin`]: the one parser of a URL's scheme, host and port (base
//!   URLs and absolute URLs rendered at run time), hosts normalised.
//! - [`threshold`]: pass/fail criteria kept in the plan.
//! - [`tags`]: `--tags`/`--exclude-tags`, which cut a plan down to the
//!   journeys asked for.
//! - [`walk`]: every step of a plan's step trees, nested ones included.
//! - [`redact`]: what the engine keeps out of failure examples (secret
//!   names, `redact:`, the values `env()` read).
//! - [`template`], [`expr`], [`capture`], [`expect`], [`scope`],
//!   [`response`], [`value`], [`runtime`]: templates, expressions,
//!   captures and expectations compiled once and evaluated per request;
//!   `json_body` reads a response body as JSON and tells a body nested too
//!   deep apart from one that is not JSON.

// Runtime pieces of a Plan: compiled once, evaluated by the engine.
pub mod capture;
pub mod expect;
pub mod expr;
mod json_body;
mod load_shape;
pub mod origin;
pub mod plan;
pub mod redact;
pub mod response;
pub mod scope;
pub mod tags;
pub mod template;
pub mod threshold;
pub mod value;
pub mod walk;

// Shared machinery of the runtime pieces (scenario-runtime).
pub mod runtime;

pub use plan::*;

// The format: YAML in, Plan out (scenario-format).
mod compile;
mod diagnostics;
mod duration;
mod input_file;
mod raw;
mod schema;
mod suggest;
mod summary;

pub use compile::{Compiled, compile_str, load, threshold_flag};
pub use diagnostics::{Diagnostic, Diagnostics, Fancy, Severity};
pub use duration::{InvalidValue, parse as parse_duration};
pub use input_file::{MAX_DATA_BYTES, MAX_SCENARIO_BYTES};
pub use schema::schema;
pub use summary::summary_line;
