//! The HTML report: one self-contained file that draws a run (or two runs,
//! base and new, overlaid) in the browser. Rust only assembles it: the page
//! data as JSON, uPlot, and starling's page code, all inlined; the page
//! itself is built by `StarlingPage.render` in `assets/page.js`, the same
//! function the web UI calls with live data.
//!
//! - `data.rs`: [`page_data`], the `Summary` as the page reads it.
//! - `embed.rs`: JSON that cannot close its script, the nonce and the
//!   Content Security Policy.
//! - `assets.rs`: the inlined files, and [`assets_js`] / [`assets_css`]
//!   for a server.

mod assets;
mod data;
mod embed;

use serde_json::{Value, json};
use starling_metrics::Summary;

pub use assets::{assets_css, assets_js};
pub use data::page_data;

use assets::{SCRIPTS, STYLES};
use embed::{content_security_policy, json_for_script, nonce};

/// The page's header lines beyond the page data: made from the results
/// by [`HtmlHeader::of`], or by a caller with more to say. Every field is
/// optional and shown as plain text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HtmlHeader {
    /// The page's title; without one, `starling: ` and the scenario.
    pub title: Option<String>,
    /// The system under test, e.g. its base URL.
    pub target: Option<String>,
    /// The load as a person reads it, e.g. `50 users, spawn 10/s, 5m`.
    pub load_shape: Option<String>,
    /// e.g. `starling 0.1.0`.
    pub version: Option<String>,
}

impl HtmlHeader {
    /// The header of a run's report, from what its results keep: where
    /// the load went, the planned curve in words, the version that ran it
    /// (files from before the version was kept: this build's).
    pub fn of(summary: &Summary) -> HtmlHeader {
        let run = &summary.run;
        let targets: Vec<String> = run
            .targets
            .iter()
            .map(|(name, url)| {
                if name == "target" {
                    url.clone()
                } else {
                    format!("{name} {url}")
                }
            })
            .collect();
        HtmlHeader {
            title: None,
            target: (!targets.is_empty()).then(|| targets.join(" · ")),
            load_shape: crate::describe_load(run),
            version: Some(format!(
                "starling {}",
                run.starling.as_deref().unwrap_or(env!("CARGO_PKG_VERSION"))
            )),
        }
    }

    /// The header as the page's `options.header` (absent fields `null`).
    pub fn to_json(&self) -> Value {
        json!({
            "title": self.title,
            "target": self.target,
            "load_shape": self.load_shape,
            "version": self.version,
        })
    }
}

/// Calls the page code on the embedded data once everything has loaded.
const BOOT: &str = r#"(function () {
  var data = JSON.parse(document.getElementById("starling-data").textContent);
  StarlingPage.render(document.getElementById("starling"), data.runs, { header: data.header });
})();"#;

/// The report of `runs` as one HTML document: one run, or two (base
/// first, then new) drawn on the same charts with deltas in the tables.
/// The page draws the first two; with none it says there is nothing to
/// show. It loads nothing from the network and runs no code but its own.
pub fn render_html(runs: &[&Summary], header: &HtmlHeader) -> String {
    let data = json!({
        "header": header.to_json(),
        "runs": runs.iter().map(|s| page_data(s)).collect::<Vec<Value>>(),
    });
    let data = json_for_script(&data);
    let nonce = nonce();
    let mut html = String::with_capacity(data.len() + 96 * 1024);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"");
    html.push_str(&content_security_policy(&nonce));
    html.push_str(
        "\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    );
    html.push_str(
        "<meta name=\"generator\" content=\"starling\">\n<title>starling report</title>\n",
    );
    for style in &STYLES {
        html.push_str("<style>\n");
        html.push_str(style.text);
        html.push_str("\n</style>\n");
    }
    html.push_str("</head>\n<body>\n<noscript>This report draws itself with JavaScript: ");
    html.push_str("open it in a browser with JavaScript on.</noscript>\n");
    html.push_str("<main id=\"starling\" class=\"starling\"></main>\n");
    html.push_str("<script type=\"application/json\" id=\"starling-data\">");
    html.push_str(&data);
    html.push_str("</script>\n");
    for script in SCRIPTS.iter().map(|s| s.text).chain([BOOT]) {
        html.push_str("<script nonce=\"");
        html.push_str(&nonce);
        html.push_str("\">\n");
        html.push_str(script);
        html.push_str("\n</script>\n");
    }
    html.push_str("</body>\n</html>\n");
    html
}
