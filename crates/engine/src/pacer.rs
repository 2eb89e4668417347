//! Pacers: what decides when a user's next journey starts.
//!
//! Closed model: the user itself, after its wait (Locust's `wait_time`).
//! Open model: the worker's arrival schedule; a user takes the oldest due
//! arrival, and the journey's latency counts from when it was due, so a
//! stalled server cannot hide behind a stalled load generator.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use starling_scenario::Wait;

use crate::vu::{Vu, VuHandle};
use crate::worker::Worker;

#[derive(Debug)]
pub(crate) enum Pacer {
    Closed {
        last_start: Option<Instant>,
    },
    Open {
        arrivals: Rc<Arrivals>,
        /// Whether this user is already counted as ready in `arrivals`.
        ready: bool,
    },
}

/// When a journey was due (its arrival time in the open model) and the
/// instant it actually starts, read once for both the lag and the
/// journey's duration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Start {
    pub(crate) intended: Instant,
    pub(crate) now: Instant,
}

impl Pacer {
    /// A pacer for a user the open model just created to take an arrival;
    /// it counts as ready from birth, so the scheduler does not create a
    /// second user for the same arrival.
    pub(crate) fn open(arrivals: Rc<Arrivals>) -> Pacer {
        arrivals.ready.set(arrivals.ready.get() + 1);
        Pacer::Open {
            arrivals,
            ready: true,
        }
    }

    /// When the next journey was due and when it starts; `None` when the
    /// user must stop.
    pub(crate) async fn next_start(
        &mut self,
        worker: &Worker,
        vu: &mut Vu,
        handle: &VuHandle,
    ) -> Option<Start> {
        match self {
            Pacer::Closed { last_start } => {
                // One clock read when there is no wait (the common case of a
                // throughput test): the same instant serves as the pause's
                // base and as the journey's start.
                let mut now = Instant::now();
                let pause = match *last_start {
                    Some(last) => {
                        let wait = worker.plan.user_types[vu.user_type].wait;
                        let since = now.saturating_duration_since(last);
                        if let Wait::Pacing(period) = wait {
                            // The journey took longer than the period: this
                            // start is late, and the rate is not the planned one.
                            worker.drift.paced_start(vu.user_type, since > period);
                        }
                        wait_duration(wait, &mut vu.rng, since)
                    }
                    None => Duration::ZERO,
                };
                if pause.is_zero() {
                    if !worker.running(handle) {
                        return None;
                    }
                } else {
                    if !worker.wait_until_running(now + pause, handle).await {
                        return None;
                    }
                    now = Instant::now();
                }
                *last_start = Some(now);
                Some(Start { intended: now, now })
            }
            Pacer::Open { arrivals, ready } => {
                if !*ready {
                    arrivals.ready.set(arrivals.ready.get() + 1);
                    *ready = true;
                }
                let due = arrivals.take(worker, handle).await;
                arrivals.ready.set(arrivals.ready.get() - 1);
                *ready = false;
                due.map(|intended| Start {
                    intended,
                    now: Instant::now(),
                })
            }
        }
    }
}

/// How long to wait before the next journey (or during a think step).
/// `since_last_start` serves `pacing`, which counts from the last start.
pub(crate) fn wait_duration(
    wait: Wait,
    rng: &mut fastrand::Rng,
    since_last_start: Duration,
) -> Duration {
    match wait {
        Wait::None => Duration::ZERO,
        Wait::Constant(d) => d,
        Wait::Between(min, max) => {
            let (min, max) = (min.as_secs_f64(), max.as_secs_f64());
            Duration::from_secs_f64(min + (max - min) * rng.f64())
        }
        Wait::Pacing(period) => period.saturating_sub(since_last_start),
        Wait::Exponential(mean) => {
            // Inverse transform sampling; 1 - u is in (0, 1], so ln is finite.
            let u = 1.0 - rng.f64();
            Duration::from_secs_f64(-u.ln() * mean.as_secs_f64())
        }
    }
}

/// One worker's queue of due arrivals (open model).
#[derive(Debug, Default)]
pub(crate) struct Arrivals {
    due: RefCell<VecDeque<Instant>>,
    /// Users waiting for an arrival, or created to take one.
    ready: Cell<usize>,
    closed: Cell<bool>,
    notify: Notify,
}

impl Arrivals {
    pub(crate) fn push(&self, due: Instant) {
        self.due.borrow_mut().push_back(due);
        self.notify.notify_one();
    }

    /// Removes the oldest arrival, which nobody could start in time.
    pub(crate) fn drop_oldest(&self) -> bool {
        self.due.borrow_mut().pop_front().is_some()
    }

    /// How long the oldest waiting arrival has waited at `now`.
    pub(crate) fn oldest_waited(&self, now: Instant) -> Duration {
        self.due
            .borrow()
            .front()
            .map_or(Duration::ZERO, |due| now.saturating_duration_since(*due))
    }

    pub(crate) fn len(&self) -> usize {
        self.due.borrow().len()
    }

    /// Arrivals that no ready user will take: a new user is needed.
    pub(crate) fn unserved(&self) -> usize {
        self.len().saturating_sub(self.ready.get())
    }

    /// No more arrivals: waiting users stop.
    pub(crate) fn close(&self) {
        self.closed.set(true);
        self.notify.notify_waiters();
    }

    async fn take(&self, worker: &Worker, handle: &VuHandle) -> Option<Instant> {
        loop {
            if !worker.running(handle) {
                return None;
            }
            if let Some(due) = self.due.borrow_mut().pop_front() {
                return Some(due);
            }
            if self.closed.get() {
                return None;
            }
            tokio::select! {
                () = self.notify.notified() => {}
                () = worker.woken() => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_follow_their_shape() {
        let mut rng = fastrand::Rng::with_seed(7);
        let s = Duration::from_secs;
        assert_eq!(wait_duration(Wait::Constant(s(2)), &mut rng, s(0)), s(2));
        assert_eq!(wait_duration(Wait::Pacing(s(10)), &mut rng, s(3)), s(7));
        assert_eq!(wait_duration(Wait::Pacing(s(10)), &mut rng, s(12)), s(0));
        for _ in 0..1000 {
            let d = wait_duration(Wait::Between(s(1), s(5)), &mut rng, s(0));
            assert!(d >= s(1) && d <= s(5), "{d:?}");
        }
        let n = 20_000;
        let mean: f64 = (0..n)
            .map(|_| wait_duration(Wait::Exponential(s(3)), &mut rng, s(0)).as_secs_f64())
            .sum::<f64>()
            / n as f64;
        assert!((mean - 3.0).abs() < 0.15, "mean {mean}");
    }
}
