//! What the engine says at a scrape: each configured destination's
//! weights, health and admin state, and each service's destinations up.
//! Built in the loop (pure, from the [`Engine`]), encoded off it.

use crate::engine::{DestKey, Engine};
use crate::health::State;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::MetricType;
use rvsadm_metrics::{DestLabels, ServiceLabels};
use std::fmt;

/// The health states, as the `state` label of `rvsadm_destination_health`.
const HEALTH: [State; 3] = [State::Up, State::Down, State::Unknown];

/// The admin states, as the `state` label of `rvsadm_destination_admin_state`.
const ADMIN: [&str; 2] = ["ready", "drained"];

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
}

impl Collector for View {
    fn encode(&self, mut e: DescriptorEncoder) -> fmt::Result {
        gauges(
            &mut e,
            "rvsadm_destination_configured_weight",
            "The destination's weight in the configuration.",
            self.dests
                .iter()
                .map(|d| (&d.labels, u64::from(d.configured))),
        )?;
        gauges(
            &mut e,
            "rvsadm_destination_effective_weight",
            "The weight rvsadmd's last decision asked for (0: out of the table).",
            self.dests
                .iter()
                .filter_map(|d| Some((&d.labels, u64::from(d.effective?)))),
        )?;
        gauges(
            &mut e,
            "rvsadm_destination_health",
            "The destination's health from all its checks: 1 for its state, 0 for the others.",
            self.dests.iter().flat_map(|d| {
                HEALTH.map(|s| ((&d.labels, [("state", s.name())]), u64::from(d.health == s)))
            }),
        )?;
        gauges(
            &mut e,
            "rvsadm_destination_admin_state",
            "The destination's admin state (rvsadmd drain, ready): 1 for its state, 0 for the other.",
            self.dests.iter().flat_map(|d| {
                let now = if d.drained { "drained" } else { "ready" };
                ADMIN.map(|s| ((&d.labels, [("state", s)]), u64::from(now == s)))
            }),
        )?;
        gauges(
            &mut e,
            "rvsadm_service_destinations_up",
            "The service's configured destinations whose health is up.",
            self.services.iter().map(|s| (&s.labels, s.up as u64)),
        )?;
        gauges(
            &mut e,
            "rvsadm_service_destinations_configured",
            "The service's configured destinations.",
            self.services
                .iter()
                .map(|s| (&s.labels, s.configured as u64)),
        )
    }
}

/// A gauge family with one sample per item.
fn gauges<L: EncodeLabelSet>(
    e: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    samples: impl Iterator<Item = (L, u64)>,
) -> fmt::Result {
    let mut m = e.encode_descriptor(name, help, None, MetricType::Gauge)?;
    for (labels, v) in samples {
        ConstGauge::new(v).encode(m.encode_family(&labels)?)?;
    }
    Ok(())
}
