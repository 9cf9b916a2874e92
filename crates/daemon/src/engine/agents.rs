//! The feedback agents' word on their destinations, kept apart from the
//! checks' health and from the operator's drain: what each agent last
//! said, and the weight factor and gate it makes.
//!
//! A destination's weight in the table is
//! `configured weight × agent % × slow-start ramp` ([`effective`]), put
//! in only while its checks say up, and gated by the admin states: the
//! operator's drain (`rvsadmd drain`), then the agent's ([`Gate`]). Only
//! the agent undoes what the agent said (`ready`, `up`); `rvsadmd ready`
//! clears the operator's drain alone.
//!
//! A question that gets no answer (refused, timed out) is not a failure
//! of the destination, as in HAProxy: what the agent said last stays.

use super::DestKey;
use crate::config::{AgentCheck, Config};
use crate::probe::agent::Answer;
use crate::probe::agent_reply::{AgentAdmin, AgentHealth, AgentWeight};
use std::collections::HashMap;
use std::net::IpAddr;

/// One agent: a destination address and how it is asked. Destinations
/// of several services on one address with the same agent share it.
pub type AgentKey = (IpAddr, AgentCheck);

/// The slow-start ramp's factor while a destination is not ramping (and
/// until slow start exists): 100%. The ramp multiplies in
/// [`effective`].
pub const RAMP_FULL: u32 = 100;

/// What one agent has said, as far as it has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgentState {
    /// The weight asked for (`None`: never said, the configured one).
    pub weight: Option<AgentWeight>,
    /// The connection limit asked for (`None`: never said).
    pub maxconn: Option<u32>,
    /// The agent's admin state.
    pub admin: AgentAdmin,
    /// The agent's word on health.
    pub health: AgentHealth,
    /// The reason given with it (`#...`), the newest.
    pub reason: Option<String>,
    /// The newest answer's line, or why there was none.
    pub last: Option<String>,
    /// Whether the newest question was answered.
    pub answered: bool,
}

/// What the agent lets through for a destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// As its checks say.
    Open,
    /// Weight 0 (`drain`).
    Drain,
    /// As a failed destination (`maint`; `down`, `fail`, `stopped`).
    Out,
}

impl AgentState {
    /// Take one answer (or the failure to get one); returns whether
    /// what the table should hold may have changed.
    pub fn take(&mut self, got: Result<Answer, String>) -> bool {
        let before = (self.weight, self.maxconn, self.admin, self.health);
        match got {
            Ok(a) => {
                let r = a.reply;
                self.weight = r.weight.or(self.weight);
                self.maxconn = r.maxconn.or(self.maxconn);
                self.admin = r.admin.unwrap_or(self.admin);
                self.health = r.health.unwrap_or(self.health);
                if r.reason.is_some() || r.health.is_some() {
                    self.reason = r.reason;
                }
                self.last = Some(match r.unknown.is_empty() {
                    true => a.line,
                    false => format!("{} (not understood: {})", a.line, r.unknown.join(" ")),
                });
                self.answered = true;
            }
            Err(why) => {
                self.last = Some(why);
                self.answered = false;
            }
        }
        before != (self.weight, self.maxconn, self.admin, self.health)
    }

    /// The gate of its admin state and health.
    pub fn gate(&self) -> Gate {
        match (self.admin, self.health) {
            (AgentAdmin::Maint, _) => Gate::Out,
            (_, AgentHealth::Down | AgentHealth::Fail | AgentHealth::Stopped) => Gate::Out,
            (AgentAdmin::Drain, _) => Gate::Drain,
            (AgentAdmin::Ready, AgentHealth::Up) => Gate::Open,
        }
    }

    /// The agent's factor in percent (`None`: an absolute weight).
    pub fn percent(&self) -> Option<u32> {
        match self.weight {
            None => Some(100),
            Some(AgentWeight::Percent(p)) => Some(p),
            Some(AgentWeight::Absolute(_)) => None,
        }
    }
}

/// The weight of a destination in service: `base` (its configured
/// weight, or what its checks ask for) times the agent's percentage (or
/// the agent's absolute weight in place of `base`) times the ramp's
/// percentage, each product rounded up (a factor above 0% never makes
/// weight 0: only `0%` drains), at most `max`.
///
/// ```
/// use rvsadmd::engine::agents::{effective, AgentState, RAMP_FULL};
/// use rvsadmd::probe::agent_reply::AgentWeight;
/// let half = AgentState { weight: Some(AgentWeight::Percent(50)), ..AgentState::default() };
/// assert_eq!(effective(10, Some(&half), RAMP_FULL, 100), 5);
/// assert_eq!(effective(1, Some(&half), RAMP_FULL, 100), 1);
/// assert_eq!(effective(10, None, RAMP_FULL, 100), 10);
/// ```
pub fn effective(base: u32, agent: Option<&AgentState>, ramp_pct: u32, max: u32) -> u32 {
    let scaled = |w: u64, pct: u32| w.saturating_mul(u64::from(pct)).div_ceil(100);
    let w = match agent.and_then(|a| a.weight) {
        None => u64::from(base),
        Some(AgentWeight::Percent(p)) => scaled(u64::from(base), p),
        Some(AgentWeight::Absolute(n)) => u64::from(n),
    };
    let w = scaled(w, ramp_pct);
    u32::try_from(w.min(u64::from(max))).unwrap_or(max)
}

/// The agents of a configuration and what each said.
#[derive(Debug, Default)]
pub struct Agents {
    /// Each agent's state.
    state: HashMap<AgentKey, AgentState>,
    /// Each destination's agent.
    of_dest: HashMap<DestKey, AgentKey>,
    /// Each agent's destinations, in configuration order.
    users: HashMap<AgentKey, Vec<DestKey>>,
}

impl Agents {
    /// Take the agents of `config`: an agent configured as before keeps
    /// what it said; others start from nothing said.
    pub fn configure(&mut self, config: &Config) {
        let mut before = std::mem::take(&mut self.state);
        self.of_dest.clear();
        self.users.clear();
        for v in &config.services {
            for r in &v.reals {
                let Some(a) = &r.agent else { continue };
                let dest = (v.key(), r.dest.addr);
                let key = (r.dest.addr.ip(), a.clone());
                if !self.state.contains_key(&key) {
                    let kept = before.remove(&key).unwrap_or_default();
                    self.state.insert(key.clone(), kept);
                }
                self.users.entry(key.clone()).or_default().push(dest);
                self.of_dest.insert(dest, key);
            }
        }
    }

    /// Every agent, in no particular order.
    pub fn keys(&self) -> Vec<AgentKey> {
        self.state.keys().cloned().collect()
    }

    /// Take an answer of agent `key`; returns its destinations when what
    /// the table should hold may have changed (`None` too for an agent a
    /// reload removed).
    pub fn record(&mut self, key: &AgentKey, got: Result<Answer, String>) -> Option<&[DestKey]> {
        let changed = self.state.get_mut(key)?.take(got);
        changed.then(|| self.users.get(key).map(Vec::as_slice))?
    }

    /// The destinations agent `key` speaks for (none: not configured).
    pub fn users(&self, key: &AgentKey) -> &[DestKey] {
        self.users.get(key).map_or(&[], Vec::as_slice)
    }

    /// What the agent of `dest` said (`None`: it has no agent).
    pub fn of_dest(&self, dest: &DestKey) -> Option<&AgentState> {
        self.state.get(self.of_dest.get(dest)?)
    }
}

#[cfg(test)]
mod tests;
