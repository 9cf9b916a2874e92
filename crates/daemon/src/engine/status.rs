//! The rows of `rvsadmd status`.

use super::agents::AgentState;
use super::{Checked, Engine, Override};
use crate::config::Virtual;
use crate::probe::agent_reply::AgentWeight;
use crate::service;
use rvsadm::model::{DestSpec, Service, Snapshot, Weight};
use std::time::{SystemTime, UNIX_EPOCH};

pub use rvsadm_control::{AgentRow, StatusRow};

/// The status row of an agent asked at `port`, from what it said.
fn agent_row(port: u16, a: &AgentState) -> AgentRow {
    {
        AgentRow {
            admin: a.admin.name().into(),
            answered: a.answered,
            health: a.health.name().into(),
            last: a.last.clone(),
            maxconn: a.maxconn,
            percent: a.percent(),
            port,
            reason: a.reason.clone(),
            weight: match a.weight {
                Some(AgentWeight::Absolute(n)) => Some(n),
                _ => None,
            },
        }
    }
}

impl Engine {
    /// The status of every configured destination and fallback, with the
    /// weights of `live` (not those of the services added for checks
    /// through the VIP).
    pub fn status(&self, live: &Snapshot) -> Vec<StatusRow> {
        let mut rows = Vec::new();
        for v in self.config.configured() {
            let live_s = live.service(&v.key());
            for d in v.dests() {
                rows.push(self.row(v, d, live_s));
            }
            if let Some(f) = &v.fallback {
                rows.push(fallback_row(v, f, live_s));
            }
        }
        rows
    }

    /// The row of a configured destination.
    fn row(&self, v: &Virtual, d: &DestSpec, live: Option<&Service>) -> StatusRow {
        let key = v.key();
        let k = (key, d.addr);
        let checks = self.checks.of_dest(&k).unwrap_or_default();
        let verdict = self.checks.verdict(&k);
        // The check the verdict comes from tells the newest result and
        // since when.
        let h = verdict.by.and_then(|i| checks.get(i)).map(|c| &c.health);
        let last = h.and_then(|h| h.last.as_ref());
        StatusRow {
            admin: if self.drained.contains(&k) {
                "drained"
            } else {
                "ready"
            }
            .into(),
            agent: self
                .agents
                .of_dest(&k)
                .zip(v.reals.iter().find(|r| r.dest.addr == d.addr))
                .and_then(|(a, r)| Some(agent_row(r.agent.as_ref()?.port, a))),
            check: check_names(&checks),
            configured: d.config.weight.get(),
            destination: d.addr.to_string(),
            effective: self
                .computed(v, d, weight_in(live, d).and_then(Weight::new))
                .map(Weight::get),
            floor: self.depool.kept(&k),
            health: verdict.state.name().into(),
            last: last.map(|o| o.reason.clone()),
            latency_ms: last.map(|o| o.latency.as_secs_f64() * 1e3),
            override_: match self.overrides.get(&k) {
                Some(Override::Weight(w)) => Some(format!("weight {w}")),
                Some(Override::Deleted) => Some("deleted".into()),
                None if self.deleted_services.contains(&key) => Some("service deleted".into()),
                None => None,
            },
            ramp: self.ramp_of(&k),
            service: service::format(&key),
            since: h.map_or(0.0, |h| secs(h.since)),
            weight: weight_in(live, d),
        }
    }
}

/// A destination's checks as `status` names them: `tcp`, `tcp+http`;
/// `-` for none (always up).
fn check_names(checks: &[&Checked]) -> String {
    if checks.is_empty() {
        return "-".into();
    }
    let kinds: Vec<&str> = checks.iter().map(|c| c.check.probe.kind()).collect();
    kinds.join("+")
}

/// The row of a service's fallback server.
fn fallback_row(v: &Virtual, f: &DestSpec, live: Option<&Service>) -> StatusRow {
    StatusRow {
        admin: "ready".into(),
        agent: None,
        check: "-".into(),
        configured: f.config.weight.get(),
        destination: f.addr.to_string(),
        effective: None,
        floor: false,
        health: "fallback".into(),
        last: None,
        latency_ms: None,
        override_: None,
        ramp: None,
        service: service::format(&v.key()),
        since: 0.0,
        weight: weight_in(live, f),
    }
}

/// The weight of `d` in the service as the table has it.
fn weight_in(live: Option<&Service>, d: &DestSpec) -> Option<u32> {
    live?
        .destinations
        .iter()
        .find(|x| x.addr == d.addr)
        .map(|x| x.config.weight.get())
}

/// Seconds since the epoch.
fn secs(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}
