//! Request bodies read into commands. The numbers are read as JSON numbers
//! and checked here rather than by serde's integer types, so a negative or
//! fractional user count gets a sentence naming the field, not
//! "invalid value: integer `-5`, expected u32". Unknown fields are refused:
//! a misspelt `user` must not start a run with the scenario's 1,000 users.

use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use starling_scenario::{BaseUrl, parse_duration};

use crate::command::{Change, Hold, RunLength, StartLoad, StartRun, SteerLoad};

/// `POST /api/start`'s body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStart {
    users: Option<f64>,
    spawn_rate: Option<f64>,
    arrival_rate: Option<f64>,
    host: Option<String>,
    duration: Option<String>,
    #[serde(default)]
    until_stopped: bool,
}

/// `POST /api/steer`'s body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSteer {
    users: Option<f64>,
    spawn_rate: Option<f64>,
    arrival_rate: Option<f64>,
    ramp: Option<String>,
    #[serde(default)]
    until_stopped: bool,
}

pub(crate) fn start(body: &[u8]) -> Result<StartRun, String> {
    let raw: RawStart = json(body, r#"{"users": 10, "spawn_rate": 5, "duration": "1m"}"#)?;
    let load = match (raw.users, raw.arrival_rate) {
        (Some(_), Some(_)) => {
            return Err(
                "give `users` (closed model) or `arrival_rate` (open model), not both".into(),
            );
        }
        (Some(users), None) => StartLoad::Users {
            users: whole("users", users, 1)?,
            spawn_rate: raw
                .spawn_rate
                .map(|r| above_zero("spawn_rate", r))
                .transpose()?,
        },
        (None, Some(rate)) => {
            if raw.spawn_rate.is_some() {
                return Err("`spawn_rate` goes with `users`; an arrival rate needs none".into());
            }
            StartLoad::Rate {
                per_second: above_zero("arrival_rate", rate)?,
            }
        }
        (None, None) => {
            if raw.spawn_rate.is_some() {
                return Err("`spawn_rate` needs `users`".into());
            }
            StartLoad::Scenario
        }
    };
    let length = match (raw.duration.as_deref().map(str::trim), raw.until_stopped) {
        (Some(_), true) => {
            return Err("give `duration` or `until_stopped`, not both".into());
        }
        (Some(text), false) => RunLength::For(duration("duration", text)?),
        (None, true) => RunLength::UntilStopped,
        (None, false) => RunLength::Scenario,
    };
    let host = match raw.host.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(BaseUrl::parse(text).map_err(|e| format!("host: {e}"))?),
    };
    Ok(StartRun { load, length, host })
}

pub(crate) fn steer(body: &[u8]) -> Result<SteerLoad, String> {
    let raw: RawSteer = json(body, r#"{"users": 30, "spawn_rate": 10}"#)?;
    let change = match (raw.users, raw.arrival_rate) {
        (Some(_), Some(_)) => {
            return Err(
                "give `users` (closed model) or `arrival_rate` (open model), not both".into(),
            );
        }
        (Some(users), None) => {
            if raw.ramp.is_some() {
                return Err("`ramp` goes with `arrival_rate`; users ramp at `spawn_rate`".into());
            }
            Change::Users {
                users: whole("users", users, 0)?,
                spawn_rate: raw
                    .spawn_rate
                    .map(|r| above_zero("spawn_rate", r))
                    .transpose()?,
            }
        }
        (None, Some(rate)) => {
            if raw.spawn_rate.is_some() {
                return Err(
                    "`spawn_rate` goes with `users`; an arrival rate ramps over `ramp`".into(),
                );
            }
            let ramp = match raw.ramp.as_deref().map(str::trim) {
                None | Some("") | Some("0") => Duration::ZERO,
                Some(text) => duration("ramp", text)?,
            };
            Change::Rate {
                per_second: at_least_zero("arrival_rate", rate)?,
                ramp,
            }
        }
        (None, None) => return Err("give `users` or `arrival_rate`: the load to change to".into()),
    };
    let hold = if raw.until_stopped {
        Hold::UntilStopped
    } else {
        Hold::PlannedEnd
    };
    Ok(SteerLoad { change, hold })
}

fn json<T: DeserializeOwned>(body: &[u8], example: &str) -> Result<T, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(format!(
            "the body is empty: send a JSON object, e.g. {example}"
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| format!("the body is not JSON ({e}): send a JSON object, e.g. {example}"))?;
    // Checked before serde sees it: a struct would also read `[10, 5]`.
    if !value.is_object() {
        return Err(format!("the body must be a JSON object, e.g. {example}"));
    }
    serde_json::from_value(value).map_err(|e| format!("{e}: e.g. {example}"))
}

/// A count of at least `min`, whole, that fits a `u32`.
fn whole(field: &str, value: f64, min: u32) -> Result<u32, String> {
    if value.fract() != 0.0 || value < f64::from(min) || value > f64::from(u32::MAX) {
        return Err(format!(
            "`{field}` must be a whole number of at least {min}, got {value}"
        ));
    }
    Ok(value as u32)
}

fn above_zero(field: &str, value: f64) -> Result<f64, String> {
    if value > 0.0 && value.is_finite() {
        Ok(value)
    } else {
        Err(format!(
            "`{field}` must be above 0 (per second), got {value}"
        ))
    }
}

fn at_least_zero(field: &str, value: f64) -> Result<f64, String> {
    if value >= 0.0 && value.is_finite() {
        Ok(value)
    } else {
        Err(format!(
            "`{field}` must be 0 or more (per second), got {value}"
        ))
    }
}

/// A duration as the scenario writes one (`30s`, `5m`, `1h`), above 0.
fn duration(field: &str, text: &str) -> Result<Duration, String> {
    let parsed = parse_duration(text).map_err(|e| format!("`{field}` `{text}`: {e}"))?;
    if parsed.is_zero() {
        return Err(format!("`{field}` must be above 0"));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start_err(body: &str) -> String {
        start(body.as_bytes()).unwrap_err()
    }

    #[test]
    fn a_start_reads_into_a_typed_command() {
        let s = start(br#"{"users": 10, "spawn_rate": 2.5, "host": "http://127.0.0.1:8000", "duration": "90s"}"#)
            .unwrap();
        assert_eq!(
            s.load,
            StartLoad::Users {
                users: 10,
                spawn_rate: Some(2.5)
            }
        );
        assert_eq!(s.length, RunLength::For(Duration::from_secs(90)));
        assert_eq!(s.host.unwrap().port, 8000);
        let s = start(br#"{"arrival_rate": 20, "until_stopped": true, "host": " "}"#).unwrap();
        assert_eq!(s.load, StartLoad::Rate { per_second: 20.0 });
        assert_eq!(s.length, RunLength::UntilStopped);
        assert_eq!(s.host, None);
        let s = start(b"{}").unwrap();
        assert_eq!(
            (s.load, s.length),
            (StartLoad::Scenario, RunLength::Scenario)
        );
    }

    #[test]
    fn bad_starts_say_what_is_wrong() {
        for (body, says) in [
            (
                r#"{"users": -5}"#,
                "`users` must be a whole number of at least 1, got -5",
            ),
            (r#"{"users": 0}"#, "at least 1, got 0"),
            (r#"{"users": 2.5}"#, "whole number"),
            (
                r#"{"users": 10, "spawn_rate": 0}"#,
                "`spawn_rate` must be above 0",
            ),
            (r#"{"arrival_rate": -1}"#, "`arrival_rate` must be above 0"),
            (r#"{"users": 1, "arrival_rate": 1}"#, "not both"),
            (r#"{"user": 10}"#, "unknown field `user`"),
            (r#"{"users": "ten"}"#, "invalid type: string \"ten\""),
            (r#"{"host": "ftp://x"}"#, "host: invalid base URL `ftp://x`"),
            (r#"{"host": "http://h:99999"}"#, "invalid port"),
            (r#"{"duration": "soon"}"#, "`duration` `soon`"),
            (r#"{"duration": "0s"}"#, "`duration` must be above 0"),
            (r#"{"duration": "1m", "until_stopped": true}"#, "not both"),
            ("users=10", "the body is not JSON"),
            ("", "the body is empty"),
            ("[1]", "the body must be a JSON object"),
        ] {
            let message = start_err(body);
            assert!(message.contains(says), "{body}: {message}");
        }
    }

    #[test]
    fn steering_reads_users_or_a_rate() {
        let s = steer(br#"{"users": 30, "spawn_rate": 10}"#).unwrap();
        assert_eq!(
            s.change,
            Change::Users {
                users: 30,
                spawn_rate: Some(10.0)
            }
        );
        assert_eq!(s.hold, Hold::PlannedEnd);
        let s = steer(br#"{"users": 0}"#).unwrap();
        assert_eq!(
            s.change,
            Change::Users {
                users: 0,
                spawn_rate: None
            }
        );
        let s = steer(br#"{"arrival_rate": 40, "ramp": "10s", "until_stopped": true}"#).unwrap();
        assert_eq!(
            s.change,
            Change::Rate {
                per_second: 40.0,
                ramp: Duration::from_secs(10)
            }
        );
        assert_eq!(s.hold, Hold::UntilStopped);
        for (body, says) in [
            (r#"{"users": -1}"#, "at least 0, got -1"),
            (r#"{}"#, "give `users` or `arrival_rate`"),
            (
                r#"{"users": 3, "ramp": "1s"}"#,
                "`ramp` goes with `arrival_rate`",
            ),
            (
                r#"{"arrival_rate": 3, "spawn_rate": 1}"#,
                "`spawn_rate` goes with `users`",
            ),
            (r#"{"users": 3, "extra": 1}"#, "unknown field `extra`"),
        ] {
            let message = steer(body.as_bytes()).unwrap_err();
            assert!(message.contains(says), "{body}: {message}");
        }
    }
}
