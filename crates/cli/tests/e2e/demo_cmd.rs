//! `starling demo`: the one-command quickstart prints the whole summary,
//! its services table names payments the slowest, and its FAN-OUT table
//! shows the load the services put on each other.

use crate::support::{OtlpReceiver, Outcome, ReceivedSpan, starling};

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

/// The article's "next hurdle" in one command: users made slow, orders
/// gives up waiting for it, the gateway passes that on, and the failed
/// checkouts are traced back to users, not to orders or the gateway
/// where the 504 was seen.
#[test]
fn a_fault_deep_in_the_graph_is_traced_to_the_service_it_began_in() {
    let outcome = Outcome::of(starling().args([
        "demo",
        "--fault",
        "users:latency=2s",
        "--users",
        "10",
        "--duration",
        "5s",
        "--spawn-rate",
        "100",
        "--quiet",
    ]))
    .stderr_has("fault: users now adds 2000ms latency")
    .stdout_has("WHERE JOURNEYS FAILED")
    .stdout_has("FAILED JOURNEYS BY ORIGIN");
    let stdout = &outcome.stdout;
    // The checkouts fail where the 504 is seen: at POST /orders.
    assert!(
        stdout.contains("POST /orders 504"),
        "the failures are seen at POST /orders:\n{stdout}"
    );

    // Every drawn tree ends its blame in users, through orders' timeout.
    let chains: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("where: "))
        .collect();
    assert!(!chains.is_empty(), "call trees drawn:\n{stdout}");
    for chain in &chains {
        assert!(
            chain.starts_with("gateway 504 ← orders timeout ← users 2."),
            "{chain}\n{stdout}"
        );
    }
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("users GET /users/{id}") && l.ends_with("◀ origin")),
        "the users span is marked as the origin:\n{stdout}"
    );

    // The count by origin: users, for all of them.
    let by_origin = &stdout[stdout.find("FAILED JOURNEYS BY ORIGIN").unwrap_or_default()..];
    let rows: Vec<Vec<&str>> = by_origin
        .lines()
        .skip(3)
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .take_while(|cells| cells.len() == 3)
        .collect();
    assert_eq!(rows.len(), 1, "one origin:\n{by_origin}");
    assert_eq!(rows[0][0], "users", "{by_origin}");
    assert_eq!(rows[0][2], "100%", "{by_origin}");
}

/// `--otlp-endpoint`: starling's spans and the services' own land in one
/// backend, and the services' server spans hang under starling's request
/// spans: the gateway's parent is the span id starling sent in
/// `traceparent`, the rest follow the calls between the services.
#[test]
fn starling_and_the_services_export_one_trace_per_failed_journey() {
    let receiver = OtlpReceiver::start();
    let outcome = Outcome::of(starling().args([
        "demo",
        "--fault",
        "users:latency=1500ms",
        "--otlp-endpoint",
        &receiver.base,
        "--users",
        "4",
        "--duration",
        "3s",
        "--spawn-rate",
        "100",
        "--quiet",
    ]))
    .stdout_has("WHERE JOURNEYS FAILED")
    .stdout_has("the demo services exported");
    let stdout = &outcome.stdout;
    let spans = receiver.spans();
    let failed_traces: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("checkout · trace "))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect();
    assert!(!failed_traces.is_empty(), "{stdout}");
    for trace in failed_traces {
        let of_trace: Vec<&ReceivedSpan> =
            spans.iter().filter(|s| s.trace_hex() == trace).collect();
        let by = |service: &str| -> Vec<&ReceivedSpan> {
            of_trace
                .iter()
                .copied()
                .filter(|s| s.service == service)
                .collect()
        };
        // starling: the journey's root and one client span per request.
        let starling = by("starling");
        let failed_request = starling
            .iter()
            .find(|s| s.span.name == "POST /orders")
            .unwrap_or_else(|| panic!("starling's POST /orders span of {trace}: {of_trace:?}"));
        let gateway = by("gateway")
            .into_iter()
            .find(|s| s.span.parent_span_id == failed_request.span.span_id)
            .unwrap_or_else(|| panic!("the gateway's span under starling's request in {trace}"));
        let orders = by("orders");
        assert!(
            orders
                .iter()
                .any(|o| o.span.parent_span_id == gateway.span.span_id),
            "orders under the gateway in {trace}"
        );
        let users = by("users");
        assert!(
            users.iter().any(|u| orders
                .iter()
                .any(|o| u.span.parent_span_id == o.span.span_id)
                && u.attribute("http.route").as_deref() == Some("/users/{id}")),
            "users under orders in {trace}"
        );
        assert_eq!(
            gateway.attribute("http.response.status_code").as_deref(),
            Some("504")
        );
    }
}
