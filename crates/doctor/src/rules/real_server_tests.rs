//! The real-server rules on hand-made facts (the VM proves the facts and
//! the causes: tests/kernel_doctor.rs).

use super::real_server;
use crate::code::Code;
use crate::facts::*;
use std::net::IpAddr;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn link(index: u32, name: &str, addrs: &[&str]) -> Link {
    Link {
        index,
        name: name.into(),
        up: true,
        addrs: addrs.iter().map(|a| (ip(a), 32)).collect(),
    }
}

/// A DR real server set up right: VIP 192.0.2.10 on lo, eth0 facing
/// clients, ARP silenced, default route through 10.0.0.1.
fn dr_ok() -> RealServerFacts {
    let mut sysctl = Sysctls::default();
    for i in ["all", "lo", "eth0", TUNNEL_DEV] {
        sysctl.set(&arp_ignore_path(i), Ok("0".into()));
        sysctl.set(&arp_announce_path(i), Ok("0".into()));
        sysctl.set(&rp_filter_path(i), Ok("0".into()));
    }
    sysctl.set(&arp_ignore_path("all"), Ok("1".into()));
    sysctl.set(&arp_announce_path("all"), Ok("2".into()));
    RealServerFacts {
        vips: vec![ip("192.0.2.10")],
        method: Method::Dr,
        director: Some(ip("10.0.0.1")),
        links: Ok(vec![
            link(1, "lo", &["127.0.0.1", "192.0.2.10"]),
            link(2, "eth0", &["10.0.0.5"]),
        ]),
        sysctl,
        default_route: [
            Ok(Some(Route::Via {
                dev: "eth0".into(),
                gateway: ip("10.0.0.1"),
            })),
            Ok(None),
        ],
        modules: Ok(Modules::default()),
    }
}

fn codes(f: &RealServerFacts) -> Vec<Code> {
    real_server(f).findings.iter().map(|f| f.code).collect()
}

#[test]
fn dr_set_up_right_is_clean_and_each_fault_is_named() {
    let f = dr_ok();
    let r = real_server(&f);
    assert!(r.findings.is_empty() && r.unchecked.is_empty(), "{r:?}");

    let mut missing = dr_ok();
    missing.links = Ok(vec![
        link(1, "lo", &["127.0.0.1"]),
        link(2, "eth0", &["10.0.0.5"]),
    ]);
    assert_eq!(codes(&missing), [Code::RsVipMissing]);

    let mut on_eth0 = dr_ok();
    on_eth0.links = Ok(vec![
        link(1, "lo", &["127.0.0.1"]),
        link(2, "eth0", &["10.0.0.5", "192.0.2.10"]),
    ]);
    assert_eq!(codes(&on_eth0), [Code::RsArpAnnouncesVip]);

    let mut answers = dr_ok();
    answers.sysctl.set(&arp_ignore_path("all"), Ok("0".into()));
    assert_eq!(codes(&answers), [Code::RsArpAnnouncesVip]);
    // The interface's own value counts too (the kernel takes the higher).
    answers.sysctl.set(&arp_ignore_path("eth0"), Ok("1".into()));
    assert!(codes(&answers).is_empty());
    // 3 still answers for a global-scope VIP.
    answers.sysctl.set(&arp_ignore_path("eth0"), Ok("3".into()));
    assert_eq!(codes(&answers), [Code::RsArpAnnouncesVip]);

    let mut announces = dr_ok();
    announces
        .sysctl
        .set(&arp_announce_path("all"), Ok("1".into()));
    assert_eq!(codes(&announces), [Code::RsArpAnnouncesVip]);
}

#[test]
fn tunnel_device_and_its_reverse_path_filter() {
    let mut f = dr_ok();
    f.method = Method::Tun;
    f.links = Ok(vec![
        link(1, "lo", &["127.0.0.1"]),
        link(2, "eth0", &["10.0.0.5"]),
    ]);
    // Neither device nor VIP.
    assert_eq!(codes(&f), [Code::RsVipMissing, Code::RsTunnelMissing]);
    let mut tunl = link(3, TUNNEL_DEV, &["192.0.2.10"]);
    tunl.up = false;
    f.links = Ok(vec![
        link(1, "lo", &["127.0.0.1"]),
        link(2, "eth0", &["10.0.0.5"]),
        tunl.clone(),
    ]);
    assert_eq!(codes(&f), [Code::RsTunnelMissing]);
    tunl.up = true;
    f.links = Ok(vec![
        link(1, "lo", &["127.0.0.1"]),
        link(2, "eth0", &["10.0.0.5"]),
        tunl,
    ]);
    assert!(codes(&f).is_empty());
    f.sysctl.set(&rp_filter_path("all"), Ok("1".into()));
    assert_eq!(codes(&f), [Code::RsRpFilterDropsTunnel]);
    f.sysctl.set(&rp_filter_path("all"), Ok("2".into()));
    assert!(codes(&f).is_empty(), "loose filtering passes");
}

#[test]
fn nat_replies_must_go_through_the_director() {
    let mut f = dr_ok();
    f.method = Method::Nat;
    assert!(codes(&f).is_empty());
    f.director = Some(ip("10.0.0.9"));
    assert_eq!(codes(&f), [Code::RsNatRouteBypassesDirector]);
    f.default_route[0] = Ok(None);
    assert_eq!(codes(&f), [Code::RsNatRouteBypassesDirector]);
    let mut unknown = dr_ok();
    unknown.method = Method::Nat;
    unknown.director = None;
    let r = real_server(&unknown);
    assert!(r.findings.is_empty());
    assert!(r.unchecked[0].reason.contains("--director"));
}
