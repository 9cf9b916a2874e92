//! Where packets go: `vip_not_local`, `nat_forwarding_off`,
//! `nat_real_unreachable`, `dr_real_not_on_link`, `rp_filter_strict`.

use crate::code::Code;
use crate::facts::{rp_filter_path, DirectorFacts, Route, IPV6_FORWARDING, IP_FORWARD};
use crate::finding::{Evidence, Finding, Report, Unchecked};
use rvsadm::{Destination, ForwardMethod, Service, ServiceKey};
use std::net::IpAddr;

pub(super) fn check(f: &DirectorFacts, r: &mut Report) {
    if let Err(e) = &f.links {
        let codes = [
            Code::VipNotLocal,
            Code::NatRealUnreachable,
            Code::DrRealNotOnLink,
            Code::RpFilterStrict,
        ];
        r.unchecked.push(Unchecked::new(
            &codes,
            "addresses and routes (rtnetlink)",
            e,
        ));
        return;
    }
    for s in f.services() {
        vip_not_local(f, s, r);
        for d in &s.destinations {
            real_route(f, s, d, r);
        }
    }
    for v6 in [false, true] {
        nat_forwarding(f, v6, r);
    }
    if let Ok(t) = &f.table {
        for s in t {
            rp_filter(f, s, r);
        }
    }
}

/// The virtual address of an address-keyed service.
fn vip(key: &ServiceKey) -> Option<IpAddr> {
    match key {
        ServiceKey::Addr { addr, .. } if !addr.is_unspecified() => Some(*addr),
        _ => None,
    }
}

fn route_evidence(addr: IpAddr, route: &Route) -> Evidence {
    Evidence::new(format!("route to {addr} (ip route get)"), route.to_string())
}

fn vip_not_local(f: &DirectorFacts, s: &Service, r: &mut Report) {
    let Some(vip) = vip(&s.key) else { return };
    match f.route(vip) {
        Ok(Route::Local { .. }) => {}
        Ok(route) => r.findings.push(
            Finding::new(Code::VipNotLocal, super::service_subject(s))
                .with(route_evidence(vip, route)),
        ),
        Err(e) => r.unchecked.push(Unchecked::new(
            &[Code::VipNotLocal],
            format!("route to {vip}"),
            e,
        )),
    }
}

/// Whether the kernel sends `d`'s connections out of this host (a
/// destination that is one of this host's addresses is served locally
/// whatever its forwarding method).
fn leaves_host(f: &DirectorFacts, d: &Destination) -> bool {
    !matches!(f.route(d.addr.ip()), Ok(Route::Local { .. }))
}

fn real_route(f: &DirectorFacts, s: &Service, d: &Destination, r: &mut Report) {
    let code = match d.config.forward {
        ForwardMethod::Masq => Code::NatRealUnreachable,
        ForwardMethod::Route => Code::DrRealNotOnLink,
        _ => return,
    };
    let addr = d.addr.ip();
    let route = match f.route(addr) {
        Ok(route) => route,
        Err(e) => {
            return r
                .unchecked
                .push(Unchecked::new(&[code], format!("route to {addr}"), e))
        }
    };
    let bad = match (code, route) {
        (_, Route::Local { .. }) => false,
        (_, Route::Unusable { .. }) => true,
        (Code::DrRealNotOnLink, Route::Via { .. }) => true,
        _ => false,
    };
    if bad {
        r.findings
            .push(Finding::new(code, super::dest_subject(s, d)).with(route_evidence(addr, route)));
    }
}

fn nat_forwarding(f: &DirectorFacts, v6: bool, r: &mut Report) {
    let masq: Vec<(&Service, &Destination)> = f
        .services()
        .flat_map(|s| s.destinations.iter().map(move |d| (s, d)))
        .filter(|(_, d)| d.config.forward == ForwardMethod::Masq)
        .filter(|(_, d)| d.addr.ip().is_ipv6() == v6 && leaves_host(f, d))
        .collect();
    let Some((s, d)) = masq.first() else { return };
    let path = if v6 { IPV6_FORWARDING } else { IP_FORWARD };
    match f.sysctl.number(path) {
        Ok(1) => {}
        Ok(v) => {
            let mut finding = Finding::new(Code::NatForwardingOff, super::dest_subject(s, d))
                .with(Evidence::new(path, v.to_string()));
            if masq.len() > 1 {
                finding =
                    finding.detail(format!("{} masquerading destinations in all.", masq.len()));
            }
            r.findings.push(finding);
        }
        Err(e) => r
            .unchecked
            .push(Unchecked::new(&[Code::NatForwardingOff], path, e)),
    }
}

/// Strict reverse-path filtering on the interface that holds a VIP, when
/// the way back to its clients (those in the connection table, else the
/// default route) leaves by another interface.
fn rp_filter(f: &DirectorFacts, s: &Service, r: &mut Report) {
    let Some(vip) = vip(&s.key) else { return };
    if vip.is_ipv6() {
        return; // IPv6 has no rp_filter sysctl (its equivalent is netfilter's rpfilter)
    }
    let Some(link) = f.link_of(vip) else { return };
    if link.name == "lo" {
        return;
    }
    let (all, own) = match f.sysctl.all_and(rp_filter_path, &link.name) {
        Ok(v) => v,
        Err((p, e)) => {
            return r
                .unchecked
                .push(Unchecked::new(&[Code::RpFilterStrict], p, e))
        }
    };
    if all.max(own) != 1 {
        return;
    }
    let Some(elsewhere) = way_back_elsewhere(f, s, vip, &link.name) else {
        return;
    };
    r.findings.push(
        Finding::new(Code::RpFilterStrict, super::service_subject(s))
            .with(Evidence::new(rp_filter_path("all"), all.to_string()))
            .with(Evidence::new(rp_filter_path(&link.name), own.to_string()))
            .with(Evidence::new(
                format!("address {vip}"),
                format!("on {}", link.name),
            ))
            .with(elsewhere),
    );
}

/// Evidence that some client's way back leaves by another interface than
/// `ifname`: a client of the connection table, else the default route.
fn way_back_elsewhere(
    f: &DirectorFacts,
    s: &Service,
    vip: IpAddr,
    ifname: &str,
) -> Option<Evidence> {
    let port = s.key.port();
    let clients = f
        .conns
        .iter()
        .flatten()
        .filter(|c| c.virtual_addr == vip && c.virtual_port == port)
        .map(|c| c.client_addr);
    for client in clients {
        if let Ok(route) = f.route(client) {
            if route.dev().is_some_and(|d| d != ifname) {
                return Some(route_evidence(client, route));
            }
        }
    }
    match &f.default_route[0] {
        Ok(Some(r)) if r.dev().is_some_and(|d| d != ifname) => Some(Evidence::new(
            "default route (ip route show default)",
            r.to_string(),
        )),
        _ => None,
    }
}
