//! One journey iteration's W3C trace context: its trace id, the root span
//! the iteration stands for, whether it is sampled, and the `traceparent`
//! header text, rewritten in place for each request's span.
//!
//! Written per request with no formatting machinery and no allocation:
//! the trace id's digits are written once per iteration (half of them once
//! per worker), a request only rewrites the 16 digits of its span id.

use std::cell::Cell;

use starling_metrics::{SpanId, TraceId};

/// `00-` + 32 + `-` + 16 + `-` + 2.
const HEADER_LEN: usize = 55;
/// The header's buffer, padded to a multiple of 16 bytes with ASCII, so
/// turning it into a `&str` takes the word-at-a-time path of UTF-8
/// validation to its end.
const BUF_LEN: usize = 64;
const TRACE_AT: usize = 3;
const LOW_AT: usize = TRACE_AT + 16;
const SPAN_AT: usize = 36;
const FLAGS_AT: usize = 53;

/// A worker's trace ids. The high half of each is random per worker (and
/// so per run and per process); the low half is a per-worker count mixed
/// by a bijection, so no two iterations of a worker share a trace id and
/// the ids still look random where backends sample by them (the right).
/// Only 16 of the 32 digits are then written per iteration.
#[derive(Debug)]
pub(crate) struct TraceIds {
    high: u64,
    key: u64,
    count: Cell<u64>,
    /// `00-`, the high half's digits, the dashes: each header starts as it.
    template: [u8; BUF_LEN],
    /// The share sampled, as a bound on a random `u64` (`None`: all).
    below: Option<u64>,
}

impl TraceIds {
    /// `seed` is from the OS, never the run's `--seed`: two seeded runs
    /// must not send the same trace ids to one tracing backend.
    pub(crate) fn new(seed: u64, sample: f64) -> TraceIds {
        let mut seeds = fastrand::Rng::with_seed(seed);
        let high = seeds.u64(1..);
        let mut template = [b'0'; BUF_LEN];
        template[..TRACE_AT].copy_from_slice(b"00-");
        let digits: &mut [u8; 16] = (&mut template[TRACE_AT..LOW_AT])
            .try_into()
            .expect("16 digits");
        SpanId(high).write_hex(digits);
        template[SPAN_AT - 1] = b'-';
        template[FLAGS_AT - 1] = b'-';
        TraceIds {
            high,
            key: seeds.u64(..),
            count: Cell::new(0),
            template,
            // A ratio of 1 samples every draw, 0 none.
            below: (sample < 1.0).then(|| (sample.max(0.0) * 2f64.powi(64)) as u64),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct TraceContext {
    pub(crate) trace: TraceId,
    /// The iteration's own span (the journey's span when exported): every
    /// request span's parent.
    pub(crate) root: SpanId,
    /// The `traceparent` sampled flag, drawn once per iteration with the
    /// run's sample ratio, so a system that samples by its parent traces
    /// that share of the load test and no more.
    pub(crate) sampled: bool,
    /// The trace id's low half in hex (the high half is in the worker's
    /// template): a request's header is the template, these, its span.
    low_hex: [u8; 16],
}

impl TraceContext {
    /// A new trace. `ids` is the user's id generator, seeded from the OS:
    /// drawing from its seeded generator would change a seeded run's
    /// choices when tracing is turned on or off.
    pub(crate) fn new(traces: &TraceIds, ids: &mut fastrand::Rng) -> TraceContext {
        let n = traces.count.get();
        traces.count.set(n.wrapping_add(1));
        let low = mix(n ^ traces.key);
        let trace = TraceId((u128::from(traces.high) << 64) | u128::from(low));
        let root = span_id(ids);
        let sampled = traces.below.is_none_or(|below| ids.u64(..) < below);
        let mut low_hex = [0u8; 16];
        SpanId(low).write_hex(&mut low_hex);
        TraceContext {
            trace,
            root,
            sampled,
            low_hex,
        }
    }

    /// A fresh span id for the next request, and its header. (The root
    /// span is never sent: only the requests' spans are.)
    #[inline]
    pub(crate) fn next_span(&self, traces: &TraceIds, ids: &mut fastrand::Rng) -> Traceparent {
        let span = span_id(ids);
        let mut header = traces.template;
        header[LOW_AT..SPAN_AT - 1].copy_from_slice(&self.low_hex);
        write_span(&mut header, span);
        header[FLAGS_AT..HEADER_LEN].copy_from_slice(if self.sampled { b"01" } else { b"00" });
        Traceparent { span, header }
    }
}

/// SplitMix64's finaliser: a bijection of `u64`, so distinct counts give
/// distinct, random-looking values.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The `traceparent` of one request: a copy of the iteration's header with
/// the request's span id, owned by the request (on its stack), so the
/// iteration stays free to change while the request is on the wire.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Traceparent {
    pub(crate) span: SpanId,
    header: [u8; BUF_LEN],
}

impl Traceparent {
    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII digits, letters and dashes are ever written; the
        // padding is validated with it (the faster path) and cut off.
        std::str::from_utf8(&self.header)
            .ok()
            .and_then(|all| all.get(..HEADER_LEN))
            .unwrap_or_default()
    }
}

fn write_span(header: &mut [u8; BUF_LEN], span: SpanId) {
    let digits: &mut [u8; 16] = (&mut header[SPAN_AT..SPAN_AT + 16])
        .try_into()
        .expect("16 digits");
    span.write_hex(digits);
}

/// W3C forbids an all-zero span id.
fn span_id(ids: &mut fastrand::Rng) -> SpanId {
    SpanId(ids.u64(1..))
}

/// Writes the `baggage` value for one request into `out`: the journey
/// and the request's name, percent-encoded as W3C Baggage asks.
pub(crate) fn baggage(out: &mut String, journey: &str, step: &str) {
    out.clear();
    out.push_str("starling.journey=");
    percent_encode(out, journey);
    out.push_str(",starling.step=");
    percent_encode(out, step);
}

fn percent_encode(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(header: &str) -> (String, String, String) {
        let parts: Vec<&str> = header.split('-').collect();
        assert_eq!(parts.len(), 4, "{header}");
        assert_eq!(parts[0], "00");
        (parts[1].into(), parts[2].into(), parts[3].into())
    }

    #[test]
    fn a_header_per_span_with_the_iteration_trace() {
        let traces = TraceIds::new(7, 1.0);
        let mut ids = fastrand::Rng::with_seed(1);
        let context = TraceContext::new(&traces, &mut ids);
        let first = context.next_span(&traces, &mut ids);
        let second = context.next_span(&traces, &mut ids);
        assert_eq!(first.as_str().len(), HEADER_LEN);
        for sent in [first, second] {
            let (trace, span, flags) = parse(sent.as_str());
            assert_eq!(trace, context.trace.to_string());
            assert_eq!(span, sent.span.to_string());
            assert_eq!(flags, "01");
            assert_ne!(sent.span, context.root);
        }
        assert_ne!(first.span, second.span);
    }

    #[test]
    fn trace_ids_of_a_worker_never_repeat_and_workers_differ() {
        let traces = TraceIds::new(1, 0.0);
        let mut ids = fastrand::Rng::with_seed(2);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..100_000 {
            let trace = TraceContext::new(&traces, &mut ids).trace;
            assert!(trace.is_valid());
            assert!(seen.insert(trace), "{trace} twice");
        }
        let other = TraceIds::new(2, 0.0);
        let trace = TraceContext::new(&other, &mut ids).trace;
        assert!(!seen.contains(&trace));
        assert_ne!(trace.0 >> 64, traces.high.into());
    }

    #[test]
    fn the_sampled_flag_follows_the_ratio() {
        let mut ids = fastrand::Rng::with_seed(2);
        let tenth = TraceIds::new(3, 0.1);
        let sampled = (0..10_000)
            .filter(|_| TraceContext::new(&tenth, &mut ids).sampled)
            .count();
        assert!((800..1200).contains(&sampled), "{sampled}");
        let none = TraceIds::new(3, 0.0);
        assert!((0..1000).all(|_| !TraceContext::new(&none, &mut ids).sampled));
        let all = TraceIds::new(3, 1.0);
        assert!((0..1000).all(|_| TraceContext::new(&all, &mut ids).sampled));
        let unsampled = TraceContext::new(&none, &mut ids);
        assert!(
            unsampled
                .next_span(&none, &mut ids)
                .as_str()
                .ends_with("-00")
        );
    }

    #[test]
    fn baggage_is_percent_encoded() {
        let mut out = String::from("old");
        baggage(&mut out, "check out", "POST /orders,x=1");
        assert_eq!(
            out,
            "starling.journey=check%20out,starling.step=POST%20%2Forders%2Cx%3D1"
        );
    }
}
