//! One journey iteration's W3C trace context: its trace id, the root span
//! the iteration stands for, whether it is sampled, and the `traceparent`
//! header text, rewritten in place for each request's span.
//!
//! Written per request with no formatting machinery and no allocation:
//! the trace id's digits are written once per iteration, a request only
//! rewrites the 16 digits of its span id.

use starling_metrics::{SpanId, TraceId};

/// `00-` + 32 + `-` + 16 + `-` + 2.
const HEADER_LEN: usize = 55;
const TRACE_AT: usize = 3;
const SPAN_AT: usize = 36;
const FLAGS_AT: usize = 53;

#[derive(Debug, Clone)]
pub(crate) struct TraceContext {
    pub(crate) trace: TraceId,
    /// The `traceparent` sampled flag, drawn once per iteration with the
    /// run's sample ratio, so a system that samples by its parent traces
    /// that share of the load test and no more.
    pub(crate) sampled: bool,
    /// The header with the root span's id: each request's copies it and
    /// writes its own span id.
    header: [u8; HEADER_LEN],
}

impl TraceContext {
    /// A new trace. `ids` is a generator seeded from the OS, never the
    /// run's `--seed`: two seeded runs must not send the same trace ids
    /// to one tracing backend, and drawing ids from the user's generator
    /// would change its choices when tracing is turned on or off.
    pub(crate) fn new(ids: &mut fastrand::Rng, sample: f64) -> TraceContext {
        let trace = TraceId(nonzero(|| ids.u128(..)));
        // The iteration's own span: the parent id of the header's
        // template, replaced by each request's span.
        let root = span_id(ids);
        // `f64()` is in [0, 1): a ratio of 0 samples none, 1 all.
        let sampled = ids.f64() < sample;
        let mut header = [0u8; HEADER_LEN];
        header[..TRACE_AT].copy_from_slice(b"00-");
        let digits: &mut [u8; 32] = (&mut header[TRACE_AT..TRACE_AT + 32])
            .try_into()
            .expect("32 digits");
        trace.write_hex(digits);
        header[TRACE_AT + 32] = b'-';
        header[FLAGS_AT - 1] = b'-';
        header[FLAGS_AT..].copy_from_slice(if sampled { b"01" } else { b"00" });
        write_span(&mut header, root);
        TraceContext {
            trace,
            sampled,
            header,
        }
    }

    /// A fresh span id for the next request, and its header.
    pub(crate) fn next_span(&self, ids: &mut fastrand::Rng) -> Traceparent {
        let span = span_id(ids);
        let mut header = self.header;
        write_span(&mut header, span);
        Traceparent { span, header }
    }
}

/// The `traceparent` of one request: a copy of the iteration's header with
/// the request's span id, owned by the request (55 bytes on its stack), so
/// the iteration stays free to change while the request is on the wire.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Traceparent {
    pub(crate) span: SpanId,
    header: [u8; HEADER_LEN],
}

impl Traceparent {
    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII digits, letters and dashes are ever written.
        std::str::from_utf8(&self.header).unwrap_or_default()
    }
}

fn write_span(header: &mut [u8; HEADER_LEN], span: SpanId) {
    let digits: &mut [u8; 16] = (&mut header[SPAN_AT..SPAN_AT + 16])
        .try_into()
        .expect("16 digits");
    span.write_hex(digits);
}

fn span_id(ids: &mut fastrand::Rng) -> SpanId {
    SpanId(nonzero(|| ids.u64(..)))
}

/// W3C forbids all-zero ids; a zero draw (one in 2^64) is drawn again.
fn nonzero<T: Default + PartialEq>(mut draw: impl FnMut() -> T) -> T {
    loop {
        let value = draw();
        if value != T::default() {
            return value;
        }
    }
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
        let mut ids = fastrand::Rng::with_seed(1);
        let context = TraceContext::new(&mut ids, 1.0);
        let (trace, root, flags) = parse(std::str::from_utf8(&context.header).unwrap());
        assert_eq!(trace, context.trace.to_string());
        assert_eq!(flags, "01");
        let first = context.next_span(&mut ids);
        let second = context.next_span(&mut ids);
        assert_eq!(first.as_str().len(), HEADER_LEN);
        for sent in [first, second] {
            let (again, span, flags) = parse(sent.as_str());
            assert_eq!(again, trace);
            assert_eq!(span, sent.span.to_string());
            assert_eq!(flags, "01");
            assert_ne!(sent.span.to_string(), root);
        }
        assert_ne!(first.span, second.span);
    }

    #[test]
    fn the_sampled_flag_follows_the_ratio() {
        let mut ids = fastrand::Rng::with_seed(2);
        let sampled = (0..10_000)
            .filter(|_| TraceContext::new(&mut ids, 0.1).sampled)
            .count();
        assert!((800..1200).contains(&sampled), "{sampled}");
        assert!(!TraceContext::new(&mut ids, 0.0).sampled);
        assert!(TraceContext::new(&mut ids, 1.0).sampled);
        let unsampled = TraceContext::new(&mut ids, 0.0);
        assert!(unsampled.next_span(&mut ids).as_str().ends_with("-00"));
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
