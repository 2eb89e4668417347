//! starling-web: the web UI. A small HTTP server on a thread and runtime of
//! its own (a slow or vanished browser never slows the workers) that serves
//! one page, a live stream of the run and a JSON API to start, steer and
//! stop runs and download their results.
//!
//! It sits beside `starling-report` and reuses it: the live view is the
//! HTML report's own page code (`StarlingPage.render`) fed the report's
//! page data ([`starling_report::page_data`]) once a second, and downloads
//! are the report's JSON, CSV and HTML renderers. It knows nothing of the
//! engine: the page's requests become typed [`Command`]s that the binary's
//! run manager applies to the engine's control channel, and the manager
//! publishes what the page shows (a [`Status`] and the latest `Summary`)
//! on a [`Board`].
//!
//! # Layout
//! - `config.rs`: [`WebConfig`] → [`Binding`]: where to listen, and the
//!   rule that anything but loopback needs a [`Token`] (`token.rs`).
//! - `server.rs`: [`UiServer`], the thread, runtime and listener.
//! - `routes.rs`: the routes; `access.rs`: the checks every request passes
//!   (Host header, token, a custom header on state-changing calls) and the
//!   security headers every answer carries.
//! - `api.rs`: the JSON API's handlers; `input.rs`: request bodies read
//!   into commands, with the message a person reads when one is wrong.
//! - `command.rs`: [`Command`] and the [`Request`] the manager answers.
//! - `status.rs`: [`Status`], what the page shows of the manager.
//! - `board.rs`: [`Board`], the latest status and results, one `watch`.
//! - `frame.rs`: the live view's data, built once per change.
//! - `stream.rs`: the live stream (server-sent events, latest only).
//! - `downloads.rs`: the results JSON, CSV files and HTML report.
//! - `page.rs`: the page and its scripts, compiled into the binary.
//! - `error.rs`: [`WebError`] (setting up) and the API's error answers.

mod access;
mod api;
mod app;
mod board;
mod command;
mod config;
mod downloads;
mod error;
mod frame;
mod input;
mod page;
mod routes;
mod server;
mod status;
mod stream;
mod token;

pub use board::{Board, Live};
pub use command::{
    Change, Command, Hold, Refusal, Request, RunLength, StartLoad, StartRun, SteerLoad,
};
pub use config::{Binding, TokenChoice, WebConfig};
pub use error::WebError;
pub use server::UiServer;
pub use status::{LoadNow, Model, Phase, Prefill, Status, UserTypeShare};
pub use token::Token;
