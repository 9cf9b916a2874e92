//! What the engine says at a scrape: each configured destination's
//! weights, health and admin state, and each service's destinations up;
//! in fleet mode the revision applied and etcd's reachability. Built in
//! the loop (pure, from the [`Engine`]), encoded off it.

use crate::engine::agents::RAMP_FULL;
use crate::engine::{DestKey, Engine};
use crate::health::State;
use crate::probe::agent_reply::AgentAdmin;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::MetricType;
use rvsadm_control::FleetRow;
use rvsadm_metrics::{DestLabels, ServiceLabels};
use std::fmt;

/// The value of `rvsadm_destination_health`: 1 up, 0 down, -1 unknown
/// (one sample a destination, not one per state: a scrape of 10,000
/// destinations stays within 100 ms).
fn health(s: State) -> i64 {
    match s {
        State::Up => 1,
        State::Down => 0,
        State::Unknown => -1,
    }
}

/// The value of `rvsadm_destination_agent_admin`: 0 ready, 1 drain,
/// 2 maint.
fn admin(a: AgentAdmin) -> i64 {
    match a {
        AgentAdmin::Ready => 0,
        AgentAdmin::Drain => 1,
        AgentAdmin::Maint => 2,
    }
}

/// One configured destination.
#[derive(Debug)]
struct Dest {
    labels: DestLabels,
    configured: u32,
    /// The weight the last decision asked for (0: out of the table);
    /// `None` before the first decision.
    effective: Option<u32>,
    health: State,
    drained: bool,
    /// Its slow-start factor in percent (100: not ramping).
    ramp: u32,
    /// Failed but kept in by the depool floor.
    floor: bool,
    /// Its agent's factor in percent and admin state (`None`: no agent,
    /// or an absolute weight for the factor).
    agent: Option<(Option<u32>, i64)>,
}

/// One configured service.
#[derive(Debug)]
struct Svc {
    labels: ServiceLabels,
    up: usize,
    configured: usize,
}

/// The engine's side of a scrape.
#[derive(Debug, Default)]
pub struct View {
    dests: Vec<Dest>,
    services: Vec<Svc>,
    fleet: Option<FleetRow>,
}

impl View {
    /// What `e` says now about every configured destination.
    pub fn of(e: &Engine) -> View {
        let mut v = View::default();
        for s in &e.config.services {
            let key = s.key();
            let mut up = 0;
            let mut configured = 0;
            for d in s.dests() {
                let k: DestKey = (key, d.addr);
                let health = e.verdict(&k).state;
                up += usize::from(health == State::Up);
                configured += 1;
                v.dests.push(Dest {
                    labels: DestLabels::of(&key, d.addr),
                    configured: d.config.weight.get(),
                    effective: e.decision(&k).map(|w| w.map_or(0, |w| w.get())),
                    health,
                    drained: e.drained.contains(&k),
                    ramp: e.ramp_of(&k).unwrap_or(RAMP_FULL),
                    floor: e.kept_by_floor(&k),
                    agent: e.agent_of(&k).map(|a| (a.percent(), admin(a.admin))),
                });
            }
            v.services.push(Svc {
                labels: ServiceLabels::of(&key),
                up,
                configured,
            });
        }
        v
    }

    /// With fleet mode's families (`row`: the director's fleet line of
    /// `status`; `None`: not in fleet mode, no fleet family).
    pub fn with_fleet(mut self, row: Option<FleetRow>) -> View {
        self.fleet = row;
        self
    }
}

impl Collector for View {
    fn encode(&self, mut e: DescriptorEncoder) -> fmt::Result {
        gauges(
            &mut e,
            "rvsadm_destination_configured_weight",
            "The destination's weight in the configuration.",
            self.dests
                .iter()
                .map(|d| (&d.labels, i64::from(d.configured))),
        )?;
        gauges(
            &mut e,
            "rvsadm_destination_effective_weight",
            "The weight rvsadmd's last decision asked for (0: out of the table).",
            self.dests
                .iter()
                .filter_map(|d| Some((&d.labels, i64::from(d.effective?)))),
        )?;
        gauges(
            &mut e,
            "rvsadm_destination_health",
            "The destination's health from all its checks: 1 up, 0 down, -1 unknown.",
            self.dests.iter().map(|d| (&d.labels, health(d.health))),
        )?;
        gauges(
            &mut e,
            "rvsadm_destination_drained",
            "1 while the destination is drained (rvsadmd drain), 0 while ready.",
            self.dests.iter().map(|d| (&d.labels, i64::from(d.drained))),
        )?;
        gauges(
            &mut e,
            "rvsadm_destination_slow_start_percent",
            "The destination's slow-start factor in percent: below 100 while its weight ramps up.",
            self.dests.iter().map(|d| (&d.labels, i64::from(d.ramp))),
        )?;
        gauges(
            &mut e,
            "rvsadm_destination_depool_kept",
            "1 while the destination has failed but its service's depool floor keeps it in, else 0.",
            self.dests.iter().map(|d| (&d.labels, i64::from(d.floor))),
        )?;
        gauges(
            &mut e,
            "rvsadm_destination_agent_percent",
            "The weight factor in percent the destination's feedback agent said (100 until it says one).",
            self.dests
                .iter()
                .filter_map(|d| Some((&d.labels, i64::from(d.agent?.0?)))),
        )?;
        gauges(
            &mut e,
            "rvsadm_destination_agent_admin",
            "The admin state the destination's feedback agent said: 0 ready, 1 drain, 2 maint.",
            self.dests
                .iter()
                .filter_map(|d| Some((&d.labels, d.agent?.1))),
        )?;
        gauges(
            &mut e,
            "rvsadm_service_destinations_up",
            "The service's configured destinations whose health is up.",
            self.services.iter().map(|s| (&s.labels, s.up as i64)),
        )?;
        gauges(
            &mut e,
            "rvsadm_service_destinations_configured",
            "The service's configured destinations.",
            self.services
                .iter()
                .map(|s| (&s.labels, s.configured as i64)),
        )?;
        match &self.fleet {
            Some(f) => fleet(&mut e, f),
            None => Ok(()),
        }
    }
}

/// Fleet mode's families: one sample each, no label.
fn fleet(e: &mut DescriptorEncoder, f: &FleetRow) -> fmt::Result {
    gauge(
        e,
        "rvsadm_fleet_applied_revision",
        "The etcd revision of the fleet's desired state this director applied last.",
        Some(f.revision),
    )?;
    gauge(
        e,
        "rvsadm_fleet_refused_revision",
        "A later etcd revision whose services this director refused (present only while it does).",
        f.refused_revision,
    )?;
    gauge(
        e,
        "rvsadm_fleet_store_reachable",
        "1 while etcd is reachable, 0 while not.",
        Some(i64::from(f.store_reachable)),
    )?;
    gauge(
        e,
        "rvsadm_fleet_store_since_timestamp_seconds",
        "Since when etcd is reachable or not, as rvsadm_fleet_store_reachable says (seconds since the epoch).",
        Some(f.store_since as i64),
    )
}

/// A gauge without labels: its one sample, or none.
fn gauge(e: &mut DescriptorEncoder, name: &str, help: &str, v: Option<i64>) -> fmt::Result {
    let Some(v) = v else { return Ok(()) };
    ConstGauge::new(v).encode(e.encode_descriptor(name, help, None, MetricType::Gauge)?)
}

/// A gauge family with one sample per item.
fn gauges<L: EncodeLabelSet>(
    e: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    samples: impl Iterator<Item = (L, i64)>,
) -> fmt::Result {
    let mut m = e.encode_descriptor(name, help, None, MetricType::Gauge)?;
    for (labels, v) in samples {
        ConstGauge::new(v).encode(m.encode_family(&labels)?)?;
    }
    Ok(())
}
