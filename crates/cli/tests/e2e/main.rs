//! End-to-end tests of the `starling` binary: real runs of the examples
//! against the demo microservice system started in-process on ephemeral
//! loopback ports, with starling's results reconciled against the requests
//! each service counted on its side.
//!
//! # Layout
//! - `support`: the `Demo` fixture and the `starling` command builders.
//! - `validate`: `validate` and `schema`.
//! - `init`: `init`'s starter and a HAR's conversion, run against the demo.
//! - `init_har`: a HAR recorded in headless Chromium → `init --from-har` → run.
//! - `bad_input`: flags and files refused with exit 2 before any load.
//! - `checkout`: the checkout example's counts, journeys, funnel, services.
//! - `polling`, `login`, `services`, `open_model`, `features`: the other
//!   examples.
//! - `env_vars`: `STARLING_*` variables against flags.
//! - `demo_cmd`: `starling demo`.
//! - `html_report`: `--html` on `run` and `report`, what the page holds.
//! - `signals`: Ctrl-C (SIGINT) and SIGTERM during a run.
//! - `results_cmds`: `report`, `merge` and `compare` on results files.
//! - `segments`: one run spread over processes with `--segment`.
//! - `kube`: the Kubernetes manifests, validated and their commands run.
//! - `load_flags`: `--iterations` and `--service` on the command line.
//! - `prometheus`: `--metrics-addr` scraped by a real Prometheus.
//! - `trust`: runs that must end and keep their results whatever happens.
//! - `secrets`: no planted secret reaches any output.
//! - `service_paths`: services declared with path prefixes; guesses marked.
//! - `tags`: `--tags` and `--exclude-tags` run part of a scenario.
//! - `try_cmd`: `starling try` and `run --debug`: every request shown,
//!   secrets redacted, exit 0 / 1 / 2.
//! - `terminal_safety`: control characters from the scenario are escaped.
//! - `warnings`: what silently changed a run, said at its end.
//! - `verdicts`: thresholds, exit codes, output paths and safe writes.

mod bad_input;
mod checkout;
mod demo_cmd;
mod env_vars;
mod features;
mod html_report;
mod init;
mod init_har;
mod kube;
mod load_flags;
mod login;
mod open_model;
mod polling;
mod prometheus;
mod results_cmds;
mod secrets;
mod segments;
mod service_paths;
mod services;
mod signals;
mod support;
mod tags;
mod terminal_safety;
mod trust;
mod try_cmd;
mod validate;
mod verdicts;
mod warnings;
