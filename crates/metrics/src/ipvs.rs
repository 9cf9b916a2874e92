//! The IPVS families: what the kernel's table says about each service and
//! destination, read with counters ([`rvsadm::Ipvs::services_with_destinations`]).
//!
//! Counters are the kernel's as they are (monotonic while the service or
//! destination lives; they start again from 0 when it is recreated, which
//! Prometheus' `rate()` takes as a reset). Rates are the kernel's own
//! estimates (`ipvsadm --rate`), exposed as gauges.

use crate::labels::{DestLabels, ServiceLabels};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric, MetricEncoder};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::MetricType;
use rvsadm::{Service, Stats};
use std::fmt;

/// The prefix of a service's families.
pub const SERVICE: &str = "rvsadm_service_";
/// The prefix of a destination's families.
pub const DESTINATION: &str = "rvsadm_destination_";

/// One family: its name after the prefix (a counter's without `_total`,
/// which the encoder adds), its help, its type and the value of a row.
struct Fam<R> {
    name: &'static str,
    help: &'static str,
    kind: MetricType,
    value: fn(&R) -> u64,
}

/// The traffic families, alike for services and destinations.
const TRAFFIC: &[Fam<Stats>] = &[
    counter(
        "connections",
        "Connections scheduled (the kernel's counter).",
        |s| s.conns,
    ),
    counter(
        "incoming_packets",
        "Packets in (the kernel's counter).",
        |s| s.inpkts,
    ),
    counter(
        "outgoing_packets",
        "Packets out (the kernel's counter).",
        |s| s.outpkts,
    ),
    counter("incoming_bytes", "Bytes in (the kernel's counter).", |s| {
        s.inbytes
    }),
    counter("outgoing_bytes", "Bytes out (the kernel's counter).", |s| {
        s.outbytes
    }),
    gauge(
        "connections_per_second",
        "Connections per second (the kernel's estimate).",
        |s| s.cps,
    ),
    gauge(
        "incoming_packets_per_second",
        "Packets in per second (the kernel's estimate).",
        |s| s.inpps,
    ),
    gauge(
        "outgoing_packets_per_second",
        "Packets out per second (the kernel's estimate).",
        |s| s.outpps,
    ),
    gauge(
        "incoming_bytes_per_second",
        "Bytes in per second (the kernel's estimate).",
        |s| s.inbps,
    ),
    gauge(
        "outgoing_bytes_per_second",
        "Bytes out per second (the kernel's estimate).",
        |s| s.outbps,
    ),
];

/// A service's families beside its traffic.
const SERVICE_ONLY: &[Fam<ServiceRow>] = &[gauge(
    "destinations",
    "Destinations of the service in the kernel's table.",
    |s| s.destinations as u64,
)];

/// A destination's families beside its traffic.
const DESTINATION_ONLY: &[Fam<DestRow>] = &[
    gauge(
        "weight",
        "The destination's weight in the kernel's table.",
        |d| u64::from(d.weight),
    ),
    gauge(
        "active_connections",
        "Active connections (the kernel's count).",
        |d| u64::from(d.active),
    ),
    gauge(
        "inactive_connections",
        "Inactive connections (the kernel's count).",
        |d| u64::from(d.inactive),
    ),
    gauge(
        "persistent_connections",
        "Persistence templates (the kernel's count).",
        |d| u64::from(d.persistent),
    ),
];

const fn counter<R>(name: &'static str, help: &'static str, value: fn(&R) -> u64) -> Fam<R> {
    Fam {
        name,
        help,
        kind: MetricType::Counter,
        value,
    }
}

const fn gauge<R>(name: &'static str, help: &'static str, value: fn(&R) -> u64) -> Fam<R> {
    Fam {
        name,
        help,
        kind: MetricType::Gauge,
        value,
    }
}

/// A service as its families see it.
#[derive(Debug)]
struct ServiceRow {
    labels: ServiceLabels,
    stats: Stats,
    destinations: usize,
}

/// A destination as its families see it.
#[derive(Debug)]
struct DestRow {
    labels: DestLabels,
    stats: Stats,
    weight: u32,
    active: u32,
    inactive: u32,
    persistent: u32,
}

/// The IPVS families of a table read with counters: a
/// [`Collector`] to register in a [`prometheus_client::registry::Registry`].
#[derive(Debug)]
pub struct IpvsFamilies {
    services: Vec<ServiceRow>,
    dests: Vec<DestRow>,
}

impl IpvsFamilies {
    /// The families of `services` (with their destinations and counters),
    /// in the order of their keys.
    pub fn new(services: &[Service]) -> Self {
        let mut sorted: Vec<&Service> = services.iter().collect();
        sorted.sort_by_key(|s| s.key);
        let mut dests = Vec::new();
        let services = sorted
            .into_iter()
            .map(|s| {
                dests.extend(s.destinations.iter().map(|d| DestRow {
                    labels: DestLabels::of(&s.key, d.addr),
                    stats: d.status.stats,
                    weight: d.config.weight.get(),
                    active: d.status.active_conns,
                    inactive: d.status.inactive_conns,
                    persistent: d.status.persist_conns,
                }));
                ServiceRow {
                    labels: ServiceLabels::of(&s.key),
                    stats: s.stats,
                    destinations: s.destinations.len(),
                }
            })
            .collect();
        IpvsFamilies { services, dests }
    }
}

impl Collector for IpvsFamilies {
    fn encode(&self, mut e: DescriptorEncoder) -> fmt::Result {
        for f in TRAFFIC {
            family(&mut e, SERVICE, f, &self.services, |r| {
                (&r.labels, &r.stats)
            })?;
        }
        for f in SERVICE_ONLY {
            family(&mut e, SERVICE, f, &self.services, |r| (&r.labels, r))?;
        }
        for f in TRAFFIC {
            family(&mut e, DESTINATION, f, &self.dests, |r| {
                (&r.labels, &r.stats)
            })?;
        }
        for f in DESTINATION_ONLY {
            family(&mut e, DESTINATION, f, &self.dests, |r| (&r.labels, r))?;
        }
        Ok(())
    }
}

/// Family `f` (named `prefix` + its name) with one sample per row, the
/// row's labels and what `f` reads from it, as `part` picks them.
fn family<R, V, L: EncodeLabelSet>(
    e: &mut DescriptorEncoder,
    prefix: &str,
    f: &Fam<V>,
    rows: &[R],
    part: impl Fn(&R) -> (&L, &V),
) -> fmt::Result {
    let name = format!("{prefix}{}", f.name);
    let mut m = e.encode_descriptor(&name, f.help, None, f.kind)?;
    for r in rows {
        let (labels, of) = part(r);
        sample(m.encode_family(labels)?, f.kind, (f.value)(of))?;
    }
    Ok(())
}

/// One sample of a counter or gauge.
pub(crate) fn sample(m: MetricEncoder, kind: MetricType, v: u64) -> fmt::Result {
    match kind {
        MetricType::Counter => ConstCounter::new(v).encode(m),
        _ => ConstGauge::new(v).encode(m),
    }
}
