//! Evidence: everything doctor reads from the host, read once into plain
//! values ([`DirectorFacts`]) that the rules then judge without I/O. A
//! reading that failed keeps why, so the rules can say what they could not
//! check.

mod live;
mod modules;
mod real_server;
mod rtnl;
mod sysctl;

pub use live::{sample_live, LiveSample, PROBE_TIMEOUT, SYN_RECV};
pub use modules::{Kernel, KernelConfig, Modules, OSRELEASE, PROC_MODULES};
pub use real_server::{
    arp_announce_path, arp_ignore_path, gather_real_server, Method, RealServerFacts, TUNNEL_DEV,
    TUNNEL_DEV6,
};
pub use rtnl::{link_holding, Link, Route, Rtnl};
pub use sysctl::{sysctl_path, Sysctls};

use rvsadm::{Connection, ConnectionTable, Daemon, Ipvs, Service, Timeouts};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// `net.ipv4.ip_forward`.
pub const IP_FORWARD: &str = "/proc/sys/net/ipv4/ip_forward";
/// `net.ipv6.conf.all.forwarding`.
pub const IPV6_FORWARDING: &str = "/proc/sys/net/ipv6/conf/all/forwarding";
/// `net.ipv4.vs.expire_nodest_conn`.
pub const EXPIRE_NODEST_CONN: &str = "/proc/sys/net/ipv4/vs/expire_nodest_conn";
/// `net.ipv4.vs.expire_quiescent_template`.
pub const EXPIRE_QUIESCENT_TEMPLATE: &str = "/proc/sys/net/ipv4/vs/expire_quiescent_template";
/// `net.ipv4.vs.conn_reuse_mode`.
pub const CONN_REUSE_MODE: &str = "/proc/sys/net/ipv4/vs/conn_reuse_mode";
/// `net.ipv4.vs.conntrack`.
pub const VS_CONNTRACK: &str = "/proc/sys/net/ipv4/vs/conntrack";

/// `net.ipv4.conf.IF.rp_filter` (`all` for the global one).
pub fn rp_filter_path(ifname: &str) -> String {
    sysctl_path(&["net", "ipv4", "conf", ifname, "rp_filter"])
}

/// The IPVS table could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableUnread {
    /// The kernel has no IPVS (as opposed to, say, no privilege).
    pub no_ipvs: bool,
    /// The error.
    pub reason: String,
}

/// What doctor knows of a director.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectorFacts {
    /// The IPVS table, services with their destinations.
    pub table: Result<Vec<Service>, TableUnread>,
    /// Services the user wants (`--desired FILE`), judged like the table's
    /// for what the kernel must have (schedulers, protocols, routes).
    pub desired: Vec<Service>,
    /// Sync daemons.
    pub daemons: Result<Vec<Daemon>, String>,
    /// Protocol timeouts (0 for a protocol the kernel was built without).
    pub timeouts: Result<Timeouts, String>,
    /// The connection table.
    pub conns: Result<Vec<Connection>, String>,
    /// The running kernel.
    pub kernel: Kernel,
    /// Its modules.
    pub modules: Result<Modules, String>,
    /// Its build configuration.
    pub kconfig: Result<KernelConfig, String>,
    /// Sysctls read.
    pub sysctl: Sysctls,
    /// Interfaces and addresses.
    pub links: Result<Vec<Link>, String>,
    /// The kernel's route to each virtual and real address (and clients
    /// of the connection table).
    pub routes: BTreeMap<IpAddr, Result<Route, String>>,
    /// The default route, IPv4 and IPv6.
    pub default_route: [Result<Option<Route>, String>; 2],
    /// What `--live` saw (`None`: not asked).
    pub live: Option<Result<LiveSample, String>>,
}

impl DirectorFacts {
    /// Every service judged: the table's and the desired ones.
    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.table.iter().flatten().chain(self.desired.iter())
    }

    /// The interface holding `addr`, if any.
    pub fn link_of(&self, addr: IpAddr) -> Option<&Link> {
        link_holding(&self.links, addr)
    }

    /// The route to `addr`, or why it is not known.
    pub fn route(&self, addr: IpAddr) -> Result<&Route, String> {
        match self.routes.get(&addr) {
            Some(Ok(r)) => Ok(r),
            Some(Err(e)) => Err(e.clone()),
            None => Err("not looked up".into()),
        }
    }
}

/// Read everything doctor judges on a director, in this network
/// namespace; `desired` are services from a file, judged with the table;
/// `live`: also watch the table for that long ([`sample_live`]).
pub fn gather_director(desired: Vec<Service>, live: Option<std::time::Duration>) -> DirectorFacts {
    let kernel = Kernel::running();
    let ipvs = read_ipvs();
    let mut facts = DirectorFacts {
        table: ipvs.table,
        desired,
        daemons: ipvs.daemons,
        timeouts: ipvs.timeouts,
        conns: ConnectionTable::read().map_err(|e| e.to_string()),
        modules: Modules::read(&kernel.release),
        kconfig: KernelConfig::read(&kernel.release),
        kernel,
        sysctl: Sysctls::default(),
        links: Err("not read".into()),
        routes: BTreeMap::new(),
        default_route: [Err("not read".into()), Err("not read".into())],
        live: live.map(sample_live),
    };
    for p in [
        IP_FORWARD,
        IPV6_FORWARDING,
        EXPIRE_NODEST_CONN,
        EXPIRE_QUIESCENT_TEMPLATE,
        CONN_REUSE_MODE,
        VS_CONNTRACK,
    ] {
        facts.sysctl.read(p);
    }
    read_network(&mut facts);
    facts
}

/// What one IPVS handle reads: the table, the sync daemons, the timeouts.
struct IpvsReadings {
    table: Result<Vec<Service>, TableUnread>,
    daemons: Result<Vec<Daemon>, String>,
    timeouts: Result<Timeouts, String>,
}

fn read_ipvs() -> IpvsReadings {
    let unread = |e: rvsadm::Error| TableUnread {
        no_ipvs: e.code() == "ipvs_unavailable",
        reason: e.to_string(),
    };
    let ipvs = match Ipvs::connect() {
        Ok(i) => i,
        Err(e) => {
            let u = unread(e);
            let r = u.reason.clone();
            return IpvsReadings {
                table: Err(u),
                daemons: Err(r.clone()),
                timeouts: Err(r),
            };
        }
    };
    IpvsReadings {
        table: ipvs.services_with_destinations().map_err(unread),
        daemons: ipvs.daemons().map_err(|e| e.to_string()),
        timeouts: ipvs.timeouts().map_err(|e| e.to_string()),
    }
}

fn read_network(facts: &mut DirectorFacts) {
    let rtnl = match Rtnl::connect() {
        Ok(r) => r,
        Err(e) => {
            facts.links = Err(e);
            return;
        }
    };
    facts.links = rtnl.links();
    let links = facts.links.clone().unwrap_or_default();
    facts.sysctl.read(&rp_filter_path("all"));
    for l in &links {
        facts.sysctl.read(&rp_filter_path(&l.name));
    }
    facts.default_route = rtnl.default_routes(&links);
    for addr in addresses_to_route(facts) {
        let r = rtnl.route_to(addr, &links);
        facts.routes.insert(addr, r);
    }
}

/// Every address whose route a rule needs: virtual and real addresses,
/// and the clients in the connection table.
fn addresses_to_route(facts: &DirectorFacts) -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = Vec::new();
    for s in facts.services() {
        if let rvsadm::ServiceKey::Addr { addr, .. } = s.key {
            out.push(addr);
        }
        out.extend(s.destinations.iter().map(|d| d.addr.ip()));
    }
    if let Ok(conns) = &facts.conns {
        out.extend(conns.iter().map(|c| c.client_addr));
    }
    out.sort();
    out.dedup();
    out
}
