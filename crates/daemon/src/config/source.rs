//! Where a check's connection comes from: a source address and port, an
//! interface and a firewall mark (keepalived's `bindto`, `bind_port`,
//! `bind_if` and `fwmark`; native `source`, `source_port`, `interface`
//! and `mark`), checked once when a configuration is read.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

/// The longest interface name Linux takes (`IFNAMSIZ` less its NUL).
pub const MAX_INTERFACE_LEN: usize = 15;

/// How a check's socket is set up before it connects. The default (all
/// `None`) leaves everything to the kernel.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Source {
    /// Bind to this local address (it must be one of the host's).
    pub address: Option<IpAddr>,
    /// Bind to this local port (with `address`, or the wildcard address
    /// of the target's family).
    pub port: Option<u16>,
    /// `SO_BINDTODEVICE`: send through this interface only (it also
    /// gives a link-local IPv6 address its scope).
    pub interface: Option<String>,
    /// `SO_MARK`: the firewall mark of the check's packets (policy
    /// routing, netfilter); needs CAP_NET_ADMIN.
    pub mark: Option<u32>,
    /// A check through the VIP (native `via_vip`) of the real server at
    /// this address: rvsadmd gives it the mark of the real's own fwmark
    /// service and connects to the VIP ([`crate::config::via_vip`]); with
    /// no `address`, the socket is bound to the address this host sends
    /// from towards the real server.
    pub via_vip: Option<IpAddr>,
}

impl Source {
    /// Whether nothing is set.
    pub fn is_default(&self) -> bool {
        *self == Source::default()
    }

    /// What is wrong with this source for a check connecting to
    /// `target`, if anything: an address of the other family, a
    /// link-local IPv6 address (source or target) without an interface,
    /// an interface name Linux cannot take.
    pub fn check(&self, target: IpAddr) -> Result<(), String> {
        if let Some(a) = self.address {
            if a.is_ipv4() != target.is_ipv4() {
                return Err(format!(
                    "source {a} is not of the family of the address checked ({target}): write a source address of its family"
                ));
            }
        }
        if let Some(i) = &self.interface {
            if i.is_empty() || i.len() > MAX_INTERFACE_LEN || i.contains(['/', ' ', '\0']) {
                return Err(format!(
                    "interface `{i}` is not an interface name (1 to {MAX_INTERFACE_LEN} bytes, no `/` or space)"
                ));
            }
        } else if let Some(a) = [Some(target), self.address]
            .into_iter()
            .flatten()
            .find(is_link_local)
        {
            return Err(format!(
                "{a} is an IPv6 link-local address: write the `interface` it is on (keepalived: `bind_if`)"
            ));
        }
        Ok(())
    }

    /// The address to bind for a check connecting to `target`: the
    /// source address (or the wildcard of the target's family when only
    /// a port is set) and the port (0: any); `None` when nothing is to
    /// be bound.
    pub fn bind_addr(&self, target: IpAddr) -> Option<SocketAddr> {
        if self.address.is_none() && self.port.is_none() {
            return None;
        }
        let ip = self.address.unwrap_or(match target {
            IpAddr::V4(_) => IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
            IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED),
        });
        Some(SocketAddr::new(ip, self.port.unwrap_or(0)))
    }
}

/// Whether `a` is an IPv6 link-local (fe80::/10) address.
pub fn is_link_local(a: &IpAddr) -> bool {
    matches!(a, IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80)
}

impl fmt::Display for Source {
    /// `from ADDRESS[:PORT] via IF mark N`, the parts that are set (for
    /// a check failure's reason).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        match (self.address, self.port) {
            (Some(a), Some(p)) => parts.push(format!("from {}", SocketAddr::new(a, p))),
            (Some(a), None) => parts.push(format!("from {a}")),
            (None, Some(p)) => parts.push(format!("from port {p}")),
            (None, None) => {}
        }
        if let Some(i) = &self.interface {
            parts.push(format!("via {i}"));
        }
        if let Some(m) = self.mark {
            parts.push(format!("mark {m}"));
        }
        if let Some(r) = self.via_vip {
            parts.push(format!("through the VIP to {r}"));
        }
        f.write_str(&parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn families_link_local_and_names_are_checked() {
        let v4 = Source {
            address: Some(ip("10.0.0.254")),
            ..Source::default()
        };
        assert_eq!(v4.check(ip("10.0.0.1")), Ok(()));
        assert!(v4.check(ip("2001:db8::1")).unwrap_err().contains("family"));
        let none = Source::default();
        let e = none.check(ip("fe80::1")).unwrap_err();
        assert!(e.contains("link-local") && e.contains("interface"), "{e}");
        let eth = Source {
            interface: Some("eth0".into()),
            ..Source::default()
        };
        assert_eq!(eth.check(ip("fe80::1")), Ok(()));
        let long = Source {
            interface: Some("a-very-long-name0".into()),
            ..Source::default()
        };
        assert!(long.check(ip("10.0.0.1")).is_err());
    }

    #[test]
    fn what_is_bound_and_said() {
        let port = Source {
            port: Some(4000),
            ..Source::default()
        };
        assert_eq!(
            port.bind_addr(ip("::1")),
            Some("[::]:4000".parse().unwrap())
        );
        assert_eq!(Source::default().bind_addr(ip("10.0.0.1")), None);
        let all = Source {
            address: Some(ip("10.0.0.254")),
            port: Some(4000),
            interface: Some("eth1".into()),
            mark: Some(7),
            via_vip: None,
        };
        assert_eq!(all.to_string(), "from 10.0.0.254:4000 via eth1 mark 7");
        let mark = Source {
            mark: Some(7),
            ..Source::default()
        };
        assert_eq!(mark.to_string(), "mark 7");
    }
}
