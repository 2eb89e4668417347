//! Kept iterations as OTLP spans: a root span per journey iteration
//! (internal) and a client span per request under it, whose span id is
//! the one its `traceparent` carried, so the services' server spans hang
//! under it. Attributes follow the HTTP semantic conventions
//! (`http.request.method`, `url.full`, `http.response.status_code`,
//! `server.address`, `server.port`, `error.type`) plus `starling.journey`,
//! `starling.step`, `starling.vu`, `starling.iteration` and
//! `starling.failure`. A failure that sent nothing is an event on the
//! journey's span, so a journey has exactly one span per request plus one.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::span::{Event, SpanKind};
use opentelemetry_proto::tonic::trace::v1::status::StatusCode;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status};
use starling_metrics::{SpanId, StepSample};

use super::queue::Exported;

/// What every span of a run shares: who made it.
pub(crate) fn resource(scenario: &str) -> Resource {
    Resource {
        attributes: vec![
            text("service.name", "starling"),
            text("service.version", env!("CARGO_PKG_VERSION")),
            text("starling.scenario", scenario),
        ],
        ..Resource::default()
    }
}

/// One export request for a batch of iterations.
pub(crate) fn request(batch: &[Exported], resource: &Resource) -> ExportTraceServiceRequest {
    let mut spans = Vec::new();
    for exported in batch {
        journey_spans(exported, &mut spans);
    }
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(resource.clone()),
            scope_spans: vec![ScopeSpans {
                scope: Some(InstrumentationScope {
                    name: "starling".to_owned(),
                    version: env!("CARGO_PKG_VERSION").to_owned(),
                    ..InstrumentationScope::default()
                }),
                spans,
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    }
}

fn journey_spans(exported: &Exported, out: &mut Vec<Span>) {
    let sample = &exported.sample;
    let Some(trace) = sample.trace_id else { return };
    let journey = &exported.plan.journeys[exported.journey];
    let trace_id = trace.to_bytes().to_vec();
    let start = exported.start_unix_nanos;
    let at = |offset_us: u64| start.saturating_add(offset_us.saturating_mul(1000));
    let label = |step: usize| journey.funnel.get(step).map_or("", String::as_str);
    let common = [
        text("starling.journey", &journey.name),
        int("starling.vu", sample.vu),
        int("starling.iteration", sample.iteration),
    ];

    let mut root = Span {
        trace_id: trace_id.clone(),
        span_id: exported.root.to_bytes().to_vec(),
        name: journey.name.clone(),
        kind: SpanKind::Internal as i32,
        start_time_unix_nano: start,
        end_time_unix_nano: at(sample.duration_us),
        attributes: common.to_vec(),
        ..Span::default()
    };
    if let Some(failure) = &sample.failure {
        let what = format!("{} at {}", failure.category, failure.label);
        root.attributes
            .push(text("error.type", failure.category.as_str()));
        root.attributes.push(text("starling.failure", &what));
        root.attributes.push(text("starling.step", &failure.label));
        root.status = Some(error(what));
    }
    for step in sample.steps.iter().filter(|s| s.request.is_none()) {
        root.events.push(Event {
            time_unix_nano: at(step.offset_us),
            name: "starling.failure".to_owned(),
            attributes: vec![
                text("starling.step", label(step.step)),
                text("starling.failure", &failure_text(step)),
            ],
            dropped_attributes_count: 0,
        });
    }
    out.push(root);

    for step in sample.steps.iter().filter(|s| s.request.is_some()) {
        let mut attributes = common.to_vec();
        attributes.push(text("starling.step", label(step.step)));
        attributes.push(text("http.request.method", &step.method));
        attributes.push(text("url.full", &step.url));
        if let Some((host, port)) = server(&step.url) {
            attributes.push(text("server.address", host));
            if let Some(port) = port {
                attributes.push(int("server.port", u64::from(port)));
            }
        }
        if let Some(status) = step.status {
            attributes.push(int("http.response.status_code", u64::from(status)));
        }
        let error_type = match (step.status, step.failure) {
            (Some(status), _) if status >= 400 => Some(status.to_string()),
            (_, Some(category)) => Some(category.as_str().to_owned()),
            _ => None,
        };
        if let Some(error_type) = error_type {
            attributes.push(text("error.type", &error_type));
        }
        let status = step.failure.map(|_| {
            let what = failure_text(step);
            attributes.push(text("starling.failure", &what));
            error(what)
        });
        out.push(Span {
            trace_id: trace_id.clone(),
            // A request sent with the scenario's own `traceparent` has no
            // span id of ours: it still gets a span, under the journey.
            span_id: step
                .span_id
                .unwrap_or_else(|| SpanId(fastrand::u64(1..)))
                .to_bytes()
                .to_vec(),
            parent_span_id: exported.root.to_bytes().to_vec(),
            name: step.request.clone().unwrap_or_default(),
            kind: SpanKind::Client as i32,
            start_time_unix_nano: at(step.offset_us),
            end_time_unix_nano: at(step.offset_us.saturating_add(step.total_us)),
            attributes,
            status,
            ..Span::default()
        });
    }
}

/// `status: expected 200, got 502`, or the category alone.
fn failure_text(step: &StepSample) -> String {
    let category = step.failure.map_or("failed", |c| c.as_str());
    if step.message.is_empty() {
        category.to_owned()
    } else {
        format!("{category}: {}", step.message)
    }
}

fn error(message: String) -> Status {
    Status {
        message,
        code: StatusCode::Error as i32,
    }
}

/// The host and port of a URL, as `server.address` and `server.port`.
fn server(url: &str) -> Option<(&str, Option<u16>)> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']')?;
        return Some((host, after.strip_prefix(':').and_then(|p| p.parse().ok())));
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => Some((host, port.parse().ok())),
        None => Some((authority, None)),
    }
}

fn text(key: &str, value: &str) -> KeyValue {
    attribute(key, any_value::Value::StringValue(value.to_owned()))
}

fn int(key: &str, value: u64) -> KeyValue {
    attribute(
        key,
        any_value::Value::IntValue(i64::try_from(value).unwrap_or(i64::MAX)),
    )
}

fn attribute(key: &str, value: any_value::Value) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue { value: Some(value) }),
        ..KeyValue::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_address_and_port_come_from_the_url() {
        assert_eq!(
            server("http://127.0.0.1:8000/x?y"),
            Some(("127.0.0.1", Some(8000)))
        );
        assert_eq!(
            server("https://shop.example.invalid/a"),
            Some(("shop.example.invalid", None))
        );
        assert_eq!(server("http://[::1]:9/"), Some(("::1", Some(9))));
        assert_eq!(server("/relative"), None);
    }
}
