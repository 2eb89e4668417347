//! `starling`: the binary. Parses flags, wires the crates together, maps
//! outcomes to exit codes. Everything it does is done by a library crate.
//!
//! Exit codes: see `exit.rs` (0 ok, 1 runtime error, 2 bad input, 98/99
//! thresholds, 130/143 signals).

// jemalloc, not glibc's malloc. 9,000 users started at once hold 9,000
// journey states in their first second; glibc could not give that burst
// back (freed between longer-lived allocations, the heap has holes, not a
// free top to trim), so the run kept its peak: 59 MiB against 31 MiB with
// `--spawn-rate 3000`. jemalloc returns freed pages as they decay: 33 MiB
// at once, 32 ramped, and no slower on bench (a). mimalloc was measured
// too: 52 at once but 44 ramped. bench/NOTES.md, "(c) all at once".
// Its options are built in by .cargo/config.toml (freed pages go back
// after 1 s unused, not 10: see there). MSVC targets keep the system
// allocator (jemalloc does not build there).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

mod args;
mod checkpoint;
mod compare_cmd;
mod completions_cmd;
mod demo_cmd;
mod exit;
mod har;
mod init_cmd;
mod kube_cmd;
mod load_override;
mod merge_cmd;
mod metrics_endpoint;
mod output;
mod report_cmd;
mod results_file;
mod run_cmd;
mod safe_write;
mod signals;
mod start_at;
mod try_cmd;
mod try_render;
mod ui_cmd;
mod ui_load;
mod validate_cmd;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::exit::Exit;

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
        Command::Run(args) if args.debug => try_cmd::run_debug(*args),
        Command::Run(args) => run_cmd::run(*args),
        Command::Try(args) => try_cmd::try_scenario(*args),
        Command::Init {
            path,
            from_har,
            output,
            force,
        } => init_cmd::init(output.as_ref().unwrap_or(&path), from_har.as_deref(), force),
        Command::Validate { file } => validate_cmd::validate(&file).map(|()| Exit::Ok),
        Command::Schema => validate_cmd::schema().map(|()| Exit::Ok),
        Command::Demo(args) => demo_cmd::demo(args),
        Command::Ui(args) => ui_cmd::ui(*args),
        Command::Report { results, files } => {
            report_cmd::report(&results, &files.files()).map(|()| Exit::Ok)
        }
        Command::Merge {
            files,
            outputs,
            force,
            partial,
        } => merge_cmd::merge(&files, &outputs.files(), force, partial),
        Command::Kube {
            file,
            segments,
            image,
            name,
            start_at,
        } => kube_cmd::kube(&kube_cmd::KubeArgs {
            file: &file,
            segments,
            image: &image,
            name: &name,
            start_at: start_at.as_deref(),
        })
        .map(|()| Exit::Ok),
        Command::Compare {
            base,
            new,
            tolerance,
            fail_on_regression,
            format,
        } => compare_cmd::compare(
            &base,
            &new,
            &tolerance,
            fail_on_regression,
            format == "markdown",
        ),
        Command::Completions { shell } => completions_cmd::completions(shell),
    };
    match result {
        Ok(exit) => exit.code(),
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
