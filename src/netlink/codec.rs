//! Translation between the typed model and IPVS netlink messages.
//!
//! Requests are laid out attribute for attribute as ipvsadm 1.31 (libipvs on
//! libnl-3) sends them, so the kernel sees identical bytes. Replies are read
//! with the panic-free walker of [`super::attr`]; unknown attributes of a
//! service or destination are kept in its `unknown` list and unknown values
//! land in the model's `Other(..)` variants.

use super::attr::{align4, Attr, AttrWriter, Attrs, DecodeError};
use crate::error::Op;
use crate::model::{
    Change, Daemon, DaemonState, DestConfig, DestStatus, Destination, Family, ForwardMethod, Info,
    Netmask, Protocol, Scheduler, Service, ServiceConfig, ServiceFlags, ServiceKey, Stats,
    Timeouts, Tunnel, TunnelFlags, TunnelType, UnknownAttr, Weight,
};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

// ---- netlink core ----------------------------------------------------------

/// `NLM_F_REQUEST`.
pub(crate) const NLM_F_REQUEST: u16 = 0x1;
/// `NLM_F_MULTI`.
#[allow(dead_code)]
pub(crate) const NLM_F_MULTI: u16 = 0x2;
/// `NLM_F_ACK`.
pub(crate) const NLM_F_ACK: u16 = 0x4;
/// `NLM_F_DUMP` (`NLM_F_ROOT | NLM_F_MATCH`).
pub(crate) const NLM_F_DUMP: u16 = 0x300;

/// `NLMSG_NOOP`.
pub(crate) const NLMSG_NOOP: u16 = 1;
/// `NLMSG_ERROR` (also the ACK).
pub(crate) const NLMSG_ERROR: u16 = 2;
/// `NLMSG_DONE`.
pub(crate) const NLMSG_DONE: u16 = 3;
/// `NLMSG_OVERRUN`.
pub(crate) const NLMSG_OVERRUN: u16 = 4;

/// Size of `struct nlmsghdr`.
pub(crate) const NLMSG_HDRLEN: usize = 16;
/// Size of `struct genlmsghdr`.
pub(crate) const GENL_HDRLEN: usize = 4;

/// The generic-netlink controller's family id (`GENL_ID_CTRL`).
pub(crate) const GENL_ID_CTRL: u16 = 0x10;
/// `CTRL_CMD_GETFAMILY`.
pub(crate) const CTRL_CMD_GETFAMILY: u8 = 3;
/// `CTRL_ATTR_FAMILY_ID`.
pub(crate) const CTRL_ATTR_FAMILY_ID: u16 = 1;
/// `CTRL_ATTR_FAMILY_NAME`.
pub(crate) const CTRL_ATTR_FAMILY_NAME: u16 = 2;

/// The IPVS family name.
pub(crate) const IPVS_GENL_NAME: &str = "IPVS";
/// `IPVS_GENL_VERSION`.
pub(crate) const IPVS_GENL_VERSION: u8 = 1;

// ---- IPVS commands ---------------------------------------------------------

/// IPVS generic-netlink commands (`IPVS_CMD_*`).
pub(crate) mod cmd {
    pub(crate) const NEW_SERVICE: u8 = 1;
    pub(crate) const SET_SERVICE: u8 = 2;
    pub(crate) const DEL_SERVICE: u8 = 3;
    pub(crate) const GET_SERVICE: u8 = 4;
    pub(crate) const NEW_DEST: u8 = 5;
    pub(crate) const SET_DEST: u8 = 6;
    pub(crate) const DEL_DEST: u8 = 7;
    pub(crate) const GET_DEST: u8 = 8;
    pub(crate) const NEW_DAEMON: u8 = 9;
    pub(crate) const DEL_DAEMON: u8 = 10;
    pub(crate) const GET_DAEMON: u8 = 11;
    pub(crate) const SET_CONFIG: u8 = 12;
    pub(crate) const GET_CONFIG: u8 = 13;
    pub(crate) const GET_INFO: u8 = 15;
    pub(crate) const ZERO: u8 = 16;
    pub(crate) const FLUSH: u8 = 17;
}

/// Top-level attributes (`IPVS_CMD_ATTR_*`).
mod cmd_attr {
    pub(super) const SERVICE: u16 = 1;
    pub(super) const DEST: u16 = 2;
    pub(super) const DAEMON: u16 = 3;
    pub(super) const TIMEOUT_TCP: u16 = 4;
    pub(super) const TIMEOUT_TCP_FIN: u16 = 5;
    pub(super) const TIMEOUT_UDP: u16 = 6;
}

/// Service attributes (`IPVS_SVC_ATTR_*`).
mod svc {
    pub(super) const AF: u16 = 1;
    pub(super) const PROTOCOL: u16 = 2;
    pub(super) const ADDR: u16 = 3;
    pub(super) const PORT: u16 = 4;
    pub(super) const FWMARK: u16 = 5;
    pub(super) const SCHED_NAME: u16 = 6;
    pub(super) const FLAGS: u16 = 7;
    pub(super) const TIMEOUT: u16 = 8;
    pub(super) const NETMASK: u16 = 9;
    pub(super) const STATS: u16 = 10;
    pub(super) const PE_NAME: u16 = 11;
    pub(super) const STATS64: u16 = 12;
}

/// Destination attributes (`IPVS_DEST_ATTR_*`).
mod dest {
    pub(super) const ADDR: u16 = 1;
    pub(super) const PORT: u16 = 2;
    pub(super) const FWD_METHOD: u16 = 3;
    pub(super) const WEIGHT: u16 = 4;
    pub(super) const U_THRESH: u16 = 5;
    pub(super) const L_THRESH: u16 = 6;
    pub(super) const ACTIVE_CONNS: u16 = 7;
    pub(super) const INACT_CONNS: u16 = 8;
    pub(super) const PERSIST_CONNS: u16 = 9;
    pub(super) const STATS: u16 = 10;
    pub(super) const ADDR_FAMILY: u16 = 11;
    pub(super) const STATS64: u16 = 12;
    pub(super) const TUN_TYPE: u16 = 13;
    pub(super) const TUN_PORT: u16 = 14;
    pub(super) const TUN_FLAGS: u16 = 15;
}

/// Daemon attributes (`IPVS_DAEMON_ATTR_*`).
mod daemon {
    pub(super) const STATE: u16 = 1;
    pub(super) const MCAST_IFN: u16 = 2;
    pub(super) const SYNC_ID: u16 = 3;
    pub(super) const SYNC_MAXLEN: u16 = 4;
    pub(super) const MCAST_GROUP: u16 = 5;
    pub(super) const MCAST_GROUP6: u16 = 6;
    pub(super) const MCAST_PORT: u16 = 7;
    pub(super) const MCAST_TTL: u16 = 8;
}

/// Stats attributes (`IPVS_STATS_ATTR_*`), the same ids in both nests.
mod stats {
    pub(super) const CONNS: u16 = 1;
    pub(super) const INPKTS: u16 = 2;
    pub(super) const OUTPKTS: u16 = 3;
    pub(super) const INBYTES: u16 = 4;
    pub(super) const OUTBYTES: u16 = 5;
    pub(super) const CPS: u16 = 6;
    pub(super) const INPPS: u16 = 7;
    pub(super) const OUTPPS: u16 = 8;
    pub(super) const INBPS: u16 = 9;
    pub(super) const OUTBPS: u16 = 10;
}

/// Info attributes (`IPVS_INFO_ATTR_*`).
mod info {
    pub(super) const VERSION: u16 = 1;
    pub(super) const CONN_TAB_SIZE: u16 = 2;
}

// ---- message framing -------------------------------------------------------

/// A complete netlink + genl request.
pub(crate) fn frame(
    nl_type: u16,
    flags: u16,
    seq: u32,
    pid: u32,
    cmd: u8,
    version: u8,
    attrs: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(NLMSG_HDRLEN + GENL_HDRLEN + attrs.len());
    append_frame(&mut out, nl_type, flags, seq, pid, cmd, version, attrs);
    out
}

/// Append a complete request to `out` (for batches).
#[allow(clippy::too_many_arguments)]
pub(crate) fn append_frame(
    out: &mut Vec<u8>,
    nl_type: u16,
    flags: u16,
    seq: u32,
    pid: u32,
    cmd: u8,
    version: u8,
    attrs: &[u8],
) {
    let len = NLMSG_HDRLEN + GENL_HDRLEN + attrs.len();
    let len32 = u32::try_from(len).unwrap_or(u32::MAX);
    out.extend_from_slice(&len32.to_ne_bytes());
    out.extend_from_slice(&nl_type.to_ne_bytes());
    out.extend_from_slice(&flags.to_ne_bytes());
    out.extend_from_slice(&seq.to_ne_bytes());
    out.extend_from_slice(&pid.to_ne_bytes());
    out.extend_from_slice(&[cmd, version, 0, 0]);
    out.extend_from_slice(attrs);
    let target = align4(out.len());
    out.resize(target, 0);
}

/// Set `flags` in the header of the frame that starts at `at` in `out`
/// (written by [`append_frame`]).
pub(crate) fn add_frame_flags(out: &mut [u8], at: usize, flags: u16) {
    // nlmsg_flags follows nlmsg_len (u32) and nlmsg_type (u16).
    if let Some(f) = out.get_mut(at + 6..at + 8) {
        let old = u16::from_ne_bytes([f[0], f[1]]);
        f.copy_from_slice(&(old | flags).to_ne_bytes());
    }
}

/// One netlink message of a received datagram.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NlMsg<'a> {
    /// `nlmsg_type`.
    pub(crate) ty: u16,
    /// `nlmsg_flags`.
    #[allow(dead_code)]
    pub(crate) flags: u16,
    /// `nlmsg_seq`.
    pub(crate) seq: u32,
    /// `nlmsg_pid`.
    pub(crate) pid: u32,
    /// Everything after the netlink header.
    pub(crate) payload: &'a [u8],
}

impl<'a> NlMsg<'a> {
    /// For `NLMSG_ERROR` and `NLMSG_DONE`: the (negative or zero) error code.
    pub(crate) fn error_code(&self) -> Option<i32> {
        let b: [u8; 4] = self.payload.get(..4)?.try_into().ok()?;
        Some(i32::from_ne_bytes(b))
    }

    /// For family messages: the genl command and the attributes after the
    /// genl header.
    pub(crate) fn genl(&self) -> Result<(u8, &'a [u8]), DecodeError> {
        let cmd = *self
            .payload
            .first()
            .ok_or_else(|| DecodeError::new("message too short for a genl header"))?;
        let attrs = self
            .payload
            .get(GENL_HDRLEN..)
            .ok_or_else(|| DecodeError::new("message too short for a genl header"))?;
        Ok((cmd, attrs))
    }
}

/// Iterator over the netlink messages in a datagram.
#[derive(Debug, Clone)]
pub(crate) struct NlMsgs<'a> {
    rest: &'a [u8],
}

impl<'a> NlMsgs<'a> {
    /// The messages in `buf`.
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        NlMsgs { rest: buf }
    }
}

impl<'a> Iterator for NlMsgs<'a> {
    type Item = Result<NlMsg<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let hdr: &[u8; NLMSG_HDRLEN] = match self.rest.get(..NLMSG_HDRLEN) {
            Some(h) => match h.try_into() {
                Ok(h) => h,
                Err(_) => return self.fail("short header"),
            },
            None => return self.fail("datagram ends inside a netlink header"),
        };
        let len = u32::from_ne_bytes([hdr[0], hdr[1], hdr[2], hdr[3]]) as usize;
        let ty = u16::from_ne_bytes([hdr[4], hdr[5]]);
        let flags = u16::from_ne_bytes([hdr[6], hdr[7]]);
        let seq = u32::from_ne_bytes([hdr[8], hdr[9], hdr[10], hdr[11]]);
        let pid = u32::from_ne_bytes([hdr[12], hdr[13], hdr[14], hdr[15]]);
        let payload = match (len >= NLMSG_HDRLEN)
            .then(|| self.rest.get(NLMSG_HDRLEN..len))
            .flatten()
        {
            Some(p) => p,
            None => return self.fail("netlink message length exceeds the datagram"),
        };
        self.rest = self.rest.get(align4(len)..).unwrap_or_default();
        Some(Ok(NlMsg {
            ty,
            flags,
            seq,
            pid,
            payload,
        }))
    }
}

impl<'a> NlMsgs<'a> {
    fn fail(&mut self, why: &str) -> Option<Result<NlMsg<'a>, DecodeError>> {
        self.rest = &[];
        Some(Err(DecodeError::new(why)))
    }
}

// ---- requests --------------------------------------------------------------

/// One IPVS request: its kind, genl command, whether it is a dump, and its
/// attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Request {
    /// The request kind (selects the errno mapping).
    pub(crate) op: Op,
    /// The genl command.
    pub(crate) cmd: u8,
    /// Sent with `NLM_F_DUMP`.
    pub(crate) dump: bool,
    /// The attributes after the genl header.
    pub(crate) attrs: Vec<u8>,
}

impl Request {
    /// A request that changes something (acknowledged, no dump).
    pub(crate) fn change(op: Op, cmd: u8, attrs: Vec<u8>) -> Self {
        Request {
            op,
            cmd,
            dump: false,
            attrs,
        }
    }

    /// `nlmsg_flags` for this request.
    pub(crate) fn flags(&self) -> u16 {
        if self.dump {
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP
        } else {
            NLM_F_REQUEST | NLM_F_ACK
        }
    }

    /// The complete message.
    #[allow(dead_code)]
    pub(crate) fn to_bytes(&self, family: u16, seq: u32, pid: u32) -> Vec<u8> {
        frame(
            family,
            self.flags(),
            seq,
            pid,
            self.cmd,
            IPVS_GENL_VERSION,
            &self.attrs,
        )
    }

    /// `GET_INFO`.
    pub(crate) fn get_info() -> Self {
        Request {
            op: Op::GetInfo,
            cmd: cmd::GET_INFO,
            dump: false,
            attrs: Vec::new(),
        }
    }

    /// The service dump.
    pub(crate) fn list_services() -> Self {
        Request {
            op: Op::ListServices,
            cmd: cmd::GET_SERVICE,
            dump: true,
            attrs: Vec::new(),
        }
    }

    /// `GET_SERVICE` for one service: the full nest with no scheduler and
    /// a zero netmask, as ipvsadm sends it.
    pub(crate) fn get_service(key: &ServiceKey) -> Self {
        let mut w = AttrWriter::new();
        put_service(
            &mut w,
            &SvcFields {
                netmask: 0,
                ..SvcFields::key_only(key)
            },
        );
        Request {
            op: Op::GetService,
            cmd: cmd::GET_SERVICE,
            dump: false,
            attrs: w.into_vec(),
        }
    }

    /// The destination dump of one service.
    pub(crate) fn list_dests(key: &ServiceKey) -> Self {
        let mut w = AttrWriter::new();
        put_service_key(&mut w, key);
        Request {
            op: Op::ListDests,
            cmd: cmd::GET_DEST,
            dump: true,
            attrs: w.into_vec(),
        }
    }

    /// `GET_CONFIG` (the timeouts).
    pub(crate) fn get_timeouts() -> Self {
        Request {
            op: Op::GetTimeouts,
            cmd: cmd::GET_CONFIG,
            dump: false,
            attrs: Vec::new(),
        }
    }

    /// The daemon dump.
    pub(crate) fn list_daemons() -> Self {
        Request {
            op: Op::ListDaemons,
            cmd: cmd::GET_DAEMON,
            dump: true,
            attrs: Vec::new(),
        }
    }
}

/// The family-resolution request payload (`CTRL_ATTR_FAMILY_NAME`).
pub(crate) fn getfamily_attrs(name: &str) -> Vec<u8> {
    let mut w = AttrWriter::new();
    w.string(CTRL_ATTR_FAMILY_NAME, name);
    w.into_vec()
}

/// 16-byte `union nf_inet_addr`.
fn inet_addr(a: &IpAddr) -> [u8; 16] {
    let mut b = [0u8; 16];
    match a {
        IpAddr::V4(v4) => b[..4].copy_from_slice(&v4.octets()),
        IpAddr::V6(v6) => b = v6.octets(),
    }
    b
}

fn put_key(w: &mut AttrWriter, key: &ServiceKey) {
    w.u16(svc::AF, key.family().to_raw());
    match key {
        ServiceKey::Fwmark { mark, .. } => w.u32(svc::FWMARK, *mark),
        ServiceKey::Addr {
            protocol,
            addr,
            port,
        } => {
            w.u16(svc::PROTOCOL, protocol.to_raw());
            w.bytes(svc::ADDR, &inet_addr(addr));
            w.be16(svc::PORT, *port);
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
fn netmask_raw(m: &Netmask) -> u32 {
    match m {
        Netmask::V4(a) => u32::from_ne_bytes(a.octets()),
        Netmask::V6Prefix(p) => *p,
    }
}

/// Append a full `SERVICE` nest.
pub(crate) fn put_service(w: &mut AttrWriter, f: &SvcFields<'_>) {
    let n = w.begin_nest(cmd_attr::SERVICE);
    put_key(w, f.key);
    w.string(svc::SCHED_NAME, f.sched);
    if let Some(pe) = f.pe_name {
        w.string(svc::PE_NAME, pe);
    }
    let mut flags = [0u8; 8];
    flags[..4].copy_from_slice(&f.flags.to_ne_bytes());
    flags[4..].copy_from_slice(&u32::MAX.to_ne_bytes());
    w.bytes(svc::FLAGS, &flags);
    w.u32(svc::TIMEOUT, f.timeout);
    w.u32(svc::NETMASK, f.netmask);
    put_kept(w, f.kept);
    w.end_nest(n);
}

/// Append a `SERVICE` nest with only the key (the `GET_DEST` dump).
pub(crate) fn put_service_key(w: &mut AttrWriter, key: &ServiceKey) {
    let n = w.begin_nest(cmd_attr::SERVICE);
    put_key(w, key);
    w.end_nest(n);
}

/// Append the unknown attributes an edit sends back, as they came.
fn put_kept(w: &mut AttrWriter, kept: &[UnknownAttr]) {
    for a in kept {
        w.bytes(a.kind, &a.payload);
    }
}

/// Append a full `DEST` nest.
pub(crate) fn put_dest(
    w: &mut AttrWriter,
    addr: &std::net::SocketAddr,
    c: &DestConfig,
    kept: &[UnknownAttr],
) {
    let n = w.begin_nest(cmd_attr::DEST);
    w.u16(dest::ADDR_FAMILY, Family::of(&addr.ip()).to_raw());
    w.bytes(dest::ADDR, &inet_addr(&addr.ip()));
    w.be16(dest::PORT, addr.port());
    w.u32(dest::FWD_METHOD, c.forward.to_raw());
    w.u32(dest::WEIGHT, c.weight.get());
    w.u8(dest::TUN_TYPE, c.tunnel.kind.to_raw());
    w.be16(dest::TUN_PORT, c.tunnel.port);
    w.u16(dest::TUN_FLAGS, c.tunnel.flags.bits());
    w.u32(dest::U_THRESH, c.upper_threshold);
    w.u32(dest::L_THRESH, c.lower_threshold);
    put_kept(w, kept);
    w.end_nest(n);
}

/// The request for one change.
pub(crate) fn encode_change(c: &Change) -> Request {
    let mut w = AttrWriter::new();
    let command = match c {
        Change::AddService(s) => {
            put_service(&mut w, &SvcFields::of(&s.key, &s.config));
            cmd::NEW_SERVICE
        }
        Change::EditService(s) => {
            let mut f = SvcFields::of(&s.key, &s.config);
            f.kept = &s.unknown;
            put_service(&mut w, &f);
            cmd::SET_SERVICE
        }
        Change::DeleteService(k) => {
            put_service(&mut w, &SvcFields::key_only(k));
            cmd::DEL_SERVICE
        }
        Change::Flush => cmd::FLUSH,
        Change::AddDestination(k, d) => {
            put_service(&mut w, &SvcFields::key_only(k));
            put_dest(&mut w, &d.addr, &d.config, &[]);
            cmd::NEW_DEST
        }
        Change::EditDestination(k, d) => {
            put_service(&mut w, &SvcFields::key_only(k));
            put_dest(&mut w, &d.addr, &d.config, &d.unknown);
            cmd::SET_DEST
        }
        Change::DeleteDestination(k, addr) => {
            // The kernel reads only the address and port of a deletion;
            // the rest is ipvsadm's defaults, so the bytes are its bytes.
            put_service(&mut w, &SvcFields::key_only(k));
            put_dest(&mut w, addr, &DestConfig::default(), &[]);
            cmd::DEL_DEST
        }
        Change::Zero(k) => {
            if let Some(k) = k {
                put_service(&mut w, &SvcFields::key_only(k));
            }
            cmd::ZERO
        }
        Change::SetTimeouts(t) => {
            put_timeouts(&mut w, t);
            cmd::SET_CONFIG
        }
        Change::StartDaemon(d) => {
            put_daemon_new(&mut w, d);
            cmd::NEW_DAEMON
        }
        Change::StopDaemon(d) => {
            put_daemon_del(&mut w, d);
            cmd::DEL_DAEMON
        }
    };
    Request::change(c.op(), command, w.into_vec())
}

/// Append a `DAEMON` nest for `NEW_DAEMON`.
pub(crate) fn put_daemon_new(w: &mut AttrWriter, d: &Daemon) {
    let n = w.begin_nest(cmd_attr::DAEMON);
    w.u32(daemon::STATE, d.state.to_raw());
    w.string(daemon::MCAST_IFN, &d.mcast_ifn);
    w.u32(daemon::SYNC_ID, d.sync_id);
    if let Some(m) = d.sync_maxlen.filter(|&m| m != 0) {
        w.u16(daemon::SYNC_MAXLEN, m);
    }
    if let Some(p) = d.mcast_port.filter(|&p| p != 0) {
        w.u16(daemon::MCAST_PORT, p);
    }
    if let Some(t) = d.mcast_ttl.filter(|&t| t != 0) {
        w.u8(daemon::MCAST_TTL, t);
    }
    match d.mcast_group {
        Some(IpAddr::V6(g)) => w.bytes(daemon::MCAST_GROUP6, &g.octets()),
        Some(IpAddr::V4(g)) => w.bytes(daemon::MCAST_GROUP, &g.octets()),
        None => {}
    }
    w.end_nest(n);
}

/// Append a `DAEMON` nest for `DEL_DAEMON`.
pub(crate) fn put_daemon_del(w: &mut AttrWriter, d: &Daemon) {
    let n = w.begin_nest(cmd_attr::DAEMON);
    w.u32(daemon::STATE, d.state.to_raw());
    w.string(daemon::MCAST_IFN, &d.mcast_ifn);
    w.u32(daemon::SYNC_ID, d.sync_id);
    w.end_nest(n);
}

/// Append the three timeout attributes (top level).
pub(crate) fn put_timeouts(w: &mut AttrWriter, t: &Timeouts) {
    w.u32(cmd_attr::TIMEOUT_TCP, t.tcp);
    w.u32(cmd_attr::TIMEOUT_TCP_FIN, t.tcp_fin);
    w.u32(cmd_attr::TIMEOUT_UDP, t.udp);
}

// ---- replies ---------------------------------------------------------------

fn ip_from(fam: Family, raw: &[u8; 16], what: &str) -> Result<IpAddr, DecodeError> {
    match fam {
        Family::Inet => Ok(IpAddr::V4(Ipv4Addr::new(raw[0], raw[1], raw[2], raw[3]))),
        Family::Inet6 => Ok(IpAddr::V6(Ipv6Addr::from(*raw))),
        Family::Other(v) => Err(DecodeError::new(format!(
            "{what} has unknown address family {v}"
        ))),
    }
}

/// The 16-byte address attribute (an IPv4 one may be sent as 4 bytes).
fn addr16(a: &Attr<'_>, what: &str) -> Result<[u8; 16], DecodeError> {
    let mut out = [0u8; 16];
    match a.payload.len() {
        n if n >= 16 => out = a.array::<16>(what)?,
        n if n >= 4 => out[..4].copy_from_slice(&a.array::<4>(what)?),
        n => return Err(DecodeError::new(format!("{what} address has {n} bytes"))),
    }
    Ok(out)
}

/// Find the one top-level nest of type `ty` in a reply's attributes.
pub(crate) fn find_nest<'a>(attrs: &'a [u8], ty: u16) -> Result<Option<Attr<'a>>, DecodeError> {
    for a in Attrs::new(attrs) {
        let a = a?;
        if a.ty == ty {
            return Ok(Some(a));
        }
    }
    Ok(None)
}

/// Decode a stats nest (32- or 64-bit counters).
fn decode_stats(nest: &Attr<'_>) -> Result<Stats, DecodeError> {
    let mut s = Stats::default();
    for a in nest.nested() {
        let a = a?;
        let slot = match a.ty {
            stats::CONNS => &mut s.conns,
            stats::INPKTS => &mut s.inpkts,
            stats::OUTPKTS => &mut s.outpkts,
            stats::INBYTES => &mut s.inbytes,
            stats::OUTBYTES => &mut s.outbytes,
            stats::CPS => &mut s.cps,
            stats::INPPS => &mut s.inpps,
            stats::OUTPPS => &mut s.outpps,
            stats::INBPS => &mut s.inbps,
            stats::OUTBPS => &mut s.outbps,
            _ => continue, // PAD and future counters
        };
        *slot = a.u64_or_u32("stats counter")?;
    }
    Ok(s)
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
            svc::AF => af = Some(Family::from_raw(a.u16("service AF")?)),
            svc::PROTOCOL => protocol = Some(Protocol::from_raw(a.u16("service protocol")?)),
            svc::ADDR => addr = Some(addr16(&a, "service")?),
            svc::PORT => port = Some(a.be16("service port")?),
            svc::FWMARK => fwmark = Some(a.u32("service fwmark")?),
            svc::SCHED_NAME => sched = Some(a.string()),
            svc::PE_NAME => pe = Some(a.string()).filter(|p| !p.is_empty()),
            svc::FLAGS => {
                let b = a.array::<8>("service flags")?;
                let f = u32::from_ne_bytes([b[0], b[1], b[2], b[3]]);
                let m = u32::from_ne_bytes([b[4], b[5], b[6], b[7]]);
                flags = Some(f & m);
            }
            svc::TIMEOUT => timeout = a.u32("service timeout")?,
            svc::NETMASK => netmask = Some(a.u32("service netmask")?),
            svc::STATS => st32 = Some(a),
            svc::STATS64 => st64 = Some(a),
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
            dest::ADDR => addr = Some(addr16(&a, "destination")?),
            dest::PORT => port = Some(a.be16("destination port")?),
            dest::FWD_METHOD => c.forward = ForwardMethod::from_raw(a.u32("forward method")? & 7),
            dest::WEIGHT => {
                let w = a.u32("weight")?;
                c.weight = Weight::new(w).ok_or_else(|| {
                    DecodeError::new(format!("destination weight {w} is above 2147483647"))
                })?;
            }
            dest::U_THRESH => c.upper_threshold = a.u32("upper threshold")?,
            dest::L_THRESH => c.lower_threshold = a.u32("lower threshold")?,
            dest::ACTIVE_CONNS => status.active_conns = a.u32("active conns")?,
            dest::INACT_CONNS => status.inactive_conns = a.u32("inactive conns")?,
            dest::PERSIST_CONNS => status.persist_conns = a.u32("persistent conns")?,
            dest::STATS => st32 = Some(a),
            dest::STATS64 => st64 = Some(a),
            dest::ADDR_FAMILY => fam = Some(Family::from_raw(a.u16("destination AF")?)),
            dest::TUN_TYPE => c.tunnel.kind = TunnelType::from_raw(a.u8("tunnel type")?),
            dest::TUN_PORT => c.tunnel.port = a.be16("tunnel port")?,
            dest::TUN_FLAGS => {
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

/// Decode the attributes of a daemon-dump reply.
pub(crate) fn decode_daemon_msg(attrs: &[u8]) -> Result<Daemon, DecodeError> {
    let nest = find_nest(attrs, cmd_attr::DAEMON)?
        .ok_or_else(|| DecodeError::new("daemon reply without a DAEMON nest"))?;
    let mut state = None;
    let mut d = Daemon::new(DaemonState::Master, "");
    for a in nest.nested() {
        let a = a?;
        match a.ty {
            daemon::STATE => state = Some(DaemonState::from_raw(a.u32("daemon state")?)),
            daemon::MCAST_IFN => d.mcast_ifn = a.string(),
            daemon::SYNC_ID => d.sync_id = a.u32("sync id")?,
            daemon::SYNC_MAXLEN => d.sync_maxlen = Some(a.u16("sync maxlen")?),
            daemon::MCAST_GROUP => {
                d.mcast_group = Some(IpAddr::V4(Ipv4Addr::from(a.array::<4>("mcast group")?)))
            }
            daemon::MCAST_GROUP6 => {
                d.mcast_group = Some(IpAddr::V6(Ipv6Addr::from(a.array::<16>("mcast group6")?)))
            }
            daemon::MCAST_PORT => d.mcast_port = Some(a.u16("mcast port")?),
            daemon::MCAST_TTL => d.mcast_ttl = Some(a.u8("mcast ttl")?),
            _ => {}
        }
    }
    d.state = state.ok_or_else(|| DecodeError::new("daemon without a state"))?;
    Ok(d)
}

/// Decode the attributes of a `GET_CONFIG` reply (missing values stay 0).
pub(crate) fn decode_timeouts(attrs: &[u8]) -> Result<Timeouts, DecodeError> {
    let mut t = Timeouts::default();
    for a in Attrs::new(attrs) {
        let a = a?;
        match a.ty {
            cmd_attr::TIMEOUT_TCP => t.tcp = a.u32("tcp timeout")?,
            cmd_attr::TIMEOUT_TCP_FIN => t.tcp_fin = a.u32("tcp fin timeout")?,
            cmd_attr::TIMEOUT_UDP => t.udp = a.u32("udp timeout")?,
            _ => {}
        }
    }
    Ok(t)
}

/// Decode the attributes of a `GET_INFO` reply.
pub(crate) fn decode_info(attrs: &[u8]) -> Result<Info, DecodeError> {
    let mut version = None;
    let mut size = None;
    for a in Attrs::new(attrs) {
        let a = a?;
        match a.ty {
            info::VERSION => version = Some(a.u32("version")?),
            info::CONN_TAB_SIZE => size = Some(a.u32("conn_tab_size")?),
            _ => {}
        }
    }
    Ok(Info {
        version: version.ok_or_else(|| DecodeError::new("info reply without a version"))?,
        conn_tab_size: size.ok_or_else(|| DecodeError::new("info reply without a table size"))?,
    })
}

/// Decode a family-resolution reply: the family id.
pub(crate) fn decode_family_id(attrs: &[u8]) -> Result<u16, DecodeError> {
    for a in Attrs::new(attrs) {
        let a = a?;
        if a.ty == CTRL_ATTR_FAMILY_ID {
            return a.u16("family id");
        }
    }
    Err(DecodeError::new("controller reply without a family id"))
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
        inner.extend(nla(svc::AF, &2u16.to_ne_bytes()));
        inner.extend(nla(svc::FWMARK, &7u32.to_ne_bytes()));
        inner.extend(nla(svc::SCHED_NAME, b"wlc\0"));
        inner.extend(nla(svc::FLAGS, &[0; 8]));
        inner.extend(nla(svc::TIMEOUT, &0u32.to_ne_bytes()));
        inner.extend(nla(svc::NETMASK, &[0xff; 4]));
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
