//! A real server's side (`rvsadm doctor --real-server`): `rs_vip_missing`,
//! `rs_arp_announces_vip`, `rs_tunnel_missing`, `rs_rp_filter_drops_tunnel`,
//! `rs_nat_route_bypasses_director`.

use crate::code::Code;
use crate::facts::{
    arp_announce_path, arp_ignore_path, rp_filter_path, Link, Method, RealServerFacts, Route,
    PROC_MODULES, TUNNEL_DEV, TUNNEL_DEV6,
};
use crate::finding::{Evidence, Finding, Report, Unchecked};
use std::net::IpAddr;

/// The codes of this side.
const CODES: &[Code] = &[
    Code::RsVipMissing,
    Code::RsArpAnnouncesVip,
    Code::RsTunnelMissing,
    Code::RsRpFilterDropsTunnel,
    Code::RsNatRouteBypassesDirector,
];

/// `arp_ignore` values that keep a host from answering ARP for an address
/// on another interface (1, 2: only for addresses of the receiving
/// interface; 8: never).
const ARP_IGNORE_SAFE: &[i64] = &[1, 2, 8];
/// The `arp_announce` that never names an address of another interface.
const ARP_ANNOUNCE_SAFE: i64 = 2;

/// Judge a real server.
pub fn real_server(f: &RealServerFacts) -> Report {
    let mut r = Report::default();
    r.examined.push(Evidence::new("method", f.method.name()));
    let vips: Vec<String> = f.vips.iter().map(IpAddr::to_string).collect();
    r.examined.push(Evidence::new("VIPs", vips.join(", ")));
    let links = match &f.links {
        Ok(l) => l,
        Err(e) => {
            r.unchecked
                .push(Unchecked::new(CODES, "addresses and routes (rtnetlink)", e));
            return r.finish();
        }
    };
    match f.method {
        Method::Dr | Method::Tun => {
            for vip in &f.vips {
                vip_present(f, *vip, &mut r);
                arp(f, links, *vip, &mut r);
            }
            if f.method == Method::Tun {
                tunnel(f, links, &mut r);
            }
        }
        Method::Nat => nat_route(f, &mut r),
    }
    r.finish()
}

fn tunnel_dev(vip: IpAddr) -> &'static str {
    if vip.is_ipv6() {
        TUNNEL_DEV6
    } else {
        TUNNEL_DEV
    }
}

/// An interface packets from clients can arrive on (not loopback, not a
/// tunnel device).
fn faces_clients(l: &Link) -> bool {
    !matches!(l.name.as_str(), "lo" | TUNNEL_DEV | TUNNEL_DEV6)
}

fn vip_present(f: &RealServerFacts, vip: IpAddr, r: &mut Report) {
    if f.link_of(vip).is_some() {
        return;
    }
    let want = match f.method {
        Method::Tun => tunnel_dev(vip),
        _ => "lo",
    };
    r.findings.push(
        Finding::new(Code::RsVipMissing, format!("VIP {vip}"))
            .with(Evidence::new(
                "addresses of this host (ip addr)",
                format!("no {vip}"),
            ))
            .detail(format!("Add it on {want}.")),
    );
}

fn arp(f: &RealServerFacts, links: &[Link], vip: IpAddr, r: &mut Report) {
    if let Some(l) = f.link_of(vip).filter(|l| faces_clients(l)) {
        r.findings.push(
            Finding::new(Code::RsArpAnnouncesVip, format!("VIP {vip}"))
                .with(Evidence::new(
                    format!("address {vip}"),
                    format!("on {}", l.name),
                ))
                .detail(format!(
                    "The VIP is on {}, which faces clients: move it to lo.",
                    l.name
                )),
        );
        return;
    }
    if vip.is_ipv6() {
        return; // no ARP: neighbour discovery answers only for the receiving interface's addresses
    }
    for l in links.iter().filter(|l| faces_clients(l) && l.up) {
        if l.addrs.iter().any(|(a, _)| a.is_ipv4()) {
            arp_sysctls(f, vip, l, r);
        }
    }
}

fn arp_sysctls(f: &RealServerFacts, vip: IpAddr, l: &Link, r: &mut Report) {
    let values = f
        .sysctl
        .all_and(arp_ignore_path, &l.name)
        .and_then(|i| Ok((i, f.sysctl.all_and(arp_announce_path, &l.name)?)));
    let ((ig_all, ig_own), (an_all, an_own)) = match values {
        Ok(v) => v,
        Err((p, e)) => {
            return r
                .unchecked
                .push(Unchecked::new(&[Code::RsArpAnnouncesVip], p, e))
        }
    };
    let ignore_ok = ARP_IGNORE_SAFE.contains(&ig_all.max(ig_own));
    let announce_ok = an_all.max(an_own) >= ARP_ANNOUNCE_SAFE;
    if ignore_ok && announce_ok {
        return;
    }
    r.findings.push(
        Finding::new(
            Code::RsArpAnnouncesVip,
            format!("VIP {vip}, ARP on {}", l.name),
        )
        .with(Evidence::new(arp_ignore_path("all"), ig_all.to_string()))
        .with(Evidence::new(arp_ignore_path(&l.name), ig_own.to_string()))
        .with(Evidence::new(arp_announce_path("all"), an_all.to_string()))
        .with(Evidence::new(
            arp_announce_path(&l.name),
            an_own.to_string(),
        )),
    );
}

fn tunnel(f: &RealServerFacts, links: &[Link], r: &mut Report) {
    let mut devs: Vec<&str> = f.vips.iter().map(|v| tunnel_dev(*v)).collect();
    devs.dedup();
    for dev in devs {
        let state = match links.iter().find(|l| l.name == dev) {
            None => "none",
            Some(l) if !l.up => "down",
            Some(_) => {
                if dev == TUNNEL_DEV {
                    tunnel_rp_filter(f, r);
                }
                continue;
            }
        };
        let mut finding = Finding::new(Code::RsTunnelMissing, format!("tunnel device {dev}"))
            .with(Evidence::new(format!("interface {dev}"), state));
        if let Ok(m) = &f.modules {
            let module = if dev == TUNNEL_DEV {
                "ipip"
            } else {
                "ip6_tunnel"
            };
            let loaded = if m.loaded.contains(module) {
                "loaded"
            } else {
                "not loaded"
            };
            finding = finding.with(Evidence::new(PROC_MODULES, format!("{module} {loaded}")));
        }
        r.findings.push(finding);
    }
}

fn tunnel_rp_filter(f: &RealServerFacts, r: &mut Report) {
    match f.sysctl.all_and(rp_filter_path, TUNNEL_DEV) {
        Ok((all, own)) if all.max(own) == 1 => r.findings.push(
            Finding::new(
                Code::RsRpFilterDropsTunnel,
                format!("tunnel device {TUNNEL_DEV}"),
            )
            .with(Evidence::new(rp_filter_path("all"), all.to_string()))
            .with(Evidence::new(rp_filter_path(TUNNEL_DEV), own.to_string())),
        ),
        Ok(_) => {}
        Err((p, e)) => r
            .unchecked
            .push(Unchecked::new(&[Code::RsRpFilterDropsTunnel], p, e)),
    }
}

fn nat_route(f: &RealServerFacts, r: &mut Report) {
    let v6 = f
        .director
        .or_else(|| f.vips.first().copied())
        .is_some_and(|a| a.is_ipv6());
    let route = match &f.default_route[usize::from(v6)] {
        Ok(route) => route,
        Err(e) => {
            return r.unchecked.push(Unchecked::new(
                &[Code::RsNatRouteBypassesDirector],
                "default route",
                e,
            ))
        }
    };
    let shown = route
        .as_ref()
        .map_or_else(|| "none".to_string(), Route::to_string);
    let bypasses = match (route, f.director) {
        (Some(Route::Via { gateway, .. }), Some(d)) => *gateway != d,
        (Some(Route::Via { .. }), None) => {
            return r.unchecked.push(Unchecked::new(
                &[Code::RsNatRouteBypassesDirector],
                "the director's address",
                "not given: say it with --director ADDR",
            ))
        }
        _ => true,
    };
    if bypasses {
        let mut finding = Finding::new(Code::RsNatRouteBypassesDirector, "default route").with(
            Evidence::new("default route (ip route show default)", shown),
        );
        if let Some(d) = f.director {
            finding = finding.with(Evidence::new("director (--director)", d.to_string()));
        }
        r.findings.push(finding);
    }
}
