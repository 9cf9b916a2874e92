//! The kernel's structs of the `IP_VS_SO_GET_*` options
//! (`<linux/ip_vs.h>`), read and written by byte offset: the option
//! numbers, each struct's offsets and size, the service key as the
//! requests carry it, and the answers parsed into model values
//! ([`DestCounts`], destinations). No system call here; the offsets are
//! checked against `repr(C)` mirrors of the kernel's structs in the tests.

use crate::model::{DestConfig, Destination, Family, ForwardMethod, ServiceKey, Weight};
use nix::libc;
use std::net::{IpAddr, Ipv4Addr};

/// `IP_VS_BASE_CTL` (64 + 1024 + 64).
pub(super) const BASE_CTL: libc::c_int = 1152;
/// `IP_VS_SO_GET_INFO`.
pub(super) const GET_INFO: libc::c_int = BASE_CTL + 1;
/// `IP_VS_SO_GET_SERVICES`.
pub(super) const GET_SERVICES: libc::c_int = BASE_CTL + 2;
/// `IP_VS_SO_GET_SERVICE`.
pub(super) const GET_SERVICE: libc::c_int = BASE_CTL + 3;
/// `IP_VS_SO_GET_DESTS`.
pub(super) const GET_DESTS: libc::c_int = BASE_CTL + 4;

/// `struct ip_vs_service_entry` (also `struct ip_vs_get_dests`' head, up
/// to `fwmark`): the service key's offsets.
pub(super) mod svc {
    pub const PROTOCOL: usize = 0;
    pub const ADDR: usize = 4;
    pub const PORT: usize = 8;
    pub const FWMARK: usize = 12;
    /// `ip_vs_service_entry.num_dests`.
    pub const NUM_DESTS: usize = 44;
    /// `sizeof(struct ip_vs_service_entry)`.
    pub const SIZE: usize = 104;
}

/// `struct ip_vs_getinfo`.
pub(super) mod info {
    /// `num_services`: the namespace's IPv4 services (the only ones this
    /// interface shows; checked in the VM's kernel).
    pub const NUM_SERVICES: usize = 8;
    pub const SIZE: usize = 12;
}

/// `struct ip_vs_get_services`.
pub(super) mod get_services {
    /// `num_services`: how many entries the caller has room for.
    pub const NUM_SERVICES: usize = 0;
    /// `entrytable`, and the struct's size without it (the entries hold
    /// 64-bit counters: aligned to 8 on the 64-bit ABIs).
    pub const TABLE: usize = 8;
}

/// `struct ip_vs_get_dests`.
pub(super) mod get_dests {
    /// `num_dests`: how many entries the caller has room for.
    pub const NUM_DESTS: usize = 16;
    /// `entrytable`, and the struct's size without it.
    pub const TABLE: usize = 24;
}

/// `struct ip_vs_dest_entry`.
pub(super) mod dest {
    pub const ADDR: usize = 0;
    pub const PORT: usize = 4;
    pub const CONN_FLAGS: usize = 8;
    pub const WEIGHT: usize = 12;
    pub const U_THRESHOLD: usize = 16;
    pub const L_THRESHOLD: usize = 20;
    pub const ACTIVE: usize = 24;
    pub const INACTIVE: usize = 28;
    pub const PERSIST: usize = 32;
    pub const SIZE: usize = 96;
}

/// The most destinations one service's answer is sized for (about 100 MB
/// of room); a larger count from the kernel goes to netlink.
pub(super) const MAX_DESTS: usize = 1 << 20;

/// The most services a [`DestCounts`] is asked for (about 100 MB of room,
/// as for destinations); a larger table is counted service by service.
pub(super) const MAX_SERVICES: usize = 1 << 20;

/// `IP_VS_CONN_F_FWD_MASK`.
pub(super) const FWD_MASK: u32 = 7;

/// Read `N` bytes at `at`, zeros past the end (never, for the offsets
/// above within a sized buffer).
pub(super) fn bytes<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(s) = b.get(at..at + N) {
        out.copy_from_slice(s);
    }
    out
}

pub(super) fn ne_u32(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(bytes(b, at))
}

pub(super) fn put(b: &mut [u8], at: usize, v: &[u8]) {
    if let Some(s) = b.get_mut(at..at + v.len()) {
        s.copy_from_slice(v);
    }
}

/// Write the service key at the start of `b` (the layout both structs
/// share). `None` for keys the interface cannot name (not IPv4).
pub(super) fn put_key(b: &mut [u8], key: &ServiceKey) -> Option<()> {
    match *key {
        ServiceKey::Addr {
            protocol,
            addr: IpAddr::V4(a),
            port,
        } => {
            put(b, svc::PROTOCOL, &protocol.to_raw().to_ne_bytes());
            put(b, svc::ADDR, &a.octets());
            put(b, svc::PORT, &port.to_be_bytes());
        }
        ServiceKey::Fwmark {
            mark,
            family: Family::Inet,
        } if mark != 0 => put(b, svc::FWMARK, &mark.to_ne_bytes()),
        _ => return None,
    }
    Some(())
}

/// The kernel's count of destinations of every IPv4 service at one moment
/// (one `GET_SERVICES` answer), looked up by service key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DestCounts(pub(super) Vec<(ServiceKey, u32)>);

impl DestCounts {
    /// The count of `key`'s destinations, `None` for a service that the
    /// answer does not list (not IPv4, or not there at the time).
    pub(crate) fn get(&self, key: &ServiceKey) -> Option<u32> {
        self.0
            .binary_search_by(|(k, _)| k.cmp(key))
            .ok()
            .and_then(|i| self.0.get(i))
            .map(|(_, n)| *n)
    }
}

/// The entries of a `GET_SERVICES` answer (`table`, room for `room` made
/// zero beforehand), or `None` if it filled every entry (there may be more
/// than it had room for).
pub(super) fn parse_services(table: &[u8], room: usize) -> Option<DestCounts> {
    let mut out = Vec::new();
    for e in table.chunks_exact(svc::SIZE).take(room) {
        let protocol = u16::from_ne_bytes(bytes(e, svc::PROTOCOL));
        let mark = ne_u32(e, svc::FWMARK);
        let key = if mark != 0 {
            ServiceKey::Fwmark {
                mark,
                family: Family::Inet,
            }
        } else if protocol != 0 {
            ServiceKey::Addr {
                protocol: crate::Protocol::from_raw(protocol),
                addr: IpAddr::V4(Ipv4Addr::from(bytes::<4>(e, svc::ADDR))),
                port: u16::from_be_bytes(bytes(e, svc::PORT)),
            }
        } else {
            break;
        };
        out.push((key, ne_u32(e, svc::NUM_DESTS)));
    }
    if out.len() >= room {
        return None;
    }
    out.sort_unstable_by_key(|a| a.0);
    Some(DestCounts(out))
}

/// The entries of a `GET_DESTS` answer (`table`, its room made zero
/// beforehand), or `None` unless they are whole: exactly `n` entries (fewer
/// means the kernel skipped destinations of the other family, or some went
/// since the count; more, that some came) and none a tunnel (its type, port
/// and flags are not in the entry).
pub(super) fn parse_dests(table: &[u8], n: usize) -> Option<Vec<Destination>> {
    let mut out = Vec::with_capacity(n.min(table.len() / dest::SIZE));
    for e in table.chunks_exact(dest::SIZE) {
        let addr = Ipv4Addr::from(bytes::<4>(e, dest::ADDR));
        if addr.is_unspecified() {
            break;
        }
        let forward = ForwardMethod::from_raw(ne_u32(e, dest::CONN_FLAGS) & FWD_MASK);
        if forward == ForwardMethod::Tunnel {
            return None;
        }
        // A weight the model cannot hold (never seen: the kernel refuses
        // negative ones) sends the service to netlink.
        let weight = Weight::new(ne_u32(e, dest::WEIGHT))?;
        let config = DestConfig::new(forward)
            .with_weight(weight)
            .with_thresholds(ne_u32(e, dest::U_THRESHOLD), ne_u32(e, dest::L_THRESHOLD));
        let mut d = Destination::new(
            (addr, u16::from_be_bytes(bytes(e, dest::PORT))).into(),
            config,
        );
        d.status.active_conns = ne_u32(e, dest::ACTIVE);
        d.status.inactive_conns = ne_u32(e, dest::INACTIVE);
        d.status.persist_conns = ne_u32(e, dest::PERSIST);
        out.push(d);
    }
    (out.len() == n).then_some(out)
}
