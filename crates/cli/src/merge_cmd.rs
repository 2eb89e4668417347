//! `starling merge A.json B.json ... --out ALL.json`: one result from the
//! results of several runs or generators, exact (histograms are merged,
//! not averaged), with the thresholds judged again on the whole.

use std::path::PathBuf;

use starling_metrics::Summary;

use crate::Failure;
use crate::exit::Exit;
use crate::output::{self, Files};
use crate::results_file::read_results;

pub(crate) fn merge(
    files: &[PathBuf],
    outputs: &Files<'_>,
    force: bool,
    partial: bool,
) -> Result<Exit, Failure> {
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
    whole_set_of_segments(files, &parts, partial)?;
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

/// Segments of one run merge into that run only if each is there once:
/// a segment given twice counts its users twice, a missing one leaves a
/// verdict judged on part of the load (allowed with `--partial`).
fn whole_set_of_segments(
    files: &[PathBuf],
    parts: &[Summary],
    partial: bool,
) -> Result<(), Failure> {
    let segments: Vec<_> = parts.iter().filter_map(|p| p.run.segment).collect();
    if segments.is_empty() {
        return Ok(());
    }
    let count = segments[0].count;
    if segments.len() != parts.len() || segments.iter().any(|s| s.count != count) {
        return Err(Failure::Input(format!(
            "these results are not segments of one run: {}",
            files
                .iter()
                .zip(parts)
                .map(|(f, p)| match p.run.segment {
                    Some(s) => format!("{} is segment {}/{}", f.display(), s.index, s.count),
                    None => format!("{} is a whole run", f.display()),
                })
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut seen = vec![None::<&PathBuf>; count as usize];
    for (file, segment) in files.iter().zip(&segments) {
        if let Some(first) = seen[segment.index as usize].replace(file) {
            return Err(Failure::Input(format!(
                "segment {}/{count} is given twice: {} and {}",
                segment.index,
                first.display(),
                file.display()
            )));
        }
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, f)| f.is_none())
        .map(|(i, _)| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() && !partial {
        return Err(Failure::Input(format!(
            "segment(s) {} missing: the merge would judge part of the run (--partial merges them anyway)",
            missing.join(", ")
        )));
    }
    Ok(())
}
