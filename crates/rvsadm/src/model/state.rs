//! Whole tables: a desired state, and a snapshot of the live one.

use super::{
    Change, Daemon, DaemonState, Destination, Family, ForwardMethod, Netmask, Protocol, Service,
    ServiceFlags, ServiceKey, ServiceSpec, Stats, Timeouts, TunnelType,
};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// A whole IPVS table as it should be: what `rvsadm -S --json` saves,
/// `rvsadm -R --json` restores and `rvsadm apply` converges to (see
/// [`crate::reconcile::plan`]).
///
/// `None` timeouts or daemons mean "not managed": left as they are.
///
/// ```
/// use rvsadm::{DesiredState, ServiceKey, ServiceSpec};
/// let want = DesiredState {
///     services: vec![ServiceSpec::new(ServiceKey::tcp("192.0.2.1:80".parse().unwrap()))],
///     ..DesiredState::default()
/// };
/// assert!(want.check().is_ok());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesiredState {
    /// Services with their destinations, each key at most once.
    pub services: Vec<ServiceSpec>,
    /// Protocol timeouts; a `0` field is one the kernel cannot set (it
    /// reads 0 as "unchanged").
    pub timeouts: Option<Timeouts>,
    /// Sync daemons (at most one master and one backup).
    pub daemons: Option<Vec<Daemon>>,
}

fn invalid(path: String, message: impl Into<String>) -> Error {
    Error::InvalidDocument {
        path,
        message: message.into(),
    }
}

impl DesiredState {
    /// Check everything that can be checked without the kernel; the first
    /// problem is an [`Error::InvalidDocument`] naming its place
    /// (`services[3].destinations[0].lower_threshold`), as in the JSON
    /// document. Scheduler, persistence-engine and interface names are left
    /// to the kernel (a module may provide them).
    pub fn check(&self) -> Result<()> {
        let mut keys = HashSet::with_capacity(self.services.len());
        for (i, s) in self.services.iter().enumerate() {
            check_service(s, i)?;
            if !keys.insert(s.key) {
                return Err(invalid(
                    Path(i, None).to_string(),
                    format!("duplicate service {}", s.key),
                ));
            }
        }
        if let Some(daemons) = self.daemons.as_ref().filter(|d| !d.is_empty()) {
            let mixed = self.services.iter().enumerate().find_map(|(i, s)| {
                let j = s
                    .destinations
                    .iter()
                    .position(|d| d.family() != s.key.family())?;
                Some(format!("services[{i}].destinations[{j}]"))
            });
            if let Some(path) = mixed {
                return Err(invalid(
                    path,
                    "the kernel runs no sync daemon beside destinations of the other address family: remove the daemons or this destination",
                ));
            }
            let mut states = HashSet::new();
            for (i, d) in daemons.iter().enumerate() {
                let path = format!("daemons[{i}]");
                check_daemon(d, &path)?;
                if !states.insert(d.state) {
                    return Err(invalid(
                        format!("{path}.state"),
                        "only one daemon per state (master, backup)",
                    ));
                }
            }
        }
        Ok(())
    }
}

/// `i`: where `s` is in the document; paths are formatted only for an
/// error (a table of 10,000 services is checked without one allocation
/// per field).
fn check_service(s: &ServiceSpec, i: usize) -> Result<()> {
    let path = Path(i, None);
    match s.key {
        ServiceKey::Fwmark { mark: 0, .. } => {
            return Err(invalid(format!("{path}.fwmark"), "must be 1 to 4294967295"))
        }
        ServiceKey::Fwmark {
            family: Family::Other(_),
            ..
        } => return Err(invalid(format!("{path}.family"), "must be inet or inet6")),
        ServiceKey::Addr {
            protocol: Protocol::Other(p),
            ..
        } => {
            return Err(invalid(
                format!("{path}.protocol"),
                format!("unknown protocol {p} (tcp, udp, sctp)"),
            ))
        }
        _ => {}
    }
    let c = &s.config;
    let name = c.scheduler.name();
    if name.is_empty() || name.len() > 15 || name.contains('\0') {
        return Err(invalid(
            format!("{path}.scheduler"),
            "must be 1 to 15 characters",
        ));
    }
    match (s.key.family(), c.netmask) {
        (Family::Inet6, Netmask::V6Prefix(p)) if !(1..=128).contains(&p) => {
            return Err(invalid(format!("{path}.prefix_length"), "must be 1 to 128"))
        }
        (Family::Inet6, Netmask::V4(_)) => {
            return Err(invalid(
                format!("{path}.netmask"),
                "IPv6 services take prefix_length",
            ))
        }
        (Family::Inet, Netmask::V6Prefix(_)) => {
            return Err(invalid(
                format!("{path}.prefix_length"),
                "IPv4 services take netmask",
            ))
        }
        _ => {}
    }
    if let Some(pe) = &c.pe_name {
        if pe.is_empty() || pe.len() > 15 || pe.contains('\0') {
            return Err(invalid(
                format!("{path}.pe_name"),
                "must be 1 to 15 characters",
            ));
        }
    }
    for (j, d) in s.destinations.iter().enumerate() {
        let path = Path(i, Some(j));
        // Destinations are few per service; a search beats a hash set.
        if s.destinations[..j].iter().any(|x| x.addr == d.addr) {
            return Err(invalid(
                path.to_string(),
                format!("duplicate destination {}", d.addr),
            ));
        }
        let c = &d.config;
        if let ForwardMethod::Other(n) = c.forward {
            return Err(invalid(
                format!("{path}.forward"),
                format!("unknown forwarding method {n}"),
            ));
        }
        if c.lower_threshold > c.upper_threshold {
            return Err(invalid(
                format!("{path}.lower_threshold"),
                "must not exceed upper_threshold (the kernel refuses it even when upper_threshold is 0)",
            ));
        }
        if let TunnelType::Other(n) = c.tunnel.kind {
            return Err(invalid(
                format!("{path}.tunnel.type"),
                format!("unknown tunnel type {n} (ipip, gue, gre)"),
            ));
        }
        if c.forward == ForwardMethod::Tunnel
            && c.tunnel.kind == TunnelType::Gue
            && c.tunnel.port == 0
        {
            return Err(invalid(format!("{path}.tunnel.port"), "gue needs a port"));
        }
        if d.family() != s.key.family() && c.forward != ForwardMethod::Tunnel {
            return Err(invalid(
                format!("{path}.address"),
                "a destination of the other address family needs tunnel forwarding",
            ));
        }
    }
    Ok(())
}

/// `services[i]` or `services[i].destinations[j]`, formatted on demand.
#[derive(Clone, Copy)]
struct Path(usize, Option<usize>);

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "services[{}]", self.0)?;
        if let Some(j) = self.1 {
            write!(f, ".destinations[{j}]")?;
        }
        Ok(())
    }
}

fn check_daemon(d: &Daemon, path: &str) -> Result<()> {
    if let DaemonState::Other(n) = d.state {
        return Err(invalid(
            format!("{path}.state"),
            format!("unknown state {n} (master, backup)"),
        ));
    }
    if d.mcast_ifn.is_empty() || d.mcast_ifn.len() > 15 || d.mcast_ifn.contains('\0') {
        return Err(invalid(
            format!("{path}.mcast_ifn"),
            "must be 1 to 15 characters",
        ));
    }
    if d.sync_id > 255 {
        return Err(invalid(format!("{path}.sync_id"), "must be 0 to 255"));
    }
    if let Some(g) = d.mcast_group {
        if !g.is_multicast() {
            return Err(invalid(
                format!("{path}.mcast_group"),
                "must be a multicast address",
            ));
        }
    }
    Ok(())
}

/// The live table at one moment: every service with its destinations
/// (configuration and status), the timeouts and the running sync daemons
/// ([`crate::Ipvs::snapshot`]).
///
/// IPVS has no transaction: the services, each service's destinations,
/// the timeouts and the daemons are read one after the other, so a change
/// made by someone else meanwhile may show in one part and not another.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Services, each with its destinations.
    pub services: Vec<Service>,
    /// Protocol timeouts.
    pub timeouts: Timeouts,
    /// Running sync daemons.
    pub daemons: Vec<Daemon>,
}

impl Snapshot {
    /// The snapshot as a desired state: applying it to the same table
    /// changes nothing.
    pub fn to_desired(&self) -> DesiredState {
        DesiredState {
            services: self.services.iter().map(Service::spec).collect(),
            timeouts: Some(self.timeouts),
            daemons: Some(self.daemons.clone()),
        }
    }

    /// The service with this key.
    pub fn service(&self, key: &ServiceKey) -> Option<&Service> {
        self.services.iter().find(|s| s.key == *key)
    }

    /// Bring the snapshot in step with a change the kernel has accepted,
    /// without reading the table again: a controller that keeps its own
    /// copy calls this for every change that succeeded. Configuration
    /// follows the change; a new object's counters and status start at
    /// zero, and [`Change::Zero`] zeroes counters (rates too, though the
    /// kernel's estimator keeps its averages); connection counts are not
    /// modelled. A change that cannot have been accepted for this
    /// snapshot (an edit of a service it does not hold) leaves it as it
    /// is; so does a change made by someone else meanwhile, which only a
    /// read shows.
    ///
    /// ```
    /// use rvsadm::{Change, DestConfig, ForwardMethod, Service, ServiceKey, Snapshot};
    /// let key = ServiceKey::tcp("192.0.2.1:80".parse().unwrap());
    /// let mut t = Snapshot::default();
    /// t.record(&Change::AddService(Service::new(key)));
    /// t.record(&Change::add_destination(key, "10.0.0.1:80".parse().unwrap(),
    ///                                   DestConfig::new(ForwardMethod::Masq)));
    /// assert_eq!(t.service(&key).unwrap().destinations.len(), 1);
    /// t.record(&Change::DeleteService(key));
    /// assert!(t.services.is_empty());
    /// ```
    pub fn record(&mut self, change: &Change) {
        let find = |t: &Snapshot, k: &ServiceKey| t.services.iter().position(|s| s.key == *k);
        match change {
            Change::AddService(s) => {
                if find(self, &s.key).is_none() {
                    let mut n = Service::new(s.key).with_config(s.config.clone());
                    n.kernel_flags = ServiceFlags::HASHED;
                    self.services.push(n);
                }
            }
            Change::EditService(s) => {
                if let Some(i) = find(self, &s.key) {
                    self.services[i].config = s.config.clone();
                    self.services[i].unknown = s.unknown.clone();
                }
            }
            Change::DeleteService(k) => self.services.retain(|s| s.key != *k),
            Change::Flush => self.services.clear(),
            Change::AddDestination(k, d) => {
                if let Some(i) = find(self, k) {
                    let dests = &mut self.services[i].destinations;
                    if !dests.iter().any(|x| x.addr == d.addr) {
                        dests.push(Destination::new(d.addr, d.config));
                    }
                }
            }
            Change::EditDestination(k, d) => {
                if let Some(i) = find(self, k) {
                    if let Some(x) = self.services[i]
                        .destinations
                        .iter_mut()
                        .find(|x| x.addr == d.addr)
                    {
                        x.config = d.config;
                        x.unknown = d.unknown.clone();
                    }
                }
            }
            Change::DeleteDestination(k, a) => {
                if let Some(i) = find(self, k) {
                    self.services[i].destinations.retain(|x| x.addr != *a);
                }
            }
            Change::Zero(k) => {
                for s in &mut self.services {
                    if k.is_none_or(|k| k == s.key) {
                        s.stats = Stats::default();
                        for d in &mut s.destinations {
                            d.status.stats = Stats::default();
                        }
                    }
                }
            }
            Change::SetTimeouts(t) => {
                let keep = |new: u32, old: u32| if new == 0 { old } else { new };
                self.timeouts = Timeouts {
                    tcp: keep(t.tcp, self.timeouts.tcp),
                    tcp_fin: keep(t.tcp_fin, self.timeouts.tcp_fin),
                    udp: keep(t.udp, self.timeouts.udp),
                };
            }
            Change::StartDaemon(d) => {
                if !self.daemons.iter().any(|x| x.state == d.state) {
                    self.daemons.push(d.clone());
                }
            }
            Change::StopDaemon(d) => self.daemons.retain(|x| x.state != d.state),
        }
    }
}
