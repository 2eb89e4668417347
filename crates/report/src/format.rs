//! Human-friendly numbers: durations, counts, rates, percentages, bars.

/// A duration in microseconds, with three significant digits:
/// `850µs`, `1.23ms`, `12.3ms`, `123ms`, `1.24s`, `12.3s`, `2m03s`, `1h02m`.
pub fn duration_us(us: u64) -> String {
    match us {
        0..=999 => format!("{us}µs"),
        // Bounds where rounding would show `1000ms` or `60.0s` move up a unit.
        1_000..=999_499 => three_digits(us as f64 / 1_000.0, "ms"),
        999_500..=59_949_999 => three_digits(us as f64 / 1_000_000.0, "s"),
        59_950_000..=3_599_999_999 => {
            let secs = (us + 500_000) / 1_000_000;
            format!("{}m{:02}s", secs / 60, secs % 60)
        }
        _ => {
            let mins = us / 60_000_000;
            format!("{}h{:02}m", mins / 60, mins % 60)
        }
    }
}

/// A latency cell: `-` when nothing was measured.
pub(crate) fn latency(us: u64, count: u64) -> String {
    if count == 0 {
        "-".to_owned()
    } else {
        duration_us(us)
    }
}

fn three_digits(value: f64, unit: &str) -> String {
    // Round first, so 9.996ms shows as 10.0ms, not 10.00ms.
    let decimals = if value < 9.995 {
        2
    } else if value < 99.95 {
        1
    } else {
        0
    };
    format!("{value:.decimals$}{unit}")
}

/// A count with thousands separators: `1,234,567`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A per-second rate: one decimal below 100, none above.
pub fn rate(per_second: f64) -> String {
    if per_second < 100.0 {
        format!("{per_second:.1}")
    } else {
        count(per_second.round() as u64)
    }
}

/// A ratio (0 to 1) as a percentage: `99.5%`, `100%`, `0%`.
pub fn percent(ratio: f64) -> String {
    let pct = ratio * 100.0;
    if pct == 0.0 || pct == 100.0 {
        format!("{pct:.0}%")
    } else if pct < 0.1 {
        "<0.1%".to_owned()
    } else {
        format!("{pct:.1}%")
    }
}

/// A bar of `width` cells filled in proportion to `ratio`.
pub(crate) fn bar(ratio: f64, width: usize) -> String {
    let filled = (ratio.clamp(0.0, 1.0) * width as f64).round() as usize;
    let mut out = "█".repeat(filled);
    out.push_str(&"░".repeat(width - filled));
    out
}

/// Bytes as `512 B`, `12.3 KiB`, `4.56 MiB`, `1.23 GiB`.
pub(crate) fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    three_digits(value, &format!(" {}", UNITS[unit]))
}

/// One line of free text, cut to `max` characters with an ellipsis.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.trim();
    if flat.chars().count() <= max {
        flat.to_owned()
    } else {
        let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_human_writes_them() {
        let cases = [
            (0, "0µs"),
            (850, "850µs"),
            (1_000, "1.00ms"),
            (1_234, "1.23ms"),
            (9_996, "10.0ms"),
            (12_345, "12.3ms"),
            (123_456, "123ms"),
            (999_999, "1.00s"),
            (1_240_000, "1.24s"),
            (12_340_000, "12.3s"),
            (123_000_000, "2m03s"),
            (3_600_000_000, "1h00m"),
        ];
        for (us, want) in cases {
            assert_eq!(duration_us(us), want, "{us}µs");
        }
    }

    #[test]
    fn numbers_and_bars() {
        assert_eq!(count(0), "0");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(rate(12.345), "12.3");
        assert_eq!(rate(1_234.6), "1,235");
        assert_eq!(percent(0.995), "99.5%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.0001), "<0.1%");
        assert_eq!(bar(0.5, 10), "█████░░░░░");
        assert_eq!(bar(2.0, 4), "████");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1_536), "1.50 KiB");
        assert_eq!(one_line("a\nb  ", 10), "a b");
        assert_eq!(one_line("abcdefghij", 5), "abcd…");
    }
}
