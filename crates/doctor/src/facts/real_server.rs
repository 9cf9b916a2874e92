//! What doctor reads on a real server (`rvsadm doctor --real-server`):
//! interfaces and addresses, the ARP and reverse-path sysctls, the default
//! routes, the modules (for the tunnel driver).

use super::{
    link_holding, rp_filter_path, sysctl_path, Kernel, Link, Modules, Route, Rtnl, Sysctls,
};
use std::net::IpAddr;

/// How the director forwards to this real server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Direct routing (`-g`): the VIP on loopback, ARP for it silenced.
    Dr,
    /// IPIP tunnelling (`-i`): the VIP on the tunnel device.
    Tun,
    /// Masquerading (`-m`): replies back through the director.
    Nat,
}

impl Method {
    /// `dr`, `tun`, `nat`.
    pub fn name(self) -> &'static str {
        match self {
            Method::Dr => "dr",
            Method::Tun => "tun",
            Method::Nat => "nat",
        }
    }

    /// From its name.
    pub fn from_name(s: &str) -> Option<Method> {
        [Method::Dr, Method::Tun, Method::Nat]
            .into_iter()
            .find(|m| m.name() == s)
    }
}

/// The IPv4 tunnel device the `ipip` module makes in every namespace.
pub const TUNNEL_DEV: &str = "tunl0";
/// The IPv6 one (`ip6_tunnel`).
pub const TUNNEL_DEV6: &str = "ip6tnl0";

/// `net.ipv4.conf.IF.arp_ignore`.
pub fn arp_ignore_path(ifname: &str) -> String {
    sysctl_path(&["net", "ipv4", "conf", ifname, "arp_ignore"])
}

/// `net.ipv4.conf.IF.arp_announce`.
pub fn arp_announce_path(ifname: &str) -> String {
    sysctl_path(&["net", "ipv4", "conf", ifname, "arp_announce"])
}

/// What doctor knows of a real server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealServerFacts {
    /// The virtual addresses it serves.
    pub vips: Vec<IpAddr>,
    /// How the director forwards to it.
    pub method: Method,
    /// The director's address on this server's network (NAT).
    pub director: Option<IpAddr>,
    /// Interfaces and addresses.
    pub links: Result<Vec<Link>, String>,
    /// Sysctls read.
    pub sysctl: Sysctls,
    /// The default route, IPv4 and IPv6.
    pub default_route: [Result<Option<Route>, String>; 2],
    /// Modules (whether `ipip` is there).
    pub modules: Result<Modules, String>,
}

impl RealServerFacts {
    /// The interface holding `addr`, if any.
    pub fn link_of(&self, addr: IpAddr) -> Option<&Link> {
        link_holding(&self.links, addr)
    }
}

/// Read what the real-server rules judge, in this network namespace.
pub fn gather_real_server(
    vips: Vec<IpAddr>,
    method: Method,
    director: Option<IpAddr>,
) -> RealServerFacts {
    let kernel = Kernel::running();
    let mut facts = RealServerFacts {
        vips,
        method,
        director,
        links: Err("not read".into()),
        sysctl: Sysctls::default(),
        default_route: [Err("not read".into()), Err("not read".into())],
        modules: Modules::read(&kernel.release),
    };
    let rtnl = match Rtnl::connect() {
        Ok(r) => r,
        Err(e) => {
            facts.links = Err(e);
            return facts;
        }
    };
    facts.links = rtnl.links();
    let links = facts.links.clone().unwrap_or_default();
    let mut names = vec!["all".to_string()];
    names.extend(links.iter().map(|l| l.name.clone()));
    for n in &names {
        facts.sysctl.read(&arp_ignore_path(n));
        facts.sysctl.read(&arp_announce_path(n));
        facts.sysctl.read(&rp_filter_path(n));
    }
    facts.default_route = rtnl.default_routes(&links);
    facts
}
