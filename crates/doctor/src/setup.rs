//! The commands that set a real server up for a forwarding method
//! (`rvsadm doctor --real-server --print-setup`): what the rules of
//! `--real-server` check, as shell lines to run as root.

use crate::facts::{Method, TUNNEL_DEV, TUNNEL_DEV6};
use std::net::IpAddr;

/// Shell commands setting this host up as a real server of `vips` for
/// `method` (`director`: the director's address, for NAT).
///
/// ```
/// use rvsadm_doctor::{setup_commands, facts::Method};
/// let c = setup_commands(Method::Dr, &["192.0.2.10".parse().unwrap()], None);
/// assert_eq!(c[0], "ip addr add 192.0.2.10/32 dev lo");
/// assert!(c.contains(&"sysctl -w net.ipv4.conf.all.arp_ignore=1".to_string()));
/// ```
pub fn setup_commands(method: Method, vips: &[IpAddr], director: Option<IpAddr>) -> Vec<String> {
    let mut out = Vec::new();
    let any_v4 = vips.iter().any(IpAddr::is_ipv4);
    match method {
        Method::Dr => {
            out.extend(
                vips.iter()
                    .map(|v| format!("ip addr add {v}/{} dev lo", host_len(v))),
            );
        }
        Method::Tun => {
            if any_v4 {
                out.push("modprobe ipip".into());
                out.push(format!("ip link set {TUNNEL_DEV} up"));
            }
            if vips.iter().any(IpAddr::is_ipv6) {
                out.push("modprobe ip6_tunnel".into());
                out.push(format!("ip link set {TUNNEL_DEV6} up"));
            }
            out.extend(vips.iter().map(|v| {
                let dev = if v.is_ipv6() { TUNNEL_DEV6 } else { TUNNEL_DEV };
                format!("ip addr add {v}/{} dev {dev}", host_len(v))
            }));
            if any_v4 {
                out.push(format!("sysctl -w net.ipv4.conf.{TUNNEL_DEV}.rp_filter=0"));
                out.push("sysctl -w net.ipv4.conf.all.rp_filter=0".into());
            }
        }
        Method::Nat => {
            let via = director.map_or_else(|| "DIRECTOR".to_string(), |d| d.to_string());
            let six = if director.is_some_and(|d| d.is_ipv6()) {
                " -6"
            } else {
                ""
            };
            out.push(format!("ip{six} route replace default via {via}"));
        }
    }
    if method != Method::Nat && any_v4 {
        out.push("sysctl -w net.ipv4.conf.all.arp_ignore=1".into());
        out.push("sysctl -w net.ipv4.conf.all.arp_announce=2".into());
    }
    out
}

fn host_len(a: &IpAddr) -> u8 {
    if a.is_ipv6() {
        128
    } else {
        32
    }
}
