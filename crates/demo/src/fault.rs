//! `--fault SERVICE:KNOB=VALUE[,KNOB=VALUE…]`: a fault injected into one
//! demo service from its start, in the words of its knobs, e.g.
//! `users:latency=2s`, `payments:error_rate=10%`,
//! `products:concurrency_limit=2,latency=50ms`.

use std::str::FromStr;

use crate::config::{Service, ServiceKnobs};
use crate::error::FaultError;
use crate::knobs::{Knobs, Latency};

/// One service's knobs changed before the demo starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fault {
    pub service: Service,
    changes: Changes,
}

/// The knobs a fault names; the others keep their value.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Changes {
    latency: Option<Latency>,
    error_rate: Option<f64>,
    concurrency_limit: Option<usize>,
}

impl Fault {
    /// These knobs with the fault's changes applied.
    pub fn apply_to(&self, knobs: &mut ServiceKnobs) {
        let target: &mut Knobs = knobs.get_mut(self.service);
        if let Some(latency) = self.changes.latency {
            target.latency = latency;
        }
        if let Some(rate) = self.changes.error_rate {
            target.error_rate = rate;
        }
        if let Some(limit) = self.changes.concurrency_limit {
            target.concurrency_limit = limit;
        }
    }
}

impl FromStr for Fault {
    type Err = FaultError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (service, settings) = text
            .split_once(':')
            .ok_or_else(|| FaultError::Shape(text.to_owned()))?;
        let service: Service = service
            .trim()
            .parse()
            .map_err(|e: crate::KnobsError| FaultError::Knob(e.to_string()))?;
        let mut changes = Changes::default();
        for setting in settings.split(',') {
            let (knob, value) = setting
                .split_once('=')
                .ok_or_else(|| FaultError::Shape(text.to_owned()))?;
            let (knob, value) = (knob.trim(), value.trim());
            match knob {
                "latency" => {
                    let latency: Latency = value
                        .parse()
                        .map_err(|e: crate::KnobsError| FaultError::Knob(e.to_string()))?;
                    changes.latency = Some(latency);
                }
                "error_rate" => changes.error_rate = Some(rate(value)?),
                "concurrency_limit" => {
                    let limit = value.parse().map_err(|_| {
                        FaultError::Knob(format!(
                            "concurrency_limit must be a whole number (0 = unlimited), got {value:?}"
                        ))
                    })?;
                    changes.concurrency_limit = Some(limit);
                }
                other => return Err(FaultError::UnknownKnob(other.to_owned())),
            }
        }
        Ok(Fault { service, changes })
    }
}

/// `0.1` or `10%`, within 0..=1.
fn rate(value: &str) -> Result<f64, FaultError> {
    let bad = || {
        FaultError::Knob(format!(
            "error_rate must be a fraction (0.1) or a percentage (10%), got {value:?}"
        ))
    };
    let rate = match value.strip_suffix('%') {
        Some(percent) => percent.trim().parse::<f64>().map_err(|_| bad())? / 100.0,
        None => value.parse::<f64>().map_err(|_| bad())?,
    };
    if (0.0..=1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(FaultError::Knob(format!(
            "error_rate must be between 0 and 1 (0% and 100%), got {value:?}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(text: &str) -> Result<ServiceKnobs, FaultError> {
        let mut knobs = ServiceKnobs::default();
        text.parse::<Fault>()?.apply_to(&mut knobs);
        Ok(knobs)
    }

    #[test]
    fn a_fault_changes_only_the_knobs_it_names() {
        let knobs = applied("users:latency=2s").unwrap_or_default();
        assert_eq!(knobs.users.latency, Latency::fixed_ms(2_000));
        assert_eq!(
            knobs.users.error_rate,
            ServiceKnobs::default().users.error_rate
        );
        assert_eq!(knobs.orders, ServiceKnobs::default().orders);

        let knobs = applied("payments:error_rate=10%, concurrency_limit=3").unwrap_or_default();
        assert!((knobs.payments.error_rate - 0.1).abs() < 1e-9);
        assert_eq!(knobs.payments.concurrency_limit, 3);
        let knobs = applied("products:latency=20ms..40ms,error_rate=0.5").unwrap_or_default();
        assert_eq!(knobs.products.latency, Latency::uniform_ms(20, 40));
        assert!((knobs.products.error_rate - 0.5).abs() < 1e-9);
    }

    #[test]
    fn a_bad_fault_says_what_was_expected() {
        let message = |text: &str| {
            applied(text)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert!(
            message("users").contains("SERVICE:KNOB=VALUE"),
            "{}",
            message("users")
        );
        assert!(message("billing:latency=1s").contains("unknown service \"billing\""));
        assert!(message("users:slowness=1s").contains("latency, error_rate or concurrency_limit"));
        assert!(message("users:latency=soon").contains("cannot read latency"));
        assert!(message("users:error_rate=150%").contains("between 0 and 1"));
        assert!(message("users:concurrency_limit=-1").contains("whole number"));
    }
}
