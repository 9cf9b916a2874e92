//! The destination object: its attributes (`IPVS_DEST_ATTR_*`), the
//! `DEST` nest of a request, and the decoding of a destination reply.

use super::command::cmd_attr;
use super::stats::decode_stats;
use super::values::{addr16, find_nest, inet_addr, ip_from, put_kept};
use crate::model::{
    DestConfig, DestStatus, Destination, Family, ForwardMethod, Stats, Tunnel, TunnelFlags,
    TunnelType, UnknownAttr, Weight,
};
use crate::netlink::attr::{Attr, AttrWriter, DecodeError};

/// Destination attributes (`IPVS_DEST_ATTR_*`).
mod nla {
    pub(crate) const ADDR: u16 = 1;
    pub(crate) const PORT: u16 = 2;
    pub(crate) const FWD_METHOD: u16 = 3;
    pub(crate) const WEIGHT: u16 = 4;
    pub(crate) const U_THRESH: u16 = 5;
    pub(crate) const L_THRESH: u16 = 6;
    pub(crate) const ACTIVE_CONNS: u16 = 7;
    pub(crate) const INACT_CONNS: u16 = 8;
    pub(crate) const PERSIST_CONNS: u16 = 9;
    pub(crate) const STATS: u16 = 10;
    pub(crate) const ADDR_FAMILY: u16 = 11;
    pub(crate) const STATS64: u16 = 12;
    pub(crate) const TUN_TYPE: u16 = 13;
    pub(crate) const TUN_PORT: u16 = 14;
    pub(crate) const TUN_FLAGS: u16 = 15;
}

/// Append a full `DEST` nest.
pub(crate) fn put_dest(
    w: &mut AttrWriter,
    addr: &std::net::SocketAddr,
    c: &DestConfig,
    kept: &[UnknownAttr],
) {
    let n = w.begin_nest(cmd_attr::DEST);
    w.u16(nla::ADDR_FAMILY, Family::of(&addr.ip()).to_raw());
    w.bytes(nla::ADDR, &inet_addr(&addr.ip()));
    w.be16(nla::PORT, addr.port());
    w.u32(nla::FWD_METHOD, c.forward.to_raw());
    w.u32(nla::WEIGHT, c.weight.get());
    w.u8(nla::TUN_TYPE, c.tunnel.kind.to_raw());
    w.be16(nla::TUN_PORT, c.tunnel.port);
    w.u16(nla::TUN_FLAGS, c.tunnel.flags.bits());
    w.u32(nla::U_THRESH, c.upper_threshold);
    w.u32(nla::L_THRESH, c.lower_threshold);
    put_kept(w, kept);
    w.end_nest(n);
}

/// Decode the attributes of a destination-dump reply; `svc_family` is used
/// when the kernel sends no `ADDR_FAMILY` (kernels before 3.18).
pub(crate) fn decode_dest_msg(
    attrs: &[u8],
    svc_family: Family,
) -> Result<Destination, DecodeError> {
    let nest = find_nest(attrs, cmd_attr::DEST)?
        .ok_or_else(|| DecodeError::new("destination reply without a DEST nest"))?;
    decode_dest(&nest, svc_family)
}

/// Decode a `DEST` nest.
pub(crate) fn decode_dest(nest: &Attr<'_>, svc_family: Family) -> Result<Destination, DecodeError> {
    let mut fam = None;
    let mut addr = None;
    let mut port = None;
    let mut c = DestConfig {
        forward: ForwardMethod::Masq,
        weight: Weight::ZERO,
        upper_threshold: 0,
        lower_threshold: 0,
        tunnel: Tunnel::default(),
    };
    let mut status = DestStatus::default();
    let mut unknown = Vec::new();
    let mut st32 = None;
    let mut st64 = None;
    for a in nest.nested() {
        let a = a?;
        match a.ty {
            nla::ADDR => addr = Some(addr16(&a, "destination")?),
            nla::PORT => port = Some(a.be16("destination port")?),
            nla::FWD_METHOD => c.forward = ForwardMethod::from_raw(a.u32("forward method")? & 7),
            nla::WEIGHT => {
                let w = a.u32("weight")?;
                c.weight = Weight::new(w).ok_or_else(|| {
                    DecodeError::new(format!("destination weight {w} is above 2147483647"))
                })?;
            }
            nla::U_THRESH => c.upper_threshold = a.u32("upper threshold")?,
            nla::L_THRESH => c.lower_threshold = a.u32("lower threshold")?,
            nla::ACTIVE_CONNS => status.active_conns = a.u32("active conns")?,
            nla::INACT_CONNS => status.inactive_conns = a.u32("inactive conns")?,
            nla::PERSIST_CONNS => status.persist_conns = a.u32("persistent conns")?,
            nla::STATS => st32 = Some(a),
            nla::STATS64 => st64 = Some(a),
            nla::ADDR_FAMILY => fam = Some(Family::from_raw(a.u16("destination AF")?)),
            nla::TUN_TYPE => c.tunnel.kind = TunnelType::from_raw(a.u8("tunnel type")?),
            nla::TUN_PORT => c.tunnel.port = a.be16("tunnel port")?,
            nla::TUN_FLAGS => {
                c.tunnel.flags = TunnelFlags::from_bits_retain(a.u16("tunnel flags")?)
            }
            _ => unknown.push(UnknownAttr {
                kind: a.ty,
                payload: a.payload.to_vec(),
            }),
        }
    }
    let raw = addr.ok_or_else(|| DecodeError::new("destination without an address"))?;
    let ip = ip_from(fam.unwrap_or(svc_family), &raw, "destination")?;
    let port = port.ok_or_else(|| DecodeError::new("destination without a port"))?;
    status.stats = match (st64, st32) {
        (Some(s), _) | (None, Some(s)) => decode_stats(&s)?,
        (None, None) => Stats::default(),
    };
    Ok(Destination {
        addr: std::net::SocketAddr::new(ip, port),
        config: c,
        status,
        unknown,
    })
}
