//! The bound on checks in flight per real-server address: a check that
//! talks to an address holds one of its places from its connect to its
//! end. A check that finds them all taken waits in the checker, not in the
//! server's accept queue, and its timeout starts when it gets one.
//!
//! The places an address has adapt to what its server takes. A connect
//! check ends when the server's kernel answers the SYN, before the server
//! accepts, so a server that accepts slowly shows only when its accept
//! queue is full: it drops the SYN, the connect is sent again a second
//! later, and the check succeeds slowly. A check that succeeds slowly
//! (half its timeout or more, or 0.9 s or more) leaves its address one
//! place: no new check of it starts until the ones already waiting on a
//! resent SYN are done, so theirs never meets a queue refilled by the
//! checker (a second drop would outlast their timeout). Each quick success
//! then gives one place back per places-in-use successes, up to the bound
//! (additive increase, multiplicative decrease, as TCP's congestion
//! window). A failure changes nothing here: a dead server's checks still
//! run side by side and find it down at once.
//!
//! Places bound the checks in flight, not their rate: a server that
//! accepts fewer connections a second than its checks make fills its
//! queue however few are in flight at once. So a sign of a full queue
//! also paces the address: after a slow success its checks start
//! `PACE_STEP` times its natural spacing apart (its shortest interval over
//! its number of checks), `PACE_STEP` times more for each further sign at
//! least `FEEDBACK_DELAY` later, up to `PACE_MAX` (half their rate); a
//! connect that timed out (its SYN and the resend both dropped: the queue
//! is full for long) paces it at `PACE_MAX` at once. The pace comes back to the natural spacing over
//! `PACE_RECOVERY` of quick successes, when the pacing stops. Checks that
//! wait for their start are late by that wait and not timed out by it
//! (the schedule counts their next start from their end, so their rate
//! falls with it). This is TCP's congestion avoidance again, on the
//! checker's rate: the checker finds how much the server takes without
//! keeping its queue full, where a SYN dropped twice would be a false
//! down.

use crate::config::Probe;
use std::collections::HashMap;
use std::collections::VecDeque;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;

/// The address a probe talks to, whose server it loads (`None`: it talks
/// to none, or runs a program whose target the checker does not know).
pub(super) fn target(probe: &Probe) -> Option<IpAddr> {
    match probe {
        Probe::Tcp { target, .. } => Some(target.ip()),
        Probe::Http(h) => Some(h.target.ip()),
        Probe::Smtp(p) => Some(p.target.ip()),
        Probe::Dns(p) => Some(p.target.ip()),
        Probe::Mysql(p) => Some(p.target.ip()),
        Probe::Pgsql(p) => Some(p.target.ip()),
        Probe::Radius(p) => Some(p.target.ip()),
        Probe::Sip(p) => Some(p.target.ip()),
        Probe::Ftp(p) => Some(p.target.ip()),
        Probe::Oracle(p) => Some(p.target.ip()),
        Probe::Mail(p) => Some(p.target.ip()),
        Probe::Exchange(p) => Some(p.target.ip()),
        Probe::Ldap(p) => Some(p.target.ip()),
        Probe::Udp(p) => Some(p.target.ip()),
        Probe::Ping { target } => Some(*target),
        Probe::Combined(c) => Some(c.connect.ip()),
        Probe::Exec { .. } | Probe::File(_) | Probe::Up | Probe::Down | Probe::Unchecked => None,
    }
}

/// One gate per address checks talk to, of at most `bound` places each.
#[derive(Debug)]
pub(super) struct Gates {
    bound: u32,
    of: HashMap<IpAddr, Gate>,
}

impl Gates {
    /// No address yet, at most `bound` checks in flight per address.
    pub(super) fn new(bound: u32) -> Self {
        Gates {
            bound: bound.max(1),
            of: HashMap::new(),
        }
    }

    /// Take a new bound; returns whether it changed (then every address
    /// gets a new gate, and the checks holding the old ones must restart).
    pub(super) fn set_bound(&mut self, bound: u32) -> bool {
        let bound = bound.max(1);
        if bound == self.bound {
            return false;
        }
        self.bound = bound;
        self.of.clear();
        true
    }

    /// The gate of the address `probe` talks to.
    pub(super) fn of(&mut self, probe: &Probe) -> Option<Gate> {
        let ip = target(probe)?;
        let bound = self.bound;
        Some(
            self.of
                .entry(ip)
                .or_insert_with(|| Gate::new(bound))
                .clone(),
        )
    }

    /// Forget the gates of addresses no check talks to any more.
    pub(super) fn retain(&mut self, used: &std::collections::HashSet<IpAddr>) {
        self.of.retain(|ip, _| used.contains(ip));
    }

    /// Each address's natural spacing: the shortest interval of its checks
    /// over their number (`checks`: each check's probe and interval).
    pub(super) fn space<'a>(&mut self, checks: impl Iterator<Item = (&'a Probe, Duration)>) {
        let mut per: HashMap<IpAddr, (u32, Duration)> = HashMap::new();
        for (probe, interval) in checks {
            if let Some(ip) = target(probe) {
                let e = per.entry(ip).or_insert((0, interval));
                e.0 = e.0.saturating_add(1);
                e.1 = e.1.min(interval);
            }
        }
        let bound = self.bound;
        for (ip, (n, shortest)) in per {
            let g = self.of.entry(ip).or_insert_with(|| Gate::new(bound));
            g.places().natural = shortest / n.max(1);
        }
    }
}

/// The most an address's checks are spaced, in natural spacings: they run
/// at half their rate at most.
const PACE_MAX: f64 = 2.0;

/// Each sign of a full queue spaces an address's checks this many times
/// more (up to `PACE_MAX`), once per `FEEDBACK_DELAY` at most.
const PACE_STEP: f64 = 1.25;

/// How long a dropped SYN takes to show (Linux sends it again after 1 s):
/// the signs within it are of the same drops, and slow the address once.
const FEEDBACK_DELAY: Duration = Duration::from_secs(1);

/// How long the pace takes to come back from `PACE_MAX` to the natural
/// spacing, counted in the quick successes that would take that long at
/// the natural rate.
const PACE_RECOVERY: Duration = Duration::from_secs(20);

/// The gate of one address.
#[derive(Debug, Clone)]
pub(super) struct Gate(Arc<Mutex<Places>>);

/// An address's places.
#[derive(Debug)]
struct Places {
    /// The most there may be.
    bound: u32,
    /// How many there are now (1 to `bound`).
    open: u32,
    /// Quick successes since the last place given back.
    credit: u32,
    /// Checks in flight.
    taken: u32,
    /// Checks waiting for a place, first come first in.
    waiting: VecDeque<oneshot::Sender<()>>,
    /// The address's natural spacing of check starts (zero: unknown).
    natural: Duration,
    /// Its checks' starts are spaced `pace` natural spacings apart while
    /// `pace` is more than 1 (0: not paced).
    pace: f64,
    /// The earliest the next check may start while paced.
    next_free: Option<Instant>,
    /// When a sign of a full queue last slowed its checks.
    slowed_at: Option<Instant>,
}

impl Places {
    /// When a check due at `scheduled` may start, the start after it
    /// reserved.
    fn reserve(&mut self, scheduled: Instant) -> Instant {
        if self.pace <= 1.0 || self.natural.is_zero() {
            self.next_free = None;
            return scheduled;
        }
        let at = self.next_free.map_or(scheduled, |f| f.max(scheduled));
        self.next_free = Some(at + self.natural.mul_f64(self.pace));
        at
    }

    /// A quick success: one place back per places-in-use of them.
    fn widen(&mut self) {
        if self.open < self.bound {
            self.credit += 1;
            if self.credit >= self.open {
                self.open += 1;
                self.credit = 0;
            }
        }
    }

    /// A sign that the server's queue was full: space the checks
    /// `factor` times more (up to `PACE_MAX`); within `FEEDBACK_DELAY` of
    /// the last sign (the same drops), at least `factor` times.
    fn slow_down(&mut self, factor: f64) {
        let now = Instant::now();
        if self
            .slowed_at
            .is_some_and(|t| now.duration_since(t) < FEEDBACK_DELAY)
        {
            self.pace = self.pace.max(factor.min(PACE_MAX));
            return;
        }
        self.slowed_at = Some(now);
        self.pace = (self.pace.max(1.0) * factor).min(PACE_MAX);
    }

    /// A quick success: the pace comes back by its share of
    /// `PACE_RECOVERY`; at the natural spacing it stops.
    fn speed_up(&mut self) {
        if self.pace <= 0.0 {
            return;
        }
        let step = if PACE_RECOVERY.is_zero() || self.natural.is_zero() {
            PACE_MAX
        } else {
            self.natural.as_secs_f64() / PACE_RECOVERY.as_secs_f64() * (PACE_MAX - 1.0)
        };
        self.pace -= step;
        if self.pace <= 1.0 {
            self.pace = 0.0;
            self.next_free = None;
        }
    }

    /// Let waiting checks in while places are free.
    fn admit(&mut self) {
        while self.taken < self.open {
            let Some(w) = self.waiting.pop_front() else {
                return;
            };
            // A waiter gone (its check stopped) takes nothing.
            if w.send(()).is_ok() {
                self.taken += 1;
            }
        }
    }
}

/// A check's place at its address, from its connect to its end; given
/// back by [`Place::done`] (or when dropped, as a check stopped midway).
#[derive(Debug)]
pub(super) struct Place(Option<Gate>);

impl Gate {
    /// A gate of `bound` places.
    pub(super) fn new(bound: u32) -> Self {
        Gate(Arc::new(Mutex::new(Places {
            bound: bound.max(1),
            open: bound.max(1),
            credit: 0,
            taken: 0,
            waiting: VecDeque::new(),
            natural: Duration::ZERO,
            pace: 0.0,
            next_free: None,
            slowed_at: None,
        })))
    }

    fn places(&self) -> MutexGuard<'_, Places> {
        // The state stays whole whatever a panicking holder did: each
        // change is one field at a time.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A place to check from, and when the check starts: `scheduled` when
    /// one was free then, else the moment one was given to it (the wait
    /// is not the check's: its timeout and latency count from there).
    /// `None`: the gate went away (never, while the schedule holds it).
    pub(super) async fn enter(&self, scheduled: Instant) -> Option<(Place, Instant)> {
        let paced = self.places().reserve(scheduled);
        if paced > scheduled {
            tokio::time::sleep_until(paced).await;
        }
        let scheduled = paced;
        let rx = {
            let mut p = self.places();
            if p.taken < p.open && p.waiting.is_empty() {
                p.taken += 1;
                return Some((Place(Some(self.clone())), scheduled));
            }
            let (tx, rx) = oneshot::channel();
            p.waiting.push_back(tx);
            rx
        };
        let mut w = Waiting {
            rx,
            gate: self.clone(),
            admitted: false,
        };
        (&mut w.rx).await.ok()?;
        w.admitted = true;
        Some((Place(Some(self.clone())), Instant::now()))
    }

    /// A check in flight ended: its place is free.
    fn release(&self) {
        let mut p = self.places();
        p.taken = p.taken.saturating_sub(1);
        p.admit();
    }

    /// How many natural spacings apart its checks start now (0: not
    /// paced).
    #[cfg(test)]
    pub(super) fn pace(&self) -> f64 {
        self.places().pace
    }

    /// How many places the address has now.
    #[cfg(test)]
    pub(super) fn open(&self) -> u32 {
        self.places().open
    }
}

impl Place {
    /// The check ended: `ok`, after `latency`, within `timeout`. A slow
    /// success leaves the address one place and paces it, as a timeout
    /// paces it; a quick success gives places and pace back (see the
    /// module's text).
    pub(super) fn done(mut self, ok: bool, latency: Duration, timeout: Duration) {
        let Some(g) = self.0.take() else {
            return;
        };
        {
            let mut p = g.places();
            match (ok, is_slow(latency, timeout)) {
                (true, true) => {
                    p.open = 1;
                    p.credit = 0;
                    p.slow_down(PACE_STEP);
                }
                (true, false) => {
                    p.widen();
                    p.speed_up();
                }
                // The SYN and its resend both dropped: the queue is full
                // for long, half the rate at once.
                (false, _) if latency >= timeout => p.slow_down(PACE_MAX),
                (false, _) => {}
            }
        }
        g.release();
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        if let Some(g) = self.0.take() {
            g.release();
        }
    }
}

/// A check waiting for a place. Stopped after it was let in but before it
/// took the place (a reload stopped its check), it gives the place back.
struct Waiting {
    rx: oneshot::Receiver<()>,
    gate: Gate,
    admitted: bool,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if !self.admitted && self.rx.try_recv().is_ok() {
            self.gate.release();
        }
    }
}

/// Whether a success took long enough to say the server's accept queue
/// was full: half its timeout or more, or 0.9 s or more (Linux sends a
/// dropped SYN again after 1 s).
pub(super) fn is_slow(latency: Duration, timeout: Duration) -> bool {
    latency >= (timeout / 2).min(Duration::from_millis(900))
}
