//! `starling try`'s output: the engine's debug events as text for a
//! person, one request and its response at a time. Everything quoted from
//! the scenario or the server is passed through the terminal summary's
//! escaping, so a body cannot move the cursor or retitle the terminal.

use std::fmt::Write as _;
use std::time::Duration;

use starling_engine::{DebugEvent, ExpectationResult, Part, ReceivedResponse, SentRequest};
use starling_report::{duration_us, printable};

/// How the journeys (and hooks) of a debug run ended, counted as their
/// events are rendered.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tally {
    pub(crate) passed: u64,
    pub(crate) failed: u64,
    /// `on_start` or `on_stop` steps that failed.
    pub(crate) hooks_failed: u64,
    /// Journeys or hooks begun and never ended (the run was cut short).
    pub(crate) open: u64,
}

impl Tally {
    pub(crate) fn all_passed(&self) -> bool {
        self.failed == 0 && self.hooks_failed == 0 && self.open == 0
    }

    /// `journeys: 2 passed, 0 failed`, and the hooks if any failed.
    pub(crate) fn line(&self) -> String {
        let mut line = format!("journeys: {} passed, {} failed", self.passed, self.failed);
        if self.hooks_failed > 0 {
            let _ = write!(line, "; {} on_start/on_stop failed", self.hooks_failed);
        }
        if self.open > 0 {
            let _ = write!(line, "; {} cut off before their end", self.open);
        }
        line
    }
}

/// Renders events one at a time and keeps the tally.
#[derive(Debug, Default)]
pub(crate) struct Renderer {
    pub(crate) tally: Tally,
}

impl Renderer {
    /// The text of one event, ending in a newline.
    pub(crate) fn render(&mut self, event: &DebugEvent) -> String {
        let mut out = String::new();
        match event {
            DebugEvent::UserStarted { user_type, vu } => {
                let _ = writeln!(out, "\n=== user type {} (user {vu})", printable(user_type));
            }
            DebugEvent::PartStarted { part, name } => {
                self.tally.open += 1;
                let _ = writeln!(out, "\n--- {}", part_name(*part, name));
            }
            DebugEvent::RequestSent(request) => request_text(&mut out, request),
            DebugEvent::ResponseReceived(response) => response_text(&mut out, response),
            DebugEvent::RequestFailed {
                error,
                connect,
                total,
            } => {
                let _ = write!(out, "← no response {}", ms(*total));
                if let Some(connect) = connect {
                    let _ = write!(out, " (connect {})", ms(*connect));
                }
                let _ = writeln!(out, ": {}", printable(error));
            }
            DebugEvent::TemplateFailed { error } => {
                let _ = writeln!(out, "✗ not sent: {}", printable(error));
            }
            DebugEvent::Expectation(result) => expectation_text(&mut out, result),
            DebugEvent::Captured { var, value, .. } => {
                let _ = writeln!(out, "  capture {} = {}", printable(var), printable(value));
            }
            DebugEvent::CaptureFailed { error } => {
                let _ = writeln!(out, "  capture ✗ {}", printable(error));
            }
            DebugEvent::ThinkSkipped { pause } => {
                let _ = writeln!(
                    out,
                    "  think {} skipped (--keep-think waits it)",
                    ms(*pause)
                );
            }
            DebugEvent::PartEnded { part, name, passed } => {
                self.tally.open = self.tally.open.saturating_sub(1);
                match (part, passed) {
                    (Part::Journey, true) => self.tally.passed += 1,
                    (Part::Journey, false) => self.tally.failed += 1,
                    (_, true) => {}
                    (_, false) => self.tally.hooks_failed += 1,
                }
                let mark = if *passed { "✓" } else { "✗" };
                let verdict = if *passed { "passed" } else { "failed" };
                let _ = writeln!(out, "{mark} {} {verdict}", part_name(*part, name));
            }
        }
        out
    }
}

fn part_name(part: Part, name: &str) -> String {
    match part {
        Part::Journey => format!("journey {}", printable(name)),
        Part::OnStart => "on_start".to_owned(),
        Part::OnStop => "on_stop".to_owned(),
    }
}

fn request_text(out: &mut String, request: &SentRequest) {
    let _ = writeln!(
        out,
        "→ {} {}",
        printable(&request.method),
        printable(&request.url)
    );
    headers_text(out, &request.headers);
    body_text(
        out,
        &request.body,
        request.truncated.then_some(request.body_len as u64),
    );
}

fn response_text(out: &mut String, response: &ReceivedResponse) {
    let reason = reason(response.status).map_or(String::new(), |r| format!(" {r}"));
    let _ = write!(
        out,
        "← {}{reason} {} (",
        response.status,
        ms(response.total)
    );
    if let Some(connect) = response.connect {
        let _ = write!(out, "connect {}, ", ms(connect));
    }
    let _ = write!(out, "first byte {}", ms(response.first_byte));
    if response.redirects > 0 {
        let _ = write!(out, ", {} redirects followed", response.redirects);
    }
    let _ = writeln!(out, ")");
    headers_text(out, &response.headers);
    body_text(
        out,
        &response.body,
        response.truncated.then_some(response.body_len),
    );
}

fn headers_text(out: &mut String, headers: &[(String, String)]) {
    for (name, value) in headers {
        let _ = writeln!(out, "    {}: {}", printable(name), printable(value));
    }
}

/// The body's lines indented, each escaped (a `\r` or an escape sequence
/// shows as `\u{..}`); a cut one says how long the whole was.
fn body_text(out: &mut String, body: &str, cut_of: Option<u64>) {
    if body.is_empty() {
        return;
    }
    out.push_str("    \n");
    for line in body.lines() {
        let _ = writeln!(out, "    {}", printable(line));
    }
    if let Some(whole) = cut_of {
        let _ = writeln!(out, "    … (the first {} bytes of {whole})", body.len());
    }
}

fn expectation_text(out: &mut String, result: &ExpectationResult) {
    let what = printable(&result.what);
    match &result.failure {
        None => {
            let _ = writeln!(out, "  expect {what} ✓");
        }
        Some(why) => {
            let _ = writeln!(out, "  expect {what} ✗ {}", printable(why));
        }
    }
}

/// `4.21ms`, as the summary's tables show durations.
fn ms(d: Duration) -> String {
    duration_us(u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// The reason phrase of the common statuses (the wire's own is not kept).
fn reason(status: u16) -> Option<&'static str> {
    Some(match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_shows_status_reason_timings_and_escaped_body() {
        let mut renderer = Renderer::default();
        let text = renderer.render(&DebugEvent::ResponseReceived(Box::new(ReceivedResponse {
            status: 201,
            headers: vec![("content-type".into(), "application/json".into())],
            body: "{\"id\": 42}\n\u{1b}]0;owned\u{7}".into(),
            body_len: 5000,
            truncated: true,
            connect: Some(Duration::from_micros(300)),
            first_byte: Duration::from_micros(4_000),
            total: Duration::from_micros(4_200),
            redirects: 0,
        })));
        assert_eq!(
            text,
            "← 201 Created 4.20ms (connect 300µs, first byte 4.00ms)\n    content-type: application/json\n    \n    {\"id\": 42}\n    \\u{1b}]0;owned\\u{7}\n    … (the first 21 bytes of 5000)\n"
        );
    }

    #[test]
    fn the_tally_counts_journeys_and_failed_hooks() {
        let mut renderer = Renderer::default();
        for (part, passed) in [
            (Part::OnStart, false),
            (Part::Journey, true),
            (Part::Journey, false),
        ] {
            renderer.render(&DebugEvent::PartStarted {
                part,
                name: "j".into(),
            });
            let text = renderer.render(&DebugEvent::PartEnded {
                part,
                name: "j".into(),
                passed,
            });
            assert!(text.starts_with(if passed { "✓" } else { "✗" }), "{text}");
        }
        assert_eq!(
            renderer.tally.line(),
            "journeys: 1 passed, 1 failed; 1 on_start/on_stop failed"
        );
        assert!(!renderer.tally.all_passed());
    }
}
