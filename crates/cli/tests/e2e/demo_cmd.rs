//! `starling demo`: the one-command quickstart prints the whole summary,
//! and its services table names payments the slowest.

use crate::support::{Outcome, starling};

#[test]
fn the_demo_prints_every_section_and_payments_is_slowest() {
    let outcome = Outcome::of(starling().args([
        "demo",
        "--users",
        "20",
        "--duration",
        "3s",
        "--spawn-rate",
        "100",
        "--quiet",
    ]))
    .code(0)
    .stdout_has("JOURNEYS")
    .stdout_has("FUNNEL checkout")
    .stdout_has("REQUESTS")
    .stdout_has("SERVICES");
    let stdout = &outcome.stdout;
    // The SERVICES table: the row that carries the marker is payments'.
    let services = &stdout[stdout.find("SERVICES").unwrap_or_default()..];
    let marked: Vec<&str> = services
        .lines()
        .filter(|line| line.contains("◀ slowest p95"))
        .collect();
    assert_eq!(marked.len(), 1, "one slowest service:\n{stdout}");
    assert!(
        marked[0].trim_start().starts_with("payments"),
        "payments is the slowest:\n{stdout}"
    );
}
