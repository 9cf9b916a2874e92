//! The kernel's text listing of the table, `/proc/net/ip_vs`: one read of
//! every service and destination of a network namespace, without counters.
//!
//! What a line carries, field by field (the kernel prints it under RCU, one
//! service with all its destinations at a time):
//!
//! - **Service line** (`TCP  0A000001:0050 wlc ...`): protocol name, address
//!   and port in hexadecimal (IPv6 in brackets), or `FWM  <mark in hex>`
//!   **without the address family** (an IPv4 and an IPv6 fwmark service of
//!   the same mark cannot be told apart); then the scheduler name, `ops`
//!   (IPv4 and fwmark lines only), `persistent <timeout> <netmask>`. Not
//!   there: the scheduler flags, the persistence engine. Only the key is
//!   taken from here; the rest of a service comes from netlink.
//! - **Destination line** (`  -> 0A000001:1F90      Masq    1      0 0`):
//!   address and port (the family is that of the address: IPv6 in
//!   brackets), forwarding method by name, weight, active and inactive
//!   connections, all exact. Not there: the upper and lower thresholds,
//!   the tunnel type, port and checksum flags, the persistent-connection
//!   count, the counters; and the forwarding methods the kernel numbers 4
//!   to 7 (which only this library's [`ForwardMethod::Bypass`] and
//!   [`ForwardMethod::Other`] set) print as `Masq`.

use crate::model::{DestConfig, Destination, ForwardMethod, Protocol, ServiceKey, Weight};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The file, as the thread reading it sees its namespace.
pub(super) const PROC_IP_VS: &str = "/proc/thread-self/net/ip_vs";

/// A service as `/proc/net/ip_vs` names it: by protocol, address and port,
/// or by mark alone (no family).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum ProcKey {
    Addr(ServiceKey),
    Mark(u32),
}

impl ProcKey {
    /// How the file names the service of `key`.
    pub(super) fn of(key: &ServiceKey) -> ProcKey {
        match key {
            ServiceKey::Fwmark { mark, .. } => ProcKey::Mark(*mark),
            k => ProcKey::Addr(*k),
        }
    }
}

/// A destination as the file shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ProcDest {
    pub addr: SocketAddr,
    pub forward: ForwardMethod,
    pub weight: Weight,
    pub active: u32,
    pub inactive: u32,
}

impl ProcDest {
    /// As a [`Destination`]: thresholds, tunnel parameters,
    /// persistent-connection count and counters zero.
    pub(super) fn to_destination(self) -> Destination {
        let mut d = Destination::new(
            self.addr,
            DestConfig::new(self.forward).with_weight(self.weight),
        );
        d.status.active_conns = self.active;
        d.status.inactive_conns = self.inactive;
        d
    }
}

/// Every service of the file with its destinations, in the file's order
/// (a key can come twice: the same mark in both families, or a read that a
/// change between its parts shifted); `None` when the text is not the
/// listing this parser knows.
pub(super) fn parse(text: &str) -> Option<Vec<(ProcKey, Vec<ProcDest>)>> {
    let mut lines = text.lines();
    // The version line and the two title lines.
    if !lines.next()?.starts_with("IP Virtual Server version ") {
        return None;
    }
    lines.next()?;
    lines.next()?;
    let mut out: Vec<(ProcKey, Vec<ProcDest>)> = Vec::new();
    for line in lines {
        if let Some(rest) = line.strip_prefix("  -> ") {
            out.last_mut()?.1.push(dest_line(rest)?);
        } else {
            out.push((service_line(line)?, Vec::new()));
        }
    }
    Some(out)
}

/// The key of a service line.
fn service_line(line: &str) -> Option<ProcKey> {
    let mut t = line.split_ascii_whitespace();
    let proto = t.next()?;
    let addr = t.next()?;
    if proto == "FWM" {
        return Some(ProcKey::Mark(u32::from_str_radix(addr, 16).ok()?));
    }
    let protocol = match proto {
        "TCP" => Protocol::Tcp,
        "UDP" => Protocol::Udp,
        "SCTP" => Protocol::Sctp,
        _ => return None,
    };
    let sa = addr_port(addr)?;
    Some(ProcKey::Addr(ServiceKey::Addr {
        protocol,
        addr: sa.ip(),
        port: sa.port(),
    }))
}

/// A destination line after its `  -> `.
fn dest_line(rest: &str) -> Option<ProcDest> {
    let mut t = rest.split_ascii_whitespace();
    let addr = addr_port(t.next()?)?;
    let forward = match t.next()? {
        "Masq" => ForwardMethod::Masq,
        "Local" => ForwardMethod::Local,
        "Tunnel" => ForwardMethod::Tunnel,
        "Route" => ForwardMethod::Route,
        _ => return None,
    };
    let weight = Weight::new(t.next()?.parse().ok()?)?;
    // The kernel prints the connection counts as signed numbers; netlink
    // sends the same bits unsigned.
    let active = t.next()?.parse::<i32>().ok()? as u32;
    let inactive = t.next()?.parse::<i32>().ok()? as u32;
    if t.next().is_some() {
        return None;
    }
    Some(ProcDest {
        addr,
        forward,
        weight,
        active,
        inactive,
    })
}

/// Parse any text as `/proc/net/ip_vs` and match it to a few keys: it must
/// parse or be refused, never panic. The entry point of the fuzz target
/// (`fuzz/fuzz_targets/proc_table.rs`).
#[cfg(any(test, fuzzing))]
pub fn fuzz_proc_table(text: &str) {
    if let Some(t) = parse(text) {
        let keys: Vec<ServiceKey> = t
            .iter()
            .map(|(k, _)| match k {
                ProcKey::Addr(k) => *k,
                ProcKey::Mark(m) => ServiceKey::fwmark(*m),
            })
            .collect();
        let _ = super::brief::fuzz_match(&keys, t);
    }
}

/// `0A000001:0050` or `[2001:0db8:...:0001]:0050`.
fn addr_port(s: &str) -> Option<SocketAddr> {
    let (ip, port) = s.rsplit_once(':')?;
    if port.len() != 4 {
        return None;
    }
    let port = u16::from_str_radix(port, 16).ok()?;
    let ip = if let Some(v6) = ip.strip_prefix('[').and_then(|i| i.strip_suffix(']')) {
        IpAddr::V6(v6.parse::<Ipv6Addr>().ok()?)
    } else if ip.len() == 8 {
        IpAddr::V4(Ipv4Addr::from(u32::from_str_radix(ip, 16).ok()?))
    } else {
        return None;
    };
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Family;
    use std::collections::HashMap;

    const HEAD: &str = "IP Virtual Server version 1.2.1 (size=4096)\n\
        Prot LocalAddress:Port Scheduler Flags\n  \
        -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n";

    #[test]
    fn every_kind_of_line() {
        let text = format!(
            "{HEAD}TCP  0A000001:0050 wlc \n  \
             -> AC100001:1F90      Masq    3      2          1         \n  \
             -> [2001:0db8:0000:0000:0000:0000:0000:0002]:1F90      Tunnel  1      0          0         \n\
             UDP  [2001:0db8:0000:0000:0000:0000:0000:0001]:0035 rr persistent 300 00000040\n\
             FWM  0000000A sh ops \n  \
             -> 0A000002:0000      Route   0      -1         0         \n\
             SCTP  0A000001:0B59 mh \n"
        );
        let t: HashMap<ProcKey, Vec<ProcDest>> = parse(&text).unwrap().into_iter().collect();
        assert_eq!(t.len(), 4);
        let tcp = ServiceKey::tcp("10.0.0.1:80".parse().unwrap());
        let d = &t[&ProcKey::Addr(tcp)];
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].addr, "172.16.0.1:8080".parse().unwrap());
        assert_eq!((d[0].forward, d[0].weight.get()), (ForwardMethod::Masq, 3));
        assert_eq!((d[0].active, d[0].inactive), (2, 1));
        assert_eq!(d[1].addr, "[2001:db8::2]:8080".parse().unwrap());
        assert_eq!(d[1].forward, ForwardMethod::Tunnel);
        let udp = ServiceKey::udp("[2001:db8::1]:53".parse().unwrap());
        assert!(t[&ProcKey::Addr(udp)].is_empty());
        let fwm = &t[&ProcKey::Mark(10)];
        assert_eq!(
            (fwm[0].forward, fwm[0].active),
            (ForwardMethod::Route, u32::MAX)
        );
        let sctp = ServiceKey::sctp("10.0.0.1:2905".parse().unwrap());
        assert!(t.contains_key(&ProcKey::Addr(sctp)));
        let key = ServiceKey::Fwmark {
            mark: 10,
            family: Family::Inet6,
        };
        assert_eq!(ProcKey::of(&key), ProcKey::Mark(10));
        let dest = fwm[0].to_destination();
        assert_eq!(dest.config.upper_threshold, 0);
        assert_eq!(dest.status.inactive_conns, 0);
    }

    #[test]
    fn what_is_not_the_listing_is_refused() {
        assert!(parse("").is_none());
        assert!(parse("something else\n\n\n").is_none());
        // A destination before any service, an unknown
        // protocol or forwarding name, a weight out of range, a short line.
        for body in [
            "  -> 0A000002:0000      Route   0      0          0\n",
            "IP_99  0A000001:0050 wlc \n",
            "TCP  0A000001:0050 wlc \n  -> 0A000002:0000      Bypass  0      0          0\n",
            "TCP  0A000001:0050 wlc \n  -> 0A000002:0000      Masq    -1     0          0\n",
            "TCP  0A000001:0050 wlc \n  -> 0A000002:0000      Masq    1      0\n",
            "TCP  0A00001:0050 wlc \n",
            "TCP  0A000001:050 wlc \n",
        ] {
            assert!(parse(&format!("{HEAD}{body}")).is_none(), "{body}");
        }
        assert_eq!(parse(HEAD).map(|t| t.len()), Some(0));
    }

    #[test]
    fn any_text_parses_or_is_refused() {
        let good = format!("{HEAD}TCP  0A000001:0050 wlc \n  -> 0A000002:0050      Masq    1      0          0\nFWM  00000001 rr \n");
        for cut in 0..good.len() {
            fuzz_proc_table(&good[..cut]);
        }
        fuzz_proc_table(&good);
        fuzz_proc_table(&format!("{HEAD}FWM  zz rr\n  -> [::1]:0050 Masq 1 2 3\n"));
    }
}
