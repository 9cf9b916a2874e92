//! Signals that end `rvsadm top` while it holds the terminal.
//!
//! SIGTERM, SIGHUP, SIGINT and SIGQUIT would otherwise kill the process in
//! raw mode on the alternate screen, leaving the user's terminal unusable.
//! While the live view runs, their handler only notes the signal (an atomic
//! store, which is async-signal-safe); the view's loop sees the note within
//! [`CHECK_EVERY`], leaves, gives the terminal back, and then
//! [`Caught::finish`] puts the old handlers back and raises the signal
//! again, so the parent sees `rvsadm top` ended by that signal as before.
//! A signal that was ignored when `top` started (`nohup`) stays ignored.

use nix::sys::signal::{self, SaFlags, SigAction, SigHandler, SigSet, Signal};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

/// The signals that end the view.
const ENDING: [Signal; 4] = [
    Signal::SIGTERM,
    Signal::SIGHUP,
    Signal::SIGINT,
    Signal::SIGQUIT,
];

/// The longest the view's loop waits before it looks at [`pending`].
pub const CHECK_EVERY: Duration = Duration::from_millis(200);

/// The last signal noted, 0 when none.
static NOTED: AtomicI32 = AtomicI32::new(0);

extern "C" fn note(signo: nix::libc::c_int) {
    NOTED.store(signo, Ordering::SeqCst);
}

/// The handlers in place while the view runs, and those they replaced.
pub struct Caught {
    replaced: Vec<(Signal, SigAction)>,
}

/// Note the ending signals instead of dying of them, until
/// [`Caught::finish`].
pub fn catch() -> Caught {
    let noting = SigAction::new(SigHandler::Handler(note), SaFlags::empty(), SigSet::empty());
    let mut replaced = Vec::new();
    for s in ENDING {
        // SAFETY: `note` only stores into an atomic, which is
        // async-signal-safe.
        let Ok(old) = (unsafe { signal::sigaction(s, &noting) }) else {
            continue;
        };
        if matches!(old.handler(), SigHandler::SigIgn) {
            // SAFETY: puts back the disposition the process had.
            let _ = unsafe { signal::sigaction(s, &old) };
        } else {
            replaced.push((s, old));
        }
    }
    Caught { replaced }
}

/// The ending signal noted since [`catch`], if any.
pub fn pending() -> Option<Signal> {
    Signal::try_from(NOTED.load(Ordering::SeqCst)).ok()
}

impl Caught {
    /// Put the replaced handlers back; when a signal was noted, raise it
    /// again (call this after the terminal is given back).
    pub fn finish(self) {
        for (s, old) in &self.replaced {
            // SAFETY: puts back the disposition the process had.
            let _ = unsafe { signal::sigaction(*s, old) };
        }
        if let Some(s) = pending() {
            let _ = signal::raise(s);
        }
    }
}
