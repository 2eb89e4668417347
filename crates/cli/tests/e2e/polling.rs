//! examples/polling.yaml against asynchronous payments: the poll is one
//! section, and every poll request reached the payments service.

use std::time::Duration;

use starling_demo::DemoConfig;
use starling_metrics::SectionKind;

use crate::support::{Demo, Run, example};

#[test]
fn polling_waits_for_settlement_and_reconciles() {
    let demo = Demo::with(DemoConfig {
        async_payments: true,
        settle_after: Duration::from_millis(300),
        ..DemoConfig::ephemeral()
    });
    let ran = Run::new(example("polling.yaml"))
        .against(&demo)
        .args(["--users", "5", "--spawn-rate", "100", "--duration", "3s"])
        .succeeds();
    let summary = &ran.summary;

    let poll = summary
        .sections
        .get("payment settles")
        .unwrap_or_else(|| panic!("no poll section: {:?}", summary.sections.keys()));
    assert_eq!(poll.kind, SectionKind::Poll);
    assert_eq!(poll.journey.as_deref(), Some("pay_and_settle"));
    assert!(poll.count > 0, "{poll:?}");
    assert_eq!(poll.failures, 0, "{poll:?}");

    // The payments were accepted for later, so polling was needed.
    assert!(
        ran.request("POST /payments")
            .status_codes
            .contains_key(&202)
    );

    let polls: Vec<_> = summary
        .requests
        .iter()
        .filter(|(_, r)| r.method == "GET" && r.service == "payments")
        .collect();
    assert_eq!(polls.len(), 1, "one poll request metric: {polls:?}");
    let (name, polled) = polls[0];
    assert_eq!(polled.failures, 0, "{name}");
    // Settling takes 300 ms and polls come every 200 ms: more than one each.
    assert!(polled.count > poll.count, "{name}: {polled:?}");
    assert_eq!(
        polled.count,
        demo.received("payments", "GET /payments/{id}"),
        "{name}: starling polled vs payments received"
    );
    assert_eq!(
        ran.count("POST /payments"),
        demo.received("payments", "POST /payments")
    );

    let journey = &summary.journeys["pay_and_settle"];
    assert!(journey.succeeded > 0);
    assert_eq!(journey.failed, 0, "{:?}", journey.failures);
}
