//! The request step: render, send, measure, check, capture.
//!
//! Everything about the request that is not templated was fixed when the
//! Plan was compiled; here only the templated parts are rendered. A failure
//! of the system under test becomes a metric with a category, never an error.

use std::borrow::Cow;

use starling_http::{Request, Scheme, TransportError, TransportKind};
use starling_metrics::{FailureCategory, FailureExample, RequestRecord};
use starling_scenario::capture::Capture;
use starling_scenario::expect::ExpectFailure;
use starling_scenario::response::ResponseView;
use starling_scenario::runtime::with_rng;
use starling_scenario::scope::Scope;
use starling_scenario::template::Template;
use starling_scenario::value::Value;
use starling_scenario::{Body, RequestStep, UserType};
use tokio::time::Instant;

use super::header_list::HeaderList;
use super::{Flow, failed};
use crate::debug::{DebugEvent, SentRequest};
use crate::redact::Redactor;
use crate::target::{Origin, parse_absolute};
use crate::trace::{Sent, UrlBase};
use crate::vu::{Iteration, Received, Vu, scope};
use crate::worker::Worker;

/// Bytes of a body kept in a failure example.
const EXAMPLE_BODY_BYTES: usize = 512;

pub(crate) async fn run_step(
    worker: &Worker,
    vu: &mut Vu,
    it: &mut Iteration,
    step: &RequestStep,
) -> Flow {
    match send(worker, vu, it, step, None).await {
        Ok(()) => Flow::Passed,
        Err(category) => failed(category, step.on_failure),
    }
}

/// Sends the request, records it, checks its expectations and stores its
/// captures. The response stays in `it.last` for the steps after it.
/// `deadline` (a poll's) cuts the request's own timeout short.
pub(crate) async fn send(
    worker: &Worker,
    vu: &mut Vu,
    it: &mut Iteration,
    step: &RequestStep,
    deadline: Option<Instant>,
) -> Result<(), FailureCategory> {
    let prepared = {
        let info = vu.info();
        let last = it.last.as_ref().map(Received::view);
        let scope = scope(&vu.vars, info, it, last.as_ref());
        let user_type = &worker.plan.user_types[vu.user_type];
        // Template functions (`uuid()`, `random_int`) draw from this
        // user's seeded generator, so `--seed` repeats them too.
        with_rng(&mut vu.rng, || {
            prepare(
                worker,
                step,
                &scope,
                user_type,
                &worker.plan.defaults.headers,
            )
        })
    };
    let prepared = match prepared {
        Ok(prepared) => prepared,
        Err(message) => {
            if let Some(debug) = &vu.debug {
                let redactor = crate::debug::redactor(worker, vu, &[], "", &[]);
                debug.emit(DebugEvent::TemplateFailed {
                    error: redactor.text(&message),
                });
            }
            // Nothing was sent, so nothing is counted as a request: the
            // server's counts and ours must agree.
            let example = || FailureExample {
                url: step.url.source().to_owned(),
                status: None,
                body: String::new(),
                error: message.clone(),
            };
            // The message may quote a rendered value: the user's secrets.
            let trace = it.trace_id();
            worker.example(step.id, FailureCategory::Template, trace, |redactor| {
                vu.secrets_into(redactor);
                example()
            });
            worker.journey_example(it.journey, FailureCategory::Template, trace, |redactor| {
                vu.secrets_into(redactor);
                example()
            });
            it.failed_unsent(FailureCategory::Template, step.url.source(), &message);
            return Err(FailureCategory::Template);
        }
    };
    // The iteration's trace, with this request's own span id, unless the
    // scenario sends a `traceparent` of its own.
    let traceparent = it
        .trace
        .as_ref()
        .filter(|_| !sets(&prepared.headers, "traceparent"))
        .map(|trace| trace.next_span(&worker.trace_ids, &mut vu.ids));
    let mut baggage = String::new();
    if worker.trace.baggage && !sets(&prepared.headers, "baggage") {
        let name = worker
            .plan
            .requests
            .get(step.id)
            .map_or("", |r| r.name.as_str());
        crate::trace::baggage(&mut baggage, &it.journey_name, name);
    }
    let only_traceparent;
    let mut list;
    let plain = prepared.headers.is_empty() && baggage.is_empty();
    let header_refs: &[(&str, &str)] = match &traceparent {
        // The plain cases (no header of the scenario's own) build no list.
        Some(traceparent) if plain => {
            only_traceparent = [("traceparent", traceparent.as_str())];
            &only_traceparent
        }
        None if plain => &[],
        _ => {
            list = HeaderList::with_capacity(prepared.headers.len() + 2);
            for (name, value) in &prepared.headers {
                list.push(name, value);
            }
            if let Some(traceparent) = &traceparent {
                list.push("traceparent", traceparent.as_str());
            }
            if !baggage.is_empty() {
                list.push("baggage", &baggage);
            }
            list.as_slice()
        }
    };
    let span = traceparent.map(|t| t.span);
    note_secret_headers(worker, it, &prepared.headers);
    let (scheme, host, port) = prepared.dest.parts();
    let timeout = step.timeout.unwrap_or(worker.plan.defaults.timeout);
    let request = Request {
        method: step.method.as_str(),
        scheme,
        host,
        port,
        path_and_query: &prepared.path,
        headers: header_refs,
        body: &prepared.body,
        timeout: match deadline {
            Some(deadline) => timeout.min(deadline.saturating_duration_since(Instant::now())),
            None => timeout,
        },
    };
    if let Some(debug) = &vu.debug {
        let request = &request;
        let redactor = crate::debug::redactor(
            worker,
            vu,
            request.headers,
            request.path_and_query,
            request.body,
        );
        let headers = request.headers.iter().map(|(n, v)| (*n, Cow::Borrowed(*v)));
        let (body, truncated) = crate::debug::body(&redactor, request.body);
        debug.emit(DebugEvent::RequestSent(Box::new(SentRequest {
            method: request.method.to_owned(),
            url: redactor.text(&prepared.url()),
            headers: crate::debug::headers(worker, &redactor, headers),
            body,
            body_len: request.body.len(),
            truncated,
        })));
    }
    let in_flight = InFlight::new(worker, step.id);
    let sent_at = in_flight.started;
    let result = vu.session.send_from(&request, sent_at).await;
    in_flight.landed();
    let lag = it.take_lag();
    let trace = it.trace_id();
    // What the chain records of this request; the outcome is filled in.
    let (base, url) = recorded_url(step, &prepared);
    let mut sent = Sent {
        request: step.id,
        span,
        started: sent_at,
        status: None,
        connect: None,
        ttfb: None,
        total: std::time::Duration::ZERO,
        failure: None,
        base,
        url: &url,
        message: "",
    };
    match result {
        Err(error) => {
            let category = transport_category(&error);
            let message = error.to_string();
            let timings = error.timings();
            sent.connect = timings.connect;
            sent.total = timings.total;
            sent.failure = Some(category);
            sent.message = &message;
            it.record(&sent);
            if let Some(debug) = &vu.debug {
                let redactor =
                    crate::debug::redactor(worker, vu, header_refs, &prepared.path, &prepared.body);
                debug.emit(DebugEvent::RequestFailed {
                    error: redactor.text(&message),
                    connect: timings.connect,
                    total: timings.total,
                });
            }
            let example = |redactor: &mut Redactor<'_>| {
                redactor.request(header_refs, &prepared.path, &prepared.body);
                FailureExample {
                    url: prepared.url(),
                    status: None,
                    body: String::new(),
                    error: message.clone(),
                }
            };
            if let TransportError::InvalidRequest { .. } = error {
                // The client refused what the scenario rendered (a CR or
                // LF in a header, a bad host) before writing a byte: like
                // a template error, the journey says why, and no request
                // is counted that the server never received.
                worker.example(step.id, category, trace, |redactor| {
                    vu.secrets_into(redactor);
                    example(redactor)
                });
                worker.journey_example(it.journey, category, trace, |redactor| {
                    vu.secrets_into(redactor);
                    example(redactor)
                });
                it.last = None;
                return Err(category);
            }
            let transfer = error.transfer();
            worker.record_request(
                step.id,
                &RequestRecord {
                    status: None,
                    connect: timings.connect,
                    ttfb: None,
                    total: timings.total,
                    schedule_lag: lag,
                    // A timeout or a reset after the request was written:
                    // it was sent all the same.
                    bytes_sent: transfer.sent,
                    bytes_received: transfer.received,
                    redirects: 0,
                    failure: Some(category),
                },
            );
            worker.example(step.id, category, trace, |redactor| {
                vu.secrets_into(redactor);
                example(redactor)
            });
            it.last = None;
            Err(category)
        }
        Ok(response) => {
            let received = Received(response);
            let response = &received.0;
            let debugging = vu.debug.is_some();
            let (outcome, described) = {
                let info = vu.info();
                let view = received.view();
                let scope = scope(&vu.vars, info, it, Some(&view));
                with_rng(&mut vu.rng, || {
                    // Each expectation on its own, for a debug run only.
                    let described =
                        debugging.then(|| crate::debug::expectations(&step.expect, &view, &scope));
                    (check(step, &view, &scope), described)
                })
            };
            if let Some(debug) = &vu.debug {
                let request = (header_refs, &*prepared.path, &*prepared.body);
                let described = described.unwrap_or_default();
                crate::debug::received(worker, vu, debug, response, request, described, &outcome);
            }
            let failure = outcome.as_ref().err().map(|(category, _)| *category);
            sent.status = Some(response.status);
            sent.connect = response.timings.connect;
            sent.ttfb = Some(response.timings.ttfb);
            sent.total = response.timings.total;
            sent.failure = failure;
            if let Err((_, message)) = &outcome {
                sent.message = message;
            }
            it.record(&sent);
            worker.record_request(
                step.id,
                &RequestRecord {
                    status: Some(response.status),
                    connect: response.timings.connect,
                    ttfb: Some(response.timings.ttfb),
                    total: response.timings.total,
                    schedule_lag: lag,
                    bytes_sent: response.bytes_sent,
                    bytes_received: response.bytes_received,
                    redirects: u32::from(response.redirects),
                    failure,
                },
            );
            let result = match outcome {
                Ok(captured) => {
                    for (capture, value) in captured {
                        if capture.secret {
                            vu.keep_secret(&capture.var, &value);
                        }
                        vu.vars.set(&capture.var, value);
                    }
                    Ok(())
                }
                Err((category, message)) => {
                    // The message may quote an echo of the request's body.
                    note_body_secrets(worker, it, &prepared.body);
                    worker.example(step.id, category, trace, |redactor| {
                        vu.secrets_into(redactor);
                        redactor.request(header_refs, &prepared.path, &prepared.body);
                        // What the server set on this response, even if
                        // the jar did not keep it (another domain, full).
                        for value in response.headers.get_all("set-cookie") {
                            redactor.header_value("set-cookie", &String::from_utf8_lossy(value));
                        }
                        FailureExample {
                            url: prepared.url(),
                            status: Some(response.status),
                            body: body_prefix(&response.body),
                            error: message,
                        }
                    });
                    Err(category)
                }
            };
            it.last = Some(received);
            result
        }
    }
}

/// A request on the wire. If its task is dropped before the response lands
/// (the stop timeout passed, or the run was aborted), it is recorded as
/// interrupted: the server may have received it, so the counts must too.
struct InFlight<'w> {
    worker: &'w Worker,
    request: usize,
    started: Instant,
    landed: bool,
}

impl<'w> InFlight<'w> {
    fn new(worker: &'w Worker, request: usize) -> Self {
        InFlight {
            worker,
            request,
            started: Instant::now(),
            landed: false,
        }
    }

    fn landed(mut self) {
        self.landed = true;
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if !self.landed {
            self.worker.record_request(
                self.request,
                &RequestRecord {
                    status: None,
                    connect: None,
                    ttfb: None,
                    total: self.started.elapsed(),
                    schedule_lag: std::time::Duration::ZERO,
                    bytes_sent: 0,
                    bytes_received: 0,
                    redirects: 0,
                    failure: Some(FailureCategory::Interrupted),
                },
            );
        }
    }
}

/// Expectations first, then captures: a response that failed its
/// expectations is not trusted for captures.
fn check<'s>(
    step: &'s RequestStep,
    view: &ResponseView<'_>,
    scope: &Scope<'_>,
) -> Result<Vec<(&'s Capture, Value)>, (FailureCategory, String)> {
    if let Err(failure) = step.expect.check(view, scope) {
        let category = if matches!(failure, ExpectFailure::Status { .. }) {
            FailureCategory::Status
        } else {
            FailureCategory::Expectation
        };
        return Err((category, failure.to_string()));
    }
    step.capture
        .iter()
        .map(|capture| {
            capture
                .extract(view)
                .map(|value| (capture, value))
                .map_err(|e| {
                    (
                        FailureCategory::Capture,
                        format!("capture `{}`: {e}", capture.var),
                    )
                })
        })
        .collect()
}

/// Every kind, with no catch-all arm: a kind added to the client fails to
/// compile here until it is placed. A request the client refused to send
/// is the scenario's doing, as a template error is, not a protocol fault of
/// the server.
fn transport_category(error: &TransportError) -> FailureCategory {
    match error.kind() {
        TransportKind::Connect => FailureCategory::Connect,
        TransportKind::Timeout => FailureCategory::Timeout,
        TransportKind::Reset => FailureCategory::Reset,
        TransportKind::Tls => FailureCategory::Tls,
        TransportKind::Redirects => FailureCategory::Redirects,
        TransportKind::InvalidRequest => FailureCategory::Template,
        TransportKind::Protocol | TransportKind::Io => FailureCategory::Protocol,
    }
}

fn body_prefix(body: &[u8]) -> String {
    let end = body.len().min(EXAMPLE_BODY_BYTES);
    String::from_utf8_lossy(&body[..end]).into_owned()
}

/// Where a rendered request goes.
#[derive(Debug)]
enum Dest<'w> {
    Base(&'w Origin),
    Absolute {
        scheme: Scheme,
        host: String,
        port: u16,
    },
}

impl Dest<'_> {
    fn parts(&self) -> (Scheme, &str, u16) {
        match self {
            Dest::Base(origin) => (origin.scheme, &origin.host, origin.port),
            Dest::Absolute { scheme, host, port } => (*scheme, host, *port),
        }
    }
}

/// A request with every template rendered. Static parts (a fixed path,
/// fixed header values) are borrowed from the Plan, so a request with no
/// templates allocates nothing here.
#[derive(Debug)]
struct Prepared<'w, 's> {
    dest: Dest<'w>,
    path: Cow<'s, str>,
    headers: Vec<(&'s str, Cow<'s, str>)>,
    body: Vec<u8>,
}

impl Prepared<'_, '_> {
    /// The full URL, for failure examples only (never on the success path).
    fn url(&self) -> String {
        match &self.dest {
            Dest::Base(origin) => format!("{}{}", origin.display(), self.path),
            Dest::Absolute { scheme, host, port } => {
                let origin = Origin {
                    scheme: *scheme,
                    host: host.clone(),
                    port: *port,
                    prefix: String::new(),
                };
                format!("{}{}", origin.display(), self.path)
            }
        }
    }
}

fn prepare<'w, 's>(
    worker: &'w Worker,
    step: &'s RequestStep,
    scope: &Scope<'_>,
    user_type: &'s UserType,
    defaults: &'s [(String, Template)],
) -> Result<Prepared<'w, 's>, String> {
    let (dest, mut path) = target(worker, step, scope)?;
    if !step.query.is_empty() {
        append_query(path.to_mut(), &step.query, scope)?;
    }

    let mut headers: Vec<(&str, Cow<'_, str>)> = Vec::new();
    for (name, value) in defaults
        .iter()
        .chain(&user_type.headers)
        .chain(&step.headers)
    {
        let value = render(value, scope)?;
        // A later level replaces an earlier one's header of the same name.
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        headers.push((name, value));
    }

    let mut body = Vec::new();
    let content_type = match &step.body {
        Body::None => None,
        Body::Json(json) => {
            json.render_into(scope, &mut body)
                .map_err(|e| e.to_string())?;
            Some("application/json")
        }
        Body::Raw(raw) => {
            body = render(raw, scope)?.into_owned().into_bytes();
            None
        }
        Body::Form(fields) => {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            for (name, value) in fields {
                form.append_pair(name, &render(value, scope)?);
            }
            body = form.finish().into_bytes();
            Some("application/x-www-form-urlencoded")
        }
    };
    if let Some(content_type) = content_type
        && !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
    {
        headers.push(("content-type", Cow::Borrowed(content_type)));
    }
    Ok(Prepared {
        dest,
        path,
        headers,
        body,
    })
}

/// Where the request goes and its path with query. A fixed path on a base
/// without a prefix is borrowed as is.
fn target<'w, 's>(
    worker: &'w Worker,
    step: &'s RequestStep,
    scope: &Scope<'_>,
) -> Result<(Dest<'w>, Cow<'s, str>), String> {
    let rendered = render(&step.url, scope)?;
    match worker.targets.origin(&step.base) {
        Some(origin) => {
            if origin.prefix.is_empty() && rendered.starts_with('/') {
                return Ok((Dest::Base(origin), rendered));
            }
            let mut path = String::with_capacity(origin.prefix.len() + rendered.len() + 1);
            path.push_str(&origin.prefix);
            if !rendered.starts_with('/') {
                path.push('/');
            }
            path.push_str(&rendered);
            Ok((Dest::Base(origin), Cow::Owned(path)))
        }
        None => {
            let url = parse_absolute(&rendered)?;
            let dest = Dest::Absolute {
                scheme: url.scheme,
                host: url.host.to_owned(),
                port: url.port,
            };
            Ok((dest, Cow::Owned(url.path_and_query.into_owned())))
        }
    }
}

/// A template's text: borrowed when it is static, rendered otherwise.
fn render<'s>(template: &'s Template, scope: &Scope<'_>) -> Result<Cow<'s, str>, String> {
    match template.as_static() {
        Some(text) => Ok(Cow::Borrowed(text)),
        None => template
            .render(scope)
            .map(Cow::Owned)
            .map_err(|e| e.to_string()),
    }
}

fn append_query(
    path: &mut String,
    query: &[(String, Template)],
    scope: &Scope<'_>,
) -> Result<(), String> {
    for (name, value) in query {
        let value = value.render(scope).map_err(|e| e.to_string())?;
        path.push(if path.contains('?') { '&' } else { '?' });
        path.extend(url::form_urlencoded::byte_serialize(name.as_bytes()));
        path.push('=');
        path.extend(url::form_urlencoded::byte_serialize(value.as_bytes()));
    }
    Ok(())
}

/// Whether the scenario sets header `name` itself (it then wins over the
/// one the engine would add).
fn sets(headers: &[(&str, Cow<'_, str>)], name: &str) -> bool {
    headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
}

/// What a request's chain record keeps of its URL: the path on its base
/// (the origin is looked up only if the iteration is kept), or a whole
/// absolute URL.
fn recorded_url<'p>(step: &RequestStep, prepared: &'p Prepared<'_, '_>) -> (UrlBase, Cow<'p, str>) {
    match &prepared.dest {
        Dest::Base(_) => (UrlBase::of(&step.base), Cow::Borrowed(&*prepared.path)),
        Dest::Absolute { .. } => (UrlBase::Absolute, Cow::Owned(prepared.url())),
    }
}

/// Notes the request's secret header values in the iteration's chain, for
/// the redaction of a kept sample. Free for a plan without such headers.
fn note_secret_headers(worker: &Worker, it: &mut Iteration, headers: &[(&str, Cow<'_, str>)]) {
    if worker.secret_headers.is_empty() {
        return;
    }
    let Some(chain) = &mut it.chain else { return };
    for (name, value) in headers {
        if worker
            .secret_headers
            .iter()
            .any(|secret| secret.eq_ignore_ascii_case(name))
        {
            chain.note_secret(name, value);
        }
    }
}

/// Notes a failed request's secret body fields (its JSON or form members
/// with secret names): a failure message may quote a body echoed back.
fn note_body_secrets(worker: &Worker, it: &mut Iteration, body: &[u8]) {
    let Some(chain) = &mut it.chain else { return };
    if body.is_empty() {
        return;
    }
    let mut found = Redactor::new(&worker.plan.redact);
    found.request(&[], "", body);
    for value in found.values() {
        chain.note_secret("", value);
    }
}
