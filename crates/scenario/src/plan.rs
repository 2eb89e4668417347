//! The validated, compiled form of a scenario: the only thing the engine runs.
//!
//! A `Plan` holds no YAML and no source spans; everything in it has already
//! been checked. Templates, expressions and JSONPaths are compiled once here,
//! so running a step never parses anything. A Rust user can build a `Plan` in
//! code without any YAML.
//!
//! Metric keys are dense indices (`RequestId`, `JourneyId`, `ServiceId`,
//! `SectionId`) assigned at compile time, so a worker's metrics shard is a set
//! of `Vec`s indexed by them: no hashing and no string on the request path.

use std::sync::Arc;
use std::time::Duration;

use crate::capture::Capture;
use crate::expect::Expect;
use crate::expr::Expr;
use crate::template::{JsonTemplate, Template};
use crate::threshold::Threshold;
use crate::value::Value;

/// Index of a request step in [`Plan::requests`]: the per-request metric key.
pub type RequestId = usize;
/// Index of a journey in [`Plan::journeys`].
pub type JourneyId = usize;
/// Index of a service in [`Plan::services`].
pub type ServiceId = usize;
/// Index of a timed section (group or poll) in [`Plan::sections`].
pub type SectionId = usize;
/// Index of a user type in [`Plan::user_types`].
pub type UserTypeId = usize;
/// Index of a data source in [`Plan::data`].
pub type DataId = usize;

/// A compiled scenario.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Base URL for requests with a relative path and no `service`.
    /// `None` only when every request names a service or an absolute URL;
    /// the CLI's `--host` replaces it.
    pub target: Option<BaseUrl>,
    /// Every service label a request can carry: the declared ones (with a
    /// base URL) and the ones derived from a path's first segment (without).
    pub services: Vec<Service>,
    pub load: Load,
    pub user_types: Vec<UserType>,
    /// Every journey of every user type; names are unique in a scenario.
    pub journeys: Vec<Journey>,
    /// Every request step, wherever it stands (journeys, on_start, on_stop,
    /// nested in if/repeat/group, inside a poll).
    pub requests: Vec<RequestInfo>,
    /// Every group and poll: they report a duration of their own.
    pub sections: Vec<SectionInfo>,
    pub data: Vec<DataSource>,
    pub defaults: Defaults,
    /// Parsed and kept for the thresholds feature; not evaluated yet.
    pub thresholds: Vec<Threshold>,
    /// Seed for every random choice of the run; `None` means random.
    pub seed: Option<u64>,
    /// What failure examples must not show (see [`crate::redact`]).
    pub redact: crate::redact::Redact,
    /// The `--tags`/`--exclude-tags` filter this plan was cut down by
    /// (empty: the whole scenario).
    pub tags: crate::tags::TagFilter,
}

/// A scheme, host and port, with an optional path prefix, e.g.
/// `http://127.0.0.1:8000/api`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    pub scheme: Scheme,
    pub host: String,
    pub port: u16,
    /// Path prefix without a trailing slash; empty for none.
    pub prefix: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    /// Declared under `services:`; requests with `service: name` go here
    /// instead of to the target.
    pub base_url: Option<BaseUrl>,
    /// Whether the user named it or starling guessed it from a path.
    pub origin: ServiceOrigin,
}

/// Where a service's name comes from. A guessed one (a path's first
/// segment behind a gateway: `/login`, `/me`) may not be a service of the
/// system at all, so every output says it is a guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceOrigin {
    /// Under `services:` (with a base URL and maybe path prefixes).
    Declared,
    /// The first path segment of a request no declared service claims.
    Guessed,
}

/// The load shape. Every shape in the file (users + spawn rate + duration,
/// stages, arrival rate, rate stages) compiles into one list of stages.
#[derive(Debug, Clone, PartialEq)]
pub struct Load {
    pub model: LoadModel,
    /// Followed in order. The value at time `t` is linear between the
    /// previous stage's target (0 before the first) and this stage's target.
    pub stages: Vec<Stage>,
    /// Journeys per virtual user before it stops (closed model only).
    pub iterations: Option<u64>,
    /// Open model: the most virtual users that may exist at once.
    pub max_users: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadModel {
    /// Stage targets are numbers of virtual users; each user runs journeys
    /// back to back with its wait in between.
    Closed,
    /// Stage targets are journeys started per second, whoever runs them.
    Open,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stage {
    /// `None` only for the last stage of a closed model bounded by
    /// `iterations`: hold until every user has done its iterations.
    pub duration: Option<Duration>,
    /// Users (closed) or arrivals per second (open) reached at the stage's end.
    pub target: f64,
}

#[derive(Debug, Clone)]
pub struct UserType {
    pub name: String,
    /// Share of the virtual users (normalised; the weights of all weighted
    /// user types sum to 1). Zero for a user type with a fixed `count`.
    pub weight: f64,
    /// A fixed number of users of this type, started first (Locust's
    /// `fixed_count`).
    pub count: Option<u32>,
    pub wait: Wait,
    pub on_start: Vec<Step>,
    pub on_stop: Vec<Step>,
    /// Headers for every request of this user type, after the defaults'.
    pub headers: Vec<(String, Template)>,
    /// The journeys this user type picks from, by their weight.
    pub journeys: Vec<JourneyId>,
    /// `tags:`: they apply to every journey of the type (see [`crate::tags`]).
    pub tags: Vec<String>,
}

/// What a user does between two journeys.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Wait {
    /// Start the next journey at once.
    None,
    Constant(Duration),
    /// Uniformly random in [min, max].
    Between(Duration, Duration),
    /// Start a journey every period when possible (Locust's constant_pacing):
    /// the wait is the period minus the journey's duration, never negative.
    Pacing(Duration),
    /// Exponentially distributed with this mean (a Poisson process).
    Exponential(Duration),
}

#[derive(Debug, Clone)]
pub struct Journey {
    pub name: String,
    /// Normalised within its user type: its journeys' weights sum to 1.
    pub weight: f64,
    pub user_type: UserTypeId,
    pub steps: Vec<Step>,
    /// One label per top-level step, for the funnel: how many iterations
    /// reached and passed each one.
    pub funnel: Vec<String>,
    /// Data sources this journey's templates read; the engine draws a row
    /// from each at the start of an iteration.
    pub data: Vec<DataId>,
    /// `tags:`, for `--tags`/`--exclude-tags` (its user type's apply too).
    pub tags: Vec<String>,
}

/// One thing a journey does. Each kind has its own module with its compile
/// step; the engine has a module per kind with its run.
#[derive(Debug, Clone)]
pub enum Step {
    Request(Box<RequestStep>),
    Think(Think),
    Poll(Box<Poll>),
    If(Box<If>),
    Repeat(Box<Repeat>),
    Group(Box<Group>),
    Set(Set),
}

/// Identity of a request step, for metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestInfo {
    /// Metric name: the step's `name`, else method and path template,
    /// e.g. `GET /orders/{{ order_id }}`.
    pub name: String,
    pub method: Method,
    pub service: ServiceId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }
}

/// Where a request's URL is resolved against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// The scenario's target (or `--host`).
    Target,
    /// A declared service's base URL.
    Service(ServiceId),
    /// The URL template is absolute (`http://...`): no base.
    Absolute,
}

#[derive(Debug, Clone)]
pub struct RequestStep {
    pub id: RequestId,
    pub method: Method,
    pub base: Base,
    /// Path (with any literal query) relative to the base, or an absolute
    /// URL when `base` is `Absolute`.
    pub url: Template,
    /// Extra query parameters, appended URL-encoded.
    pub query: Vec<(String, Template)>,
    /// The step's own headers (after user type and defaults).
    pub headers: Vec<(String, Template)>,
    pub body: Body,
    /// Overrides the default timeout for this request.
    pub timeout: Option<Duration>,
    pub expect: Expect,
    pub capture: Vec<Capture>,
    pub on_failure: OnFailure,
}

#[derive(Debug, Clone)]
pub enum Body {
    None,
    /// Sent with `content-type: application/json`.
    Json(JsonTemplate),
    /// Sent as is; the content type comes from the headers if any.
    Raw(Template),
    /// Sent as `application/x-www-form-urlencoded`.
    Form(Vec<(String, Template)>),
}

/// What happens to the journey when a step fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnFailure {
    /// The journey stops and is counted failed at this step.
    #[default]
    Abort,
    /// The failure is counted and the journey goes on.
    Continue,
}

/// A pause inside a journey.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Think {
    /// `Wait::Constant` or `Wait::Between`.
    pub wait: Wait,
}

/// A request repeated every `every` until `until` holds, up to `timeout`:
/// one polled operation with its total wait.
#[derive(Debug, Clone)]
pub struct Poll {
    pub section: SectionId,
    pub request: RequestStep,
    pub every: Duration,
    /// Evaluated after each response; `response.*` is the latest one.
    pub until: Expr,
    pub timeout: Duration,
    pub on_failure: OnFailure,
}

#[derive(Debug, Clone)]
pub struct If {
    pub condition: Expr,
    pub then: Vec<Step>,
    pub otherwise: Vec<Step>,
}

#[derive(Debug, Clone)]
pub struct Repeat {
    pub times: RepeatTimes,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone)]
pub enum RepeatTimes {
    Count(u64),
    /// Checked before each round; at most `max` rounds (a safety net
    /// against a condition that never turns false).
    While {
        condition: Expr,
        max: u64,
    },
}

/// A named sub-journey with a duration metric of its own.
#[derive(Debug, Clone)]
pub struct Group {
    pub section: SectionId,
    pub steps: Vec<Step>,
}

/// Variables from expressions, evaluated in order.
#[derive(Debug, Clone)]
pub struct Set {
    pub vars: Vec<(String, Expr)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionInfo {
    pub name: String,
    pub kind: SectionKind,
    pub journey: Option<JourneyId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    Group,
    Poll,
}

/// A data feeder: rows read from a file at compile time.
#[derive(Debug, Clone)]
pub struct DataSource {
    /// The variable the current row is bound to, e.g. `customers`.
    pub name: String,
    /// Each row is a map from column name to value.
    pub rows: Arc<[Value]>,
    pub order: DataOrder,
    pub on_exhausted: Exhausted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataOrder {
    /// Rows in file order across all users, wrapping around.
    Sequential,
    /// A random row each time.
    Random,
    /// Each row goes to at most one virtual user, for its whole life.
    Unique,
}

/// What a `unique` source does when every row has been handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Exhausted {
    /// The user that finds no row stops (no error counted).
    #[default]
    Stop,
    /// The user's journey fails with a `data` failure.
    Error,
}

/// The most `defaults.keep_body_bytes` may be: 64 MiB. Every user may hold
/// this much of a decoded body at once, so an unbounded value lets one user
/// inflate a gzip bomb into gigabytes; 64 MiB is far above any body a capture
/// or an expectation needs to see.
pub const MAX_KEEP_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// Settings that apply to every request unless a step says otherwise.
#[derive(Debug, Clone)]
pub struct Defaults {
    pub headers: Vec<(String, Template)>,
    pub timeout: Duration,
    /// Redirects followed before the response counts as final.
    pub max_redirects: u8,
    /// Bytes of each body kept for captures and expectations; the rest is
    /// read (and timed) but dropped. At most [`MAX_KEEP_BODY_BYTES`].
    pub keep_body_bytes: usize,
    /// The HTTP version spoken (`defaults.http`); the CLI's `--http`
    /// overrides it.
    pub http: HttpVersion,
    /// `defaults.trace`: the W3C trace context sent with every request.
    pub trace: TraceDefaults,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            headers: Vec::new(),
            timeout: Duration::from_secs(30),
            max_redirects: 10,
            keep_body_bytes: 1 << 20,
            http: HttpVersion::Auto,
            trace: TraceDefaults::default(),
        }
    }
}

/// `defaults.trace`: `false` sends no trace context; `{ baggage: true }`
/// also sends a `baggage` header naming the journey and the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceDefaults {
    /// A `traceparent` header on every request (on unless turned off: a
    /// trace id per journey iteration is what joins a failed journey to
    /// the services' own spans).
    pub enabled: bool,
    /// A `baggage` header with `starling.journey` and `starling.step`. Off
    /// by default: it is formatted per request, and services propagate
    /// baggage onwards, so it must be asked for.
    pub baggage: bool,
}

impl Default for TraceDefaults {
    fn default() -> Self {
        TraceDefaults {
            enabled: true,
            baggage: false,
        }
    }
}

/// `defaults.http`: which HTTP version the virtual users speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HttpVersion {
    /// `auto`: HTTP/2 on https when the server picks it by ALPN, else
    /// HTTP/1.1.
    #[default]
    Auto,
    /// `1.1`: HTTP/1.1 only.
    Http1,
    /// `2`: HTTP/2 only (h2c with prior knowledge on plain http).
    Http2,
}
