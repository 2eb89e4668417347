//! The parts of a HAR 1.2 recording (`log.entries[]`) the conversion reads,
//! as serde types. Everything else a browser writes (timings, cache,
//! cookies, pages) is ignored; fields a browser may leave out default.

use serde::Deserialize;

/// A HAR file: `{ "log": { "entries": [...] } }`.
#[derive(Debug, Deserialize)]
pub(crate) struct Har {
    pub(crate) log: Log,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Log {
    pub(crate) entries: Vec<Entry>,
}

/// One request the browser made and the response it got.
#[derive(Debug, Deserialize)]
pub(crate) struct Entry {
    pub(crate) request: Request,
    pub(crate) response: Response,
    /// Chromium's own field (`document`, `fetch`, `preflight`, ...): the
    /// surest sign of a CORS preflight, which only browsers send.
    #[serde(rename = "_resourceType", default)]
    pub(crate) resource_type: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) url: String,
    #[serde(default)]
    pub(crate) headers: Vec<Header>,
    #[serde(rename = "postData", default)]
    pub(crate) post_data: Option<PostData>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Header {
    pub(crate) name: String,
    pub(crate) value: String,
}

/// A request body as recorded.
#[derive(Debug, Deserialize)]
pub(crate) struct PostData {
    #[serde(rename = "mimeType", default)]
    pub(crate) mime_type: String,
    #[serde(default)]
    pub(crate) text: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Response {
    /// 0 when the browser got no answer (blocked, aborted).
    pub(crate) status: i64,
    #[serde(default)]
    pub(crate) content: Content,
}

/// A response body as recorded; `text` is absent when the browser did not
/// keep it, and base64 when `encoding` says so (binary bodies).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Content {
    #[serde(rename = "mimeType", default)]
    pub(crate) mime_type: String,
    #[serde(default)]
    pub(crate) text: Option<String>,
    #[serde(default)]
    pub(crate) encoding: Option<String>,
}
