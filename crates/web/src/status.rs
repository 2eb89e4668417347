//! What the page shows of the run manager: the phase, where the load
//! stands, and the start form's values from the scenario. The manager
//! fills it in; the page reads it as JSON.

use serde::Serialize;

/// The manager's state as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    pub phase: Phase,
    /// Runs started since the UI came up; the current or last one's number.
    pub runs: u32,
    pub scenario: String,
    /// Where the running run's load stands (`None` when none runs).
    pub load: Option<LoadNow>,
    pub active_users: u64,
    /// Since the current or last run's start.
    pub elapsed_ms: u64,
    /// The latest thing to tell the person at the page (a run that broke,
    /// a run that ended), shown as text.
    pub message: Option<String>,
    /// The start form's values, from the scenario and the command line.
    pub form: Prefill,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Nothing has run yet.
    Idle,
    Running,
    /// Stopped, in-flight journeys finishing.
    Stopping,
    /// The last run is over; its results stay for downloads.
    Finished,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    /// A number of users.
    Closed,
    /// Journeys arriving at a rate.
    Open,
}

/// The load curve now, over the whole run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LoadNow {
    pub model: Model,
    /// Users (closed) or arrivals per second (open) the curve holds now.
    pub current: f64,
    /// What it is heading for.
    pub heading: f64,
    /// When the run is planned to end, from its start; `None`: when stopped.
    pub ends_at_ms: Option<u64>,
}

/// The start form's values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prefill {
    pub model: Model,
    pub users: Option<u32>,
    pub spawn_rate: Option<f64>,
    pub arrival_rate: Option<f64>,
    /// As the scenario writes durations (`5m`); `None`: until stopped.
    pub duration: Option<String>,
    pub host: Option<String>,
    pub user_types: Vec<UserTypeShare>,
    /// The scenario's stages in words, when its load changes over time
    /// (a profile the form can follow instead of users and a duration).
    pub stages: Option<String>,
}

/// A user type and its share of the users.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserTypeShare {
    pub name: String,
    /// Its weight, as a share of all (0 to 1).
    pub weight: f64,
    /// A fixed number of users, when the scenario gives one.
    pub count: Option<u32>,
}
