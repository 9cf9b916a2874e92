//! Interfaces, their addresses, and the kernel's own route lookup, over
//! rtnetlink (what `ip link`, `ip addr` and `ip route get` print), in the
//! network namespace doctor runs in.

use neli::consts::nl::NlmF;
use neli::consts::rtnl::{Ifa, Iff, Ifla, RtAddrFamily, RtScope, RtTable, Rta, Rtm, Rtn, Rtprot};
use neli::consts::socket::NlFamily;
use neli::err::RouterError;
use neli::nl::{NlPayload, Nlmsghdr};
use neli::router::synchronous::NlRouter;
use neli::rtnl::{
    Ifaddrmsg, IfaddrmsgBuilder, Ifinfomsg, IfinfomsgBuilder, Rtattr, RtattrBuilder, Rtmsg,
    RtmsgBuilder,
};
use neli::types::{Buffer, RtBuffer};
use neli::utils::Groups;
use std::net::IpAddr;

/// A network interface and its addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Kernel index.
    pub index: u32,
    /// Name (`eth0`).
    pub name: String,
    /// Administratively up.
    pub up: bool,
    /// Its addresses with their prefix lengths.
    pub addrs: Vec<(IpAddr, u8)>,
}

/// What the kernel answers to "how do I reach this address?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The address is this host's own.
    Local {
        /// The device the kernel names (usually `lo`).
        dev: String,
    },
    /// Reached directly on a connected network.
    OnLink {
        /// Out through this device.
        dev: String,
    },
    /// Reached through a gateway.
    Via {
        /// Out through this device.
        dev: String,
        /// The next hop.
        gateway: IpAddr,
    },
    /// A route that does not deliver (`unreachable`, `blackhole`,
    /// `prohibit`, ...), or no route at all: the kernel's words.
    Unusable {
        /// `no route (Network is unreachable)`, `blackhole route`, ...
        why: String,
    },
}

impl std::fmt::Display for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Route::Local { dev } => write!(f, "local (dev {dev})"),
            Route::OnLink { dev } => write!(f, "on link (dev {dev})"),
            Route::Via { dev, gateway } => write!(f, "via {gateway} (dev {dev})"),
            Route::Unusable { why } => f.write_str(why),
        }
    }
}

/// A failure to ask the kernel: its text.
pub type RtnlError = String;

fn err<T: std::fmt::Debug, P: std::fmt::Debug>(what: &str, e: RouterError<T, P>) -> RtnlError {
    format!("rtnetlink {what}: {e}")
}

/// An rtnetlink connection.
pub struct Rtnl {
    router: NlRouter,
}

impl Rtnl {
    /// Connect (no privilege needed: all of this is readable by anyone).
    pub fn connect() -> Result<Rtnl, RtnlError> {
        let (router, _) = NlRouter::connect(NlFamily::Route, None, Groups::empty())
            .map_err(|e| err("socket", e))?;
        Ok(Rtnl { router })
    }

    /// Every interface with its addresses.
    pub fn links(&self) -> Result<Vec<Link>, RtnlError> {
        let mut links = self.link_names()?;
        for (index, addr, prefix) in self.addresses()? {
            if let Some(l) = links.iter_mut().find(|l| l.index == index) {
                l.addrs.push((addr, prefix));
            }
        }
        Ok(links)
    }

    fn link_names(&self) -> Result<Vec<Link>, RtnlError> {
        let msg = IfinfomsgBuilder::default()
            .ifi_family(RtAddrFamily::Unspecified)
            .build()
            .map_err(|e| format!("rtnetlink link request: {e}"))?;
        let recv = self
            .router
            .send::<_, _, Rtm, Ifinfomsg>(Rtm::Getlink, NlmF::DUMP, NlPayload::Payload(msg))
            .map_err(|e| err("link dump", e))?;
        let mut links = Vec::new();
        for m in recv {
            let m: Nlmsghdr<Rtm, Ifinfomsg> = m.map_err(|e| err("link dump", e))?;
            let Some(p) = m.get_payload() else { continue };
            let name = p
                .rtattrs()
                .iter()
                .find(|a| *a.rta_type() == Ifla::Ifname)
                .map(|a| c_string(a.rta_payload().as_ref()))
                .unwrap_or_default();
            links.push(Link {
                index: u32::try_from(*p.ifi_index()).unwrap_or(0),
                name,
                up: p.ifi_flags().contains(Iff::UP),
                addrs: Vec::new(),
            });
        }
        Ok(links)
    }

    fn addresses(&self) -> Result<Vec<(u32, IpAddr, u8)>, RtnlError> {
        let msg = IfaddrmsgBuilder::default()
            .ifa_family(RtAddrFamily::Unspecified)
            .ifa_prefixlen(0)
            .ifa_scope(RtScope::Universe)
            .ifa_index(0)
            .build()
            .map_err(|e| format!("rtnetlink address request: {e}"))?;
        let recv = self
            .router
            .send::<_, _, Rtm, Ifaddrmsg>(Rtm::Getaddr, NlmF::DUMP, NlPayload::Payload(msg))
            .map_err(|e| err("address dump", e))?;
        let mut out = Vec::new();
        for m in recv {
            let m: Nlmsghdr<Rtm, Ifaddrmsg> = m.map_err(|e| err("address dump", e))?;
            let Some(p) = m.get_payload() else { continue };
            // IFA_LOCAL is the host's own address on point-to-point links;
            // elsewhere IFA_ADDRESS is.
            let attr = |t: Ifa| {
                p.rtattrs()
                    .iter()
                    .find(|a| *a.rta_type() == t)
                    .and_then(|a| ip_of(a.rta_payload().as_ref()))
            };
            if let Some(a) = attr(Ifa::Local).or_else(|| attr(Ifa::Address)) {
                out.push((*p.ifa_index(), a, *p.ifa_prefixlen()));
            }
        }
        Ok(out)
    }

    /// The kernel's route to `addr` (`ip route get ADDR`), with interface
    /// names from `links`.
    pub fn route_to(&self, addr: IpAddr, links: &[Link]) -> Result<Route, RtnlError> {
        let (family, bytes, len) = match addr {
            IpAddr::V4(a) => (RtAddrFamily::Inet, a.octets().to_vec(), 32),
            IpAddr::V6(a) => (RtAddrFamily::Inet6, a.octets().to_vec(), 128),
        };
        let dst = RtattrBuilder::default()
            .rta_type(Rta::Dst)
            .rta_payload(Buffer::from(bytes))
            .build()
            .map_err(|e| format!("rtnetlink route request: {e}"))?;
        let msg = route_request(family, len, std::iter::once(dst).collect())?;
        let recv = self
            .router
            .send::<_, _, Rtm, Rtmsg>(Rtm::Getroute, NlmF::empty(), NlPayload::Payload(msg))
            .map_err(|e| err("route lookup", e))?;
        for m in recv {
            match m {
                Ok(m) => {
                    if let Some(p) = m.get_payload() {
                        return Ok(route_of(p, links));
                    }
                }
                Err(RouterError::Nlmsgerr(e)) => {
                    return Ok(Route::Unusable {
                        why: format!(
                            "no route ({})",
                            std::io::Error::from_raw_os_error(-*e.error())
                        ),
                    })
                }
                Err(e) => return Err(err("route lookup", e)),
            }
        }
        Err(format!("rtnetlink route lookup of {addr}: no answer"))
    }

    /// The main table's default route, per family (`None`: there is none).
    pub fn default_route(&self, v6: bool, links: &[Link]) -> Result<Option<Route>, RtnlError> {
        let family = if v6 {
            RtAddrFamily::Inet6
        } else {
            RtAddrFamily::Inet
        };
        let msg = route_request(family, 0, RtBuffer::new())?;
        let recv = self
            .router
            .send::<_, _, Rtm, Rtmsg>(Rtm::Getroute, NlmF::DUMP, NlPayload::Payload(msg))
            .map_err(|e| err("route dump", e))?;
        let mut found = None;
        for m in recv {
            let m: Nlmsghdr<Rtm, Rtmsg> = m.map_err(|e| err("route dump", e))?;
            let Some(p) = m.get_payload() else { continue };
            let is_default = *p.rtm_dst_len() == 0
                && *p.rtm_table() == RtTable::Main
                && *p.rtm_type() == Rtn::Unicast;
            if is_default && found.is_none() {
                found = Some(route_of(p, links));
            }
        }
        Ok(found)
    }
}

impl Rtnl {
    /// The default routes, IPv4 then IPv6.
    pub fn default_routes(&self, links: &[Link]) -> [Result<Option<Route>, RtnlError>; 2] {
        [false, true].map(|v6| self.default_route(v6, links))
    }
}

impl Route {
    /// The device a route leaves by (`None` for local and unusable ones).
    pub fn dev(&self) -> Option<&str> {
        match self {
            Route::OnLink { dev } | Route::Via { dev, .. } => Some(dev),
            _ => None,
        }
    }
}

/// A route request for `family` with destination length `dst_len`.
fn route_request(
    family: RtAddrFamily,
    dst_len: u8,
    attrs: RtBuffer<Rta, Buffer>,
) -> Result<Rtmsg, RtnlError> {
    RtmsgBuilder::default()
        .rtm_family(family)
        .rtm_dst_len(dst_len)
        .rtm_src_len(0)
        .rtm_tos(0)
        .rtm_table(RtTable::Unspec)
        .rtm_protocol(Rtprot::Unspec)
        .rtm_scope(RtScope::Universe)
        .rtm_type(Rtn::Unspec)
        .rtattrs(attrs)
        .build()
        .map_err(|e| format!("rtnetlink route request: {e}"))
}

/// The interface of `links` holding `addr`, if any.
pub fn link_holding(links: &Result<Vec<Link>, String>, addr: IpAddr) -> Option<&Link> {
    links
        .as_ref()
        .ok()?
        .iter()
        .find(|l| l.addrs.iter().any(|(a, _)| *a == addr))
}

fn route_of(p: &Rtmsg, links: &[Link]) -> Route {
    let dev = oif_name(p.rtattrs(), links).unwrap_or_default();
    let gateway = p
        .rtattrs()
        .iter()
        .find(|a| *a.rta_type() == Rta::Gateway)
        .and_then(|a| ip_of(a.rta_payload().as_ref()));
    match (*p.rtm_type(), gateway) {
        (Rtn::Local, _) => Route::Local { dev },
        (Rtn::Unicast, Some(gateway)) => Route::Via { dev, gateway },
        (Rtn::Unicast, None) => Route::OnLink { dev },
        (t, _) => Route::Unusable {
            why: format!("{} route", rtn_name(t)),
        },
    }
}

fn rtn_name(t: Rtn) -> &'static str {
    match t {
        Rtn::Blackhole => "blackhole",
        Rtn::Unreachable => "unreachable",
        Rtn::Prohibit => "prohibit",
        Rtn::Throw => "throw",
        Rtn::Broadcast => "broadcast",
        Rtn::Multicast => "multicast",
        Rtn::Anycast => "anycast",
        _ => "unusable",
    }
}

fn oif_name(attrs: &RtBuffer<Rta, Buffer>, links: &[Link]) -> Option<String> {
    let a: &Rtattr<Rta, Buffer> = attrs.iter().find(|a| *a.rta_type() == Rta::Oif)?;
    let idx = u32::from_ne_bytes(a.rta_payload().as_ref().get(..4)?.try_into().ok()?);
    Some(
        links
            .iter()
            .find(|l| l.index == idx)
            .map(|l| l.name.clone())
            .unwrap_or_else(|| format!("if{idx}")),
    )
}

fn ip_of(b: &[u8]) -> Option<IpAddr> {
    if let Ok(a) = <[u8; 4]>::try_from(b) {
        Some(IpAddr::from(a))
    } else {
        <[u8; 16]>::try_from(b).ok().map(IpAddr::from)
    }
}

fn c_string(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}
