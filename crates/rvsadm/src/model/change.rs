//! One change to the kernel's table: what [`crate::Ipvs::apply_batch`]
//! sends and a [`crate::Plan`] is made of.

use super::{
    Daemon, DestConfig, DestSpec, Destination, Service, ServiceConfig, ServiceKey, Timeouts,
};
use crate::error::Op;
use std::net::SocketAddr;

/// One change to the IPVS table, as one request to the kernel.
///
/// Edits carry the whole configuration of the object (the kernel replaces
/// every field); [`Change::edit_destination_from`] and
/// [`Change::edit_service_from`] start from what the kernel reported, so
/// nothing the caller did not mean to touch changes.
///
/// ```
/// use rvsadm::{Change, DestConfig, ForwardMethod, Service, ServiceKey};
/// let key = ServiceKey::tcp("192.0.2.1:80".parse().unwrap());
/// let changes = [
///     Change::AddService(Service::new(key)),
///     Change::add_destination(key, "10.0.0.1:80".parse().unwrap(), DestConfig::new(ForwardMethod::Masq)),
///     Change::DeleteDestination(key, "10.0.0.9:80".parse().unwrap()),
/// ];
/// assert_eq!(changes[2].op().name(), "delete destination");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// Add a service (its destinations, if any, are not added; its
    /// unknown attributes are not sent).
    AddService(Service),
    /// Replace a service's configuration (scheduler, flags, persistence
    /// timeout, netmask, persistence engine: a missing engine clears it),
    /// sending back the unknown attributes the service carries.
    EditService(Service),
    /// Delete a service and its destinations.
    DeleteService(ServiceKey),
    /// Delete every service.
    Flush,
    /// Add a destination to a service.
    AddDestination(ServiceKey, DestSpec),
    /// Replace a destination's configuration (forwarding method, weight,
    /// thresholds, tunnel), sending back the unknown attributes it
    /// carries; its status is not sent.
    EditDestination(ServiceKey, Destination),
    /// Remove the destination at this address from a service.
    DeleteDestination(ServiceKey, SocketAddr),
    /// Zero counters of one service or of all.
    Zero(Option<ServiceKey>),
    /// Set the protocol timeouts (a `0` keeps the kernel's value).
    SetTimeouts(Timeouts),
    /// Start a sync daemon.
    StartDaemon(Daemon),
    /// Stop the sync daemon in this daemon's state.
    StopDaemon(Daemon),
}

impl Change {
    /// Add a destination at `addr` with `config`.
    pub fn add_destination(svc: ServiceKey, addr: SocketAddr, config: DestConfig) -> Self {
        Change::AddDestination(svc, DestSpec::new(addr, config))
    }

    /// Set the configuration of the destination at `addr` to `config`,
    /// every field (nothing is kept from the kernel's entry).
    pub fn edit_destination(svc: ServiceKey, addr: SocketAddr, config: DestConfig) -> Self {
        Change::EditDestination(svc, Destination::new(addr, config))
    }

    /// Give `live` (a destination as the kernel reported it) the
    /// configuration `config`, keeping what this crate does not know.
    pub fn edit_destination_from(svc: ServiceKey, live: &Destination, config: DestConfig) -> Self {
        let mut d = Destination::new(live.addr, config);
        d.unknown = live.unknown.clone();
        Change::EditDestination(svc, d)
    }

    /// Give `live` (a service as the kernel reported it) the configuration
    /// `config`, keeping what this crate does not know.
    pub fn edit_service_from(live: &Service, config: ServiceConfig) -> Self {
        Change::EditService(Service {
            key: live.key,
            config,
            kernel_flags: Default::default(),
            stats: Default::default(),
            destinations: Vec::new(),
            unknown: live.unknown.clone(),
        })
    }

    /// Which kind of request this is (it selects error texts).
    pub fn op(&self) -> Op {
        match self {
            Change::AddService(_) => Op::AddService,
            Change::EditService(_) => Op::EditService,
            Change::DeleteService(_) => Op::DelService,
            Change::Flush => Op::Flush,
            Change::AddDestination(..) => Op::AddDest,
            Change::EditDestination(..) => Op::EditDest,
            Change::DeleteDestination(..) => Op::DelDest,
            Change::Zero(_) => Op::Zero,
            Change::SetTimeouts(_) => Op::SetTimeouts,
            Change::StartDaemon(_) => Op::StartDaemon,
            Change::StopDaemon(_) => Op::StopDaemon,
        }
    }

    /// The service this change is about, if any.
    pub fn service(&self) -> Option<&ServiceKey> {
        match self {
            Change::AddService(s) | Change::EditService(s) => Some(&s.key),
            Change::DeleteService(k)
            | Change::AddDestination(k, _)
            | Change::EditDestination(k, _)
            | Change::DeleteDestination(k, _) => Some(k),
            Change::Zero(k) => k.as_ref(),
            Change::Flush
            | Change::SetTimeouts(_)
            | Change::StartDaemon(_)
            | Change::StopDaemon(_) => None,
        }
    }
}
