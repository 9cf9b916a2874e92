//! The sync daemon object: its attributes (`IPVS_DAEMON_ATTR_*`), the
//! `DAEMON` nest of start and stop requests, and the decoding of a daemon
//! reply.

use super::command::cmd_attr;
use super::values::find_nest;
use crate::model::{Daemon, DaemonState};
use crate::netlink::attr::{AttrWriter, DecodeError};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Daemon attributes (`IPVS_DAEMON_ATTR_*`).
mod nla {
    pub(crate) const STATE: u16 = 1;
    pub(crate) const MCAST_IFN: u16 = 2;
    pub(crate) const SYNC_ID: u16 = 3;
    pub(crate) const SYNC_MAXLEN: u16 = 4;
    pub(crate) const MCAST_GROUP: u16 = 5;
    pub(crate) const MCAST_GROUP6: u16 = 6;
    pub(crate) const MCAST_PORT: u16 = 7;
    pub(crate) const MCAST_TTL: u16 = 8;
}

/// Append a `DAEMON` nest for `NEW_DAEMON`.
pub(crate) fn put_daemon_new(w: &mut AttrWriter, d: &Daemon) {
    let n = w.begin_nest(cmd_attr::DAEMON);
    w.u32(nla::STATE, d.state.to_raw());
    w.string(nla::MCAST_IFN, &d.mcast_ifn);
    w.u32(nla::SYNC_ID, d.sync_id);
    if let Some(m) = d.sync_maxlen.filter(|&m| m != 0) {
        w.u16(nla::SYNC_MAXLEN, m);
    }
    if let Some(p) = d.mcast_port.filter(|&p| p != 0) {
        w.u16(nla::MCAST_PORT, p);
    }
    if let Some(t) = d.mcast_ttl.filter(|&t| t != 0) {
        w.u8(nla::MCAST_TTL, t);
    }
    match d.mcast_group {
        Some(IpAddr::V6(g)) => w.bytes(nla::MCAST_GROUP6, &g.octets()),
        Some(IpAddr::V4(g)) => w.bytes(nla::MCAST_GROUP, &g.octets()),
        None => {}
    }
    w.end_nest(n);
}

/// Append a `DAEMON` nest for `DEL_DAEMON`.
pub(crate) fn put_daemon_del(w: &mut AttrWriter, d: &Daemon) {
    let n = w.begin_nest(cmd_attr::DAEMON);
    w.u32(nla::STATE, d.state.to_raw());
    w.string(nla::MCAST_IFN, &d.mcast_ifn);
    w.u32(nla::SYNC_ID, d.sync_id);
    w.end_nest(n);
}

/// Decode the attributes of a daemon-dump reply.
pub(crate) fn decode_daemon_msg(attrs: &[u8]) -> Result<Daemon, DecodeError> {
    let nest = find_nest(attrs, cmd_attr::DAEMON)?
        .ok_or_else(|| DecodeError::new("daemon reply without a DAEMON nest"))?;
    let mut state = None;
    let mut d = Daemon::new(DaemonState::Master, "");
    for a in nest.nested() {
        let a = a?;
        match a.ty {
            nla::STATE => state = Some(DaemonState::from_raw(a.u32("daemon state")?)),
            nla::MCAST_IFN => d.mcast_ifn = a.string(),
            nla::SYNC_ID => d.sync_id = a.u32("sync id")?,
            nla::SYNC_MAXLEN => d.sync_maxlen = Some(a.u16("sync maxlen")?),
            nla::MCAST_GROUP => {
                d.mcast_group = Some(IpAddr::V4(Ipv4Addr::from(a.array::<4>("mcast group")?)))
            }
            nla::MCAST_GROUP6 => {
                d.mcast_group = Some(IpAddr::V6(Ipv6Addr::from(a.array::<16>("mcast group6")?)))
            }
            nla::MCAST_PORT => d.mcast_port = Some(a.u16("mcast port")?),
            nla::MCAST_TTL => d.mcast_ttl = Some(a.u8("mcast ttl")?),
            _ => {}
        }
    }
    d.state = state.ok_or_else(|| DecodeError::new("daemon without a state"))?;
    Ok(d)
}
