//! ipvsadm's option semantics: what each option sets in its `ce`
//! structure, the checks after the option walk, and the typed command.

use super::command::{Command, ListSpec, Listing};
use super::table::{Opt, OptSpec};
use crate::compat::failure::Failure;
use crate::compat::matrix::{self, Cmd, OptCol, OptSet};
use crate::compat::resolve::{self, parse_service, string_to_number};
use rvsadm::{
    Change, Daemon, DaemonState, DestConfig, DestSpec, Destination, Family, ForwardMethod, Netmask,
    Protocol, Scheduler, Service, ServiceConfig, ServiceFlags, ServiceKey, Timeouts, Tunnel,
    TunnelFlags, TunnelType, Weight, DEFAULT_PERSISTENT_TIMEOUT,
};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The longest prefix of `s` of at most `max` bytes (C's fixed buffers).
fn truncated(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("").to_string()
}

/// Everything the options set, as ipvsadm's `ce` structure holds it.
#[derive(Debug)]
pub(super) struct State {
    cmd: Cmd,
    given: OptSet,
    // The service, as it stands at each point of the option walk.
    family: Family,
    protocol: Option<Protocol>,
    addr: IpAddr,
    port: u16,
    fwmark: u32,
    sched: String,
    flags: ServiceFlags,
    timeout: u32,
    netmask: Netmask,
    pe: String,
    sched_flags: String,
    // The destination.
    dest_addr: IpAddr,
    dest_port: u16,
    forward: ForwardMethod,
    weight: Weight,
    u_threshold: u32,
    l_threshold: u32,
    tun_type: TunnelType,
    tun_port: u16,
    tun_flags: TunnelFlags,
    // The daemon.
    pub(super) daemon_state: DaemonState,
    ifname: String,
    syncid: u32,
    sync_maxlen: u16,
    mcast_group: Option<IpAddr>,
    mcast_port: u16,
    mcast_ttl: u8,
}

/// A value in `min..=max` or `fail(msg)`.
pub(super) fn number(v: &str, min: i64, max: i64, msg: &str) -> Result<i64, Failure> {
    string_to_number(v, min, max).ok_or_else(|| Failure::fail(msg))
}

impl State {
    pub(super) fn new(cmd: Cmd) -> Self {
        State {
            cmd,
            given: OptSet::default(),
            family: Family::Inet,
            protocol: None,
            addr: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            port: 0,
            fwmark: 0,
            sched: String::new(),
            flags: ServiceFlags::empty(),
            timeout: 0,
            netmask: Netmask::V4(Ipv4Addr::BROADCAST),
            pe: String::new(),
            sched_flags: String::new(),
            dest_addr: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            dest_port: 0,
            forward: ForwardMethod::Route,
            weight: Weight::ONE,
            u_threshold: 0,
            l_threshold: 0,
            tun_type: TunnelType::Ipip,
            tun_port: 0,
            tun_flags: TunnelFlags::NOCSUM,
            daemon_state: DaemonState::Master,
            ifname: String::new(),
            syncid: 0,
            sync_maxlen: 0,
            mcast_group: None,
            mcast_port: 0,
            mcast_ttl: 0,
        }
    }

    /// ipvsadm's `set_option`: each option column once.
    fn set(&mut self, c: OptCol) -> Result<(), Failure> {
        if self.given.has(c) {
            return Err(Failure::fail(format!(
                "multiple '{}' options specified",
                c.name()
            )));
        }
        self.given.add(c);
        Ok(())
    }

    fn service_address(&mut self, protocol: Protocol, v: &str) -> Result<(), Failure> {
        self.protocol = Some(protocol);
        let hp = parse_service(v, self.protocol)
            .ok_or_else(|| Failure::fail("illegal virtual server address[:port] specified"))?;
        self.addr = hp.addr;
        self.family = Family::of(&hp.addr);
        if hp.addr.is_ipv6() {
            self.netmask = Netmask::V6Prefix(128);
        }
        if let Some(p) = hp.port {
            self.port = p;
        }
        Ok(())
    }

    /// Apply one option (not a command) with its value: its matrix column
    /// is marked given (once only), then the value is read.
    pub(super) fn apply(&mut self, spec: &OptSpec, value: Option<&str>) -> Result<(), Failure> {
        if let Some(c) = spec.column {
            self.set(c)?;
        }
        let id = spec.id;
        let v = value.unwrap_or("");
        match id {
            Opt::TcpService => self.service_address(Protocol::Tcp, v)?,
            Opt::UdpService => self.service_address(Protocol::Udp, v)?,
            Opt::SctpService => self.service_address(Protocol::Sctp, v)?,
            Opt::FwmarkService => {
                let m = string_to_number(v, 1, i64::from(u32::MAX)).ok_or_else(|| {
                    Failure::fail(format!("invalid fwmark value `{v}' specified"))
                })?;
                self.fwmark = u32::try_from(m).unwrap_or(0);
                self.family = Family::Inet;
                self.protocol = Some(Protocol::Tcp);
            }
            Opt::Ipv6 => {
                if self.fwmark == 0 {
                    return Err(Failure::fail("-6 used before -f\n"));
                }
                self.family = Family::Inet6;
                self.netmask = Netmask::V6Prefix(128);
            }
            Opt::Scheduler => {
                self.sched = truncated(v, 15);
            }
            Opt::Pe => {
                self.pe = truncated(v, 16);
            }
            Opt::Persistent => {
                self.flags.insert(ServiceFlags::PERSISTENT);
                self.timeout = match value {
                    None => DEFAULT_PERSISTENT_TIMEOUT,
                    Some(t) => {
                        let n = number(
                            t,
                            1,
                            2_678_400,
                            &format!("invalid timeout value `{t}' specified"),
                        )?;
                        u32::try_from(n).unwrap_or(0)
                    }
                };
            }
            Opt::Netmask => {
                if self.family == Family::Inet6 {
                    let n = resolve::atoi(v);
                    if !(1..=128).contains(&n) {
                        return Err(Failure::fail("illegal ipv6 netmask specified"));
                    }
                    self.netmask = Netmask::V6Prefix(n.unsigned_abs());
                } else {
                    let m = resolve::inet_aton(v)
                        .or_else(|| resolve::host_v4(v))
                        .ok_or_else(|| {
                            Failure::fail("illegal virtual server persistent mask specified")
                        })?;
                    self.netmask = Netmask::V4(m);
                }
            }
            Opt::RealServer => {
                let hp = parse_service(v, self.protocol)
                    .ok_or_else(|| Failure::fail("illegal real server address[:port] specified"))?;
                self.dest_addr = hp.addr;
                self.dest_port = hp.port.unwrap_or(self.port);
            }
            Opt::Gatewaying | Opt::Ipip | Opt::Masquerading => {
                self.forward = match id {
                    Opt::Gatewaying => ForwardMethod::Route,
                    Opt::Ipip => ForwardMethod::Tunnel,
                    _ => ForwardMethod::Masq,
                };
            }
            Opt::Weight => {
                let n = number(v, 0, i64::from(i32::MAX), "illegal weight specified")?;
                self.weight = Weight::try_from(n).unwrap_or(Weight::ZERO);
            }
            Opt::UThreshold => {
                let n = number(v, 0, i64::from(i32::MAX), "illegal u_threshold specified")?;
                self.u_threshold = u32::try_from(n).unwrap_or(0);
            }
            Opt::LThreshold => {
                let n = number(v, 0, i64::from(i32::MAX), "illegal l_threshold specified")?;
                self.l_threshold = u32::try_from(n).unwrap_or(0);
            }
            // Listing options: only their column is marked.
            Opt::Numeric
            | Opt::Connection
            | Opt::Timeout
            | Opt::Daemon
            | Opt::Stats
            | Opt::Rate
            | Opt::Thresholds
            | Opt::PersistentConn
            | Opt::NoSort
            | Opt::Exact
            | Opt::TunInfo
            | Opt::Sort => {}
            Opt::Ops => {
                self.flags.insert(ServiceFlags::ONEPACKET);
            }
            Opt::SchedFlags => {
                self.sched_flags = truncated(v, 127);
            }
            Opt::McastInterface
            | Opt::SyncId
            | Opt::SyncMaxlen
            | Opt::McastGroup
            | Opt::McastPort
            | Opt::McastTtl => self.daemon_option(id, v)?,
            Opt::TunType | Opt::TunPort | Opt::TunNocsum | Opt::TunCsum | Opt::TunRemcsum => {
                self.tunnel_option(id, v)?
            }
            // Commands are handled by the caller.
            Opt::AddService
            | Opt::EditService
            | Opt::DeleteService
            | Opt::Clear
            | Opt::List
            | Opt::Zero
            | Opt::AddServer
            | Opt::EditServer
            | Opt::DeleteServer
            | Opt::Set
            | Opt::Help
            | Opt::Version
            | Opt::Restore
            | Opt::Save
            | Opt::StartDaemon
            | Opt::StopDaemon => {}
            // Extensions never reach the ipvsadm parser.
            Opt::Json
            | Opt::Pretty
            | Opt::Completions
            | Opt::Apply
            | Opt::Doctor
            | Opt::Metrics
            | Opt::Top => {}
        }
        Ok(())
    }

    /// A sync daemon's option (`--mcast-interface` ...) with its value.
    fn daemon_option(&mut self, id: Opt, v: &str) -> Result<(), Failure> {
        match id {
            Opt::McastInterface => {
                self.ifname = truncated(v, 15);
            }
            Opt::SyncId => {
                let n = number(v, 0, 255, "illegal syncid specified")?;
                self.syncid = u32::try_from(n).unwrap_or(0);
            }
            Opt::SyncMaxlen => {
                let n = number(v, 1, 65507, "illegal sync-maxlen specified")?;
                self.sync_maxlen = u16::try_from(n).unwrap_or(0);
            }
            Opt::McastGroup => {
                self.mcast_group = Some(if v.contains(':') {
                    match resolve::inet_pton6(v) {
                        Some(a) if a.is_multicast() => IpAddr::V6(a),
                        _ => return Err(Failure::fail(format!("invalid IPv6 mcast-group `{v}'"))),
                    }
                } else {
                    match resolve::inet_pton4(v) {
                        Some(a) if a.is_multicast() => IpAddr::V4(a),
                        _ => return Err(Failure::fail(format!("invalid IPv4 mcast-group `{v}'"))),
                    }
                });
            }
            Opt::McastPort => {
                let n = number(v, 1, 65535, "illegal mcast-port specified")?;
                self.mcast_port = u16::try_from(n).unwrap_or(0);
            }
            Opt::McastTtl => {
                let n = number(v, 1, 255, "illegal mcast-ttl specified")?;
                self.mcast_ttl = u8::try_from(n).unwrap_or(0);
            }
            _ => {}
        }
        Ok(())
    }

    /// A tunnel option (`--tun-type` ...) with its value.
    fn tunnel_option(&mut self, id: Opt, v: &str) -> Result<(), Failure> {
        match id {
            Opt::TunType => {
                self.tun_type = match v {
                    "ipip" => TunnelType::Ipip,
                    "gue" => TunnelType::Gue,
                    "gre" => TunnelType::Gre,
                    _ => return Err(Failure::fail("illegal tunnel type specified")),
                };
            }
            Opt::TunPort => {
                let n = number(v, 1, 65535, "illegal tunnel port specified")?;
                self.tun_port = u16::try_from(n).unwrap_or(0);
            }
            Opt::TunNocsum => {
                self.tun_flags |= TunnelFlags::NOCSUM;
            }
            Opt::TunCsum => {
                self.tun_flags |= TunnelFlags::CSUM;
            }
            Opt::TunRemcsum => {
                self.tun_flags |= TunnelFlags::REMCSUM;
            }
            _ => {}
        }
        Ok(())
    }

    /// The `-b` flags, read after all options.
    pub(super) fn apply_sched_flags(&mut self) -> Result<(), Failure> {
        if self.sched_flags.is_empty() {
            return Ok(());
        }
        let sched = if self.given.has(OptCol::Scheduler) {
            self.sched.as_str()
        } else {
            "wlc"
        };
        let mut bits = 0u32;
        let mut any = false;
        for item in self.sched_flags.split(',').filter(|s| !s.is_empty()) {
            any = true;
            let (bit, needs) = ServiceFlags::SCHED_FLAG_NAMES
                .iter()
                .find(|(_, name, _)| *name == item)
                .map(|(bit, _, owner)| (*bit, *owner))
                .ok_or_else(|| Failure::fail(format!("invalid scheduler flag `{item}'")))?;
            if needs.is_some_and(|n| n != sched) {
                return Err(Failure::fail(format!(
                    "incompatible scheduler flag `{item}'"
                )));
            }
            bits |= bit.bits();
        }
        if !any {
            // ipvsadm crashes here (deliberate difference, see module docs).
            return Err(Failure::fail(format!(
                "invalid scheduler flag `{}'",
                self.sched_flags
            )));
        }
        self.flags.remove(ServiceFlags::SCHED_MASK);
        self.flags.insert(ServiceFlags::from_bits_retain(bits));
        Ok(())
    }

    fn key(&self) -> ServiceKey {
        if self.fwmark != 0 {
            ServiceKey::Fwmark {
                mark: self.fwmark,
                family: self.family,
            }
        } else {
            ServiceKey::Addr {
                protocol: self.protocol.unwrap_or(Protocol::Tcp),
                addr: self.addr,
                port: self.port,
            }
        }
    }

    fn service(&self) -> Service {
        let mut svc = Service::new(self.key());
        svc.config = ServiceConfig {
            scheduler: if self.sched.is_empty() {
                Scheduler::Wlc
            } else {
                Scheduler::from_name(&self.sched)
            },
            flags: self.flags,
            timeout: self.timeout,
            netmask: self.netmask,
            pe_name: (!self.pe.is_empty()).then(|| self.pe.clone()),
        };
        svc
    }

    fn dest_addr(&self) -> SocketAddr {
        SocketAddr::new(self.dest_addr, self.dest_port)
    }

    fn destination(&self) -> DestSpec {
        let config = DestConfig {
            forward: self.forward,
            weight: self.weight,
            upper_threshold: self.u_threshold,
            lower_threshold: self.l_threshold,
            tunnel: Tunnel {
                kind: self.tun_type,
                port: self.tun_port,
                flags: self.tun_flags,
            },
        };
        DestSpec::new(self.dest_addr(), config)
    }

    fn daemon(&self) -> Daemon {
        let mut d = Daemon::new(self.daemon_state, self.ifname.clone()).with_sync_id(self.syncid);
        d.sync_maxlen = (self.sync_maxlen != 0).then_some(self.sync_maxlen);
        d.mcast_group = self.mcast_group;
        d.mcast_port = (self.mcast_port != 0).then_some(self.mcast_port);
        d.mcast_ttl = (self.mcast_ttl != 0).then_some(self.mcast_ttl);
        d
    }

    /// The checks after the option walk, and the typed command.
    pub(super) fn finish(
        mut self,
        argv0: &str,
        in_restore: bool,
        timeouts: Timeouts,
    ) -> Result<Command, Failure> {
        matrix::check_command(self.cmd, self.given)?;
        let given = self.given;
        Ok(match self.cmd {
            Cmd::AddService | Cmd::EditService => {
                if self.fwmark == 0
                    && self.port == 0
                    && !self.flags.contains(ServiceFlags::PERSISTENT)
                {
                    return Err(Failure::fail(
                        "Zero port specified for non-persistent service",
                    ));
                }
                if self.flags.contains(ServiceFlags::ONEPACKET)
                    && self.fwmark == 0
                    && self.protocol != Some(Protocol::Udp)
                {
                    return Err(Failure::fail(
                        "One-Packet Scheduling is only for UDP virtual services",
                    ));
                }
                if self.cmd == Cmd::AddService {
                    Command::Change(Change::AddService(self.service()))
                } else {
                    Command::Change(Change::EditService(self.service()))
                }
            }
            Cmd::DeleteService => Command::Change(Change::DeleteService(self.key())),
            Cmd::Flush => Command::Change(Change::Flush),
            Cmd::AddServer | Cmd::EditServer => {
                if self.fwmark == 0
                    && matches!(self.forward, ForwardMethod::Tunnel | ForwardMethod::Route)
                {
                    self.dest_port = self.port;
                }
                if Family::of(&self.dest_addr) != self.family
                    && self.forward != ForwardMethod::Tunnel
                {
                    return Err(Failure::fail(
                        "Different address family is allowed only for tunneling servers",
                    ));
                }
                let tunnel_opts = [
                    OptCol::TunType,
                    OptCol::TunPort,
                    OptCol::TunNocsum,
                    OptCol::TunCsum,
                    OptCol::TunRemcsum,
                ];
                if given.any(&tunnel_opts) && self.forward != ForwardMethod::Tunnel {
                    return Err(Failure::fail("Tunnel options conflict with forward method"));
                }
                matrix::check_tunnel(self.tun_type.to_raw(), given)?;
                let d = self.destination();
                if self.cmd == Cmd::AddServer {
                    Command::Change(Change::AddDestination(self.key(), d))
                } else {
                    Command::Change(Change::EditDestination(
                        self.key(),
                        Destination::new(d.addr, d.config),
                    ))
                }
            }
            Cmd::DeleteServer => {
                Command::Change(Change::DeleteDestination(self.key(), self.dest_addr()))
            }
            Cmd::List => {
                let has = |c| given.has(c);
                if (given.any(&[OptCol::Connection, OptCol::Timeout, OptCol::Daemon])
                    && given.any(&[OptCol::Stats, OptCol::Rate, OptCol::Thresholds]))
                    || (given.any(&[OptCol::Timeout, OptCol::Daemon])
                        && has(OptCol::PersistentConn))
                {
                    return Err(Failure::fail("options conflicts in the list command"));
                }
                let listing = if has(OptCol::Connection) {
                    Listing::Connections
                } else if has(OptCol::ServiceAddress) {
                    Listing::Service(self.key())
                } else if has(OptCol::Timeout) {
                    Listing::Timeout
                } else if has(OptCol::Daemon) {
                    Listing::Daemon
                } else {
                    Listing::All
                };
                Command::List(ListSpec {
                    listing,
                    numeric: has(OptCol::Numeric),
                    exact: has(OptCol::Exact),
                    stats: has(OptCol::Stats),
                    rate: has(OptCol::Rate),
                    thresholds: has(OptCol::Thresholds),
                    persistent_conn: has(OptCol::PersistentConn),
                    nosort: has(OptCol::NoSort),
                    tun_info: has(OptCol::TunInfo),
                    syncid: has(OptCol::SyncId).then_some(self.syncid),
                })
            }
            Cmd::Set => Command::Change(Change::SetTimeouts(timeouts)),
            Cmd::StartDaemon => {
                if self.ifname.is_empty() {
                    self.ifname = "eth0".to_string();
                }
                Command::Change(Change::StartDaemon(self.daemon()))
            }
            Cmd::StopDaemon => Command::Change(Change::StopDaemon(self.daemon())),
            Cmd::Restore => {
                if in_restore {
                    return Err(Failure::tryhelp(argv0));
                }
                Command::Restore
            }
            Cmd::Save => Command::Save {
                numeric: given.has(OptCol::Numeric),
            },
            Cmd::Zero => {
                let key = self.key();
                let everything = self.fwmark == 0 && self.port == 0 && self.addr.is_unspecified();
                Command::Change(Change::Zero(
                    (given.has(OptCol::ServiceAddress) && !everything).then_some(key),
                ))
            }
        })
    }
}
