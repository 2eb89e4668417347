//! Ctrl-C and SIGTERM: the first stops new journeys and lets in-flight ones
//! finish; the second stops at once. Either way the run returns and its
//! results are written; nothing here exits the process. The first signal
//! is remembered, so the exit code can say which one stopped the run.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use starling_engine::Control;

use crate::output::notice;

/// A signal that stops a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    Interrupt,
    Terminate,
}

/// The first stopping signal received, if any.
#[derive(Debug, Clone, Default)]
pub(crate) struct FirstSignal(Arc<AtomicU8>);

impl FirstSignal {
    pub(crate) fn get(&self) -> Option<Signal> {
        match self.0.load(Ordering::SeqCst) {
            1 => Some(Signal::Interrupt),
            2 => Some(Signal::Terminate),
            _ => None,
        }
    }

    fn set_once(&self, signal: Signal) {
        let code = match signal {
            Signal::Interrupt => 1,
            Signal::Terminate => 2,
        };
        let _ = self
            .0
            .compare_exchange(0, code, Ordering::SeqCst, Ordering::SeqCst);
    }
}

/// Watches for signals on a thread of its own for the rest of the process.
pub(crate) fn forward_to(control: Control) -> std::io::Result<FirstSignal> {
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    let first = FirstSignal::default();
    let seen_by_thread = first.clone();
    std::thread::Builder::new()
        .name("starling-signals".into())
        .spawn(move || {
            let mut seen = 0;
            for number in signals.forever() {
                seen += 1;
                seen_by_thread.set_once(if number == SIGTERM {
                    Signal::Terminate
                } else {
                    Signal::Interrupt
                });
                if seen == 1 {
                    notice(
                        "\nstopping: letting in-flight journeys finish (Ctrl-C again to stop now)",
                    );
                    control.stop();
                } else {
                    notice("\nstopping now");
                    control.abort();
                }
            }
        })?;
    Ok(first)
}
