//! The checks' tasks: each check at its interval, never overlapping
//! itself, in a start slot of its own share of the interval; at most a
//! bounded number in flight per real-server address.
//!
//! - `phase.rs`: where in its interval each check starts (pure). Starts
//!   are gathered in slots (10 ms, or a twentieth of a shorter interval):
//!   checks whose starts fall in one slot wake the runtime once, and no
//!   slot takes more than its share of the checks, so a thousand checks
//!   every second reach their servers as ten every 10 ms, not as one
//!   burst. A check's slot follows from its id, so a restart with the same
//!   file places every check as before, and a reload neither moves nor
//!   restarts a check it did not change. A check that ran past its slot
//!   starts again its interval after its end (`phase::following`), so
//!   checks of a server that slows down slow down with it.
//! - `gate.rs`: the bound on checks in flight per address
//!   (`max_checks_in_flight_per_address`), which narrows to one while the
//!   address's server shows a full accept queue, and the pace of the
//!   address's check starts, slowed by each sign of a full queue and at
//!   first (slow start); a check waiting for its turn is not timed out by
//!   the wait.
//!
//! A timeout that would take an up server down is held back: it counts
//! only when the check's next run fails too. A server whose accept queue
//! the checks filled drops their SYNs exactly as an unreachable one does,
//! and the checker cannot tell them apart from one timeout; the next run,
//! at the pace the timeout slowed (`gate.rs`), can. Any other failure
//! (refused, reset, a wrong answer) counts at once.
//!
//! A check with a `retry_interval` that fails while it is not down (fewer
//! than `fall` failures in a row) starts again that long after the failure
//! ended, at a slot start; once it passes or is down it goes back to its
//! own slot (`phase::retry_start`). Retries are few (only failing checks,
//! whose failures arrive spread as their starts are), so they do not make
//! a burst.

mod gate;
mod phase;
#[cfg(test)]
mod tests;

use super::Msg;
use crate::config::{Check, Probe};
use crate::engine::CheckId;
use crate::health::{Health, Outcome, State};
use crate::probe;
use gate::{Gate, Gates};
use phase::Phases;
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// The running checks, sending their results to the loop.
pub(super) struct Schedule {
    /// Each running check's task.
    tasks: HashMap<CheckId, JoinHandle<()>>,
    /// Each check's start slot, kept across reloads.
    phases: Phases,
    /// The per-address bound.
    gates: Gates,
    /// Where every check's phase counts from: the schedule's creation.
    epoch: Instant,
    to_loop: mpsc::Sender<Msg>,
}

impl Schedule {
    /// No check running yet; at most `bound` checks in flight per address.
    pub(super) fn new(to_loop: mpsc::Sender<Msg>, bound: u32) -> Self {
        Schedule {
            tasks: HashMap::new(),
            phases: Phases::default(),
            gates: Gates::new(bound),
            epoch: Instant::now(),
            to_loop,
        }
    }

    /// Run `checks` (those never checked left out), at most `bound` in
    /// flight per address. A check already running goes on untouched (its
    /// id says it is configured as before); one no longer listed stops; a
    /// new one starts at its slot's next start. A new bound restarts every
    /// check, each in the slot it had.
    pub(super) fn configure(&mut self, checks: Vec<(CheckId, Check)>, bound: u32) {
        let checks: Vec<(CheckId, Check)> = checks
            .into_iter()
            .filter(|(_, c)| c.probe != Probe::Unchecked)
            .collect();
        let ids: HashSet<CheckId> = checks.iter().map(|(id, _)| *id).collect();
        if self.gates.set_bound(bound) {
            self.stop();
        }
        self.tasks.retain(|id, t| {
            let kept = ids.contains(id);
            if !kept {
                t.abort();
            }
            kept
        });
        self.phases.retain(&ids);
        let used = checks.iter().filter_map(|(_, c)| gate::target(&c.probe));
        self.gates.retain(&used.collect());
        self.gates
            .space(checks.iter().map(|(_, c)| (&c.probe, c.interval)));
        let mut at_interval: HashMap<Duration, usize> = HashMap::new();
        for (_, c) in &checks {
            *at_interval.entry(c.interval).or_default() += 1;
        }
        let since = Instant::now().saturating_duration_since(self.epoch);
        for (id, c) in checks {
            if self.tasks.contains_key(&id) {
                continue;
            }
            let count = at_interval.get(&c.interval).copied().unwrap_or(1);
            let at = self.phases.place(id, c.interval, count, c.warmup);
            let first = phase::first_start(at, c.interval, since);
            let task = Task {
                id,
                gate: self.gates.of(&c.probe),
                check: c,
                epoch: self.epoch,
                to_loop: self.to_loop.clone(),
            };
            self.tasks.insert(id, tokio::spawn(task.repeat(first)));
        }
    }

    /// How many checks run.
    pub(super) fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Stop every check.
    pub(super) fn stop(&mut self) {
        for (_, t) in self.tasks.drain() {
            t.abort();
        }
    }
}

/// One check's task.
struct Task {
    id: CheckId,
    check: Check,
    /// Its address's gate (`None`: it talks to no address).
    gate: Option<Gate>,
    epoch: Instant,
    to_loop: mpsc::Sender<Msg>,
}

impl Task {
    /// Run the check from `first` (after the epoch) on, at its interval
    /// (after a failure that is not yet down, at its `retry_interval`),
    /// until the loop stops listening. The task counts the check's
    /// failures in a row as the engine does, from the same start state.
    async fn repeat(self, first: Duration) {
        let c = &self.check;
        let mut next = first;
        // The next start in the check's own slot (at or after `next`).
        let mut grid = first;
        let mut health = Health::starting(c.start_up);
        let mut turn = probe::combined::Turn::default();
        // Whether the last run's timeout was held back.
        let mut deferred = false;
        loop {
            let scheduled = self.epoch + next;
            tokio::time::sleep_until(scheduled).await;
            // The timeout counts from when the check may connect.
            let (place, start) = match &self.gate {
                Some(g) => match g.enter(scheduled).await {
                    Some((p, start)) => (Some(p), start),
                    None => return,
                },
                None => (None, scheduled),
            };
            let (o, timeout, forced) = self.run_once(&mut turn, start).await;
            let timed_out = !o.ok && o.latency >= timeout;
            if let Some(p) = place {
                p.done(o.ok, o.latency, timeout);
            }
            // The probe read the clock when it ended: its start plus its
            // latency is now.
            let ended = (start + o.latency).saturating_duration_since(self.epoch);
            // A timeout that would take the server down counts when the
            // next run fails too (see the module's text).
            let held = timed_out && !deferred && would_fall(&health, c.fall);
            deferred = held;
            // A real in maintenance is down at once, whatever `fall` says
            // (ldirectord forces it down): its failure counts as many
            // times as make it down.
            let times = match forced {
                true => c.fall.saturating_sub(health.fails).max(1),
                false => u32::from(!held),
            };
            for _ in 0..times {
                health.record(o.clone(), c.rise, c.fall);
                if self
                    .to_loop
                    .send(Msg::Result(self.id, o.clone()))
                    .await
                    .is_err()
                {
                    return;
                }
            }
            grid = if next == grid {
                phase::following(grid, c.interval, ended)
            } else {
                // A retry: the slot's starts it did not overrun stay.
                phase::first_start(grid, c.interval, ended)
            };
            next = match c.retry_interval {
                Some(r) if health.state == State::Up && health.fails > 0 => {
                    phase::retry_start(ended, r, c.interval)
                }
                _ => grid,
            };
        }
    }
}

impl Task {
    /// One run of the check from `start`: its outcome, the timeout it had
    /// (`turn` picks the probe of a combined check) and whether a
    /// maintenance file forced it down (then nothing was probed).
    async fn run_once(
        &self,
        turn: &mut probe::combined::Turn,
        start: Instant,
    ) -> (Outcome, Duration, bool) {
        let c = &self.check;
        if let Some(file) = c.maintenance.as_ref().and_then(probe::maintenance::found) {
            return (in_maintenance(&file), c.timeout, true);
        }
        let (p, timeout) = turn.pick(&c.probe, c.timeout);
        let o = probe::run(&p, &c.source, start, timeout).await;
        turn.record(&c.probe, o.ok);
        (o, timeout, false)
    }
}

/// How the reason of a run skipped for maintenance starts.
pub(super) const MAINTENANCE: &str = "in maintenance (";

/// The failure of a run skipped because `file` of the maintenance
/// directory exists (ldirectord's "Server in maintenance").
fn in_maintenance(file: &str) -> Outcome {
    Outcome {
        ok: false,
        weight: None,
        add: 0,
        latency: Duration::ZERO,
        reason: format!("{MAINTENANCE}file {file} of maintenancedir)"),
    }
}

/// Whether one more failure takes a check that is up down.
fn would_fall(health: &Health, fall: u32) -> bool {
    health.state == State::Up && health.fails.saturating_add(1) >= fall.max(1)
}
