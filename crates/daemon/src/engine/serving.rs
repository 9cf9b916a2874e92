//! Before a decision: each destination's state taken by the depool
//! floor (which failed destinations stay in) and by slow start (which
//! ramp), from its checks, its agent and the admin states.

use super::agents::Agents;
use super::agents::Gate;
use super::checks::Checks;
use super::{DestKey, Engine};
use crate::health::State;
use crate::probe::agent_reply::{AgentAdmin, AgentHealth};
use rvsadm::model::ServiceKey;
use std::collections::BTreeSet;

impl Engine {
    /// Take the state of the destinations of the services in `only` (of
    /// all when `None`) at the engine's clock ([`Engine::at`]).
    pub(super) fn observe_serving(&mut self, only: Option<&BTreeSet<ServiceKey>>) {
        let now = self.now;
        for v in &self.config.services {
            if only.is_some_and(|o| !o.contains(&v.key())) {
                continue;
            }
            let (agents, checks) = (&self.agents, &self.checks);
            let serving = |k: &DestKey| serving(agents, checks, k);
            let drained = &self.drained;
            let admin_out = |k: &DestKey| {
                let gate = agents.of_dest(k).map(|a| (a.admin, a.gate()));
                drained.contains(k)
                    || matches!(gate, Some((AgentAdmin::Maint, _) | (_, Gate::Drain)))
            };
            self.depool
                .observe(v, |k| failed(agents, checks, k), admin_out);
            for r in &v.reals {
                let k = (v.key(), r.dest.addr);
                let gate = self.agents.of_dest(&k).map_or(Gate::Open, |a| a.gate());
                let drained = self.drained.contains(&k) || gate == Gate::Drain;
                // One the floor keeps in never left.
                let now_serving = serving(&k).map(|s| s || self.depool.kept(&k));
                self.ramps
                    .observe(k, now_serving, drained, r.slow_start.as_ref(), now);
            }
        }
    }
}

/// Whether `k` is in service (`Some(true)`), failed (`Some(false)`: its
/// checks say down, or its agent puts it out) or not known yet.
fn serving(agents: &Agents, checks: &Checks, k: &DestKey) -> Option<bool> {
    let gate = agents.of_dest(k).map_or(Gate::Open, |a| a.gate());
    match (gate, checks.verdict(k).state) {
        (Gate::Out, _) | (_, State::Down) => Some(false),
        (_, State::Up) => Some(true),
        (_, State::Unknown) => None,
    }
}

/// Whether `k` has failed, as the depool floor counts: its checks say
/// down, or its agent says `down`, `fail` or `stopped` (not the agent's
/// `maint`, an admin state as a drain is).
fn failed(agents: &Agents, checks: &Checks, k: &DestKey) -> bool {
    let agent_down = agents
        .of_dest(k)
        .is_some_and(|a| a.health != AgentHealth::Up);
    agent_down || checks.verdict(k).state == State::Down
}
