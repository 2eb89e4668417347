//! The page's code and styles, compiled into the binary so a report is
//! one file and a build needs neither npm nor the network: uPlot 1.6.32
//! (vendored under `assets/uplot/`, its licence beside it) and starling's
//! own plain JavaScript, with no build step.

/// One file of the page, in the order the page loads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Asset {
    /// The file's name under `crates/report/assets/`, e.g. `page.js`: the
    /// path a server can give it.
    pub(crate) name: &'static str,
    pub(crate) text: &'static str,
}

macro_rules! asset {
    ($name:literal) => {
        Asset {
            name: $name,
            text: include_str!(concat!("../../assets/", $name)),
        }
    };
}

/// The scripts, each needing the ones before it: uPlot, the helpers, the
/// charts on top of uPlot, the table builder, one file per group of
/// sections, and the page that puts them together.
pub(crate) const SCRIPTS: [Asset; 9] = [
    asset!("uplot/uPlot.iife.min.js"),
    asset!("util.js"),
    asset!("charts.js"),
    asset!("tables.js"),
    asset!("header.js"),
    asset!("breakdown.js"),
    asset!("failures.js"),
    asset!("timeline.js"),
    asset!("page.js"),
];

/// The styles: uPlot's, then the page's.
pub(crate) const STYLES: [Asset; 2] = [asset!("uplot/uPlot.min.css"), asset!("page.css")];

/// Every script in load order, as one text: what the web UI serves so its
/// page calls the same `StarlingPage.render` as the report.
pub fn assets_js() -> String {
    join(&SCRIPTS)
}

/// Every style, as one text.
pub fn assets_css() -> String {
    join(&STYLES)
}

fn join(assets: &[Asset]) -> String {
    let mut out = String::new();
    for asset in assets {
        out.push_str(asset.text);
        // A file may end without a newline or inside a `//` comment.
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::embed::safe_inline;

    #[test]
    fn every_asset_can_be_inlined() {
        for asset in SCRIPTS.iter().chain(&STYLES) {
            assert!(safe_inline(asset.text), "{} cannot be inlined", asset.name);
        }
    }

    /// The page writes data into the DOM as text only. These are the ways
    /// a string becomes markup or code; none may appear in starling's own
    /// scripts (uPlot's is checked by the browser test's injection case).
    #[test]
    fn starlings_scripts_never_turn_strings_into_markup_or_code() {
        let forbidden = [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
            "setAttribute(\"on",
            "setAttribute('on",
            ".href",
            ".src",
        ];
        for asset in &SCRIPTS[1..] {
            for needle in forbidden {
                assert!(!asset.text.contains(needle), "{} uses {needle}", asset.name);
            }
        }
    }

    #[test]
    fn nothing_is_fetched_from_elsewhere() {
        for asset in SCRIPTS.iter().chain(&STYLES) {
            for needle in [
                "url(",
                "@import",
                "fetch(",
                "XMLHttpRequest",
                "src=",
                "href=",
            ] {
                assert!(
                    !asset.text.contains(needle),
                    "{} contains {needle}",
                    asset.name
                );
            }
        }
    }
}
