//! `starling`: the binary. Parses flags, wires the crates together, maps
//! outcomes to exit codes. Everything it does is done by a library crate.
//!
//! Exit codes: 0 the run completed (or was stopped with Ctrl-C and its
//! results were written); 1 a runtime error (e.g. the results file could not
//! be written); 2 bad input, reported before any load is sent.

mod args;
mod demo_cmd;
mod load_override;
mod output;
mod run_cmd;
mod signals;
mod validate_cmd;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// How a command failed, and so which exit code it gets.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Bad input: a scenario error, an unusable flag. Exit 2.
    Input(String),
    /// Something broke while running. Exit 1.
    Runtime(String),
    /// The message was already printed (e.g. located diagnostics). Exit 2.
    Reported,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run_cmd::run(args),
        Command::Validate { file } => validate_cmd::validate(&file),
        Command::Schema => validate_cmd::schema(),
        Command::Demo(args) => demo_cmd::demo(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(message)) => {
            output::error(&message);
            ExitCode::from(2)
        }
        Err(Failure::Runtime(message)) => {
            output::error(&message);
            ExitCode::from(1)
        }
        Err(Failure::Reported) => ExitCode::from(2),
    }
}
