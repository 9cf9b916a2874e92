//! The service object: its attributes (`IPVS_SVC_ATTR_*`), the `SERVICE`
//! nest of a request, and the decoding of a service reply.

use super::command::cmd_attr;
use super::stats::decode_stats;
use super::values::{addr16, find_nest, inet_addr, ip_from, put_kept};
use crate::model::{
    Family, Netmask, Protocol, Scheduler, Service, ServiceConfig, ServiceFlags, ServiceKey, Stats,
    UnknownAttr,
};
use crate::netlink::attr::{Attr, AttrWriter, DecodeError};
use std::net::Ipv4Addr;

/// Service attributes (`IPVS_SVC_ATTR_*`).
mod nla {
    pub(crate) const AF: u16 = 1;
    pub(crate) const PROTOCOL: u16 = 2;
    pub(crate) const ADDR: u16 = 3;
    pub(crate) const PORT: u16 = 4;
    pub(crate) const FWMARK: u16 = 5;
    pub(crate) const SCHED_NAME: u16 = 6;
    pub(crate) const FLAGS: u16 = 7;
    pub(crate) const TIMEOUT: u16 = 8;
    pub(crate) const NETMASK: u16 = 9;
    pub(crate) const STATS: u16 = 10;
    pub(crate) const PE_NAME: u16 = 11;
    pub(crate) const STATS64: u16 = 12;
}

pub(super) fn put_key(w: &mut AttrWriter, key: &ServiceKey) {
    w.u16(nla::AF, key.family().to_raw());
    match key {
        ServiceKey::Fwmark { mark, .. } => w.u32(nla::FWMARK, *mark),
        ServiceKey::Addr {
            protocol,
            addr,
            port,
        } => {
            w.u16(nla::PROTOCOL, protocol.to_raw());
            w.bytes(nla::ADDR, &inet_addr(addr));
            w.be16(nla::PORT, *port);
        }
    }
}

/// The fields of a full service nest, separated from [`Service`] so that
/// requests naming a service by its key alone can say exactly what ipvsadm
/// puts in the other fields.
pub(crate) struct SvcFields<'a> {
    pub(crate) key: &'a ServiceKey,
    /// Unknown attributes sent back (an edit made from a kernel reply).
    pub(crate) kept: &'a [UnknownAttr],
    pub(crate) sched: &'a str,
    pub(crate) pe_name: Option<&'a str>,
    pub(crate) flags: u32,
    pub(crate) timeout: u32,
    pub(crate) netmask: u32,
}

impl<'a> SvcFields<'a> {
    /// All fields of a service.
    pub(crate) fn of(key: &'a ServiceKey, c: &'a ServiceConfig) -> Self {
        SvcFields {
            key,
            kept: &[],
            sched: c.scheduler.name(),
            pe_name: c.pe_name.as_deref().filter(|p| !p.is_empty()),
            flags: (c.flags - ServiceFlags::KERNEL).bits(),
            timeout: c.timeout,
            netmask: netmask_raw(&c.netmask),
        }
    }

    /// A service named by its key only, the way ipvsadm fills the nest when
    /// it has nothing but an address (delete, zero, destination commands):
    /// no scheduler, no flags, no timeout, the default netmask.
    pub(crate) fn key_only(key: &'a ServiceKey) -> Self {
        SvcFields {
            key,
            kept: &[],
            sched: "",
            pe_name: None,
            flags: 0,
            timeout: 0,
            netmask: netmask_raw(&Netmask::default_for(key.family())),
        }
    }
}

/// The netmask attribute value: IPv4 mask bytes in network order, IPv6
/// prefix length as a host-order number.
pub(super) fn netmask_raw(m: &Netmask) -> u32 {
    match m {
        Netmask::V4(a) => u32::from_ne_bytes(a.octets()),
        Netmask::V6Prefix(p) => *p,
    }
}

/// Append a full `SERVICE` nest.
pub(crate) fn put_service(w: &mut AttrWriter, f: &SvcFields<'_>) {
    let n = w.begin_nest(cmd_attr::SERVICE);
    put_key(w, f.key);
    w.string(nla::SCHED_NAME, f.sched);
    if let Some(pe) = f.pe_name {
        w.string(nla::PE_NAME, pe);
    }
    let mut flags = [0u8; 8];
    flags[..4].copy_from_slice(&f.flags.to_ne_bytes());
    flags[4..].copy_from_slice(&u32::MAX.to_ne_bytes());
    w.bytes(nla::FLAGS, &flags);
    w.u32(nla::TIMEOUT, f.timeout);
    w.u32(nla::NETMASK, f.netmask);
    put_kept(w, f.kept);
    w.end_nest(n);
}

/// Append a `SERVICE` nest with only the key (the `GET_DEST` dump).
pub(crate) fn put_service_key(w: &mut AttrWriter, key: &ServiceKey) {
    let n = w.begin_nest(cmd_attr::SERVICE);
    put_key(w, key);
    w.end_nest(n);
}

/// Decode the attributes of a service-dump or `GET_SERVICE` reply.
pub(crate) fn decode_service_msg(attrs: &[u8]) -> Result<Service, DecodeError> {
    let nest = find_nest(attrs, cmd_attr::SERVICE)?
        .ok_or_else(|| DecodeError::new("service reply without a SERVICE nest"))?;
    decode_service(&nest)
}

/// Decode a `SERVICE` nest.
pub(crate) fn decode_service(nest: &Attr<'_>) -> Result<Service, DecodeError> {
    let mut af = None;
    let mut protocol = None;
    let mut addr = None;
    let mut port = None;
    let mut fwmark = None;
    let mut sched = None;
    let mut pe = None;
    let mut flags = None;
    let mut timeout = 0;
    let mut netmask = None;
    let mut st32 = None;
    let mut st64 = None;
    let mut unknown = Vec::new();
    for a in nest.nested() {
        let a = a?;
        match a.ty {
            nla::AF => af = Some(Family::from_raw(a.u16("service AF")?)),
            nla::PROTOCOL => protocol = Some(Protocol::from_raw(a.u16("service protocol")?)),
            nla::ADDR => addr = Some(addr16(&a, "service")?),
            nla::PORT => port = Some(a.be16("service port")?),
            nla::FWMARK => fwmark = Some(a.u32("service fwmark")?),
            nla::SCHED_NAME => sched = Some(a.string()),
            nla::PE_NAME => pe = Some(a.string()).filter(|p| !p.is_empty()),
            nla::FLAGS => {
                let b = a.array::<8>("service flags")?;
                let f = u32::from_ne_bytes([b[0], b[1], b[2], b[3]]);
                let m = u32::from_ne_bytes([b[4], b[5], b[6], b[7]]);
                flags = Some(f & m);
            }
            nla::TIMEOUT => timeout = a.u32("service timeout")?,
            nla::NETMASK => netmask = Some(a.u32("service netmask")?),
            nla::STATS => st32 = Some(a),
            nla::STATS64 => st64 = Some(a),
            _ => unknown.push(UnknownAttr {
                kind: a.ty,
                payload: a.payload.to_vec(),
            }),
        }
    }
    let af = af.ok_or_else(|| DecodeError::new("service without an address family"))?;
    let key = match (fwmark, protocol, addr, port) {
        (Some(mark), ..) if mark != 0 || protocol.is_none() => {
            ServiceKey::Fwmark { mark, family: af }
        }
        (_, Some(protocol), Some(raw), Some(port)) => ServiceKey::Addr {
            protocol,
            addr: ip_from(af, &raw, "service")?,
            port,
        },
        _ => {
            return Err(DecodeError::new(
                "service has neither a fwmark nor protocol, address and port",
            ))
        }
    };
    let netmask = match (af, netmask) {
        (Family::Inet6, Some(p)) => Netmask::V6Prefix(p),
        (_, Some(m)) => Netmask::V4(Ipv4Addr::from(m.to_ne_bytes())),
        (f, None) => Netmask::default_for(f),
    };
    let stats = match (st64, st32) {
        (Some(s), _) | (None, Some(s)) => decode_stats(&s)?,
        (None, None) => Stats::default(),
    };
    let flags = ServiceFlags::from_bits_retain(flags.unwrap_or(0));
    Ok(Service {
        key,
        config: ServiceConfig {
            scheduler: Scheduler::from_name(sched.as_deref().unwrap_or("")),
            flags: flags - ServiceFlags::KERNEL,
            timeout,
            netmask,
            pe_name: pe,
        },
        kernel_flags: flags & ServiceFlags::KERNEL,
        stats,
        destinations: Vec::new(),
        unknown,
    })
}

#[cfg(test)]
mod unknown_attr_tests {
    use super::*;

    /// One netlink attribute: length, type, payload, padding to 4 bytes.
    fn nla(ty: u16, payload: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&((4 + payload.len()) as u16).to_ne_bytes());
        v.extend_from_slice(&ty.to_ne_bytes());
        v.extend_from_slice(payload);
        while v.len() % 4 != 0 {
            v.push(0);
        }
        v
    }

    #[test]
    fn unknown_attributes_are_kept() {
        let mut inner = Vec::new();
        inner.extend(nla(nla::AF, &2u16.to_ne_bytes()));
        inner.extend(nla(nla::FWMARK, &7u32.to_ne_bytes()));
        inner.extend(nla(nla::SCHED_NAME, b"wlc\0"));
        inner.extend(nla(nla::FLAGS, &[0; 8]));
        inner.extend(nla(nla::TIMEOUT, &0u32.to_ne_bytes()));
        inner.extend(nla(nla::NETMASK, &[0xff; 4]));
        inner.extend(nla(99, &[0xde, 0xad, 0xbe, 0xef, 0x01]));
        let msg = nla(cmd_attr::SERVICE | 0x8000, &inner);
        let s = decode_service_msg(&msg).unwrap();
        assert_eq!(s.key, ServiceKey::fwmark(7));
        assert_eq!(
            s.unknown,
            vec![UnknownAttr {
                kind: 99,
                payload: vec![0xde, 0xad, 0xbe, 0xef, 0x01]
            }]
        );
    }
}
