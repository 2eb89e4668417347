//! A run spread over several processes with `--segment i/n`: each runs
//! exactly its share, and `merge` of their results equals the one-process
//! run and the demo's own counters; bad segments are exit 2 before load.

use std::path::{Path, PathBuf};
use std::process::Child;

use starling_metrics::Summary;

use crate::support::{Demo, Outcome, starling, starling_std};

const CLOSED: &str = "load: { users: 7, spawn_rate: 1000, iterations: 3 }";
const OPEN: &str = "load: { arrival_rate: 40, duration: 1s }";

fn scenario(dir: &Path, demo: &Demo, load: &str) -> PathBuf {
    let path = dir.join("segmented.yaml");
    std::fs::write(
        &path,
        format!(
            "target: {}\n{load}\nusers:\n  - name: u\n    journeys:\n      - name: browse\n        steps:\n          - get: /products\n            expect: {{ status: 200 }}\n",
            demo.gateway()
        ),
    )
    .unwrap();
    path
}

/// Starts segment `index` of `count` in the background.
fn segment(scenario: &Path, out: &Path, index: u32, count: u32) -> Child {
    starling_std()
        .arg("run")
        .arg(scenario)
        .args(["--segment", &format!("{index}/{count}"), "--quiet", "--out"])
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starling starts")
}

fn read(path: &Path) -> Summary {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Three segments at once against one demo, merged.
fn three_segments(demo: &Demo, load: &str, dir: &Path) -> (Vec<Summary>, Summary) {
    let scenario = scenario(dir, demo, load);
    let outs: Vec<PathBuf> = (0..3).map(|i| dir.join(format!("{i}.json"))).collect();
    let mut children: Vec<Child> = (0..3)
        .map(|i| segment(&scenario, &outs[i as usize], i, 3))
        .collect();
    for child in &mut children {
        assert!(child.wait().unwrap().success());
    }
    let all = dir.join("all.json");
    Outcome::of(starling().arg("merge").args(&outs).arg("--out").arg(&all)).code(0);
    (outs.iter().map(|o| read(o)).collect(), read(&all))
}

#[test]
fn three_segments_merge_to_the_single_run_and_the_demos_counts() {
    let dir = tempfile::tempdir().unwrap();
    let single = {
        let demo = Demo::start();
        let scenario = scenario(dir.path(), &demo, CLOSED);
        let out = dir.path().join("single.json");
        Outcome::of(
            starling()
                .arg("run")
                .arg(&scenario)
                .arg("--quiet")
                .arg("--out")
                .arg(&out),
        )
        .code(0);
        read(&out)
    };
    let demo = Demo::start();
    let (parts, merged) = three_segments(&demo, CLOSED, dir.path());
    // 7 users split 3 + 2 + 2, each 3 journeys.
    let started: Vec<u64> = parts.iter().map(|p| p.totals.journeys_started).collect();
    assert_eq!(started, vec![9, 6, 6]);
    for (i, part) in parts.iter().enumerate() {
        let info = part.run.segment.expect("segment metadata in the results");
        assert_eq!((info.index, info.count), (i as u32, 3));
        assert!(part.run.host.as_deref().is_some_and(|h| !h.is_empty()));
    }
    assert_eq!(
        merged.totals.journeys_started,
        single.totals.journeys_started
    );
    assert_eq!(merged.totals.requests, single.totals.requests);
    assert_eq!(merged.totals.requests, 21);
    assert_eq!(demo.received("products", "GET /products"), 21);
    assert_eq!(merged.totals.failures, 0);

    // An incomplete or overlapping set of segments is refused.
    let part = |i: u32| dir.path().join(format!("{i}.json"));
    Outcome::of(starling().arg("merge").args([part(0), part(1)]))
        .code(2)
        .stderr_has("segment(s) 2/3 missing");
    Outcome::of(starling().arg("merge").args([part(0), part(1), part(1)]))
        .code(2)
        .stderr_has("segment 1/3 is given twice");
    Outcome::of(
        starling()
            .arg("merge")
            .args([part(0), part(1)])
            .arg("--partial"),
    )
    .code(0);
}

#[test]
fn three_open_model_segments_start_exactly_the_planned_arrivals() {
    let dir = tempfile::tempdir().unwrap();
    let demo = Demo::start();
    let (parts, merged) = three_segments(&demo, OPEN, dir.path());
    // Arrivals 0..40 of the one schedule: 14, 13 and 13 of them.
    let arrivals: Vec<u64> = parts
        .iter()
        .map(|p| p.totals.journeys_started + p.totals.dropped_arrivals)
        .collect();
    assert_eq!(arrivals, vec![14, 13, 13]);
    assert_eq!(
        merged.totals.journeys_started + merged.totals.dropped_arrivals,
        40
    );
}

#[test]
fn bad_segments_exit_2_before_any_load() {
    let dir = tempfile::tempdir().unwrap();
    let demo = Demo::start();
    let scenario = scenario(dir.path(), &demo, CLOSED);
    let run = |flags: &[&str], env: Option<&str>| {
        let mut cmd = starling();
        cmd.arg("run").arg(&scenario).args(flags);
        if let Some(index) = env {
            cmd.env("JOB_COMPLETION_INDEX", index);
        }
        Outcome::of(&mut cmd).code(2)
    };
    run(&["--segment", "3/3"], None).stderr_has("segment 3 of 3 does not exist");
    run(&["--segment", "0/0"], None).stderr_has("at least one segment");
    run(&["--segment", "1"], None).stderr_has("expected INDEX/COUNT");
    run(&["--segments", "3"], None).stderr_has("JOB_COMPLETION_INDEX");
    run(&["--segments", "3"], Some("5")).stderr_has("segment 5 of 3 does not exist");
    run(&["--segment", "0/8"], None).stderr_has("8 segments for a run of 7 users");
    run(&["--start-at", "tomorrow"], None).stderr_has("expected an RFC 3339 time");
    assert_eq!(demo.total_received(), 0, "no load may be sent");
    // And the index from the environment works.
    let out = dir.path().join("k8s.json");
    let mut cmd = starling();
    cmd.arg("run")
        .arg(&scenario)
        .args(["--segments", "3", "--quiet", "--out"])
        .arg(&out)
        .env("JOB_COMPLETION_INDEX", "2");
    Outcome::of(&mut cmd).code(0);
    let summary = read(&out);
    assert_eq!(summary.totals.journeys_started, 6);
    assert_eq!(summary.run.segment.map(|s| s.index), Some(2));
}
