//! Real servers as destinations and the sorry server as the fallback,
//! with keepalived's rules for their forwarding method (the real's, else
//! the virtual server's, else NAT) and port (for DR and TUN the
//! service's port, 0 for a fwmark; for NAT the real's, else the
//! service's).

use crate::config::keepalived::typed::{Forwarding, RealServer, VirtualServer};
use crate::config::{ConfigError, OnFailure};
use rvsadm::model::{DestConfig, DestSpec, ForwardMethod, ServiceKey, Tunnel, Weight};
use std::net::{IpAddr, SocketAddr};

/// The forwarding of a server whose own is `own`: its own, else the
/// virtual server's, else NAT.
pub fn forwarding(v: &VirtualServer, own: Option<Forwarding>) -> Forwarding {
    own.or(v.forwarding).unwrap_or(Forwarding {
        method: ForwardMethod::Masq,
        tunnel: Tunnel::default(),
    })
}

/// The port a server written at `addr:port` has in service `key`.
fn port_in(key: ServiceKey, method: ForwardMethod, port: u16) -> u16 {
    match (key, method) {
        (ServiceKey::Fwmark { .. }, ForwardMethod::Masq) => port,
        (ServiceKey::Fwmark { .. }, _) => 0,
        (ServiceKey::Addr { port: vport, .. }, ForwardMethod::Masq) if port == 0 => vport,
        (ServiceKey::Addr { .. }, ForwardMethod::Masq) => port,
        (ServiceKey::Addr { port: vport, .. }, _) => vport,
    }
}

/// Whether a server at `addr` forwarded by `method` may be in service
/// `key` (only tunnelled ones may be of the other family).
fn same_family(key: ServiceKey, addr: IpAddr, method: ForwardMethod) -> bool {
    method == ForwardMethod::Tunnel
        || (addr.is_ipv6() == (key.family() == rvsadm::model::Family::Inet6))
}

/// Real server `r` in service `key`; `None` (with a note) when keepalived
/// skips it.
pub fn destination(
    v: &VirtualServer,
    r: &RealServer,
    key: ServiceKey,
    notes: &mut Vec<String>,
) -> Result<Option<DestSpec>, ConfigError> {
    let f = forwarding(v, r.forwarding);
    if !same_family(key, r.addr, f.method) {
        notes.push(format!(
            "{}: real server {} is not of the virtual server's address family: keepalived skips it, and so does rvsadmd",
            r.at, r.addr
        ));
        return Ok(None);
    }
    let port = port_in(key, f.method, r.port);
    if r.port != 0 && port != r.port {
        notes.push(format!(
            "{}: real server port {} is not the service's: keepalived uses {port} in the table (the check keeps {})",
            r.at, r.port, r.port
        ));
    }
    let weight = Weight::new(r.weight(v)).ok_or_else(|| ConfigError {
        at: r.at.clone(),
        message: format!("weight {} is above the kernel's 2147483647", r.weight(v)),
    })?;
    let mut c = DestConfig::new(f.method).with_weight(weight);
    c.tunnel = f.tunnel;
    c.upper_threshold = r.uthreshold;
    c.lower_threshold = r.lthreshold;
    Ok(Some(DestSpec::new(SocketAddr::new(r.addr, port), c)))
}

/// The sorry server of `v` in service `key`, weight 1, and what it
/// becomes while a real server is up: removed, or with
/// `sorry_server_inhibit` kept at weight 0 (keepalived adds it at weight 0
/// at start and sets weight 0 instead of deleting it when the quorum is
/// back).
pub fn sorry(
    v: &VirtualServer,
    key: ServiceKey,
) -> Result<(Option<DestSpec>, OnFailure), ConfigError> {
    let Some(s) = &v.sorry else {
        return Ok((None, OnFailure::Remove));
    };
    let idle = if s.inhibit {
        OnFailure::Quiesce
    } else {
        OnFailure::Remove
    };
    let f = forwarding(v, s.forwarding);
    if !same_family(key, s.addr, f.method) {
        return Ok((None, OnFailure::Remove));
    }
    let mut c = DestConfig::new(f.method);
    c.tunnel = f.tunnel;
    // keepalived leaves a NAT sorry server's port as written (a real
    // server's 0 becomes the service's).
    let port = match f.method {
        ForwardMethod::Masq => s.port,
        m => port_in(key, m, s.port),
    };
    Ok((Some(DestSpec::new(SocketAddr::new(s.addr, port), c)), idle))
}
