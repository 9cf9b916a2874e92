//! The bound on checks in flight per real-server address: a check that
//! talks to an address holds one of its permits from its connect to its
//! end. A check that finds them all taken waits in the checker, not in the
//! server's accept queue, and its timeout starts when it gets one: a server
//! that accepts slowly sees the checks one after another, at the rate it
//! accepts, and none of them fails for the queue the checker made.

use crate::config::Probe;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The address a probe talks to, whose server it loads (`None`: it talks
/// to none, or runs a program whose target the checker does not know).
pub(super) fn target(probe: &Probe) -> Option<IpAddr> {
    match probe {
        Probe::Tcp { target } => Some(target.ip()),
        Probe::Http(h) => Some(h.target.ip()),
        Probe::Exec { .. } | Probe::Up | Probe::Down | Probe::Unchecked => None,
    }
}

/// One semaphore per address checks talk to, of `bound` permits each.
#[derive(Debug)]
pub(super) struct Gates {
    bound: u32,
    of: HashMap<IpAddr, Arc<Semaphore>>,
}

impl Gates {
    /// No address yet, `bound` checks in flight per address.
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
        let bound = usize::try_from(self.bound).unwrap_or(usize::MAX);
        let s = self
            .of
            .entry(ip)
            .or_insert_with(|| Arc::new(Semaphore::new(bound)));
        Some(Gate(s.clone()))
    }

    /// Forget the gates of addresses no check talks to any more.
    pub(super) fn retain(&mut self, used: &std::collections::HashSet<IpAddr>) {
        self.of.retain(|ip, _| used.contains(ip));
    }
}

/// The gate of one address.
#[derive(Debug, Clone)]
pub(super) struct Gate(Arc<Semaphore>);

impl Gate {
    /// A permit to check, and when the check starts: `scheduled` when a
    /// permit was free then, else the moment one became free (the wait is
    /// not the check's: its timeout and latency count from there).
    /// `None`: the gate was closed (never, while the schedule holds it).
    pub(super) async fn enter(
        &self,
        scheduled: Instant,
    ) -> Option<(OwnedSemaphorePermit, Instant)> {
        match self.0.clone().try_acquire_owned() {
            Ok(p) => Some((p, scheduled)),
            Err(_) => {
                let p = self.0.clone().acquire_owned().await.ok()?;
                Some((p, Instant::now()))
            }
        }
    }
}
