//! The one-line live progress.

use starling_metrics::{Progress, Summary};

use crate::format::{count, duration_us, percent, rate};

/// One line: users, req/s, failures, p95, elapsed (of planned).
/// `users 50 · 1,234 req/s · failures 12 (0.1%) · p95 12.3ms · 42s / 5m00s`
pub fn render_progress(p: &Progress) -> String {
    let elapsed = clock(p.elapsed.as_secs());
    let time = match p.planned {
        Some(planned) => format!("{elapsed} / {}", clock(planned.as_secs())),
        None => elapsed,
    };
    let ratio = if p.requests == 0 {
        0.0
    } else {
        p.failures as f64 / p.requests as f64
    };
    let p95 = u64::try_from(p.p95.as_micros()).unwrap_or(u64::MAX);
    format!(
        "users {} · {} req/s · failures {} ({}) · p95 {} · {}",
        count(p.active_users),
        rate(p.rps),
        count(p.failures),
        percent(ratio),
        if p95 == 0 {
            "-".to_owned()
        } else {
            duration_us(p95)
        },
        time,
    )
}

/// `42s`, `4m05s`, `1h02m03s`.
fn clock(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs}s"),
        60..=3_599 => format!("{}m{:02}s", secs / 60, secs % 60),
        _ => format!("{}h{:02}m{:02}s", secs / 3_600, secs / 60 % 60, secs % 60),
    }
}

/// The summary's run length as the progress clock shows it.
pub(crate) fn run_clock(summary: &Summary) -> String {
    clock((summary.run.duration_ms + 500) / 1_000)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn progress_line_shows_every_figure() {
        let p = Progress {
            elapsed: Duration::from_secs(42),
            planned: Some(Duration::from_secs(300)),
            active_users: 50,
            requests: 10_000,
            failures: 12,
            rps: 1_234.4,
            p95: Duration::from_micros(12_345),
        };
        assert_eq!(
            render_progress(&p),
            "users 50 · 1,234 req/s · failures 12 (0.1%) · p95 12.3ms · 42s / 5m00s"
        );
        let start = Progress::default();
        assert_eq!(
            render_progress(&start),
            "users 0 · 0.0 req/s · failures 0 (0%) · p95 - · 0s"
        );
        assert_eq!(clock(3_723), "1h02m03s");
    }
}
