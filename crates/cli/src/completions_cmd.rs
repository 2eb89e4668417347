//! `starling completions bash|zsh|fish`: a shell completion script made
//! from the same clap definition the binary parses with, so it never falls
//! behind a new subcommand or flag.

use std::io::Write;

use clap::{CommandFactory, ValueEnum};

use crate::Failure;
use crate::args::Cli;
use crate::exit::Exit;

/// The shells a script is made for (clap_complete knows more; these are
/// the ones documented and tested).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// Writes the script for `shell` to stdout.
pub(crate) fn completions(shell: Shell) -> Result<Exit, Failure> {
    let generator = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut script = Vec::new();
    clap_complete::generate(generator, &mut Cli::command(), "starling", &mut script);
    // Written at once, so a closed pipe is an error here and not a panic
    // inside the generator.
    std::io::stdout()
        .lock()
        .write_all(&script)
        .map_err(|e| Failure::Runtime(format!("cannot write the completion script: {e}")))?;
    Ok(Exit::Ok)
}
