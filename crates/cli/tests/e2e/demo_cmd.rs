//! `starling demo`: the one-command quickstart prints the whole summary,
//! its services table names payments the slowest, and its FAN-OUT table
//! shows the load the services put on each other.

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

    // FAN-OUT: per service, what it counted itself = what starling sent
    // it + what other services sent it. Every order checks its user and
    // its item, so users and products receive more than starling sent
    // them; nobody but starling calls payments.
    let fan_out = &stdout[stdout.find("FAN-OUT").unwrap_or_default()..];
    let rows: Vec<(String, [u64; 3])> = fan_out
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split_whitespace().collect();
            let number = |cell: &str| cell.replace(',', "").parse::<u64>().ok();
            match cells[..] {
                [name, total, direct, others] => Some((
                    name.to_owned(),
                    [number(total)?, number(direct)?, number(others)?],
                )),
                _ => None,
            }
        })
        .collect();
    let row = |name: &str| {
        rows.iter()
            .find(|(service, _)| service == name)
            .map(|(_, counts)| *counts)
            .unwrap_or_else(|| panic!("no FAN-OUT row for {name}:\n{stdout}"))
    };
    for (service, [total, direct, others]) in &rows {
        assert_eq!(total, &(direct + others), "{service}:\n{stdout}");
    }
    let [_, direct_orders, _] = row("orders");
    assert!(direct_orders > 0, "orders were placed:\n{stdout}");
    assert!(row("users")[2] > 0, "orders call users:\n{stdout}");
    assert!(row("products")[2] > 0, "orders call products:\n{stdout}");
    assert_eq!(
        row("payments")[2],
        0,
        "only starling calls payments:\n{stdout}"
    );
}
