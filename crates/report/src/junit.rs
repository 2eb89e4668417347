//! JUnit XML for CI: one test suite for the run, a test case per
//! threshold (class `thresholds`) and per journey (class `journeys`), so
//! a pipeline's test view shows which limit broke and which journey
//! failed, and why. An incomplete run (a worker died) adds an `<error>`.

use std::fmt::Write as _;
use std::io::{self, Write};

use starling_metrics::{
    JourneySummary, Summary, ThresholdMetric, ThresholdResult, ThresholdSpec, ThresholdStatus,
    Verdict,
};

use crate::format::{duration_us, percent, rate};
use crate::xml::{escape, escape_into};

/// One `<testcase>`: its outcome, if not a pass.
struct Case {
    classname: &'static str,
    name: String,
    seconds: f64,
    outcome: Outcome,
}

enum Outcome {
    Passed,
    /// `<failure>`, `<skipped>` or `<error>`, with its attributes and text.
    Result {
        element: &'static str,
        kind: String,
        message: String,
        text: String,
    },
}

/// Writes the run as a JUnit XML document and flushes.
pub fn write_junit(summary: &Summary, out: &mut impl Write) -> io::Result<()> {
    let mut cases: Vec<Case> = summary.thresholds.iter().map(threshold_case).collect();
    cases.extend(
        summary
            .journeys
            .iter()
            .map(|(name, j)| journey_case(summary, name, j)),
    );
    cases.extend(run_error_case(summary));
    out.write_all(document(summary, &cases).as_bytes())?;
    out.flush()
}

fn document(summary: &Summary, cases: &[Case]) -> String {
    let count = |element: &str| {
        cases
            .iter()
            .filter(|c| matches!(&c.outcome, Outcome::Result { element: e, .. } if *e == element))
            .count()
    };
    let counts = format!(
        r#"tests="{}" failures="{}" errors="{}" skipped="{}" time="{:.3}""#,
        cases.len(),
        count("failure"),
        count("error"),
        count("skipped"),
        summary.run.duration_ms as f64 / 1000.0,
    );
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(xml, r#"<testsuites name="starling" {counts}>"#);
    let suite = escape(&format!("starling: {}", summary.run.scenario));
    let _ = writeln!(xml, r#"  <testsuite name="{suite}" {counts}>"#);
    properties(&mut xml, summary);
    for case in cases {
        write_case(&mut xml, case);
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// What a pipeline may want beside pass/fail: the verdict and how the
/// run went.
fn properties(xml: &mut String, summary: &Summary) {
    let run = &summary.run;
    let verdict = match summary.verdict {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
        Verdict::Aborted => "aborted",
    };
    let mut props = vec![
        ("verdict", verdict.to_owned()),
        ("model", run.model.clone()),
    ];
    props.extend(run.seed.map(|seed| ("seed", seed.to_string())));
    props.extend(run.aborted_by.clone().map(|label| ("aborted_by", label)));
    if run.stopped_early {
        props.push(("stopped_early", "true".to_owned()));
    }
    xml.push_str("    <properties>\n");
    for (name, value) in props {
        let _ = writeln!(
            xml,
            r#"      <property name="{name}" value="{}"/>"#,
            escape(&value)
        );
    }
    xml.push_str("    </properties>\n");
}

fn write_case(xml: &mut String, case: &Case) {
    let _ = write!(
        xml,
        r#"    <testcase classname="{}" name="{}" time="{:.3}""#,
        case.classname,
        escape(&case.name),
        case.seconds
    );
    match &case.outcome {
        Outcome::Passed => xml.push_str("/>\n"),
        Outcome::Result {
            element,
            kind,
            message,
            text,
        } => {
            let _ = write!(
                xml,
                ">\n      <{element} type=\"{}\" message=\"{}\">",
                escape(kind),
                escape(message)
            );
            escape_into(xml, text);
            let _ = write!(xml, "</{element}>\n    </testcase>\n");
        }
    }
}

fn threshold_case(result: &ThresholdResult) -> Case {
    let spec = &result.threshold;
    let outcome = match (result.status, result.actual) {
        (ThresholdStatus::Pass, _) => Outcome::Passed,
        (status, actual) => {
            let actual = match (status, actual) {
                (ThresholdStatus::Fail, Some(value)) => value_text(spec.metric, value),
                _ => "no data".to_owned(),
            };
            let kind = match status {
                ThresholdStatus::NoData => "no_data",
                _ => "fail",
            };
            Outcome::Result {
                element: "failure",
                kind: kind.to_owned(),
                message: format!("actual {actual} vs limit {}", limit_text(spec)),
                text: String::new(),
            }
        }
    };
    Case {
        classname: "thresholds",
        name: spec.label.clone(),
        seconds: 0.0,
        outcome,
    }
}

fn journey_case(summary: &Summary, name: &str, journey: &JourneySummary) -> Case {
    let outcome = if journey.started == 0 {
        // Nothing to judge: neither a pass nor a failure.
        Outcome::Result {
            element: "skipped",
            kind: "never_started".to_owned(),
            message: "no iteration of this journey started".to_owned(),
            text: String::new(),
        }
    } else if journey.failed > 0 {
        journey_failure(summary, journey)
    } else {
        Outcome::Passed
    };
    Case {
        classname: "journeys",
        name: name.to_owned(),
        // One iteration's mean duration: what "how long this test takes" means here.
        seconds: journey.duration.mean_us as f64 / 1e6,
        outcome,
    }
}

/// The journey's most frequent failure as the message, with an example
/// of it (the journey's own, or the failing request's); every failure
/// kind in the text.
fn journey_failure(summary: &Summary, journey: &JourneySummary) -> Outcome {
    let finished = journey.succeeded + journey.failed;
    let mut message = format!("{} of {finished} iterations failed", journey.failed);
    let mut kind = "failed".to_owned();
    let mut text = String::new();
    if let Some(top) = journey.failures.first() {
        kind = top.category.to_string();
        let _ = write!(
            message,
            "; most at step {} ({}): {}, {} times",
            top.step + 1,
            top.label,
            top.category,
            top.count
        );
        let example = journey
            .examples
            .iter()
            .chain(
                summary
                    .requests
                    .get(&top.label)
                    .into_iter()
                    .flat_map(|r| &r.examples),
            )
            .find(|e| e.category == top.category);
        if let Some(e) = example {
            let e = &e.example;
            let _ = write!(message, ", e.g. {}", e.error);
            let _ = writeln!(text, "example: {}", e.error);
            // Only what the example has: a data failure has no URL.
            let status = e.status.map(|s| s.to_string()).unwrap_or_default();
            for (what, value) in [("url", &e.url), ("status", &status), ("body", &e.body)] {
                if !value.is_empty() {
                    let _ = writeln!(text, "  {what}: {value}");
                }
            }
        }
    }
    for f in &journey.failures {
        let _ = writeln!(
            text,
            "step {} ({}): {}, {} times",
            f.step + 1,
            f.label,
            f.category,
            f.count
        );
    }
    Outcome::Result {
        element: "failure",
        kind,
        message,
        text,
    }
}

/// A run that lost part of its measurements is an error of the run
/// itself, not of the system under test.
fn run_error_case(summary: &Summary) -> Option<Case> {
    let first = summary.run.errors.first()?;
    Some(Case {
        classname: "run",
        name: "complete".to_owned(),
        seconds: 0.0,
        outcome: Outcome::Result {
            element: "error",
            kind: "incomplete".to_owned(),
            message: first.clone(),
            text: summary.run.errors.join("\n"),
        },
    })
}

fn limit_text(spec: &ThresholdSpec) -> String {
    let op = if spec.metric.is_floor() { "≥" } else { "≤" };
    format!("{op} {}", value_text(spec.metric, spec.limit))
}

/// A threshold's value in its unit, as the THRESHOLDS table shows it.
fn value_text(metric: ThresholdMetric, value: f64) -> String {
    match metric {
        m if m.is_duration() => duration_us(value.round().max(0.0) as u64),
        ThresholdMetric::Rps => format!("{}/s", rate(value)),
        _ => percent(value),
    }
}
