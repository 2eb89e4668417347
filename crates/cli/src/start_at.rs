//! `--start-at 2026-12-01T10:00:00Z`: the common start of a run spread over
//! several machines. RFC 3339 times in UTC (`Z`) or with an offset
//! (`+01:00`), read without a date library: the format is fixed and small.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Parses an RFC 3339 date-time (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`).
pub(crate) fn parse(text: &str) -> Result<SystemTime, String> {
    let bad =
        || format!("--start-at `{text}`: expected an RFC 3339 time such as `2026-12-01T10:00:00Z`");
    let t = text.trim();
    let (date, rest) = t.split_once(['T', 't', ' ']).ok_or_else(bad)?;
    let mut ymd = date.splitn(3, '-');
    let year: i64 = number(ymd.next(), 4).ok_or_else(bad)?;
    let month: i64 = number(ymd.next(), 2).ok_or_else(bad)?;
    let day: i64 = number(ymd.next(), 2).ok_or_else(bad)?;
    let (clock, offset_secs) = if let Some(clock) = rest.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else {
        let at = rest.rfind(['+', '-']).ok_or_else(bad)?;
        let (clock, offset) = rest.split_at(at);
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let (hours, minutes) = offset[1..].split_once(':').ok_or_else(bad)?;
        let hours: i64 = number(Some(hours), 2).ok_or_else(bad)?;
        let minutes: i64 = number(Some(minutes), 2).ok_or_else(bad)?;
        (clock, sign * (hours * 3600 + minutes * 60))
    };
    let (whole, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let mut hms = whole.splitn(3, ':');
    let hour: i64 = number(hms.next(), 2).ok_or_else(bad)?;
    let minute: i64 = number(hms.next(), 2).ok_or_else(bad)?;
    let second: i64 = number(hms.next(), 2).ok_or_else(bad)?;
    let nanos: u32 = if fraction.is_empty() {
        0
    } else if fraction.len() <= 9 && fraction.bytes().all(|b| b.is_ascii_digit()) {
        format!("{fraction:0<9}").parse().map_err(|_| bad())?
    } else {
        return Err(bad());
    };
    let valid = (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second < 61;
    if !valid {
        return Err(bad());
    }
    let secs = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        - offset_secs;
    let secs = u64::try_from(secs).map_err(|_| bad())?;
    Ok(UNIX_EPOCH + Duration::new(secs, nanos))
}

fn number(part: Option<&str>, digits: usize) -> Option<i64> {
    let part = part?;
    (part.len() == digits && part.bytes().all(|b| b.is_ascii_digit()))
        .then(|| part.parse().ok())
        .flatten()
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// well-known `days_from_civil` arithmetic).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(text: &str) -> u64 {
        parse(text)
            .unwrap()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    #[test]
    fn rfc3339_times_in_utc_and_with_offsets() {
        assert_eq!(unix("1970-01-01T00:00:00Z"), 0);
        assert_eq!(unix("2026-12-01T10:00:00Z"), 1_796_119_200);
        assert_eq!(unix("2026-12-01T11:00:00+01:00"), 1_796_119_200);
        assert_eq!(unix("2024-02-29T00:00:00Z"), 1_709_164_800);
        let fraction = parse("2026-12-01T10:00:00.25Z").unwrap();
        assert_eq!(
            fraction.duration_since(UNIX_EPOCH).unwrap().subsec_millis(),
            250
        );
        for bad in [
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "tomorrow",
            "2026-12-01",
            "2026-12-01T10:00Z",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
