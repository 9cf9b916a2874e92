//! The desired state of the owned services: what the checks, the admin
//! state, the changes by hand kept and the policies want.

use super::agents::{effective, Gate, RAMP_FULL};
use super::quorum::Quorums;
use super::{DestKey, Engine, Override};
use crate::config::{Format, Manual, OnFailure, Virtual};
use crate::health::State;
use rvsadm::model::{DesiredState, DestConfig, DestSpec, Service, ServiceKey, ServiceSpec, Weight};
use std::collections::BTreeSet;

impl Engine {
    /// The desired state of the owned services, given the table as known
    /// ([`Engine::kernel`]); of those in `only` when it is given (planned
    /// without pruning, the others are left as they are). Also remembers
    /// the decisions (for policy `ignore`).
    pub fn desired(&mut self, only: Option<&BTreeSet<ServiceKey>>) -> DesiredState {
        let mut services = Vec::new();
        let mut decided = Vec::new();
        self.observe_serving(only);
        let mut quorums = std::mem::take(&mut self.quorums);
        for v in &self.config.services {
            let key = v.key();
            if self.deleted_services.contains(&key) || only.is_some_and(|o| !o.contains(&key)) {
                continue;
            }
            services.push(self.service_desired(v, &mut decided, &mut quorums));
        }
        self.quorums = quorums;
        self.decided.extend(decided);
        DesiredState {
            services,
            timeouts: None,
            daemons: None,
        }
    }

    /// The desired state of one service; its destinations' decisions
    /// (before overrides and policy) are added to `decided`. Its quorum is
    /// decided on the weight of its destinations up (by what is put in the
    /// table; under `ignore` by the checks alone, as in ldirectord: a real
    /// drained by hand does not bring the fallback in); without quorum
    /// the fallback replaces them.
    fn service_desired(
        &self,
        v: &Virtual,
        decided: &mut Vec<(DestKey, Option<Weight>)>,
        quorums: &mut Quorums,
    ) -> ServiceSpec {
        let key = v.key();
        let live = self.kernel.table().service(&key);
        let mut spec = ServiceSpec::new(key).with_config(v.config.clone());
        quorums.health(v, |k| self.checks.verdict(k).state);
        let rows: Vec<_> = v
            .dests()
            .map(|d| {
                let k = (key, d.addr);
                let live_w = live
                    .and_then(|s| s.destinations.iter().find(|x| x.addr == d.addr))
                    .map(|x| x.config.weight);
                (k, d, self.computed(v, d, live_w), live_w)
            })
            .collect();
        // The quorum counts a ramping destination at its full weight: one
        // counted at its ramp's floor would keep the fallback in (and every
        // destination out) until all the ramps end together, the rush slow
        // start is there to prevent.
        let up: u64 = rows
            .iter()
            .map(|(k, d, _, live_w)| (k, self.computed_at(v, d, *live_w, RAMP_FULL), live_w))
            .map(|(k, full, live_w)| match v.manual {
                Manual::Ignore => full,
                m => self.kept(m, k, full, *live_w),
            })
            .map(|w| w.map_or(0, |w| u64::from(w.get())))
            .sum();
        let fallback_in = quorums.decide(v, up);
        for (k, d, computed, live_w) in rows {
            let computed = if fallback_in { failed(v) } else { computed };
            decided.push((k, computed));
            if let Some(w) = self.kept(v.manual, &k, computed, live_w) {
                let mut cfg: DestConfig = d.config;
                cfg.weight = w;
                if let Some(m) = self.agents.of_dest(&k).and_then(|a| a.maxconn) {
                    // The agent's `maxconn:N`: the upper threshold (the
                    // kernel refuses a lower one above it).
                    cfg.upper_threshold = m;
                    cfg.lower_threshold = cfg.lower_threshold.min(m);
                }
                spec.destinations.push(DestSpec::new(d.addr, cfg));
            }
        }
        if let Some(mut f) = v.fallback {
            if fallback_in {
                spec.destinations.push(f);
            } else if v.fallback_idle == OnFailure::Quiesce {
                f.config.weight = Weight::ZERO;
                spec.destinations.push(f);
            }
        }
        if v.keep_foreign {
            if let Some(s) = live {
                spec.destinations
                    .extend(foreign(v, s).filter(|d| !self.released(&(key, d.addr))));
            }
        }
        spec
    }

    /// What the policy on changes by hand makes of a decision.
    fn kept(
        &self,
        manual: Manual,
        k: &DestKey,
        computed: Option<Weight>,
        live: Option<Weight>,
    ) -> Option<Weight> {
        match manual {
            Manual::Adopt => match self.overrides.get(k) {
                Some(Override::Weight(w)) => Some(*w),
                Some(Override::Deleted) => None,
                None => computed,
            },
            // Written only when the decision changes.
            Manual::Ignore if self.decided.get(k) == Some(&computed) => live,
            Manual::Ignore | Manual::Revert => computed,
        }
    }

    /// What the checks, the agent and the admin states want for one
    /// destination (`None`: absent), before overrides and policy: the
    /// operator's drain, then the agent's gate, then the checks; an up
    /// destination at [`effective`] weight.
    pub(super) fn computed(
        &self,
        v: &Virtual,
        d: &DestSpec,
        live: Option<Weight>,
    ) -> Option<Weight> {
        let ramp = self.ramp_of(&(v.key(), d.addr)).unwrap_or(RAMP_FULL);
        self.computed_at(v, d, live, ramp)
    }

    /// [`Engine::computed`] with the slow-start factor `ramp` (percent)
    /// given instead of the destination's own.
    fn computed_at(
        &self,
        v: &Virtual,
        d: &DestSpec,
        live: Option<Weight>,
        ramp: u32,
    ) -> Option<Weight> {
        let k = (v.key(), d.addr);
        let verdict = self.checks.verdict(&k);
        let state = verdict.state;
        let agent = self.agents.of_dest(&k);
        let base = verdict.table_weight(d.config.weight.get(), Weight::MAX.get());
        let up_weight =
            Weight::new(effective(base, agent, ramp, Weight::MAX.get())).unwrap_or(d.config.weight);
        // The depool floor keeps a failed destination in at its weight.
        let kept = self.depool.kept(&k);
        if self.drained.contains(&k) {
            return Some(Weight::ZERO);
        }
        match agent.map_or(Gate::Open, |a| a.gate()) {
            Gate::Open => {}
            Gate::Drain => return Some(Weight::ZERO),
            Gate::Out if !kept => return failed(v),
            Gate::Out => {}
        }
        match state {
            State::Up => Some(up_weight),
            State::Down if kept => Some(up_weight),
            State::Down => failed(v),
            // No result yet of a check that does not start up
            // (`Check::start_up`: keepalived's checkers without `alpha`
            // start up, and are never unknown): what the table has stays
            // (ldirectord: a real in it with a weight is up, at its
            // configured weight); a destination not there, or at weight
            // 0, is down until its first result (keepalived's `alpha`:
            // absent, or at weight 0 with `inhibit_on_failure`).
            State::Unknown => match (live, v.on_failure) {
                (Some(w), _) if !w.is_zero() && self.config.format == Format::Ldirectord => {
                    Some(up_weight)
                }
                (Some(w), _) if self.config.format == Format::Native => Some(w),
                (_, OnFailure::Quiesce) => Some(Weight::ZERO),
                (_, OnFailure::Remove) => None,
            },
        }
    }
}

/// What a failed destination of `v` becomes: weight 0, or absent.
fn failed(v: &Virtual) -> Option<Weight> {
    match v.on_failure {
        OnFailure::Quiesce => Some(Weight::ZERO),
        OnFailure::Remove => None,
    }
}

/// Destinations someone else put in an owned service (kept unless the
/// policy is to revert).
fn foreign<'a>(v: &'a Virtual, s: &'a Service) -> impl Iterator<Item = DestSpec> + 'a {
    s.destinations
        .iter()
        .filter(move |x| {
            !(v.dests().any(|d| d.addr == x.addr) || v.fallback.is_some_and(|f| f.addr == x.addr))
        })
        .map(|x| x.spec())
}
