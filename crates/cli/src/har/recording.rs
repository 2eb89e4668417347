//! What a HAR becomes before it is written: the journey's steps with
//! their bodies, headers, captures and expected statuses, and the origins
//! they go to. The YAML writer (`yaml.rs`) only lays this out.

use serde_json::Value;

/// The converted recording.
#[derive(Debug, PartialEq)]
pub(crate) struct Recording {
    /// The first origin's base URL (`http://host:port`): the scenario's
    /// `target`, so `--host` aims the whole journey elsewhere.
    pub(crate) target: String,
    /// Every other origin: `(name, base URL)`, in order of first use.
    pub(crate) services: Vec<(String, String)>,
    pub(crate) steps: Vec<Step>,
    /// Entries left out, and why, for the file's header comment.
    pub(crate) left_out: LeftOut,
    /// Environment variables the scenario reads in place of a recorded
    /// credential (sorted, each once).
    pub(crate) secrets: Vec<String>,
}

/// How many entries were left out, by reason.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct LeftOut {
    pub(crate) static_assets: usize,
    pub(crate) preflights: usize,
    /// Not HTTP(S) (`data:`, `blob:`, extensions) or a method starling
    /// does not send.
    pub(crate) other: usize,
}

/// The request methods a scenario step can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

impl Method {
    pub(crate) fn parse(text: &str) -> Option<Method> {
        Some(match text.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            "HEAD" => Method::Head,
            "OPTIONS" => Method::Options,
            _ => return None,
        })
    }

    /// The step's key in a scenario (`get:`, `post:`, ...).
    pub(crate) fn key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
            Method::Put => "put",
            Method::Patch => "patch",
            Method::Delete => "delete",
            Method::Head => "head",
            Method::Options => "options",
        }
    }
}

/// One request of the journey.
#[derive(Debug, PartialEq)]
pub(crate) struct Step {
    pub(crate) method: Method,
    /// The declared service it goes to; `None` for the target.
    pub(crate) service: Option<String>,
    /// Path and query, templated where a capture is reused.
    pub(crate) path: String,
    /// Headers kept, in recorded order, lower-case names.
    pub(crate) headers: Vec<(String, String)>,
    /// `auth: { bearer: ... }` in place of a recorded bearer token.
    pub(crate) bearer: Option<String>,
    pub(crate) body: Body,
    /// The recorded status, expected again; `None` when there was no
    /// answer or a redirect (which starling follows, so it never sees it).
    pub(crate) status: Option<u16>,
    /// `(variable, JSONPath)` taken from this response for later steps.
    pub(crate) captures: Vec<(String, String)>,
    /// The JSON response, for finding ids later requests reuse; not
    /// written out.
    pub(crate) response_json: Option<Value>,
}

/// A request body.
#[derive(Debug, PartialEq)]
pub(crate) enum Body {
    None,
    /// Sent as `json:` (starling sets the content type).
    Json(Value),
    /// Form fields, sent as `form:`.
    Form(Vec<(String, String)>),
    /// Anything else, as `body:` with its `content-type` header kept.
    Text(String),
}
