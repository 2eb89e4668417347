//! Durations (`500ms`, `10s`, `5m`, `1h`, `1m30s`), wait shapes
//! (`constant(2s)`, `between(1s, 5s)`, `pacing(10s)`, `exponential(3s)`) and
//! percentages (`99%`), as written in scenario files.

use std::time::Duration;

use crate::plan::Wait;

/// A value written in the format's own notation (a duration, a base URL)
/// that does not parse; the text says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub String);

/// Parses a duration as scenario files write it (`500ms`, `10s`, `5m`,
/// `1h`, `1m30s`), e.g. for command-line flags.
pub fn parse(text: &str) -> Result<Duration, InvalidValue> {
    parse_duration(text).map_err(InvalidValue)
}

/// Parses a duration: one or more `<number><unit>` parts, units `ms`, `s`,
/// `m`, `h`; a number may have a fraction (`1.5s`). Returns a message on
/// failure. Zero is accepted here; callers that need a positive duration
/// check for it so the message can say which field.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || {
        format!("invalid duration `{text}`: expected e.g. `500ms`, `10s`, `5m`, `1h` or `1m30s`")
    };
    let s = text.trim();
    if s.is_empty() {
        return Err(bad());
    }
    if s.starts_with('-') {
        return Err(format!(
            "invalid duration `{text}`: a duration cannot be negative"
        ));
    }
    let mut total = 0f64;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| {
                format!("invalid duration `{text}`: missing unit (`ms`, `s`, `m` or `h`)")
            })?;
        if num_len == 0 {
            return Err(bad());
        }
        let number: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        total += number * factor;
    }
    // Far beyond any test run: keeps Duration::from_secs_f64 from panicking.
    if !total.is_finite() || total > 1.0e9 {
        return Err(format!("invalid duration `{text}`: too long"));
    }
    Ok(Duration::from_secs_f64(total))
}

/// Parses `name(arg, arg)` into the name and its arguments, trimmed.
fn call(text: &str) -> Option<(&str, Vec<&str>)> {
    let s = text.trim();
    let open = s.find('(')?;
    let inner = s.strip_suffix(')')?.get(open + 1..)?;
    let name = s[..open].trim();
    let args = inner.split(',').map(str::trim).collect();
    Some((name, args))
}

/// The wait between journeys: a duration (constant), or one of the shapes.
pub(crate) fn parse_wait(text: &str) -> Result<Wait, String> {
    let shapes = "expected a duration, `constant(2s)`, `between(1s, 5s)`, `pacing(10s)` or `exponential(3s)`";
    let Some((name, args)) = call(text) else {
        if text.trim() == "none" {
            return Ok(Wait::None);
        }
        return parse_duration(text)
            .map(Wait::Constant)
            .map_err(|_| format!("invalid wait `{text}`: {shapes}"));
    };
    let one = |args: &[&str]| -> Result<Duration, String> {
        match args {
            [d] => parse_duration(d),
            _ => Err(format!("`{name}` takes one duration, e.g. `{name}(2s)`")),
        }
    };
    match name {
        "constant" => one(&args).map(Wait::Constant),
        "pacing" => positive(one(&args)?, name).map(Wait::Pacing),
        "exponential" => positive(one(&args)?, name).map(Wait::Exponential),
        "between" => match args.as_slice() {
            [a, b] => {
                let (min, max) = (parse_duration(a)?, parse_duration(b)?);
                if min > max {
                    Err(format!(
                        "`between({a}, {b})`: the first duration must not exceed the second"
                    ))
                } else {
                    Ok(Wait::Between(min, max))
                }
            }
            _ => Err("`between` takes two durations, e.g. `between(1s, 5s)`".to_owned()),
        },
        _ => Err(format!("unknown wait `{name}(..)`: {shapes}")),
    }
}

fn positive(d: Duration, name: &str) -> Result<Duration, String> {
    if d.is_zero() {
        Err(format!("`{name}` needs a duration greater than zero"))
    } else {
        Ok(d)
    }
}

/// Parses `99%` or `99.5%` into a fraction (0.99).
pub(crate) fn parse_percent(text: &str) -> Result<f64, String> {
    let bad = || format!("invalid percentage `{text}`: expected e.g. `99%` or `0.5%`");
    let number: f64 = text
        .trim()
        .strip_suffix('%')
        .ok_or_else(bad)?
        .trim()
        .parse()
        .map_err(|_| bad())?;
    if !(0.0..=100.0).contains(&number) {
        return Err(format!(
            "invalid percentage `{text}`: must be between 0% and 100%"
        ));
    }
    Ok(number / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("10").unwrap_err().contains("missing unit"));
        assert!(parse_duration("10x").is_err());
        assert!(parse_duration("-1s").unwrap_err().contains("negative"));
        assert!(parse_duration("").is_err());
        assert!(parse_duration("1e400s").is_err());
        assert!(parse_duration("99999999999999h").is_err());
    }

    #[test]
    fn waits() {
        let s = Duration::from_secs;
        assert_eq!(parse_wait("constant(2s)"), Ok(Wait::Constant(s(2))));
        assert_eq!(parse_wait("2s"), Ok(Wait::Constant(s(2))));
        assert_eq!(parse_wait("between(1s, 5s)"), Ok(Wait::Between(s(1), s(5))));
        assert_eq!(parse_wait("pacing(10s)"), Ok(Wait::Pacing(s(10))));
        assert_eq!(parse_wait("exponential(3s)"), Ok(Wait::Exponential(s(3))));
        assert!(parse_wait("between(5s, 1s)").is_err());
        assert!(parse_wait("pacing(0s)").is_err());
        assert!(
            parse_wait("gauss(1s)")
                .unwrap_err()
                .starts_with("unknown wait")
        );
    }

    #[test]
    fn percents() {
        assert_eq!(parse_percent("99%"), Ok(0.99));
        assert!(parse_percent("99").is_err());
        assert!(parse_percent("120%").is_err());
    }
}
