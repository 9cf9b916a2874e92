//! One change as a document: what `rvsadm apply --json` lists for each
//! change of its plan (`$defs/change` in `docs/schema/apply.schema.json`),
//! and what a controller built on the library can log for a change it
//! made.
//!
//! The keys a change carries depend on its kind: `service` (the key of the
//! service it is about), `destination`, `daemon`, `after` (what it sets),
//! `before` (what the kernel had), `connections` (a removal waiting for a
//! drain) and `error` (a change that failed); `action`, `object`,
//! `ipvsadm` and `result` are always there.

use super::{tunnel_flag_names, ServiceDoc, TunnelDoc};
use crate::error::Error;
use crate::model::{
    Change, Daemon, DestConfig, Family, ForwardMethod, Protocol, ServiceConfig, ServiceKey,
    ServiceSpec, Timeouts,
};
use crate::reconcile::{Action, Before, Object, Pending, Step};
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// What became of a change: `planned` (a dry run), `applied`, `failed`
/// (see its error; the other changes went on), `pending` (a removal
/// waiting for connections to end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeResult {
    /// Planned, not sent (`--dry-run`).
    Planned,
    /// Sent and done.
    Applied,
    /// Sent and refused.
    Failed,
    /// A removal still waiting for connections to end.
    Pending,
}

impl ChangeResult {
    /// Its name in the document: `planned`, `applied`, `failed`, `pending`.
    pub fn name(self) -> &'static str {
        match self {
            ChangeResult::Planned => "planned",
            ChangeResult::Applied => "applied",
            ChangeResult::Failed => "failed",
            ChangeResult::Pending => "pending",
        }
    }
}

/// A service's identity: `family` with `protocol`, `address` and `port`,
/// or with `fwmark` (`$defs/service_key`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceKeyDoc {
    /// `inet` or `inet6`.
    pub family: Family,
    /// `tcp`, `udp` or `sctp`; absent for firewall-mark services.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    /// Virtual address; absent for firewall-mark services.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<IpAddr>,
    /// Virtual port; absent for firewall-mark services.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Firewall mark; present only for firewall-mark services.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fwmark: Option<u32>,
}

impl From<&ServiceKey> for ServiceKeyDoc {
    fn from(k: &ServiceKey) -> Self {
        let doc = ServiceDoc::of_spec(&ServiceSpec::new(*k));
        ServiceKeyDoc {
            family: doc.family,
            protocol: doc.protocol,
            address: doc.address,
            port: doc.port,
            fwmark: doc.fwmark,
        }
    }
}

/// A destination's identity (`$defs/destination_key`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DestinationKeyDoc {
    /// `inet` or `inet6`.
    pub family: Family,
    /// Address.
    pub address: IpAddr,
    /// Port.
    pub port: u16,
}

impl From<&SocketAddr> for DestinationKeyDoc {
    fn from(a: &SocketAddr) -> Self {
        DestinationKeyDoc {
            family: Family::of(&a.ip()),
            address: a.ip(),
            port: a.port(),
        }
    }
}

/// A service's configuration as the save document spells it, without its
/// key and destinations (`$defs/service_config`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceConfigDoc {
    /// Scheduler name.
    pub scheduler: String,
    /// Flag names (see [`ServiceDoc::flags`]).
    pub flags: Vec<String>,
    /// Persistence timeout in seconds.
    pub timeout: u32,
    /// IPv4 services: the persistence netmask.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub netmask: Option<Ipv4Addr>,
    /// IPv6 services: the persistence prefix length.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix_length: Option<u32>,
    /// Persistence engine, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pe_name: Option<String>,
}

impl ServiceConfigDoc {
    /// The configuration `c` of the service `key` (the key tells the
    /// family, hence netmask or prefix length).
    pub fn of(key: &ServiceKey, c: &ServiceConfig) -> Self {
        let doc = ServiceDoc::of_spec(&ServiceSpec::new(*key).with_config(c.clone()));
        ServiceConfigDoc {
            scheduler: doc.scheduler,
            flags: doc.flags,
            timeout: doc.timeout,
            netmask: doc.netmask,
            prefix_length: doc.prefix_length,
            pe_name: doc.pe_name,
        }
    }
}

/// A destination's configuration as the save document spells it, without
/// its address (`$defs/destination_config`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DestConfigDoc {
    /// `masq`, `local`, `tunnel`, `route` or `bypass`.
    pub forward: ForwardMethod,
    /// Weight (0 to 2147483647).
    pub weight: i64,
    /// Upper connection threshold (0: none).
    pub upper_threshold: u32,
    /// Lower connection threshold (0: none).
    pub lower_threshold: u32,
    /// Tunnel parameters (reported for every destination; used by `tunnel`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tunnel: Option<TunnelDoc>,
}

impl From<&DestConfig> for DestConfigDoc {
    fn from(c: &DestConfig) -> Self {
        DestConfigDoc {
            forward: c.forward,
            weight: i64::from(c.weight.get()),
            upper_threshold: c.upper_threshold,
            lower_threshold: c.lower_threshold,
            tunnel: Some(TunnelDoc {
                tun_type: c.tunnel.kind,
                port: c.tunnel.port,
                flags: tunnel_flag_names(c.tunnel.flags),
            }),
        }
    }
}

/// What a change sets (`after`) or what the kernel had (`before`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ConfigDoc {
    /// A service's configuration.
    Service(ServiceConfigDoc),
    /// A destination's configuration.
    Destination(DestConfigDoc),
    /// The protocol timeouts.
    Timeouts(Timeouts),
    /// A sync daemon (`before` only: `after` of a daemon is its `daemon`).
    Daemon(Daemon),
}

/// Why a change failed: the error's stable code and number, its message
/// and the kernel's errno if it gave one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeErrorDoc {
    /// Stable code (`docs/errors.md`).
    pub code: &'static str,
    /// Stable number.
    pub number: u16,
    /// The error's text.
    pub message: String,
    /// The kernel's errno, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errno: Option<i32>,
}

impl From<&Error> for ChangeErrorDoc {
    fn from(e: &Error) -> Self {
        ChangeErrorDoc {
            code: e.code(),
            number: e.number(),
            message: e.to_string(),
            errno: e.errno(),
        }
    }
}

/// One change (`$defs/change` in `docs/schema/apply.schema.json`).
///
/// ```
/// use rvsadm::json::{ChangeDoc, ChangeResult};
/// use rvsadm::reconcile::{Action, Object};
/// use rvsadm::{Change, ServiceKey};
/// let key = ServiceKey::tcp("192.0.2.1:80".parse().unwrap());
/// let doc = ChangeDoc::new(
///     Action::Delete,
///     Object::Service,
///     &Change::DeleteService(key),
///     None,
///     ChangeResult::Applied,
/// );
/// let v = serde_json::to_value(&doc).unwrap();
/// assert_eq!(v["ipvsadm"], "-D -t 192.0.2.1:80");
/// assert_eq!(v["service"]["port"], 80);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeDoc {
    /// `add`, `edit`, `delete` or `drain`.
    pub action: &'static str,
    /// `service`, `destination`, `timeouts` or `daemon`.
    pub object: &'static str,
    /// The service the change is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceKeyDoc>,
    /// The destination the change is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<DestinationKeyDoc>,
    /// The sync daemon started or stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daemon: Option<Daemon>,
    /// What the kernel had.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<ConfigDoc>,
    /// What the change sets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<ConfigDoc>,
    /// A removal waiting for a drain: the connections it waits for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connections: Option<u64>,
    /// The ipvsadm arguments that make the same change
    /// ([`Change::ipvsadm_args`]).
    pub ipvsadm: String,
    /// What became of it.
    pub result: ChangeResult,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ChangeErrorDoc>,
}

impl ChangeDoc {
    /// The document of `change`, described as `action` on `object`, with
    /// what the kernel had (`before`); no `connections` or `error`.
    pub fn new(
        action: Action,
        object: Object,
        change: &Change,
        before: Option<&Before>,
        result: ChangeResult,
    ) -> Self {
        let mut doc = ChangeDoc {
            action: action.name(),
            object: object.name(),
            service: change.service().map(ServiceKeyDoc::from),
            destination: None,
            daemon: None,
            before: before.and_then(|b| before_doc(change, b)),
            after: None,
            connections: None,
            ipvsadm: change.ipvsadm_args(),
            result,
            error: None,
        };
        match change {
            Change::AddService(s) | Change::EditService(s) => {
                doc.after = Some(ConfigDoc::Service(ServiceConfigDoc::of(&s.key, &s.config)));
            }
            Change::AddDestination(_, d) => {
                doc.destination = Some(DestinationKeyDoc::from(&d.addr));
                doc.after = Some(ConfigDoc::Destination(DestConfigDoc::from(&d.config)));
            }
            Change::EditDestination(_, d) => {
                doc.destination = Some(DestinationKeyDoc::from(&d.addr));
                doc.after = Some(ConfigDoc::Destination(DestConfigDoc::from(&d.config)));
            }
            Change::DeleteDestination(_, a) => {
                doc.destination = Some(DestinationKeyDoc::from(a));
            }
            Change::SetTimeouts(t) => doc.after = Some(ConfigDoc::Timeouts(*t)),
            Change::StartDaemon(d) | Change::StopDaemon(d) => doc.daemon = Some(d.clone()),
            // A service's deletion or zeroing has its key only; a flush
            // or zeroing of all is told by the action, object and ipvsadm
            // fields.
            Change::DeleteService(_) | Change::Zero(_) | Change::Flush => {}
        }
        doc
    }

    /// A step of a plan, with what the kernel had.
    pub fn of_step(step: &Step, result: ChangeResult) -> Self {
        Self::new(
            step.action,
            step.object(),
            &step.change,
            step.before.as_ref(),
            result,
        )
    }

    /// A removal that waits for its connections to end: a deletion, with
    /// the connections counted when it was planned.
    pub fn of_pending(p: &Pending, result: ChangeResult) -> Self {
        let object = match p.change {
            Change::DeleteService(_) => Object::Service,
            _ => Object::Destination,
        };
        Self::new(Action::Delete, object, &p.change, None, result).with_connections(p.conns)
    }

    /// The same with the connections a removal waits for.
    pub fn with_connections(mut self, conns: u64) -> Self {
        self.connections = Some(conns);
        self
    }

    /// The same, failed with `e`.
    pub fn with_error(mut self, e: &Error) -> Self {
        self.error = Some(ChangeErrorDoc::from(e));
        self
    }
}

/// What the kernel had, as `change`'s document spells it; `None` for a
/// configuration that does not go with the change (a destination's for a
/// service's change).
fn before_doc(change: &Change, before: &Before) -> Option<ConfigDoc> {
    match (before, change) {
        (Before::Service(c), _) => change
            .service()
            .map(|k| ConfigDoc::Service(ServiceConfigDoc::of(k, c))),
        (Before::Destination(c), Change::EditDestination(..) | Change::DeleteDestination(..)) => {
            Some(ConfigDoc::Destination(DestConfigDoc::from(c)))
        }
        (Before::Destination(_), _) => None,
        (Before::Timeouts(t), _) => Some(ConfigDoc::Timeouts(*t)),
        (Before::Daemon(d), _) => Some(ConfigDoc::Daemon(d.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        DaemonState, Destination, Netmask, Scheduler, Service, ServiceFlags, TunnelFlags,
        TunnelType, Weight,
    };
    use crate::Op;

    include!("change_samples.rs");

    fn doc(s: &Sample) -> ChangeDoc {
        let result = match s.result {
            "applied" => ChangeResult::Applied,
            "failed" => ChangeResult::Failed,
            "pending" => ChangeResult::Pending,
            _ => ChangeResult::Planned,
        };
        let mut d = ChangeDoc::new(s.action, s.object, &s.change, s.before.as_ref(), result);
        if let Some(n) = s.conns {
            d = d.with_connections(n);
        }
        if let Some(e) = &s.error {
            d = d.with_error(e);
        }
        d
    }

    /// The documents of changes of every kind are the checked-in ones
    /// (`change_docs.json`: what `rvsadm apply --json` printed for them
    /// before the document was typed; `tests/schema_docs.rs` checks the
    /// file against the schema).
    #[test]
    fn every_kind_of_change_has_its_document() {
        let want: serde_json::Value =
            serde_json::from_str(include_str!("change_docs.json")).unwrap();
        let got: Vec<serde_json::Value> = samples()
            .iter()
            .map(|s| serde_json::to_value(doc(s)).unwrap())
            .collect();
        let want = want.as_array().unwrap();
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert_eq!(g, w, "change {i}");
        }
    }

    #[test]
    fn steps_and_pending_removals_are_documented_alike() {
        let key = ServiceKey::tcp("192.0.2.1:80".parse().unwrap());
        let rs: SocketAddr = "10.0.0.1:80".parse().unwrap();
        let masq = DestConfig::new(ForwardMethod::Masq);
        let step = Step {
            action: Action::Drain,
            change: Change::EditDestination(key, Destination::new(rs, masq)),
            before: Some(Before::Destination(masq.with_weight(Weight::from(5u16)))),
        };
        let d = ChangeDoc::of_step(&step, ChangeResult::Applied);
        assert_eq!((d.action, d.object), ("drain", "destination"));
        assert!(matches!(d.before, Some(ConfigDoc::Destination(ref c)) if c.weight == 5));
        let p = Pending {
            change: Change::DeleteService(key),
            service: key,
            dests: vec![],
            conns: 4,
        };
        let d = ChangeDoc::of_pending(&p, ChangeResult::Pending);
        assert_eq!(
            (d.action, d.object, d.connections),
            ("delete", "service", Some(4))
        );
        assert_eq!(d.result.name(), "pending");
        // A service's configuration is not a destination's `before`.
        let add = Change::add_destination(key, rs, masq);
        let s = ServiceConfig::new(Family::Inet);
        let d = ChangeDoc::new(
            Action::Add,
            Object::Destination,
            &add,
            Some(&Before::Destination(masq)),
            ChangeResult::Planned,
        );
        assert_eq!(d.before, None);
        let d = ChangeDoc::new(
            Action::Edit,
            Object::Timeouts,
            &Change::SetTimeouts(Timeouts::default()),
            Some(&Before::Service(s)),
            ChangeResult::Planned,
        );
        assert_eq!(d.before, None);
    }
}
