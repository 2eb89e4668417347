//! starling-report: renderers of a run `Summary`: the terminal tables,
//! the JSON results file, the CSV files, JUnit XML, the HTML report and
//! the live progress line. They read only the `Summary` (and `Progress`),
//! never the engine.
//!
//! # Layout
//! - `terminal/`: [`render_terminal`], one file per table group (header,
//!   journeys and funnels, requests and services, sections, failures, the
//!   open model's corrected latencies).
//! - `json.rs`: [`write_json`].
//! - `compare.rs`: [`render_compare`], two results side by side.
//! - `csv/`: [`CSV_FILES`], Locust's CSV files and starling's own views,
//!   one file each.
//! - `junit.rs`: [`write_junit`], thresholds and journeys as test cases;
//!   `xml.rs` escapes its text.
//! - `html/`: [`render_html`], the self-contained HTML report; its page
//!   data ([`page_data`]) and page code ([`assets_js`], [`assets_css`],
//!   from `assets/`) are what the web UI reuses.
//! - `progress.rs`: [`render_progress`].
//! - `load_shape.rs`: [`describe_load`], the planned curve in words.
//! - `format.rs`: human-friendly durations, counts, rates and bars.

mod compare;
mod csv;
mod format;
mod html;
mod json;
mod junit;
mod load_shape;
mod progress;
mod terminal;
mod xml;

pub use compare::{CompareFormat, render_compare};
pub use csv::{CSV_FILES, CsvFile};
pub use format::{count, duration_us, percent, rate};
pub use html::{HtmlHeader, assets_css, assets_js, page_data, render_html};
pub use json::write_json;
pub use junit::write_junit;
pub use load_shape::describe_load;
pub use progress::render_progress;
pub use terminal::{TerminalOptions, printable, render_call_trees, render_table, render_terminal};
