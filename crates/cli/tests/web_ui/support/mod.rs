//! Fixtures of the UI tests: the processes, the HTTP client, the browser.

mod browser;
#[allow(dead_code)] // shared with the web crate's tests, which use more of it
#[path = "../../../../web/tests/support/http.rs"]
pub(crate) mod http;
mod process;

pub(crate) use browser::Browser;
pub(crate) use process::{DemoServe, UiProcess, starling, workspace_root};
