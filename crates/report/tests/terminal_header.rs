//! The header line counts in English: `1 user`, `1 worker`, not `1 users`
//! (issue 18).

use std::time::Duration;

use starling_metrics::{Aggregate, Catalog, RunMeta, Summary};
use starling_report::{TerminalOptions, render_terminal};

fn header(users: u64, workers: usize) -> String {
    let mut aggregate = Aggregate::new(Catalog::default());
    aggregate.absorb(Duration::from_secs(1), users, Vec::new());
    let summary: Summary = aggregate.summary(RunMeta {
        scenario: "s.yaml".into(),
        model: "closed".into(),
        workers,
        duration: Duration::from_secs(1),
        ..RunMeta::default()
    });
    let mut out = Vec::new();
    render_terminal(&summary, &mut out, &TerminalOptions::default()).unwrap();
    let text = String::from_utf8(out).unwrap();
    text.lines()
        .find(|l| l.starts_with("starling · "))
        .unwrap_or_else(|| panic!("no header in {text}"))
        .to_owned()
}

#[test]
fn one_user_and_one_worker_are_singular() {
    assert_eq!(
        header(1, 1),
        "starling · s.yaml · 1s · 1 user (peak) · closed model · 1 worker"
    );
}

#[test]
fn other_counts_are_plural() {
    assert_eq!(
        header(1200, 2),
        "starling · s.yaml · 1s · 1,200 users (peak) · closed model · 2 workers"
    );
    assert!(header(0, 0).contains("· 0 users (peak) ·"));
}
