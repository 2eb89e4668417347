//! Test support: runs a driver on simulated time, jumping from one
//! deadline it gives to the next, as the worker's loop would sleep.

use std::time::Duration;

use super::{Action, Next};

/// What a driver did on simulated time.
#[derive(Debug, Default)]
pub(crate) struct Trace {
    /// Each action with the instant of the poll that handed it out.
    pub(crate) actions: Vec<(Duration, Action)>,
    pub(crate) polls: usize,
    /// The instant of the last poll.
    pub(crate) now: Duration,
    /// What the last poll answered: `Over`, `Idle`, or a deadline after
    /// the simulation's end.
    pub(crate) last: Option<Next>,
}

/// Polls from `from` at each deadline the driver gives, until it is over,
/// idle, or its next deadline is after `until`. A deadline is never in the
/// past of the poll that gave it.
pub(crate) fn run(
    trace: &mut Trace,
    from: Duration,
    until: Duration,
    mut poll: impl FnMut(Duration, &mut Vec<Action>) -> Next,
) {
    let mut now = from;
    let mut out = Vec::new();
    loop {
        trace.polls += 1;
        trace.now = now;
        let next = poll(now, &mut out);
        trace.actions.extend(out.drain(..).map(|a| (now, a)));
        trace.last = Some(next);
        match next {
            Next::At(at) if at <= until => {
                assert!(at >= now, "deadline {at:?} before the poll at {now:?}");
                now = at;
            }
            _ => return,
        }
    }
}

/// The users a closed-model trace has at `t`: started minus stopped by
/// then.
pub(crate) fn users_at(actions: &[(Duration, Action)], t: Duration) -> u64 {
    let (mut started, mut stopped) = (0u64, 0u64);
    for (_, action) in actions.iter().take_while(|(at, _)| *at <= t) {
        match action {
            Action::Start { .. } => started += 1,
            Action::Stop { .. } => stopped += 1,
            Action::Arrive { .. } => {}
        }
    }
    started - stopped
}
