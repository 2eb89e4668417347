//! `PREFIX_services.csv`: the load each service received (the sum of its
//! requests, percentiles from their merged histograms), one row each.

use std::io::{self, Write};

use starling_metrics::Summary;

use super::{latency_cells, with_latency_header, write_table};

pub(super) fn write(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    let header = with_latency_header(&[
        "Service",
        "Request Count",
        "Failure Count",
        "Failure Ratio",
        "Requests/s",
    ]);
    let rows = summary.services.iter().map(|(name, service)| {
        let mut cells = vec![
            name.clone(),
            service.requests.to_string(),
            service.failures.to_string(),
            service.failure_ratio.to_string(),
            service.rps.to_string(),
        ];
        cells.extend(latency_cells(&service.latency, &service.latency_corrected));
        cells
    });
    write_table(out, &header, rows)
}
