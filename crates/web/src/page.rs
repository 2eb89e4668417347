//! The page and everything it loads, compiled into the binary and served
//! from this origin only: the HTML skeleton, the report's scripts and
//! styles (uPlot and `StarlingPage`, the same code the HTML report
//! inlines) and the UI's own (`assets/ui.js`, `assets/ui.css`).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::app::App;
use crate::error::ApiError;

const INDEX: &str = include_str!("../assets/index.html");
const UI_JS: &str = include_str!("../assets/ui.js");
const UI_CSS: &str = include_str!("../assets/ui.css");

/// The files, made once per server (the report's are joined from several).
#[derive(Debug)]
pub(crate) struct Assets {
    report_js: Bytes,
    report_css: Bytes,
}

impl Assets {
    pub(crate) fn new() -> Assets {
        Assets {
            report_js: Bytes::from(starling_report::assets_js()),
            report_css: Bytes::from(starling_report::assets_css()),
        }
    }

    fn get(&self, name: &str) -> Option<(Bytes, &'static str)> {
        const JS: &str = "text/javascript; charset=utf-8";
        const CSS: &str = "text/css; charset=utf-8";
        Some(match name {
            "report.js" => (self.report_js.clone(), JS),
            "report.css" => (self.report_css.clone(), CSS),
            "ui.js" => (Bytes::from_static(UI_JS.as_bytes()), JS),
            "ui.css" => (Bytes::from_static(UI_CSS.as_bytes()), CSS),
            _ => return None,
        })
    }
}

/// `GET /`.
pub(crate) async fn index() -> Response {
    typed(
        Bytes::from_static(INDEX.as_bytes()),
        "text/html; charset=utf-8",
    )
}

/// `GET /assets/{name}`.
pub(crate) async fn asset(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let (body, kind) = app
        .assets
        .get(&name)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no asset `{name}`")))?;
    Ok(typed(body, kind))
}

fn typed(body: Bytes, kind: &'static str) -> Response {
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page loads its code from this server and nothing else.
    #[test]
    fn the_page_loads_only_its_own_files() {
        let assets = Assets::new();
        for name in ["report.js", "report.css", "ui.js", "ui.css"] {
            let src = format!("/assets/{name}");
            assert!(INDEX.contains(&src), "index.html does not load {src}");
            assert!(assets.get(name).is_some(), "{name}");
        }
        assert!(!INDEX.contains("//"), "index.html names another origin");
        assert!(
            !INDEX.contains("<script>"),
            "inline script: the CSP forbids it"
        );
        assert!(
            !has_inline_handler(INDEX),
            "inline handler: the CSP forbids it"
        );
    }

    /// ` onclick=` and the like: a word starting with `on`, then `=`.
    fn has_inline_handler(html: &str) -> bool {
        html.match_indices(" on").any(|(at, _)| {
            let rest = &html[at + 3..];
            let name = rest.bytes().take_while(u8::is_ascii_lowercase).count();
            name > 0 && rest[name..].starts_with('=')
        })
    }

    /// As in the report's own scripts: data enters the DOM as text only.
    #[test]
    fn the_ui_script_never_turns_strings_into_markup_or_code() {
        for needle in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
            "setAttribute(\"on",
        ] {
            assert!(!UI_JS.contains(needle), "ui.js uses {needle}");
        }
    }
}
