//! The HTML report as a file: one document that loads nothing, whose data
//! no name can break out of, small enough to send for an hour-long run.
//! (What a browser makes of it is tests/html_browser.rs.)

mod support;

use serde_json::Value;
use starling_metrics::{Summary, TRACK_MAX_POINTS};
use starling_report::{HtmlHeader, assets_css, assets_js, page_data, render_html};
use support::fixture::{self, Names};
use support::synthetic::{self, Shape};

/// The text of the `<script type="application/json">` element.
fn embedded(html: &str) -> &str {
    let open = "<script type=\"application/json\" id=\"starling-data\">";
    let start = html.find(open).expect("the data element") + open.len();
    let end = start + html[start..].find("</script>").expect("its end");
    &html[start..end]
}

fn hostile() -> Names {
    Names {
        scenario: "</script><script>alert(1)</script>".into(),
        checkout: "\"><img src=x onerror=alert(2)>".into(),
        place_order: "POST /<!--<script>".into(),
        order_url: "javascript:alert(3)".into(),
        order_body: "</SCRIPT >\u{2028}\u{2029}&amp;".into(),
        ..Names::default()
    }
}

#[test]
fn the_page_loads_nothing_from_anywhere() {
    let summary = fixture::summary(&Names::default());
    let html = render_html(&[&summary], &HtmlHeader::default()).to_ascii_lowercase();
    for needle in [
        "src=",
        "href=",
        "<link",
        "url(",
        "@import",
        "http-equiv=\"refresh\"",
    ] {
        assert!(!html.contains(needle), "the page contains {needle}");
    }
    // The browser enforces it too: nothing may be fetched, and only
    // scripts carrying the page's nonce run.
    assert!(html.contains("content=\"default-src 'none'; script-src 'nonce-"));
    assert!(html.starts_with("<!doctype html>"));
}

#[test]
fn no_name_or_body_can_close_the_data_element_and_the_data_reads_back_whole() {
    let summary = fixture::summary(&hostile());
    let html = render_html(&[&summary], &HtmlHeader::default());
    // Every script element closes where the page meant it to.
    let scripts = html.matches("<script").count();
    assert_eq!(scripts, 11, "data, nine assets and the boot script");
    assert_eq!(html.matches("</script>").count(), scripts);
    assert_eq!(
        html.to_ascii_lowercase().matches("</script").count(),
        scripts
    );
    let data = embedded(&html);
    for raw in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
        assert!(!data.contains(raw), "{raw:?} in the embedded data");
    }
    let parsed: Value = serde_json::from_str(data).expect("the data is JSON");
    assert_eq!(parsed["runs"][0], page_data(&summary));
    assert_eq!(parsed["runs"][0]["run"]["scenario"], hostile().scenario);
}

#[test]
fn every_script_carries_the_nonce_the_policy_names() {
    let summary = fixture::summary(&Names::default());
    let html = render_html(&[&summary], &HtmlHeader::default());
    let policy = html.split("'nonce-").nth(1).expect("a nonce in the policy");
    let nonce = &policy[..policy.find('\'').unwrap()];
    assert_eq!(nonce.len(), 32);
    let with_nonce = html.matches(&format!("<script nonce=\"{nonce}\">")).count();
    assert_eq!(with_nonce, 10, "nine assets and the boot script");
    let other = render_html(&[&summary], &HtmlHeader::default());
    assert!(!other.contains(nonce), "a nonce is never reused");
}

fn has_key(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(map) => map.contains_key(key) || map.values().any(|v| has_key(v, key)),
        Value::Array(items) => items.iter().any(|v| has_key(v, key)),
        _ => false,
    }
}

#[test]
fn page_data_drops_histograms_and_turns_the_series_into_columns() {
    let summary = fixture::summary(&Names::default());
    assert!(
        !summary.totals.latency.hdr.is_empty(),
        "the fixture has histograms"
    );
    let data = page_data(&summary);
    assert!(!has_key(&data, "hdr"), "an hdr string is left");
    let columns = &data["timeseries"];
    let n = summary.timeseries.len();
    for field in [
        "elapsed_ms",
        "active_users",
        "requests",
        "failures",
        "rps",
        "failures_per_s",
        "p50_us",
        "p95_us",
        "p99_us",
        "p99_corrected_us",
    ] {
        assert_eq!(columns[field].as_array().map(Vec::len), Some(n), "{field}");
    }
    let last = summary.timeseries.last().unwrap();
    assert_eq!(columns["elapsed_ms"][n - 1], last.elapsed_ms);
    assert_eq!(columns["p95_us"][n - 1], last.p95_us);
    assert_eq!(columns["active_users"][n - 1], last.active_users);
    // Everything else is the results file's own JSON.
    let results = serde_json::to_value(&summary).unwrap();
    for part in ["run", "tracks", "thresholds", "verdict", "sections"] {
        assert_eq!(data[part], results[part], "{part}");
    }
    let mut total = results["requests"]["POST /orders"]["total"].clone();
    total.as_object_mut().unwrap().remove("hdr");
    assert_eq!(data["requests"]["POST /orders"]["total"], total);
    assert_eq!(
        data["journeys"]["checkout"]["funnel"],
        results["journeys"]["checkout"]["funnel"]
    );
}

#[test]
fn the_header_reaches_the_page_as_data() {
    let summary = fixture::summary(&Names::default());
    let header = HtmlHeader {
        title: Some("nightly".into()),
        target: None,
        load_shape: Some("ramp to 50 users".into()),
        version: Some("starling 0.1.0".into()),
    };
    let html = render_html(&[&summary, &summary], &header);
    let parsed: Value = serde_json::from_str(embedded(&html)).unwrap();
    assert_eq!(parsed["header"], header.to_json());
    assert_eq!(parsed["header"]["target"], Value::Null);
    assert_eq!(parsed["runs"].as_array().map(Vec::len), Some(2));
}

#[test]
fn the_served_assets_are_the_inlined_ones() {
    let summary = fixture::summary(&Names::default());
    let html = render_html(&[&summary], &HtmlHeader::default());
    let js = assets_js();
    let css = assets_css();
    assert!(js.contains("StarlingPage") && js.contains("uPlot"));
    assert!(css.contains(".starling") && css.contains(".uplot"));
    for line in js.lines().chain(css.lines()).filter(|l| l.len() > 20) {
        assert!(html.contains(line), "not inlined: {line:.80}");
    }
}

/// Issue 13: at most 1.5 MB for a one-hour run at one-second resolution
/// with 50 request names. Building the run takes a few minutes in a debug
/// build: the aggregate computes every name's percentiles each round, in
/// unoptimised code; fewer rounds would not be the run the issue names.
#[test]
fn a_one_hour_run_with_50_request_names_is_a_report_of_at_most_1_5_mb() {
    let summary: Summary = synthetic::summary(&Shape {
        requests: 50,
        services: 8,
        journeys: 5,
        rounds: 3_600,
        per_round: 4,
    });
    assert_eq!(summary.timeseries.len(), 3_600, "one point a second");
    assert!(summary.tracks.elapsed_ms.len() <= TRACK_MAX_POINTS);
    assert_eq!(summary.tracks.requests.len(), 50);
    let html = render_html(&[&summary], &HtmlHeader::default());
    let data = embedded(&html).len();
    println!(
        "HTML report of a 1 h run, 1 s rounds, 50 request names: {} bytes ({:.2} MB; page data {} bytes, {} track points)",
        html.len(),
        html.len() as f64 / 1e6,
        data,
        summary.tracks.elapsed_ms.len()
    );
    assert!(html.len() <= 1_500_000, "{} bytes", html.len());
}
