//! The one minijinja environment every template and expression is compiled
//! against, with starling's functions.
//!
//! Why one `static` environment: a compiled minijinja `Expression` borrows
//! the environment it came from. With `Environment<'static>` in a `LazyLock`
//! and `compile_expression_owned` (which owns its source), a compiled
//! expression is `Expression<'static, 'static>`: it can live in a `Plan`,
//! be shared by every worker thread and evaluated without any lock. (Owned
//! *templates* would have to live inside an environment, whose template
//! store takes a mutex and bumps a shared `Arc` on every lookup, which is
//! why templates are split into text and expressions instead; see `lex`.)

use std::collections::BTreeSet;
use std::sync::LazyLock;
use std::time::{SystemTime, UNIX_EPOCH};

use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};

/// The environment: minijinja's builtin filters and tests, strict undefined
/// values, and starling's functions.
pub(crate) static ENV: LazyLock<Environment<'static>> = LazyLock::new(build);

/// Names that resolve to functions or globals, not to variables: not listed
/// by `variables()`. `env` is resolved at compile time but named here too.
pub(crate) static GLOBALS: LazyLock<BTreeSet<String>> = LazyLock::new(|| {
    let mut names: BTreeSet<String> = ENV.globals().map(|(name, _)| name.to_owned()).collect();
    names.insert("env".to_owned());
    names
});

/// Longest string `random_string(n)` makes: a typo must not allocate
/// gigabytes on every request.
const MAX_RANDOM_STRING: usize = 1 << 20;

fn build() -> Environment<'static> {
    let mut env = Environment::new();
    // An unset variable is an error, never an empty string in a request.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_function("uuid", uuid);
    env.add_function("random_int", random_int);
    env.add_function("random_string", random_string);
    env.add_function("now_ms", now_ms);
    // For `auth: { basic: [...] }` with templated credentials, and for
    // anyone building such a header by hand.
    env.add_filter("b64encode", b64encode);
    env
}

/// Standard base64 (with padding) of the text's UTF-8 bytes, as Basic
/// authentication (RFC 7617) encodes `user:password`.
fn b64encode(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// Runs `f` with the template functions (`uuid()`, `random_int`,
/// `random_string`) drawing from `rng`, a virtual user's seeded generator,
/// instead of the thread's: a run with `--seed` then makes the same ids and
/// numbers every time. The functions are registered once in a shared
/// environment and cannot take the generator as an argument, so it is
/// swapped into the thread's generator for the (synchronous) evaluation
/// and its state taken back after.
pub fn with_rng<R>(rng: &mut fastrand::Rng, f: impl FnOnce() -> R) -> R {
    let outside = fastrand::get_seed();
    fastrand::seed(rng.get_seed());
    let out = f();
    rng.seed(fastrand::get_seed());
    fastrand::seed(outside);
    out
}

/// A random (version 4) UUID in its hyphenated lower-case form.
fn uuid() -> String {
    let mut bytes: [u8; 16] = fastrand::u128(..).to_be_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    let mut out = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// A random integer in `[low, high]`, both ends included.
fn random_int(low: i64, high: i64) -> Result<i64, Error> {
    if low > high {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("random_int({low}, {high}): the first bound is above the second"),
        ));
    }
    Ok(fastrand::i64(low..=high))
}

/// `len` random ASCII letters and digits.
fn random_string(len: usize) -> Result<String, Error> {
    if len > MAX_RANDOM_STRING {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("random_string({len}): longer than the limit of {MAX_RANDOM_STRING}"),
        ));
    }
    Ok((0..len).map(|_| fastrand::alphanumeric()).collect())
}

/// Milliseconds since the Unix epoch.
fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_is_version_4_and_hyphenated() {
        let id = uuid();
        assert_eq!(id.len(), 36);
        let dashes: Vec<usize> = id.match_indices('-').map(|(i, _)| i).collect();
        assert_eq!(dashes, [8, 13, 18, 23]);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(uuid(), id);
    }

    #[test]
    fn random_int_is_inclusive_and_checks_bounds() {
        for _ in 0..200 {
            let n = random_int(1, 3).unwrap();
            assert!((1..=3).contains(&n));
        }
        assert_eq!(random_int(5, 5).unwrap(), 5);
        assert!(random_int(3, 1).is_err());
    }

    #[test]
    fn random_string_is_alphanumeric_of_the_length() {
        let s = random_string(32).unwrap();
        assert_eq!(s.len(), 32);
        assert!(s.chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(random_string(MAX_RANDOM_STRING + 1).is_err());
    }

    #[test]
    fn globals_list_functions() {
        for name in [
            "uuid",
            "random_int",
            "random_string",
            "now_ms",
            "env",
            "range",
        ] {
            assert!(GLOBALS.contains(name), "{name}");
        }
    }
}
