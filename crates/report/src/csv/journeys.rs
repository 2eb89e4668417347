//! `PREFIX_journeys.csv` (one row per journey: iterations, success, end-to-
//! end duration) and `PREFIX_funnel.csv` (one row per top-level step of
//! each journey: how many iterations reached and passed it).

use std::io::{self, Write};

use starling_metrics::Summary;

use super::{latency_cells, per_second, ratio, with_latency_header, write_table};

pub(super) fn write_journeys(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    let header = with_latency_header(&[
        "Journey",
        "User Type",
        "Started",
        "Succeeded",
        "Failed",
        "Success Ratio",
        "Started/s",
    ]);
    let millis = summary.run.duration_ms;
    let rows = summary.journeys.iter().map(|(name, journey)| {
        let mut cells = vec![
            name.clone(),
            journey.user_type.clone(),
            journey.started.to_string(),
            journey.succeeded.to_string(),
            journey.failed.to_string(),
            journey.success_ratio.to_string(),
            per_second(journey.started, millis).to_string(),
        ];
        cells.extend(latency_cells(
            &journey.duration,
            &journey.duration_corrected,
        ));
        cells
    });
    write_table(out, &header, rows)
}

const FUNNEL_HEADER: [&str; 8] = [
    "Journey",
    "Step",
    "Label",
    "Reached",
    "Passed",
    "Stopped",
    "Pass Ratio",
    "Reached Ratio",
];

pub(super) fn write_funnel(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    let rows = summary.journeys.iter().flat_map(|(name, journey)| {
        journey.funnel.iter().enumerate().map(move |(i, step)| {
            vec![
                name.clone(),
                // Numbered from 1, as the terminal's FUNNEL shows them.
                (i + 1).to_string(),
                step.label.clone(),
                step.reached.to_string(),
                step.passed.to_string(),
                // Where iterations ended: failed here, or left by a
                // condition before the next step.
                step.reached.saturating_sub(step.passed).to_string(),
                ratio(step.passed, step.reached).to_string(),
                // Of the journey's iterations, how many got this far.
                ratio(step.reached, journey.started).to_string(),
            ]
        })
    });
    write_table(out, &FUNNEL_HEADER, rows)
}
