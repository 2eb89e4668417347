//! The steps one journey iteration ran, recorded as it runs: the raw
//! material of a kept sample and of exported spans.
//!
//! Recording is on every request's path, so a record is plain data (ids,
//! instants, durations) and the request's path is copied into one text
//! buffer the chain reuses; names, full URLs and redaction wait until an
//! iteration is kept, which few are. Chains are lent by the worker's
//! [`ChainPool`], so a journey allocates nothing for its chain once the
//! pool is warm, and an idle user holds none.

use std::cell::RefCell;
use std::time::Duration;

use starling_metrics::{FailureCategory, SAMPLE_STEPS_MAX, SpanId};
use starling_scenario::{Base, RequestId};
use tokio::time::Instant;

/// Text a chain holds before it compacts (a journey looping over
/// thousands of requests keeps only its first and last records' text).
const TEXT_COMPACT_AT: usize = 16 * 1024;
/// Chains a worker keeps for reuse; more are freed when they come back.
const POOL_MAX: usize = 256;
/// Distinct secrets one chain notes; past this its sample keeps no URL or
/// message (one that could show a secret not noted).
const SECRETS_MAX: usize = 256;

/// Where a recorded URL is resolved. Small and `Copy`: one is stored per
/// request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UrlBase {
    /// The text is a path on the scenario's target.
    Target,
    /// The text is a path on this service's base URL.
    Service(u32),
    /// The text is the whole URL.
    Absolute,
}

impl UrlBase {
    pub(crate) fn of(base: &Base) -> UrlBase {
        match base {
            Base::Target => UrlBase::Target,
            Base::Service(id) => UrlBase::Service(u32::try_from(*id).unwrap_or(u32::MAX)),
            Base::Absolute => UrlBase::Absolute,
        }
    }

    /// The plan's base, whose origin is looked up when a sample is built
    /// (not copied per request).
    pub(crate) fn base(self) -> Option<Base> {
        match self {
            UrlBase::Target => Some(Base::Target),
            UrlBase::Service(id) => Some(Base::Service(id as usize)),
            UrlBase::Absolute => None,
        }
    }
}

/// No request: a failure that sent nothing.
const NO_REQUEST: u32 = u32::MAX;

/// One step of an iteration, kept small (about 100 bytes): ids as
/// integers, an absent status or span as 0, texts as ranges of the
/// chain's buffer.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub(crate) started: Instant,
    pub(crate) connect: Option<Duration>,
    pub(crate) ttfb: Option<Duration>,
    pub(crate) total: Duration,
    span: u64,
    request: u32,
    step: u32,
    url: (u32, u32),
    message: (u32, u32),
    pub(crate) base: UrlBase,
    status: u16,
    pub(crate) failure: Option<FailureCategory>,
}

impl Record {
    /// `None`: a failure that sent nothing (a template, an expression, a
    /// data source, a poll that never settled).
    pub(crate) fn request(&self) -> Option<RequestId> {
        (self.request != NO_REQUEST).then_some(self.request as usize)
    }

    /// The top-level step it ran in.
    pub(crate) fn step(&self) -> usize {
        self.step as usize
    }

    /// The request's span (its `traceparent` parent id), if one was sent.
    pub(crate) fn span(&self) -> Option<SpanId> {
        (self.span != 0).then_some(SpanId(self.span))
    }

    pub(crate) fn status(&self) -> Option<u16> {
        (self.status != 0).then_some(self.status)
    }
}

/// What a request step tells its chain.
#[derive(Debug)]
pub(crate) struct Sent<'a> {
    pub(crate) request: RequestId,
    pub(crate) span: Option<SpanId>,
    pub(crate) started: Instant,
    pub(crate) status: Option<u16>,
    pub(crate) connect: Option<Duration>,
    pub(crate) ttfb: Option<Duration>,
    pub(crate) total: Duration,
    pub(crate) failure: Option<FailureCategory>,
    pub(crate) base: UrlBase,
    pub(crate) url: &'a str,
    /// Empty unless it failed.
    pub(crate) message: &'a str,
}

/// The records of one iteration, in the order they ran.
#[derive(Debug, Default)]
pub(crate) struct Chain {
    records: Vec<Record>,
    text: String,
    /// Records dropped from the middle of a long chain.
    pub(crate) omitted: u64,
    /// Values the requests sent that a kept sample must redact: secret
    /// headers (name and value), secret body fields (no name).
    secrets: Vec<((u32, u32), (u32, u32))>,
    /// More distinct secrets than `SECRETS_MAX` were sent.
    pub(crate) too_many_secrets: bool,
    /// Text length that triggers a compaction: twice what the last one
    /// left, so compacting stays rare however long the kept URLs are.
    compact_at: usize,
}

impl Chain {
    pub(crate) fn records(&self) -> &[Record] {
        &self.records
    }

    pub(crate) fn url(&self, record: &Record) -> &str {
        self.slice(record.url)
    }

    pub(crate) fn message(&self, record: &Record) -> &str {
        self.slice(record.message)
    }

    fn slice(&self, (start, end): (u32, u32)) -> &str {
        self.text
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// Notes a secret value a request sent (`name` empty for a body field).
    pub(crate) fn note_secret(&mut self, name: &str, value: &str) {
        let known = self
            .secrets
            .iter()
            .any(|&(n, v)| self.slice(v) == value && self.slice(n).eq_ignore_ascii_case(name));
        if known {
            return;
        }
        if self.secrets.len() == SECRETS_MAX {
            self.too_many_secrets = true;
            return;
        }
        let name = self.push_text(name);
        let value = self.push_text(value);
        self.secrets.push((name, value));
    }

    /// The noted secrets: (header name or empty, value).
    pub(crate) fn secrets(&self) -> impl Iterator<Item = (&str, &str)> {
        self.secrets
            .iter()
            .map(|&(n, v)| (self.slice(n), self.slice(v)))
    }

    /// Records a request sent in top-level step `step`.
    #[inline]
    pub(crate) fn sent(&mut self, step: usize, sent: &Sent<'_>) {
        let url = self.push_text(sent.url);
        let message = if sent.message.is_empty() {
            (0, 0)
        } else {
            self.push_text(sent.message)
        };
        self.push(Record {
            started: sent.started,
            connect: sent.connect,
            ttfb: sent.ttfb,
            total: sent.total,
            span: sent.span.map_or(0, |s| s.0),
            request: u32::try_from(sent.request).unwrap_or(NO_REQUEST - 1),
            step: u32::try_from(step).unwrap_or(u32::MAX),
            url,
            message,
            base: sent.base,
            status: sent.status.unwrap_or(0),
            failure: sent.failure,
        });
    }

    /// Records a failure that sent nothing: `what` names it (the
    /// request's URL template, a data source), `message` says why.
    pub(crate) fn failed(
        &mut self,
        step: usize,
        category: FailureCategory,
        what: &str,
        message: &str,
    ) {
        let url = self.push_text(what);
        let message = self.push_text(message);
        self.push(Record {
            started: Instant::now(),
            connect: None,
            ttfb: None,
            total: Duration::ZERO,
            span: 0,
            request: NO_REQUEST,
            step: u32::try_from(step).unwrap_or(u32::MAX),
            url,
            message,
            base: UrlBase::Absolute,
            status: 0,
            failure: Some(category),
        });
    }

    #[inline]
    fn push(&mut self, record: Record) {
        if self.records.len() == SAMPLE_STEPS_MAX {
            // Keep the first half and the latest: the start says what the
            // user did, the end where it failed.
            self.records.remove(SAMPLE_STEPS_MAX / 2);
            self.omitted += 1;
        }
        self.records.push(record);
    }

    #[inline]
    fn push_text(&mut self, text: &str) -> (u32, u32) {
        if self.text.len() + text.len() > self.compact_at.max(TEXT_COMPACT_AT) {
            self.compact();
            self.compact_at = self.text.len() * 2;
        }
        let start = self.text.len();
        self.text.push_str(text);
        (to_u32(start), to_u32(self.text.len()))
    }

    /// Rewrites the text with only what the kept records use.
    fn compact(&mut self) {
        let mut text = String::with_capacity(self.text.len() / 2);
        let ranges = self
            .records
            .iter_mut()
            .flat_map(|r| [&mut r.url, &mut r.message])
            .chain(self.secrets.iter_mut().flat_map(|(n, v)| [n, v]));
        for range in ranges {
            let start = text.len();
            text.push_str(
                self.text
                    .get(range.0 as usize..range.1 as usize)
                    .unwrap_or_default(),
            );
            *range = (to_u32(start), to_u32(text.len()));
        }
        self.text = text;
    }

    fn clear(&mut self) {
        self.records.clear();
        self.text.clear();
        self.omitted = 0;
        self.compact_at = 0;
        self.secrets.clear();
        self.too_many_secrets = false;
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A worker's spare chains. Single-threaded like the worker; borrowed
/// only for a pop or a push, never across an await.
#[derive(Debug, Default)]
pub(crate) struct ChainPool(RefCell<Vec<Chain>>);

impl ChainPool {
    pub(crate) fn lend(&self) -> Chain {
        self.0.borrow_mut().pop().unwrap_or_default()
    }

    pub(crate) fn give_back(&self, mut chain: Chain) {
        chain.clear();
        let mut pool = self.0.borrow_mut();
        // A chain grown by a long journey is freed rather than kept.
        if pool.len() < POOL_MAX && chain.text.capacity() <= TEXT_COMPACT_AT * 2 {
            pool.push(chain);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(chain: &mut Chain, step: usize, url: &str) {
        chain.sent(
            step,
            &Sent {
                request: 0,
                span: None,
                started: Instant::now(),
                status: Some(200),
                connect: None,
                ttfb: None,
                total: Duration::from_millis(1),
                failure: None,
                base: UrlBase::Target,
                url,
                message: "",
            },
        );
    }

    #[test]
    fn a_long_chain_keeps_its_start_and_its_end_and_bounded_text() {
        let mut chain = Chain::default();
        let long = "/x".repeat(300);
        for step in 0..1000 {
            sent(&mut chain, step, &format!("{long}/{step}"));
        }
        chain.failed(1000, FailureCategory::Template, "/y/{{ z }}", "undefined z");
        let records = chain.records();
        assert_eq!(records.len(), SAMPLE_STEPS_MAX);
        assert_eq!(chain.omitted, 1001 - SAMPLE_STEPS_MAX as u64);
        assert_eq!(chain.url(&records[0]), format!("{long}/0"));
        assert_eq!(chain.url(&records[31]), format!("{long}/31"));
        assert_eq!(chain.url(&records[62]), format!("{long}/999"));
        assert_eq!(chain.message(records.last().unwrap()), "undefined z");
        // 1,000 URLs of 600 bytes, of which 64 are kept.
        assert!(chain.text.len() < 200_000, "{}", chain.text.len());
    }

    #[test]
    fn secrets_are_noted_once_and_survive_compaction() {
        let mut chain = Chain::default();
        for step in 0..500 {
            chain.note_secret("Authorization", "Bearer tok-123");
            chain.note_secret("", "pw-456");
            sent(&mut chain, step, &"/p".repeat(100));
        }
        let secrets: Vec<(&str, &str)> = chain.secrets().collect();
        assert_eq!(
            secrets,
            [("Authorization", "Bearer tok-123"), ("", "pw-456")]
        );
        for n in 0..SECRETS_MAX {
            chain.note_secret("", &format!("value-{n}"));
        }
        assert!(chain.too_many_secrets);
    }

    #[test]
    fn lent_chains_come_back_empty() {
        let pool = ChainPool::default();
        let mut chain = pool.lend();
        sent(&mut chain, 0, "/a");
        pool.give_back(chain);
        let chain = pool.lend();
        assert!(chain.records().is_empty());
        assert!(chain.text.capacity() >= 2, "the buffer is reused");
    }
}
