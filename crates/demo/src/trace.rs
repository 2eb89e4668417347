//! W3C trace context as the demo services read and pass it on: the
//! incoming `traceparent`, parsed or replaced by a new trace, and the
//! context a server span hands to its inner calls.

use std::fmt::Write as _;

/// One hop's trace context: the trace, the span that is the parent of
/// whatever this hop starts, and the trace flags (the sampled bit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TraceContext {
    pub(crate) trace_id: u128,
    pub(crate) span_id: u64,
    pub(crate) flags: u8,
}

impl TraceContext {
    /// Parses `00-<32 hex>-<16 hex>-<2 hex>` (lower-case, as W3C Trace
    /// Context level 1 requires); `None` for anything else, including the
    /// all-zero ids the spec calls invalid and the reserved version `ff`.
    /// A later version is read by its first four fields, as the spec asks.
    pub(crate) fn parse(text: &str) -> Option<TraceContext> {
        let mut parts = text.trim().split('-');
        let version = parts.next()?;
        let trace = parts.next()?;
        let span = parts.next()?;
        let flags = parts.next()?;
        if version.len() != 2 || !is_lower_hex(version) || version == "ff" {
            return None;
        }
        if version == "00" && parts.next().is_some() {
            return None;
        }
        if trace.len() != 32 || span.len() != 16 || flags.len() != 2 {
            return None;
        }
        if !is_lower_hex(trace) || !is_lower_hex(span) || !is_lower_hex(flags) {
            return None;
        }
        let trace_id = u128::from_str_radix(trace, 16).ok()?;
        let span_id = u64::from_str_radix(span, 16).ok()?;
        let flags = u8::from_str_radix(flags, 16).ok()?;
        (trace_id != 0 && span_id != 0).then_some(TraceContext {
            trace_id,
            span_id,
            flags,
        })
    }

    /// The context a request without a valid `traceparent` starts: a new
    /// trace, sampled, with no parent (the span id is filled in by the
    /// server span).
    pub(crate) fn fresh_trace_id() -> u128 {
        loop {
            let id = fastrand::u128(..);
            if id != 0 {
                return id;
            }
        }
    }

    /// The `traceparent` text of this context.
    pub(crate) fn header(&self) -> String {
        let mut out = String::with_capacity(55);
        let _ = write!(
            out,
            "00-{:032x}-{:016x}-{:02x}",
            self.trace_id, self.span_id, self.flags
        );
        out
    }
}

/// A fresh, non-zero span id.
pub(crate) fn fresh_span_id() -> u64 {
    loop {
        let id = fastrand::u64(..);
        if id != 0 {
            return id;
        }
    }
}

fn is_lower_hex(text: &str) -> bool {
    text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Reads a 32-digit hex trace id, as `/admin/traces?trace_id=` takes it
/// (either case, as people paste them from other tools).
pub(crate) fn parse_trace_id(text: &str) -> Option<u128> {
    let text = text.trim();
    if text.len() != 32 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u128::from_str_radix(text, 16).ok().filter(|id| *id != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn reads_the_spec_example_and_writes_it_back() {
        let context = TraceContext::parse(VALID);
        assert_eq!(
            context,
            Some(TraceContext {
                trace_id: 0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736,
                span_id: 0x00f0_67aa_0ba9_02b7,
                flags: 1,
            })
        );
        assert_eq!(context.map(|c| c.header()).as_deref(), Some(VALID));
    }

    #[test]
    fn refuses_malformed_headers() {
        for bad in [
            "",
            "garbage",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",
        ] {
            assert_eq!(TraceContext::parse(bad), None, "{bad:?}");
        }
        // A future version may add fields after the four it shares.
        assert!(
            TraceContext::parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x")
                .is_some()
        );
    }

    #[test]
    fn trace_ids_from_a_query_take_either_case() {
        assert_eq!(
            parse_trace_id("4BF92F3577B34DA6A3CE929D0E0E4736"),
            Some(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736)
        );
        assert_eq!(parse_trace_id("4bf9"), None);
        assert_eq!(parse_trace_id("00000000000000000000000000000000"), None);
        assert_eq!(parse_trace_id("zz f92f3577b34da6a3ce929d0e0e4736"), None);
    }
}
