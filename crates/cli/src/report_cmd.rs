//! `starling report RESULTS.json [NEW.json]`: the terminal summary again,
//! from a saved results file, and the other outputs rendered from it; with
//! two files, the two compared and an HTML report drawing both.

use std::path::PathBuf;

use crate::Failure;
use crate::output::{self, Files};
use crate::results_file::read_results;

pub(crate) fn report(results: &[PathBuf], outputs: &Files<'_>) -> Result<(), Failure> {
    outputs.check()?;
    match results {
        [file] => output::report(&read_results(file)?, outputs),
        [base, new] => {
            let base = read_results(base)?;
            output::report_against(&read_results(new)?, Some(&base), outputs)
        }
        _ => Err(Failure::Input(
            "report takes one results file, or two (BASE NEW) to compare".into(),
        )),
    }
}
