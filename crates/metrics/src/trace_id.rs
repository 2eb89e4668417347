//! W3C trace and span ids: what a failure example and a kept journey
//! carry to find their trace in the services' logs and tracing backend.
//!
//! One type per id, so a span id is never passed where a trace id is
//! meant. Both serialise as the lowercase hex of the `traceparent` header
//! (32 and 16 digits), the form every tracing backend searches by.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A 16-byte trace id. Zero is not a valid trace id (W3C Trace Context).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TraceId(pub u128);

/// An 8-byte span (parent) id. Zero is not a valid span id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SpanId(pub u64);

/// The 16 hex digits of `value`, most significant first, computed eight
/// digits at a time in a `u64` (no table, no loop per digit: the engine
/// writes a span id per request and a trace id per journey).
fn hex16(value: u64) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&hex8((value >> 32) as u32));
    out[8..].copy_from_slice(&hex8(value as u32));
    out
}

fn hex8(value: u32) -> [u8; 8] {
    // Spread the eight nibbles into the eight bytes of a u64, the most
    // significant nibble in the most significant byte.
    let mut x = u64::from(value);
    x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
    x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    // 0x01 in each byte whose nibble is 10 or more: those become letters.
    let letters = ((x + 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
    // '0' + n for digits; 'a' - 10 + n = '0' + n + 39 for letters.
    (x + 0x3030_3030_3030_3030 + letters * 39).to_be_bytes()
}

impl TraceId {
    /// Its 32 hex digits, as written in `traceparent`.
    pub fn write_hex(self, out: &mut [u8; 32]) {
        out[..16].copy_from_slice(&hex16((self.0 >> 64) as u64));
        out[16..].copy_from_slice(&hex16(self.0 as u64));
    }

    /// The 16 bytes OTLP carries, most significant first.
    pub fn to_bytes(self) -> [u8; 16] {
        self.0.to_be_bytes()
    }

    pub fn is_valid(self) -> bool {
        self.0 != 0
    }
}

impl SpanId {
    /// Its 16 hex digits, as written in `traceparent`.
    pub fn write_hex(self, out: &mut [u8; 16]) {
        *out = hex16(self.0);
    }

    /// The 8 bytes OTLP carries, most significant first.
    pub fn to_bytes(self) -> [u8; 8] {
        self.0.to_be_bytes()
    }

    pub fn is_valid(self) -> bool {
        self.0 != 0
    }
}

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Why a text is not an id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected {digits} lowercase hex digits, not all zero: {text:?}")]
pub struct IdError {
    digits: usize,
    text: String,
}

fn parse(text: &str, digits: usize) -> Result<u128, IdError> {
    let error = || IdError {
        digits,
        text: text.to_owned(),
    };
    let hex = text.len() == digits
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !hex {
        return Err(error());
    }
    match u128::from_str_radix(text, 16) {
        Ok(0) | Err(_) => Err(error()),
        Ok(value) => Ok(value),
    }
}

impl FromStr for TraceId {
    type Err = IdError;

    fn from_str(text: &str) -> Result<Self, IdError> {
        parse(text, 32).map(TraceId)
    }
}

impl FromStr for SpanId {
    type Err = IdError;

    fn from_str(text: &str) -> Result<Self, IdError> {
        // 16 hex digits always fit a u64.
        parse(text, 16).map(|v| SpanId(v as u64))
    }
}

macro_rules! serde_as_hex {
    ($id:ty) => {
        impl Serialize for $id {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $id {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

serde_as_hex!(TraceId);
serde_as_hex!(SpanId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_the_traceparent_form_and_reads_back() {
        let trace = TraceId(0x0af7651916cd43dd8448eb211c80319c);
        let mut out = [0; 32];
        trace.write_hex(&mut out);
        assert_eq!(&out, b"0af7651916cd43dd8448eb211c80319c");
        assert_eq!(trace.to_string().as_bytes(), &out);
        assert_eq!("0af7651916cd43dd8448eb211c80319c".parse(), Ok(trace));
        let span = SpanId(0xb7ad6b7169203331);
        let mut out = [0; 16];
        span.write_hex(&mut out);
        assert_eq!(&out, b"b7ad6b7169203331");
        assert_eq!(SpanId(1).to_string(), "0000000000000001");
        assert_eq!(span.to_bytes()[0], 0xb7);
    }

    #[test]
    fn word_at_a_time_hex_agrees_with_format() {
        let mut rng = 0x9E37_79B9_7F4A_7C15_u64;
        for value in [0, 1, 9, 10, 15, 16, u64::MAX, 0x0123_4567_89ab_cdef]
            .into_iter()
            .chain((0..10_000).map(|_| {
                rng = rng.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                rng
            }))
        {
            assert_eq!(
                hex16(value),
                format!("{value:016x}").as_bytes(),
                "{value:x}"
            );
        }
    }

    #[test]
    fn zero_short_and_upper_case_ids_are_refused() {
        assert!("0".repeat(32).parse::<TraceId>().is_err());
        assert!("abc".parse::<TraceId>().is_err());
        assert!(
            "0AF7651916CD43DD8448EB211C80319C"
                .parse::<TraceId>()
                .is_err()
        );
        assert!("0".repeat(16).parse::<SpanId>().is_err());
        assert!("+000000000000001".parse::<SpanId>().is_err());
    }

    #[test]
    fn serialised_as_hex_strings() {
        let json = serde_json::to_string(&TraceId(255)).unwrap();
        assert_eq!(json, format!("\"{}ff\"", "0".repeat(30)));
        assert_eq!(
            serde_json::from_str::<TraceId>(&json).unwrap(),
            TraceId(255)
        );
        assert!(serde_json::from_str::<SpanId>("\"zz\"").is_err());
    }
}
