//! A user's request deadline: one timer kept from request to request, and
//! polled only when polling it can tell something.
//!
//! A fresh timeout per request would register and cancel a timer entry
//! (under the time driver's lock) every time, so the timer stays armed and
//! is only moved when it fires early or must come sooner: deadlines
//! usually only move later, and a user's timer is re-armed about once per
//! timeout, not once per request. Polling an armed timer again costs the
//! task's budget and the timer's waker check on every wake-up of the
//! request; it is skipped while the timer is known to hold this task's
//! waker and has not fired.

use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use tokio::time::{Instant, Sleep, sleep_until};

#[derive(Debug)]
pub(crate) struct Deadline {
    sleep: Pin<Box<Sleep>>,
    /// The waker `sleep` was last polled with, while it stays armed.
    registered: Option<Waker>,
}

impl Deadline {
    pub(crate) fn new(at: Instant) -> Self {
        Deadline {
            sleep: Box::pin(sleep_until(at)),
            registered: None,
        }
    }

    /// Makes sure the timer fires no later than `deadline`. A timer still
    /// armed for an earlier deadline is left as it is: should it fire
    /// first, [`Deadline::poll_passed`] moves it on.
    pub(crate) fn arm(&mut self, deadline: Instant) {
        if self.sleep.is_elapsed() || self.sleep.deadline() > deadline {
            self.reset(deadline);
        }
    }

    /// Ready once `deadline` has passed.
    pub(crate) fn poll_passed(&mut self, deadline: Instant, cx: &mut Context<'_>) -> Poll<()> {
        loop {
            let holds_waker = self
                .registered
                .as_ref()
                .is_some_and(|waker| waker.will_wake(cx.waker()));
            if holds_waker && !self.sleep.is_elapsed() {
                return Poll::Pending;
            }
            if self.sleep.as_mut().poll(cx).is_pending() {
                if !holds_waker {
                    self.registered = Some(cx.waker().clone());
                }
                return Poll::Pending;
            }
            if self.sleep.deadline() >= deadline {
                return Poll::Ready(());
            }
            self.reset(deadline);
        }
    }

    fn reset(&mut self, deadline: Instant) {
        self.sleep.as_mut().reset(deadline);
        self.registered = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::poll_fn;
    use std::time::Duration;

    fn paused() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap()
    }

    #[test]
    fn fires_at_each_deadline_however_it_was_armed_before() {
        paused().block_on(async {
            let start = Instant::now();
            let mut timer = Deadline::new(start + Duration::from_secs(5));
            // A later deadline leaves the armed timer alone: it fires at 5 s,
            // is moved on, and the wait ends at 7 s.
            let later = start + Duration::from_secs(7);
            timer.arm(later);
            poll_fn(|cx| timer.poll_passed(later, cx)).await;
            assert_eq!(Instant::now() - start, Duration::from_secs(7));
            // A sooner deadline moves it.
            let sooner = Instant::now() + Duration::from_millis(300);
            timer.arm(sooner);
            poll_fn(|cx| timer.poll_passed(sooner, cx)).await;
            assert_eq!(Instant::now() - start, Duration::from_millis(7_300));
        });
    }

    #[test]
    fn a_new_waker_is_registered_so_the_deadline_still_wakes_it() {
        paused().block_on(async {
            let deadline = Instant::now() + Duration::from_secs(1);
            let mut timer = Deadline::new(deadline);
            timer.arm(deadline);
            // Polled once with another waker (registered with it) ...
            let mut elsewhere = Context::from_waker(Waker::noop());
            assert!(timer.poll_passed(deadline, &mut elsewhere).is_pending());
            // ... then awaited by this task: it must be woken at the
            // deadline, not left waiting on the other waker.
            let waited = tokio::time::timeout(
                Duration::from_secs(2),
                poll_fn(|cx| timer.poll_passed(deadline, cx)),
            )
            .await;
            assert!(waited.is_ok());
            assert_eq!(Instant::now(), deadline);
        });
    }
}
