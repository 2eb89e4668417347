//! JUnit XML as a CI system reads it: each file is parsed by junitparser
//! (a real JUnit consumer) and what it understood is compared with the
//! Summary: counts, names, times, failure messages, hostile names intact.

mod support;

use serde_json::Value;
use starling_metrics::{Summary, ThresholdMetric, ThresholdScope, ThresholdSpec, ThresholdStatus};
use starling_report::{duration_us, write_junit};
use support::fixture::{self, Names};
use support::python::PythonTools;

/// Thresholds that pass, fail and find no data; `tag` goes in front of
/// each label so a test can make the labels hostile too.
fn thresholds(names: &Names, tag: &str) -> Vec<ThresholdSpec> {
    let spec = |label: String, scope, metric, limit| ThresholdSpec {
        label: format!("{tag}{label}"),
        scope,
        metric,
        limit,
        abort: false,
        delay_ms: 0,
    };
    vec![
        spec(
            format!("journey {}: success > 50%", names.browse),
            ThresholdScope::Journey(names.browse.clone()),
            ThresholdMetric::Success,
            0.5,
        ),
        spec(
            format!("request {}: p95 < 10ms", names.place_order),
            ThresholdScope::Request(names.place_order.clone()),
            ThresholdMetric::Percentile(95.0),
            10_000.0,
        ),
        spec(
            format!("request {}: p99 < 1s", names.get_order),
            ThresholdScope::Request(names.get_order.clone()),
            ThresholdMetric::Percentile(99.0),
            1_000_000.0,
        ),
    ]
}

fn judged(names: &Names, tag: &str) -> Summary {
    let mut summary = fixture::summary(names);
    summary.judge(&thresholds(names, tag), None);
    summary
}

/// The XML starling writes, and junitparser's reading of it; `None` when
/// the tools are not installed (the test then says it skipped).
fn read_back(test: &str, summary: &Summary) -> Option<(String, Value)> {
    let tools = PythonTools::get(test)?;
    let mut xml = Vec::new();
    write_junit(summary, &mut xml).expect("writes to a Vec");
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{test}-{}.xml", std::process::id()));
    std::fs::write(&path, &xml).expect("writes the XML");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/read_junit.py");
    let output = tools
        .command("python")
        .arg(script)
        .arg(&path)
        .output()
        .expect("runs python");
    let xml = String::from_utf8(xml).expect("utf-8");
    assert!(
        output.status.success(),
        "junitparser could not read it:\n{}\n{xml}",
        String::from_utf8_lossy(&output.stderr)
    );
    let parsed = serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    Some((xml, parsed))
}

fn cases<'a>(suite: &'a Value, classname: &str) -> Vec<&'a Value> {
    suite["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| c["classname"] == classname)
        .collect()
}

fn result<'a>(case: &'a Value, tag: &str) -> Option<&'a Value> {
    case["results"].as_array()?.iter().find(|r| r["tag"] == tag)
}

#[test]
fn a_ci_reads_a_case_per_threshold_and_per_journey_with_the_runs_counts() {
    let names = Names::default();
    let summary = judged(&names, "");
    let test = "a_ci_reads_a_case_per_threshold_and_per_journey_with_the_runs_counts";
    let Some((_, report)) = read_back(test, &summary) else {
        return;
    };
    let [suite] = report["suites"].as_array().expect("suites").as_slice() else {
        panic!("one suite: {report}");
    };
    assert_eq!(suite["name"], format!("starling: {}", summary.run.scenario));
    assert_eq!(suite["time"], summary.run.duration_ms as f64 / 1000.0);
    assert_eq!(suite["properties"]["verdict"], "fail");

    let failed_thresholds = summary.thresholds.iter().filter(|t| !t.passed()).count();
    let failed_journeys = summary.journeys.values().filter(|j| j.failed > 0).count();
    let idle_journeys = summary.journeys.values().filter(|j| j.started == 0).count();
    let tests = summary.thresholds.len() + summary.journeys.len();
    assert_eq!(suite["tests"], tests);
    assert_eq!(suite["failures"], failed_thresholds + failed_journeys);
    assert_eq!(suite["skipped"], idle_journeys);
    assert_eq!(suite["errors"], 0);
    assert_eq!(report["tests"], tests);
    assert_eq!(report["failures"], failed_thresholds + failed_journeys);
    // The fixture has each kind, or this test would prove little.
    assert!(failed_thresholds > 0 && failed_journeys > 0 && idle_journeys > 0);
    assert!(
        summary
            .thresholds
            .iter()
            .any(|t| t.status == ThresholdStatus::NoData)
    );

    let threshold_cases = cases(suite, "thresholds");
    assert_eq!(threshold_cases.len(), summary.thresholds.len());
    for (case, threshold) in threshold_cases.iter().zip(&summary.thresholds) {
        let spec = &threshold.threshold;
        assert_eq!(case["name"], spec.label.as_str());
        let failure = result(case, "failure");
        let Some(failure) = failure.filter(|_| !threshold.passed()) else {
            assert!(threshold.passed() && failure.is_none(), "{case}");
            continue;
        };
        // Every threshold here is a duration ceiling.
        let actual = threshold
            .actual
            .filter(|_| threshold.status == ThresholdStatus::Fail)
            .map_or("no data".to_owned(), |us| duration_us(us.round() as u64));
        let limit = duration_us(spec.limit as u64);
        assert_eq!(
            failure["message"],
            format!("actual {actual} vs limit ≤ {limit}")
        );
    }

    let journey_cases = cases(suite, "journeys");
    let names: Vec<&Value> = journey_cases.iter().map(|c| &c["name"]).collect();
    assert_eq!(names, summary.journeys.keys().collect::<Vec<_>>());
    for case in journey_cases {
        let journey = &summary.journeys[case["name"].as_str().expect("a name")];
        let seconds = case["time"].as_f64().expect("a time");
        assert!(
            (seconds - journey.duration.mean_us as f64 / 1e6).abs() < 5e-4,
            "{case}"
        );
        match (result(case, "failure"), journey.failures.first()) {
            (None, None) => assert!(journey.failed == 0, "{case}"),
            (Some(failure), Some(top)) => {
                let message = failure["message"].as_str().expect("a message");
                let finished = journey.succeeded + journey.failed;
                let head = format!("{} of {finished} iterations failed", journey.failed);
                assert!(message.starts_with(&head), "{message}");
                let step = format!("step {} ({}): {}", top.step + 1, top.label, top.category);
                assert!(message.contains(&step), "{message}");
                assert!(
                    message.contains(&format!("{} times", top.count)),
                    "{message}"
                );
            }
            (failure, top) => panic!("failure {failure:?} for top failure {top:?}"),
        }
        assert_eq!(result(case, "skipped").is_some(), journey.started == 0);
    }
    // The top failure's message carries the failing request's example.
    let checkout = &cases(suite, "journeys")[0];
    let message = result(checkout, "failure").expect("checkout failed")["message"].to_string();
    assert!(
        message.contains(&Names::default().status_error),
        "{message}"
    );
}

/// Outside XML 1.0's `Char` production: what no XML file can carry.
fn forbidden_in_xml(c: char) -> bool {
    let c = c as u32;
    (c < 0x20 && ![0x9, 0xA, 0xD].contains(&c)) || c == 0xFFFE || c == 0xFFFF
}

#[test]
fn hostile_names_reach_the_ci_intact_but_for_characters_xml_forbids() {
    let hostile =
        |base: &str| format!("{base} <a href=\"x\">&amp; it's\t\n\r\u{1}\u{1b}[31m\u{FFFE}]]>");
    let names = Names {
        scenario: hostile("scenario"),
        checkout: hostile("checkout"),
        browse: hostile("browse"),
        refund: hostile("refund"),
        place_order: hostile("POST /orders"),
        status_error: hostile("expected 201"),
        ..Names::default()
    };
    let summary = judged(&names, &hostile("threshold"));
    let test = "hostile_names_reach_the_ci_intact_but_for_characters_xml_forbids";
    let Some((xml, report)) = read_back(test, &summary) else {
        return;
    };
    assert!(!xml.chars().any(forbidden_in_xml), "{xml}");
    let as_read = |s: &str| -> String {
        s.chars()
            .map(|c| if forbidden_in_xml(c) { '\u{FFFD}' } else { c })
            .collect()
    };
    let suite = &report["suites"][0];
    assert_eq!(
        suite["name"],
        as_read(&format!("starling: {}", names.scenario))
    );
    let read_names: Vec<&str> = suite["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c["name"].as_str().expect("a name"))
        .collect();
    let expected: Vec<String> = summary
        .thresholds
        .iter()
        .map(|t| as_read(&t.threshold.label))
        .chain(summary.journeys.keys().map(|name| as_read(name)))
        .collect();
    assert_eq!(read_names, expected);
    let checkout = &cases(suite, "journeys")[0];
    let message = &result(checkout, "failure").expect("checkout failed")["message"];
    let message = message.as_str().expect("a message");
    assert!(message.contains(&as_read(&names.status_error)), "{message}");
}

#[test]
fn an_incomplete_run_is_an_error_beside_the_cases() {
    let mut summary = judged(&Names::default(), "");
    summary.run.errors = vec![
        "worker 1 panicked: index out of bounds".to_owned(),
        "worker 0 panicked: boom".to_owned(),
    ];
    let Some((_, report)) = read_back("an_incomplete_run_is_an_error_beside_the_cases", &summary)
    else {
        return;
    };
    let suite = &report["suites"][0];
    assert_eq!(suite["errors"], 1);
    let [run] = cases(suite, "run")[..] else {
        panic!("one run case: {suite}");
    };
    let error = result(run, "error").expect("an error");
    assert_eq!(error["message"], summary.run.errors[0].as_str());
    assert_eq!(error["text"], summary.run.errors.join("\n"));
    assert_eq!(
        suite["tests"],
        summary.thresholds.len() + summary.journeys.len() + 1
    );
}
