//! The planned load in words, for a report's header: "0 → 100 users over
//! 2s (50 users/s), hold 100 users for 13s".

use starling_metrics::RunInfo;

/// The run's planned curve as one line; `None` for results written before
/// the plan was kept.
pub fn describe_load(run: &RunInfo) -> Option<String> {
    let load = run.load.as_ref()?;
    let open = run.model == "open";
    let unit = if open { "journeys/s" } else { "users" };
    let mut parts = Vec::with_capacity(load.stages.len() + 1);
    let mut from = 0.0;
    for stage in &load.stages {
        let to = stage.target;
        let over = stage.duration_ms.map(span);
        let part = match over {
            Some(_) if stage.duration_ms == Some(0) => format!("{} {unit} at once", number(to)),
            None if to == from => format!(
                "hold {} {unit} until every user's iterations are done",
                number(to)
            ),
            None => format!(
                "{} → {} {unit}, then until every user's iterations are done",
                number(from),
                number(to)
            ),
            Some(over) if to == from => format!("hold {} {unit} for {over}", number(to)),
            Some(over) => {
                let seconds = stage.duration_ms.unwrap_or(0) as f64 / 1000.0;
                // The spawn rate a Locust user set: for a ramp up only.
                let rate = number((to - from) / seconds.max(f64::MIN_POSITIVE));
                let slope = if !open && to > from && rate != "0" {
                    format!(" ({rate} users/s)")
                } else {
                    String::new()
                };
                format!(
                    "{} → {} {unit} over {over}{slope}",
                    number(from),
                    number(to)
                )
            }
        };
        parts.push(part);
        from = to;
    }
    if let Some(iterations) = load.iterations {
        parts.push(format!("{iterations} journeys per user"));
    }
    if let Some(max) = load.max_users.filter(|_| open) {
        parts.push(format!("at most {max} users"));
    }
    Some(parts.join(", "))
}

/// A planned duration as written in a scenario: 2s, 1m30s, 1h.
fn span(ms: u64) -> String {
    if ms < 1000 && ms > 0 {
        return format!("{ms}ms");
    }
    if !ms.is_multiple_of(1000) && ms < 10_000 {
        return format!("{}s", number(ms as f64 / 1000.0));
    }
    // A ramp's share cut off a long hold: whole seconds read better.
    let secs = (ms + 500) / 1000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut text = String::new();
    for (value, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if value > 0 {
            text.push_str(&format!("{value}{unit}"));
        }
    }
    if text.is_empty() {
        "0s".to_owned()
    } else {
        text
    }
}

/// A curve value without float noise: 100, 12.5, 0.33.
fn number(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded}")
    }
}

#[cfg(test)]
mod tests {
    use starling_metrics::{LoadInfo, StageInfo};

    use super::*;

    fn run(model: &str, stages: &[(Option<u64>, f64)], iterations: Option<u64>) -> RunInfo {
        RunInfo {
            model: model.into(),
            load: Some(LoadInfo {
                stages: stages
                    .iter()
                    .map(|&(duration_ms, target)| StageInfo {
                        duration_ms,
                        target,
                    })
                    .collect(),
                iterations,
                max_users: Some(500),
                tags: None,
            }),
            ..RunInfo::default()
        }
    }

    #[test]
    fn a_ramp_and_hold_reads_as_written() {
        let closed = run(
            "closed",
            &[(Some(2_000), 100.0), (Some(13_000), 100.0)],
            None,
        );
        assert_eq!(
            describe_load(&closed).as_deref(),
            Some("0 → 100 users over 2s (50 users/s), hold 100 users for 13s")
        );
        let open = run("open", &[(Some(60_000), 12.5)], None);
        assert_eq!(
            describe_load(&open).as_deref(),
            Some("0 → 12.5 journeys/s over 1m, at most 500 users")
        );
        let iterations = run("closed", &[(Some(0), 3.0), (None, 3.0)], Some(2));
        assert_eq!(
            describe_load(&iterations).as_deref(),
            Some(
                "3 users at once, hold 3 users until every user's iterations are done, 2 journeys per user"
            )
        );
        assert_eq!(describe_load(&RunInfo::default()), None);
        let long = run(
            "closed",
            &[(Some(90_000), 10.0), (Some(3_600_000), 4.0)],
            None,
        );
        assert_eq!(
            describe_load(&long).as_deref(),
            Some("0 → 10 users over 1m30s (0.11 users/s), 10 → 4 users over 1h")
        );
    }
}
