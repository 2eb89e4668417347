//! `starling merge A.json B.json ... --out ALL.json`: one result from the
//! results of several runs or generators, exact (histograms are merged,
//! not averaged), with the thresholds judged again on the whole.

use std::path::PathBuf;

use starling_metrics::Summary;

use crate::Failure;
use crate::exit::Exit;
use crate::output::{self, Files};
use crate::results_file::read_results;

pub(crate) fn merge(files: &[PathBuf], outputs: &Files<'_>, force: bool) -> Result<Exit, Failure> {
    if files.len() < 2 {
        return Err(Failure::Input(
            "merge needs two results files or more".into(),
        ));
    }
    outputs.check()?;
    let parts = files
        .iter()
        .map(|f| read_results(f))
        .collect::<Result<Vec<Summary>, Failure>>()?;
    if !force {
        same_scenario(files, &parts)?;
    }
    let merged = Summary::merge(&parts)
        .map_err(|e| Failure::Input(format!("cannot merge these results: {e}")))?;
    output::report(&merged, outputs)?;
    Ok(Exit::of_run(&merged, None))
}

/// Results of different scenarios do not add up to anything; say which
/// file differs from the first.
fn same_scenario(files: &[PathBuf], parts: &[Summary]) -> Result<(), Failure> {
    let first = &parts[0].run;
    for (file, part) in files.iter().zip(parts).skip(1) {
        let differs = match (&first.scenario_hash, &part.run.scenario_hash) {
            (Some(a), Some(b)) => a != b,
            // Files from before the fingerprint: the name must match.
            _ => first.scenario != part.run.scenario,
        };
        if differs {
            return Err(Failure::Input(format!(
                "{} comes from a different scenario than {} ({} vs {}); --force merges them anyway",
                file.display(),
                files[0].display(),
                part.run.scenario,
                first.scenario
            )));
        }
    }
    Ok(())
}
