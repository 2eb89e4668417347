//! Ctrl-C and SIGTERM: the first stops new journeys and lets in-flight ones
//! finish; the second stops at once. Either way the run returns and its
//! results are written; nothing here exits the process.

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use starling_engine::Control;

use crate::output::notice;

/// Watches for signals on a thread of its own for the rest of the process.
pub(crate) fn forward_to(control: Control) -> std::io::Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("starling-signals".into())
        .spawn(move || {
            let mut seen = 0;
            for _ in signals.forever() {
                seen += 1;
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
    Ok(())
}
