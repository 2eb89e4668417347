//! What the engine reports about one request.

use std::time::Duration;

use crate::FailureCategory;

/// The measurements of one request, successful or not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestRecord {
    /// `None` when no response arrived.
    pub status: Option<u16>,
    /// `None` when the connection was reused.
    pub connect: Option<Duration>,
    /// Time to the first byte of the response.
    pub ttfb: Option<Duration>,
    /// Total time as measured, body read included.
    pub total: Duration,
    /// Open model: how late the work started against its intended start
    /// (zero otherwise). The corrected total is `total + schedule_lag`.
    pub schedule_lag: Duration,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// Redirects followed before the final response.
    pub redirects: u32,
    pub failure: Option<FailureCategory>,
}
