//! The checks' tasks: first starts spread over one interval each, then
//! each check at its interval, never overlapping itself.
//!
//! Starts are gathered in slots (10 ms, or a twentieth of a shorter
//! interval): checks of one interval whose starts fall in one slot wake
//! the runtime once, not once each, and their deadlines are computed from
//! the slot, without reading the clock.

use super::Msg;
use crate::config::{Check, Probe};
use crate::engine::CheckId;
use crate::probe;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// The running checks, sending their results to the loop.
pub(super) struct Schedule {
    tasks: Vec<JoinHandle<()>>,
    to_loop: mpsc::Sender<Msg>,
}

impl Schedule {
    /// No check running yet.
    pub(super) fn new(to_loop: mpsc::Sender<Msg>) -> Self {
        Schedule {
            tasks: Vec::new(),
            to_loop,
        }
    }

    /// Stop the running checks and start `checks` (those never checked
    /// left out).
    pub(super) fn restart(&mut self, checks: Vec<(CheckId, Check)>) {
        self.stop();
        let checks: Vec<(CheckId, Check)> = checks
            .into_iter()
            .filter(|(_, c)| c.probe != Probe::Unchecked)
            .collect();
        let n = checks.len().max(1) as u32;
        let epoch = Instant::now();
        for (i, (id, c)) in checks.into_iter().enumerate() {
            let offset = slotted(
                c.interval.mul_f64(f64::from(i as u32 % n) / f64::from(n)),
                slot_of(c.interval),
            );
            let task = repeat(id, c, epoch + offset, self.to_loop.clone());
            self.tasks.push(tokio::spawn(task));
        }
    }

    /// How many checks run.
    pub(super) fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Stop every check.
    pub(super) fn stop(&mut self) {
        for t in self.tasks.drain(..) {
            t.abort();
        }
    }
}

/// Run check `id` from `first` on, at its interval, until the loop stops
/// listening.
async fn repeat(id: CheckId, c: Check, first: Instant, to_loop: mpsc::Sender<Msg>) {
    let mut next = first;
    loop {
        tokio::time::sleep_until(next).await;
        let o = probe::run(&c.probe, next, c.timeout).await;
        // The probe read the clock when it ended: its start plus its
        // latency is now.
        let ended = next + o.latency;
        if to_loop.send(Msg::Result(id, o)).await.is_err() {
            return;
        }
        next += c.interval;
        if next < ended {
            // A probe longer than the interval: start again at once, and
            // keep the spread from now on.
            next = ended;
        }
    }
}

/// The slot check starts are gathered in, for checks at `interval`.
fn slot_of(interval: Duration) -> Duration {
    Duration::from_millis(10).min(interval / 20)
}

/// `offset` rounded down to a whole number of slots.
fn slotted(offset: Duration, slot: Duration) -> Duration {
    if slot.is_zero() {
        return offset;
    }
    let k = offset.as_nanos() / slot.as_nanos();
    slot * u32::try_from(k).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_are_gathered_in_slots() {
        let ms = Duration::from_millis;
        assert_eq!(slot_of(ms(1000)), ms(10));
        assert_eq!(slot_of(ms(100)), ms(5));
        assert_eq!(slotted(ms(1234), ms(10)), ms(1230));
        assert_eq!(slotted(ms(9), ms(10)), ms(0));
        assert_eq!(slotted(ms(7), Duration::ZERO), ms(7));
    }
}
