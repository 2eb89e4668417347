//! `starling report RESULTS.json`: the terminal summary again, from a
//! saved results file, and the other outputs rendered from it.

use std::path::Path;

use crate::Failure;
use crate::output::{self, Files};
use crate::results_file::read_results;

pub(crate) fn report(file: &Path, outputs: &Files<'_>) -> Result<(), Failure> {
    outputs.check()?;
    let summary = read_results(file)?;
    output::report(&summary, outputs)
}
