//! examples/open_model.yaml with `--arrival-rate`: journeys start at the
//! rate, whoever is free to run them.

use crate::support::{Demo, Run, example};

#[test]
fn arrivals_follow_the_rate() {
    let demo = Demo::start();
    let ran = Run::new(example("open_model.yaml"))
        .against(&demo)
        .args(["--arrival-rate", "20", "--duration", "2s"])
        .succeeds();
    let summary = &ran.summary;
    assert_eq!(summary.run.model, "open");
    assert_eq!(ran.json["run"]["model"], "open");

    // 20 per second for 2 s, counting the one at time zero: about 41.
    let arrivals = summary.totals.journeys_started + summary.totals.dropped_arrivals;
    assert!((35..=45).contains(&arrivals), "{:?}", summary.totals);
    let started: u64 = summary.journeys.values().map(|j| j.started).sum();
    assert_eq!(started, summary.totals.journeys_started);

    for name in ["GET /products", "GET /products/{id}"] {
        assert_eq!(
            ran.count(name),
            demo.received("products", name),
            "{name}: starling sent vs products received"
        );
    }
}
