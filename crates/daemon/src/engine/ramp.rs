//! Slow start: the ramp of a destination's weight after it comes back,
//! its curve and its steps (pure functions of the time since the ramp
//! began), and which destinations ramp (`Ramps`).
//!
//! The curve is Envoy's slow start ("Slow start mode", Envoy's
//! architecture overview, load balancing,
//! <https://www.envoyproxy.io/docs/envoy/latest/intro/arch_overview/upstream/load_balancing/slow_start>):
//! the weight is
//! `weight × max(floor, t^(1/aggression))`, `t` the part of the window
//! gone by (Envoy: `max(TimeSinceStartInSeconds, 1) /
//! SlowStartWindowInSeconds`, `MinWeightPercent` 10% by default). With
//! aggression 1 it is a straight line from the floor, as HAProxy's
//! `slowstart` (its weight grows in proportion to the time since the
//! server came back).
//!
//! The ramp moves in steps, each one write of the table: the window is
//! cut into [`steps`] equal parts (one a second, at most
//! [`MAX_STEPS`]; at most [`MAX_HASHED_STEPS`] under `mh` and `sh`,
//! whose lookup tables every weight change rebuilds), and through the
//! `k`th part the factor is the curve at its start, `k/steps` (never
//! above the curve); at the end of the window the ramp is over (100%).
//!
//! Which destinations ramp: one whose checks (and agent) made it fail,
//! when it is in service again; with `on_add`, one a reload added to a
//! service already configured, when it is first in service. Never one
//! found serving when the daemon starts. A destination down again loses
//! its ramp (and starts a new one when back); a drain (the operator's or
//! the agent's) abandons it (back at full weight when drained no more);
//! a reload keeps it, toward the weight configured now.

use super::DestKey;
use crate::config::{Config, SlowStart};
use rvsadm::model::Scheduler;
use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

/// The most steps of a ramp.
pub const MAX_STEPS: u32 = 10;
/// The most steps of a ramp under `mh` and `sh`.
pub const MAX_HASHED_STEPS: u32 = 3;

/// The number of steps of a ramp over `window` under `scheduler`: one a
/// second (at least one), at most [`MAX_STEPS`] ([`MAX_HASHED_STEPS`]
/// under `mh` and `sh`).
///
/// ```
/// use rvsadm::model::Scheduler;
/// use rvsadmd::engine::ramp::steps;
/// use std::time::Duration;
/// assert_eq!(steps(Duration::from_secs(30), &Scheduler::Wlc), 10);
/// assert_eq!(steps(Duration::from_secs(4), &Scheduler::Wlc), 4);
/// assert_eq!(steps(Duration::from_millis(500), &Scheduler::Wlc), 1);
/// assert_eq!(steps(Duration::from_secs(30), &Scheduler::Mh), 3);
/// ```
pub fn steps(window: Duration, scheduler: &Scheduler) -> u32 {
    let most = match scheduler {
        Scheduler::Mh | Scheduler::Sh => MAX_HASHED_STEPS,
        _ => MAX_STEPS,
    };
    u32::try_from(window.as_secs())
        .unwrap_or(u32::MAX)
        .clamp(1, most)
}

/// The curve: the part of the weight at `t` (0 to 1) of the window, in
/// percent, rounded up, from the floor to 100.
///
/// ```
/// use rvsadmd::config::SlowStart;
/// use rvsadmd::engine::ramp::curve;
/// use std::time::Duration;
/// let s = SlowStart { window: Duration::from_secs(10), aggression: 1.0, floor: 10, on_add: false };
/// assert_eq!(curve(&s, 0.0), 10);
/// assert_eq!(curve(&s, 0.5), 50);
/// let fast = SlowStart { aggression: 2.0, ..s };
/// assert_eq!(curve(&fast, 0.25), 50);
/// ```
pub fn curve(s: &SlowStart, t: f64) -> u32 {
    let part = t.clamp(0.0, 1.0).powf(1.0 / s.aggression);
    // Rounded to a millionth first, so that 0.3 × 100 is 30, not 31.
    let pct = ((part * 1e8).round() / 1e6).ceil();
    (pct as u32).clamp(s.floor.min(100), 100)
}

/// The factor, in percent, `elapsed` into a ramp of `n` steps (`None`:
/// the ramp is over), and when its next step begins (from the ramp's
/// start).
///
/// ```
/// use rvsadmd::config::SlowStart;
/// use rvsadmd::engine::ramp::at;
/// use std::time::Duration;
/// let s = SlowStart { window: Duration::from_secs(10), aggression: 1.0, floor: 10, on_add: false };
/// assert_eq!(at(&s, 10, Duration::from_millis(2500)), Some((20, Duration::from_secs(3))));
/// assert_eq!(at(&s, 10, Duration::from_secs(10)), None);
/// ```
pub fn at(s: &SlowStart, n: u32, elapsed: Duration) -> Option<(u32, Duration)> {
    if elapsed >= s.window {
        return None;
    }
    let n = n.max(1);
    let part = s.window / n;
    let k = (0..n).rev().find(|k| part * *k <= elapsed).unwrap_or(0);
    let next = if k + 1 == n { s.window } else { part * (k + 1) };
    Some((curve(s, f64::from(k) / f64::from(n)), next))
}

/// Which destinations ramp, since when, and the state each was last
/// seen in.
#[derive(Debug, Default)]
pub(super) struct Ramps {
    /// Each destination's last known state: in service or not.
    seen: HashMap<DestKey, bool>,
    /// The ramping destinations and when each ramp began.
    started: HashMap<DestKey, Instant>,
    /// Destinations a reload added to a service already configured, not
    /// yet seen in or out of service.
    added: BTreeSet<DestKey>,
    /// Destinations back from down while drained: they ramp when the
    /// drain ends (as a server leaving maintenance does in HAProxy).
    back_drained: BTreeSet<DestKey>,
}

impl Ramps {
    /// Take a destination's state: `serving` `Some(true)` in service,
    /// `Some(false)` failed, `None` not known yet; `drained` by the
    /// operator or its agent.
    pub(super) fn observe(
        &mut self,
        k: DestKey,
        serving: Option<bool>,
        drained: bool,
        slow: Option<&SlowStart>,
        now: Instant,
    ) {
        if let Some(s) = serving {
            let before = self.seen.insert(k, s);
            let added = self.added.remove(&k);
            let begins = match before {
                Some(b) => !b,
                None => added && slow.is_some_and(|x| x.on_add),
            };
            if !s {
                self.started.remove(&k);
                self.back_drained.remove(&k);
            } else if begins && slow.is_some() {
                if drained {
                    self.back_drained.insert(k);
                } else {
                    self.started.insert(k, now);
                }
            }
        }
        if !drained && self.back_drained.remove(&k) && slow.is_some() {
            self.started.insert(k, now);
        }
        let over = match (slow, self.started.get(&k)) {
            (Some(s), Some(t)) => now.saturating_duration_since(*t) >= s.window,
            _ => true,
        };
        if drained || over {
            self.started.remove(&k);
        }
    }

    /// The ramp's factor of `k` in percent at `now` (100: not ramping).
    pub(super) fn factor(
        &self,
        k: &DestKey,
        slow: Option<&SlowStart>,
        scheduler: &Scheduler,
        now: Instant,
    ) -> Option<u32> {
        let (s, t) = (slow?, self.started.get(k)?);
        at(
            s,
            steps(s.window, scheduler),
            now.saturating_duration_since(*t),
        )
        .map(|(p, _)| p)
    }

    /// Whether `k` has a ramp going.
    pub(super) fn ramping(&self, k: &DestKey) -> bool {
        self.started.contains_key(k)
    }

    /// When the next step of any ramp of `config` begins.
    pub(super) fn next_step(&self, config: &Config, now: Instant) -> Option<Instant> {
        // Asked after every check result: no walk when nothing ramps.
        if self.started.is_empty() {
            return None;
        }
        let mut next: Option<Instant> = None;
        for v in &config.services {
            for r in &v.reals {
                let k = (v.key(), r.dest.addr);
                let (Some(s), Some(t)) = (&r.slow_start, self.started.get(&k)) else {
                    continue;
                };
                let n = steps(s.window, &v.config.scheduler);
                let elapsed = now.saturating_duration_since(*t);
                let step = at(s, n, elapsed).map_or(s.window, |(_, d)| d);
                let when = *t + step;
                next = Some(next.map_or(when, |x| x.min(when)));
            }
        }
        next
    }

    /// The services with a ramp going.
    pub(super) fn services(&self) -> BTreeSet<rvsadm::model::ServiceKey> {
        self.started.keys().map(|k| k.0).collect()
    }

    /// A reload from `old` to `new`: destinations no longer configured
    /// are forgotten; those added to a service `old` had are noted (for
    /// `on_add`).
    pub(super) fn reconfigure(&mut self, old: &Config, new: &Config) {
        let had: BTreeSet<DestKey> = dests(old).collect();
        let services: BTreeSet<_> = old.services.iter().map(|v| v.key()).collect();
        let now: BTreeSet<DestKey> = dests(new).collect();
        self.added.extend(
            now.iter()
                .filter(|k| !had.contains(k) && services.contains(&k.0)),
        );
        self.added.retain(|k| now.contains(k));
        self.seen.retain(|k, _| now.contains(k));
        self.started.retain(|k, _| now.contains(k));
        self.back_drained.retain(|k| now.contains(k));
    }
}

/// Every configured destination of `config`.
fn dests(config: &Config) -> impl Iterator<Item = DestKey> + '_ {
    config
        .services
        .iter()
        .flat_map(|v| v.reals.iter().map(move |r| (v.key(), r.dest.addr)))
}

#[cfg(test)]
mod tests;
