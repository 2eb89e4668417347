//! The debug seam (`starling try`, `run --debug`): what one user does,
//! step by step, as typed events handed to a sink, every secret already
//! replaced. The user carries the sink: `None` on a normal run, so the
//! request path pays one predictable branch per hook and builds nothing.
//! Rendering the events is the caller's business.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use starling_http::Response;
use starling_metrics::FailureCategory;
use starling_scenario::capture::Capture;
use starling_scenario::expect::{Expect, JsonCheck, StatusMatch, StatusPattern};
use starling_scenario::redact::REDACTED;
use starling_scenario::response::ResponseView;
use starling_scenario::scope::Scope;
use starling_scenario::value::Value;
use starling_scenario::{JourneyId, Load, Plan, UserTypeId, Wait};

use crate::redact::Redactor;
use crate::vu::Vu;
use crate::worker::Worker;

/// Bytes of a request or response body an event keeps (after redaction
/// of the whole kept body, so a cut never leaves half a secret showing).
pub const DEBUG_BODY_BYTES: usize = 2048;

/// One thing the debugged user did.
#[derive(Debug, Clone, PartialEq)]
pub enum DebugEvent {
    /// A user of this type began its life.
    UserStarted { user_type: String, vu: u64 },
    /// A journey (or the user type's `on_start` / `on_stop`) began.
    PartStarted { part: Part, name: String },
    /// A request is about to be written.
    RequestSent(Box<SentRequest>),
    /// Its response arrived.
    ResponseReceived(Box<ReceivedResponse>),
    /// No response: connect refused, timeout, reset, a request the client
    /// would not send.
    RequestFailed {
        error: String,
        connect: Option<Duration>,
        total: Duration,
    },
    /// A template or expression could not be evaluated; nothing was sent.
    TemplateFailed { error: String },
    /// One expectation of the response, passed or not.
    Expectation(ExpectationResult),
    /// A capture took a value (`[redacted]` when it is secret).
    Captured {
        var: String,
        value: String,
        secret: bool,
    },
    /// A capture found nothing to take.
    CaptureFailed { error: String },
    /// A think step the debug run did not wait.
    ThinkSkipped { pause: Duration },
    /// The journey (or hook) ended.
    PartEnded {
        part: Part,
        name: String,
        passed: bool,
    },
}

/// What a user runs: a journey, or one of its user type's hooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Journey,
    OnStart,
    OnStop,
}

/// A request as written, secrets replaced.
#[derive(Debug, Clone, PartialEq)]
pub struct SentRequest {
    pub method: String,
    pub url: String,
    /// The headers the scenario and the engine set (the client adds
    /// `host`, `user-agent`, `content-length` and cookies on the wire).
    pub headers: Vec<(String, String)>,
    /// At most [`DEBUG_BODY_BYTES`], as UTF-8 (invalid bytes replaced).
    pub body: String,
    pub body_len: usize,
    /// `body` is a cut of a longer one.
    pub truncated: bool,
}

/// A response as received, secrets replaced.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// At most [`DEBUG_BODY_BYTES`] of the kept body.
    pub body: String,
    /// The body's length on the wire.
    pub body_len: u64,
    /// `body` is a cut of a longer one.
    pub truncated: bool,
    pub connect: Option<Duration>,
    pub first_byte: Duration,
    pub total: Duration,
    pub redirects: u8,
}

/// One expectation and how the response met it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectationResult {
    /// What was expected: `status 201`, `json $.id exists`.
    pub what: String,
    /// `None` when it passed; otherwise why not (`status 404, expected 201`).
    pub failure: Option<String>,
}

/// Where a debug run's events go. Cloned into every user it runs.
#[derive(Clone)]
pub struct DebugSink {
    emit: Arc<dyn Fn(DebugEvent) + Send + Sync>,
    keep_think: bool,
}

impl fmt::Debug for DebugSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DebugSink")
            .field("keep_think", &self.keep_think)
            .finish_non_exhaustive()
    }
}

impl DebugSink {
    /// Think steps are skipped (a [`DebugEvent::ThinkSkipped`] each) unless
    /// [`DebugSink::keep_think`] says otherwise.
    pub fn new(emit: impl Fn(DebugEvent) + Send + Sync + 'static) -> Self {
        DebugSink {
            emit: Arc::new(emit),
            keep_think: false,
        }
    }

    /// Waits the think steps as a normal run does.
    #[must_use]
    pub fn keep_think(mut self, keep: bool) -> Self {
        self.keep_think = keep;
        self
    }

    pub(crate) fn keeps_think(&self) -> bool {
        self.keep_think
    }

    pub(crate) fn emit(&self, event: DebugEvent) {
        (self.emit)(event);
    }
}

/// `plan` reshaped for a debug run of `user_type`: one user of that type
/// (no other), which runs `rounds` times each of its journeys in order
/// (see [`journey_in_order`]); without `keep_think` it starts each journey
/// at once. Other settings (targets, defaults, data) are the plan's.
pub fn debug_plan(plan: &Plan, user_type: UserTypeId, rounds: u64, keep_think: bool) -> Plan {
    let mut plan = plan.clone();
    let journeys = plan
        .user_types
        .get(user_type)
        .map_or(0, |u| u.journeys.len() as u64);
    for (id, each) in plan.user_types.iter_mut().enumerate() {
        each.count = Some(u32::from(id == user_type));
        if !keep_think {
            each.wait = Wait::None;
        }
    }
    plan.load = Load::closed(
        1,
        Duration::ZERO,
        None,
        Some(rounds.max(1) * journeys.max(1)),
    );
    plan
}

/// The journey a debugged user runs in its iteration `iteration`: its user
/// type's journeys in order, round after round, whatever their weights.
pub(crate) fn journey_in_order(
    plan: &Plan,
    user_type: UserTypeId,
    iteration: u64,
) -> Option<JourneyId> {
    let journeys = &plan.user_types.get(user_type)?.journeys;
    let n = journeys.len() as u64;
    (n > 0).then(|| journeys[(iteration % n) as usize])
}

/// Everything a debug event must not show: the plan's secrets, the user's,
/// and this request's credentials.
pub(crate) fn redactor<'a>(
    worker: &'a Worker,
    vu: &'a Vu,
    headers: &[(&str, &str)],
    path: &str,
    body: &[u8],
) -> Redactor<'a> {
    let mut redactor = Redactor::new(&worker.plan.redact);
    vu.secrets_into(&mut redactor);
    redactor.request(headers, path, body);
    redactor
}

/// Header values with secret names replaced whole, the rest redacted as
/// text (a value may quote a secret).
pub(crate) fn headers<'h>(
    worker: &Worker,
    redactor: &Redactor<'_>,
    headers: impl IntoIterator<Item = (&'h str, Cow<'h, str>)>,
) -> Vec<(String, String)> {
    headers
        .into_iter()
        .map(|(name, value)| {
            let shown = if worker.plan.redact.is_secret_name(name) {
                REDACTED.to_owned()
            } else {
                redactor.text(&value)
            };
            (name.to_owned(), shown)
        })
        .collect()
}

/// A body redacted whole, then cut to [`DEBUG_BODY_BYTES`] on a character
/// boundary; true when it was cut.
pub(crate) fn body(redactor: &Redactor<'_>, body: &[u8]) -> (String, bool) {
    let mut text = redactor.text(&String::from_utf8_lossy(body));
    if text.len() <= DEBUG_BODY_BYTES {
        return (text, false);
    }
    let mut cut = DEBUG_BODY_BYTES;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
    (text, true)
}

/// What a request's checks left: the captures taken, or the failure.
pub(crate) type Checked<'s> = Result<Vec<(&'s Capture, Value)>, (FailureCategory, String)>;

/// Tells the sink what came back: the response, each expectation, then
/// the captures. The redactor also knows the cookies the response set and
/// the values of its secret captures, which its body may show.
pub(crate) fn received(
    worker: &Worker,
    vu: &Vu,
    debug: &DebugSink,
    response: &Response,
    (headers, path, body): (&[(&str, &str)], &str, &[u8]),
    described: Vec<ExpectationResult>,
    checked: &Checked<'_>,
) {
    let mut redactor = redactor(worker, vu, headers, path, body);
    for value in response.headers.get_all("set-cookie") {
        redactor.header_value("set-cookie", &String::from_utf8_lossy(value));
    }
    if let Ok(captured) = checked {
        for (capture, value) in captured {
            if capture.secret {
                redactor.value(shown(value));
            }
        }
    }
    let (shown_body, truncated) = self::body(&redactor, &response.body);
    let response_headers = (&response.headers)
        .into_iter()
        .map(|(name, value)| (name, String::from_utf8_lossy(value)));
    debug.emit(DebugEvent::ResponseReceived(Box::new(ReceivedResponse {
        status: response.status,
        headers: self::headers(worker, &redactor, response_headers),
        body: shown_body,
        body_len: response.body_len,
        truncated,
        connect: response.timings.connect,
        first_byte: response.timings.ttfb,
        total: response.timings.total,
        redirects: response.redirects,
    })));
    for result in described {
        debug.emit(DebugEvent::Expectation(ExpectationResult {
            what: redactor.text(&result.what),
            failure: result.failure.map(|f| redactor.text(&f)),
        }));
    }
    match checked {
        Ok(captured) => {
            for (capture, value) in captured {
                debug.emit(DebugEvent::Captured {
                    var: capture.var.clone(),
                    value: if capture.secret {
                        REDACTED.to_owned()
                    } else {
                        redactor.text(&shown(value))
                    },
                    secret: capture.secret,
                });
            }
        }
        Err((FailureCategory::Capture, message)) => debug.emit(DebugEvent::CaptureFailed {
            error: redactor.text(message),
        }),
        Err(_) => {}
    }
}

/// A value as text: a string without its quotes, anything else as JSON.
fn shown(value: &Value) -> String {
    match value.as_str() {
        Some(text) => text.to_owned(),
        None => value.to_string(),
    }
}

/// Each expectation of `expect` checked on its own, so the output lists
/// every one that passed, not only the first that failed. (The journey's
/// outcome is still the engine's one check; this only describes it.)
pub(crate) fn expectations(
    expect: &Expect,
    view: &ResponseView<'_>,
    scope: &Scope<'_>,
) -> Vec<ExpectationResult> {
    // Any status passes, so each part below is judged by itself alone.
    let any_status = StatusMatch::any_of((1..=5).map(StatusPattern::Class));
    let alone = |with: &dyn Fn(&mut Expect)| {
        let mut one = Expect {
            status: any_status.clone(),
            ..Expect::default()
        };
        with(&mut one);
        one
    };
    let mut parts: Vec<(String, Expect)> = vec![(
        format!("status {}", expect.status),
        Expect {
            status: expect.status.clone(),
            ..Expect::default()
        },
    )];
    for condition in &expect.json {
        let path = condition.path.source();
        let what = match &condition.check {
            JsonCheck::Exists => format!("json {path} exists"),
            JsonCheck::Equals(value) => format!("json {path} == {value}"),
            JsonCheck::EqualsTemplate(template) => match template.render_value(scope) {
                Ok(value) => format!("json {path} == {value}"),
                Err(_) => format!("json {path} == (a template)"),
            },
            JsonCheck::Satisfies(expr) => format!("json {path} satisfies `{}`", expr.source()),
        };
        parts.push((what, alone(&|e| e.json = vec![condition.clone()])));
    }
    for needle in &expect.body_contains {
        parts.push((
            format!("body contains {:?}", expected_text(needle, scope)),
            alone(&|e| e.body_contains = vec![needle.clone()]),
        ));
    }
    for header in &expect.headers {
        let what = match &header.check {
            starling_scenario::expect::HeaderCheck::Present => {
                format!("header {} present", header.name)
            }
            starling_scenario::expect::HeaderCheck::Equals(value) => {
                format!(
                    "header {} == {:?}",
                    header.name,
                    expected_text(value, scope)
                )
            }
        };
        parts.push((what, alone(&|e| e.headers = vec![header.clone()])));
    }
    if let Some(max) = expect.max_duration {
        parts.push((
            format!(
                "max_duration {}",
                starling_scenario::expect::format_duration(max)
            ),
            alone(&|e| e.max_duration = Some(max)),
        ));
    }
    parts
        .into_iter()
        .map(|(what, one)| ExpectationResult {
            what,
            failure: one.check(view, scope).err().map(|f| f.to_string()),
        })
        .collect()
}

/// An expected text as it is compared: rendered in the user's scope (its
/// source when it cannot be).
fn expected_text(template: &starling_scenario::template::Template, scope: &Scope<'_>) -> String {
    template
        .render(scope)
        .unwrap_or_else(|_| template.source().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        let yaml = r#"
target: http://127.0.0.1:1
load: { users: 50, duration: 1m }
users:
  - name: shoppers
    weight: 3
    wait: "between(1s, 2s)"
    journeys:
      - { name: browse, weight: 9, steps: [ { get: / } ] }
      - { name: buy, weight: 1, steps: [ { get: /buy } ] }
  - name: admins
    journeys:
      - { name: audit, steps: [ { get: /audit } ] }
"#;
        starling_scenario::compile_str(yaml, std::path::Path::new("t.yaml"))
            .unwrap()
            .plan
    }

    #[test]
    fn a_debug_plan_runs_one_user_of_one_type_through_each_journey() {
        let plan = debug_plan(&plan(), 0, 2, false);
        let counts: Vec<_> = plan.user_types.iter().map(|u| u.count).collect();
        assert_eq!(counts, [Some(1), Some(0)]);
        assert!(plan.user_types.iter().all(|u| u.wait == Wait::None));
        // Two journeys, two rounds.
        assert_eq!(plan.load.iterations, Some(4));
        let names: Vec<_> = (0..4)
            .map(|i| &plan.journeys[journey_in_order(&plan, 0, i).unwrap()].name)
            .collect();
        assert_eq!(names, ["browse", "buy", "browse", "buy"]);
    }

    #[test]
    fn keep_think_keeps_the_wait_between_journeys() {
        let plan = debug_plan(&plan(), 1, 1, true);
        assert_ne!(plan.user_types[0].wait, Wait::None);
        assert_eq!(plan.load.iterations, Some(1));
        assert_eq!(plan.user_types[1].count, Some(1));
    }
}
