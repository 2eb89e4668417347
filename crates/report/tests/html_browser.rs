//! The HTML report in a real browser: Debian's headless Chromium loads
//! each page from a `file://` URL with JavaScript on, and the facts it
//! gathers (tests/support/browser_check.py) are judged here: no errors,
//! every chart drawn, the selector switching, both runs drawn, hostile
//! text shown and never run, old files and huge runs still fine.
//!
//! Skipped, saying why, without Chromium, chromedriver or the venv; with
//! `STARLING_REQUIRE_CHROMIUM=1` (set by .ci/run) they fail instead.

mod support;

use std::path::PathBuf;

use serde_json::Value;
use starling_metrics::{Latency, Summary, ThresholdMetric, ThresholdScope, ThresholdSpec};
use starling_report::{HtmlHeader, render_html};
use support::browser::Browser;
use support::fixture::{self, Names};
use support::synthetic::{self, Shape};

/// Writes the report of `runs` where a person can open it afterwards.
fn write(test: &str, runs: &[&Summary], header: &HtmlHeader) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("html-report");
    std::fs::create_dir_all(&dir).expect("makes the report directory");
    let path = dir.join(format!("{test}.html"));
    std::fs::write(&path, render_html(runs, header)).expect("writes the report");
    path
}

fn judged(names: &Names) -> Summary {
    let spec = |label: String, scope, metric, limit| ThresholdSpec {
        label,
        scope,
        metric,
        limit,
        abort: false,
        delay_ms: 0,
    };
    let mut summary = fixture::summary(names);
    summary.judge(
        &[
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
        ],
        None,
    );
    summary
}

fn header() -> HtmlHeader {
    HtmlHeader {
        title: None,
        target: Some("http://127.0.0.1:8000".into()),
        load_shape: Some("10 users, spawn 5/s, 5s".into()),
        version: Some("starling 0.1.0".into()),
    }
}

fn assert_clean(facts: &Value) {
    assert_eq!(facts["errors"], Value::Array(vec![]), "errors on the page");
    assert_eq!(facts["alerts"], Value::Array(vec![]), "dialogs opened");
}

fn charts(facts: &Value) -> &Vec<Value> {
    facts["charts"].as_array().expect("a list of charts")
}

/// Every chart is on screen, has a size and shows coloured (series) pixels.
fn assert_drawn(charts: &[Value]) {
    assert!(!charts.is_empty(), "no chart at all");
    for chart in charts {
        let title = &chart["title"];
        assert_eq!(chart["visible"], true, "{title} hidden");
        assert!(chart["width"].as_u64() > Some(0), "{title}: zero width");
        assert!(chart["height"].as_u64() > Some(0), "{title}: zero height");
        assert!(
            chart["colored"].as_u64() > Some(20),
            "{title}: blank: {chart}"
        );
    }
}

fn big(charts: &[Value]) -> Vec<&Value> {
    charts.iter().filter(|c| c["small"] == false).collect()
}

fn titles(charts: &[Value]) -> Vec<String> {
    big(charts)
        .iter()
        .map(|c| c["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn text(facts: &Value) -> &str {
    facts["text"].as_str().expect("the page's text")
}

fn options(facts: &Value) -> Vec<(String, String)> {
    facts["selector"]
        .as_array()
        .expect("a selector")
        .iter()
        .map(|o| {
            (
                o[0].as_str().unwrap().to_owned(),
                o[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn option(group: &str, name: &str) -> (String, String) {
    (group.to_owned(), name.to_owned())
}

#[test]
fn the_report_draws_every_chart_and_the_selector_switches_to_a_service() {
    let test = "the_report_draws_every_chart_and_the_selector_switches_to_a_service";
    let Some(browser) = Browser::get(test) else {
        return;
    };
    let summary = judged(&Names::default());
    let html = write(test, &[&summary], &header());
    let png = html.with_extension("png");
    let png_arg = png.to_str().unwrap();
    let facts = browser.check(
        &html,
        &["--select", "service:orders", "--screenshot", png_arg],
    );
    assert_clean(&facts);

    // Four charts over time and one small chart per service.
    let before = charts(&facts);
    assert_drawn(before);
    assert_eq!(big(before).len(), 4, "{:?}", titles(before));
    assert_eq!(before.len() - 4, summary.services.len());
    assert_eq!(
        titles(before),
        [
            "Active users",
            "Requests/s and failures/s",
            "Latency",
            "Journey success rate"
        ]
    );

    let offered = options(&facts);
    for wanted in [
        option("", "Whole run"),
        option("Journeys", "checkout"),
        option("Services", "orders"),
        option("Requests", "POST /orders"),
    ] {
        assert!(offered.contains(&wanted), "{wanted:?} not in {offered:?}");
    }
    assert_eq!(offered.len(), 1 + 3 + 3 + 4, "{offered:?}");

    let page = text(&facts);
    for shown in [
        "examples/checkout.yaml",
        "http://127.0.0.1:8000",
        "10 users, spawn 5/s, 5s",
        "starling 0.1.0",
        "FAIL",
        "request POST /orders: p95 < 10ms",
        "GET /products?category=electronics",
        "slowest p95",
        "reached",
        "expected status 201, got 502",
        "http://127.0.0.1:8003/orders",
        "{\"error\":\"upstream\"}",
        "data `customers` has no unused row left",
    ] {
        assert!(page.contains(shown), "{shown:?} not on the page:\n{page}");
    }
    assert_eq!(facts["title"], "starling: examples/checkout.yaml");
    let state = &facts["state"];
    assert_eq!(state["rows"]["journeys"], 3);
    assert_eq!(state["rows"]["requests"], 4);
    assert_eq!(state["rows"]["services"], 3);
    // checkout has two steps, browse and refund one each.
    assert_eq!(state["funnels"], 4);

    // The selector: the same charts for one service, drawn again.
    assert_eq!(facts["selected"], true);
    let after = &facts["after_select"];
    assert_eq!(
        after["state"]["selected"],
        serde_json::json!(["Services", "orders"])
    );
    let after_charts = after["charts"].as_array().unwrap();
    assert_drawn(after_charts);
    let after_titles = titles(after_charts);
    assert_eq!(after_titles[0], "Active users (whole run)");
    for title in &after_titles[1..] {
        assert!(title.ends_with(": service orders"), "{after_titles:?}");
    }
    for (old, new) in big(before).iter().zip(big(after_charts)).skip(1) {
        assert_ne!(
            old["fingerprint"], new["fingerprint"],
            "{} did not change",
            new["title"]
        );
    }

    // The screenshot shows a page, not a blank.
    let shot = &facts["screenshot"];
    assert!(shot["width"].as_u64() >= Some(1000), "{shot}");
    assert!(shot["height"].as_u64() > Some(1500), "{shot}");
    assert!(shot["distinct_colors"].as_u64() > Some(30), "{shot}");
    assert!(shot["not_background"].as_f64() > Some(0.05), "{shot}");
    assert!(std::fs::metadata(&png).unwrap().len() > 10_000);
}

/// `summary` as a later run of a slower system: every latency times
/// `factor`, throughput a fifth lower.
fn slower(summary: &Summary, factor: f64) -> Summary {
    let mut new = summary.clone();
    let scale = |us: &mut u64| *us = (*us as f64 * factor) as u64;
    let latency = |l: &mut Latency| {
        for us in [
            &mut l.min_us,
            &mut l.mean_us,
            &mut l.p50_us,
            &mut l.p90_us,
            &mut l.p95_us,
            &mut l.p99_us,
            &mut l.max_us,
        ] {
            scale(us);
        }
    };
    latency(&mut new.totals.latency);
    for r in new.requests.values_mut() {
        latency(&mut r.total);
        r.rps *= 0.8;
    }
    for s in new.services.values_mut() {
        latency(&mut s.latency);
    }
    for j in new.journeys.values_mut() {
        latency(&mut j.duration);
    }
    for p in &mut new.timeseries {
        p.rps *= 0.8;
        for us in [&mut p.p50_us, &mut p.p95_us, &mut p.p99_us] {
            scale(us);
        }
    }
    let tracks = &mut new.tracks;
    for t in tracks
        .requests
        .values_mut()
        .chain(tracks.services.values_mut())
        .chain(tracks.journeys.values_mut())
    {
        for us in t
            .p50_us
            .iter_mut()
            .chain(&mut t.p95_us)
            .chain(&mut t.p99_us)
        {
            scale(us);
        }
    }
    new
}

/// Every series of every chart, shown alone, draws something.
fn assert_every_series_drawn(facts: &Value) -> Vec<String> {
    let mut labels = Vec::new();
    let series = facts["series"].as_array().expect("per-chart series");
    assert_eq!(series.len(), charts(facts).len());
    for (chart, lines) in charts(facts).iter().zip(series) {
        for line in lines.as_array().unwrap() {
            let label = line["label"].as_str().unwrap().to_owned();
            assert!(
                line["colored"].as_u64() > Some(5),
                "{}: {label} not drawn",
                chart["title"]
            );
            labels.push(label);
        }
    }
    labels
}

#[test]
fn a_two_run_page_draws_base_and_new_on_every_chart_and_shows_deltas() {
    let test = "a_two_run_page_draws_base_and_new_on_every_chart_and_shows_deltas";
    let Some(browser) = Browser::get(test) else {
        return;
    };
    let base = judged(&Names::default());
    let new = slower(&base, 1.5);
    let html = write(test, &[&base, &new], &header());
    let facts = browser.check(&html, &["--series"]);
    assert_clean(&facts);
    assert_drawn(charts(&facts));
    let labels = assert_every_series_drawn(&facts);
    for chart in charts(&facts) {
        let series: Vec<&str> = chart["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        let half = series.len() / 2;
        assert!(half > 0, "{chart}");
        for (b, n) in series[..half].iter().zip(&series[half..]) {
            assert_eq!(
                b.strip_prefix("base "),
                n.strip_prefix("new "),
                "{series:?}"
            );
            assert!(b.starts_with("base "), "{series:?}");
        }
    }
    assert!(labels.contains(&"base p95".to_owned()), "{labels:?}");
    assert!(labels.contains(&"new p95".to_owned()), "{labels:?}");
    let page = text(&facts);
    // Latencies 1.5 times the base's: +50% next to them.
    assert!(page.contains("+50%"), "{page}");
    assert!(page.contains("base") && page.contains("new"), "{page}");
}

#[test]
fn an_open_model_run_shows_corrected_latency_and_dropped_arrivals() {
    let test = "an_open_model_run_shows_corrected_latency_and_dropped_arrivals";
    let Some(browser) = Browser::get(test) else {
        return;
    };
    let mut summary = fixture::summary(&Names::default());
    summary.run.model = "open".into();
    summary.totals.dropped_arrivals = 42;
    summary.totals.latency_corrected.count = summary.totals.latency.count;
    summary.totals.latency_corrected.p99_us = summary.totals.latency.p99_us * 3;
    for p in &mut summary.timeseries {
        p.p99_corrected_us = p.p99_us * 2;
    }
    let html = write(test, &[&summary], &header());
    let facts = browser.check(&html, &["--series"]);
    assert_clean(&facts);
    assert_drawn(charts(&facts));
    let labels = assert_every_series_drawn(&facts);
    assert!(labels.contains(&"p99 corrected".to_owned()), "{labels:?}");
    let page = text(&facts);
    assert!(page.contains("42 dropped arrivals"), "{page}");
    assert!(page.contains("p99 corrected"), "{page}");
    assert!(
        page.contains("Open model: measured and corrected"),
        "{page}"
    );
}

#[test]
fn hostile_names_bodies_and_urls_are_shown_as_text_and_never_run() {
    let test = "hostile_names_bodies_and_urls_are_shown_as_text_and_never_run";
    let Some(browser) = Browser::get(test) else {
        return;
    };
    let names = Names {
        scenario: "<script>alert(1)</script>.yaml".into(),
        checkout: "\"><img src=x onerror=alert(2)>".into(),
        browse: "</script><script>alert(3)</script>".into(),
        refund: "<svg onload=alert(4)>".into(),
        create_user: "POST /users<script>alert(5)</script>".into(),
        place_order: "POST /orders\"><img src=x onerror=alert(6)>".into(),
        list_products: "GET javascript:alert(7)".into(),
        get_order: "GET </title></style><!--".into(),
        status_error: "<img src=x onerror=alert(8)>".into(),
        data_error: "</script>".into(),
        order_url: "javascript:alert(9)".into(),
        order_body: "</script><script>alert(10)</script>\u{2028}<b onmouseover=alert(11)>x</b>"
            .into(),
    };
    let summary = judged(&names);
    let header = HtmlHeader {
        title: Some("</title><script>alert(12)</script>".into()),
        target: Some("javascript:alert(13)".into()),
        load_shape: Some("<iframe src=javascript:alert(14)>".into()),
        version: Some("\"><script>alert(15)</script>".into()),
    };
    let html = write(test, &[&summary], &header);
    let facts = browser.check(&html, &["--select", &format!("journey:{}", names.checkout)]);
    assert_clean(&facts);
    let injected = &facts["injected"];
    for none in ["img", "iframe", "links", "on_attributes", "javascript_urls"] {
        assert_eq!(injected[none], 0, "{none}: {injected}");
    }
    // The data, the nine page scripts and the boot script: nothing more.
    assert_eq!(injected["scripts"], 11, "{injected}");
    assert_eq!(facts["selected"], true, "the hostile journey is selectable");
    assert_drawn(facts["after_select"]["charts"].as_array().unwrap());
    let page = text(&facts);
    for literal in [
        &names.scenario,
        &names.checkout,
        &names.browse,
        &names.refund,
        &names.create_user,
        &names.place_order,
        &names.list_products,
        &names.get_order,
        &names.status_error,
        &names.data_error,
        &names.order_url,
        "</script><script>alert(10)</script>",
        "javascript:alert(13)",
        "<iframe src=javascript:alert(14)>",
        "\"><script>alert(15)</script>",
    ] {
        assert!(
            page.contains(literal),
            "{literal:?} not shown literally:\n{page}"
        );
    }
    assert_eq!(facts["title"], "</title><script>alert(12)</script>");
}

#[test]
fn a_version_1_file_renders_the_whole_run_and_says_why_names_have_no_charts() {
    let test = "a_version_1_file_renders_the_whole_run_and_says_why_names_have_no_charts";
    let Some(browser) = Browser::get(test) else {
        return;
    };
    let mut value = serde_json::to_value(fixture::summary(&Names::default())).unwrap();
    value["version"] = 1.into();
    value.as_object_mut().unwrap().remove("tracks");
    let old: Summary = serde_json::from_value(value).expect("a version 1 file reads");
    assert!(old.tracks.elapsed_ms.is_empty());
    let html = write(test, &[&old], &HtmlHeader::default());
    let facts = browser.check(&html, &[]);
    assert_clean(&facts);
    assert_drawn(charts(&facts));
    // The whole run's charts; no success chart (it needs journey tracks)
    // and no per-service charts.
    assert_eq!(
        titles(charts(&facts)),
        ["Active users", "Requests/s and failures/s", "Latency"]
    );
    assert_eq!(charts(&facts).len(), 3);
    assert_eq!(options(&facts), [option("", "Whole run")]);
    let page = text(&facts);
    assert!(page.contains("version 2"), "{page}");
    assert!(page.contains("POST /orders"), "{page}");
}

#[test]
fn a_thousand_requests_and_a_hundred_services_stay_bounded_and_redraw_in_place() {
    let test = "a_thousand_requests_and_a_hundred_services_stay_bounded_and_redraw_in_place";
    let Some(browser) = Browser::get(test) else {
        return;
    };
    let summary = synthetic::summary(&Shape {
        requests: 1_000,
        services: 100,
        journeys: 20,
        rounds: 30,
        per_round: 1,
    });
    let html = write(test, &[&summary], &HtmlHeader::default());
    let facts = browser.check(
        &html,
        &["--select", "service:service-007", "--rerender", "--expand"],
    );
    assert_clean(&facts);
    assert_drawn(charts(&facts));
    let state = &facts["state"];
    // Rows shown are capped until asked for all.
    assert_eq!(state["rows"]["requests"], 50);
    assert_eq!(state["rows"]["services"], 12);
    assert_eq!(state["rows"]["journeys"], 20);
    assert!(text(&facts).contains("show all 1,000"), "no 'show all'");
    assert_eq!(options(&facts).len(), 1 + 20 + 100 + 1_000);
    let expanded = &facts["expanded"];
    assert_eq!(expanded["rows"]["requests"], 1_000);
    assert_eq!(expanded["rows"]["services"], 100);

    // Rendering again keeps every chart object, the selection, the sort
    // and the expansion, and redraws the changed data.
    let again = &facts["rerender"];
    assert_eq!(facts["sorted"], true);
    assert_eq!(again["same_charts"], true, "charts rebuilt: {again}");
    assert_eq!(again["state_after"], again["state_before"]);
    let traffic = |charts: &Value| charts.as_array().unwrap()[1]["fingerprint"].clone();
    assert_ne!(
        traffic(&again["charts_before"]),
        traffic(&again["charts_after"]),
        "the service's traffic chart did not redraw"
    );
    let kept = &again["state_after"];
    assert_eq!(
        kept["selected"],
        serde_json::json!(["Services", "service-007"])
    );
    assert_eq!(kept["requests_sorted_by"], "p95 ▼ descending");
    assert_eq!(kept["rows"]["requests"], 1_000);
    let ms = again["ms"].as_f64().unwrap();
    eprintln!("{test}: one render of 1,000 requests (all shown) took {ms:.1} ms");
    assert!(ms < 1_000.0, "a render took {ms} ms");
}
