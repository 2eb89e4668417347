//! `starling`: the binary. Parses flags, wires the crates together, maps
//! outcomes to exit codes. Everything it does is done by a library crate.

use std::process::ExitCode;

use clap::Parser;

/// Load-test a microservice system as one system.
#[derive(Debug, Parser)]
#[command(name = "starling", version, about)]
struct Cli {}

fn main() -> ExitCode {
    let _cli = Cli::parse();
    ExitCode::SUCCESS
}
