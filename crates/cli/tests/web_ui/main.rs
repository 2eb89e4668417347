//! The web UI end to end: the real binary (`starling ui`, `run --ui`,
//! `demo --ui`) against the real demo system (`starling demo serve`), both
//! on loopback, driven through the JSON API and in headless Chromium.
//!
//! # Layout
//! - `support`: the processes (`DemoServe`, `UiProcess`), the HTTP client
//!   shared with the web crate's tests, and the browser.
//! - `safety`: what is refused before anything is served or started.
//! - `api`: a start, steer and stop cycle through the API; bad input;
//!   `run --ui` and `demo --ui`.
//! - `browser`: the page in Chromium: start 10 users, steer to 30, stop,
//!   download the CSV, a screenshot; 1,000 names and 100 services drawn.

mod api;
mod browser;
mod safety;
mod support;
