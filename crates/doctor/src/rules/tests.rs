//! The rules on hand-made facts: each code fires on its cause and not on
//! the repaired case. (That the facts are read right, and that the causes
//! are real, is proven in the VM: tests/kernel_doctor.rs.)

use super::director;
use crate::code::Code;
use crate::facts::*;
use rvsadm::{
    Connection, Daemon, DaemonState, DestConfig, Destination, ForwardMethod, Scheduler, Service,
    ServiceFlags, ServiceKey, Timeouts, Weight,
};
use std::collections::BTreeMap;
use std::net::IpAddr;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn link(index: u32, name: &str, addrs: &[(&str, u8)]) -> Link {
    Link {
        index,
        name: name.into(),
        up: true,
        addrs: addrs.iter().map(|(a, p)| (ip(a), *p)).collect(),
    }
}

/// A default route through a gateway on `dev`.
fn via(dev: &str) -> Route {
    Route::Via {
        dev: dev.into(),
        gateway: ip("192.0.2.254"),
    }
}

fn dest(addr: &str, fwd: ForwardMethod, weight: u32) -> Destination {
    Destination::new(
        addr.parse().unwrap(),
        DestConfig::new(fwd).with_weight(Weight::new(weight).unwrap()),
    )
}

fn web(dests: Vec<Destination>) -> Service {
    let mut s = Service::new(ServiceKey::tcp("192.0.2.1:80".parse().unwrap()));
    s.destinations = dests;
    s
}

/// A healthy NAT director: VIP on eth0, real servers on eth1, forwarding
/// on, every sysctl at the kernel's default.
fn healthy(table: Vec<Service>) -> DirectorFacts {
    let mut sysctl = Sysctls::default();
    for (p, v) in [
        (IP_FORWARD, "1"),
        (IPV6_FORWARDING, "0"),
        (EXPIRE_NODEST_CONN, "0"),
        (EXPIRE_QUIESCENT_TEMPLATE, "0"),
        (CONN_REUSE_MODE, "1"),
        (VS_CONNTRACK, "0"),
    ] {
        sysctl.set(p, Ok(v.into()));
    }
    for i in ["all", "lo", "eth0", "eth1"] {
        sysctl.set(&rp_filter_path(i), Ok("0".into()));
    }
    let mut routes = BTreeMap::new();
    routes.insert(ip("192.0.2.1"), Ok(Route::Local { dev: "lo".into() }));
    for r in ["10.0.0.2", "10.0.0.3"] {
        routes.insert(ip(r), Ok(Route::OnLink { dev: "eth1".into() }));
    }
    let mut modules = Modules::default();
    for m in ["ip_vs", "ip_vs_wlc", "ip_vs_mh", "ip_vs_sh", "ip_vs_rr"] {
        modules.installed.insert(m.into());
    }
    DirectorFacts {
        table: Ok(table),
        desired: Vec::new(),
        daemons: Ok(Vec::new()),
        timeouts: Ok(Timeouts {
            tcp: 900,
            tcp_fin: 120,
            udp: 300,
        }),
        conns: Ok(Vec::new()),
        kernel: Kernel::from_release("6.1.0-27-amd64"),
        modules: Ok(modules),
        kconfig: Ok(KernelConfig::parse(
            "/boot/config-6.1.0-27-amd64",
            "CONFIG_IP_VS=m\nCONFIG_IP_VS_PROTO_TCP=y\nCONFIG_IP_VS_PROTO_UDP=y\n# CONFIG_IP_VS_PROTO_SCTP is not set\n",
        )),
        sysctl,
        links: Ok(vec![
            link(1, "lo", &[("127.0.0.1", 8)]),
            link(2, "eth0", &[("192.0.2.1", 24)]),
            link(3, "eth1", &[("10.0.0.1", 24)]),
        ]),
        routes,
        default_route: [Ok(Some(via("eth0"))), Ok(None)],
        live: None,
    }
}

fn codes(f: &DirectorFacts) -> Vec<Code> {
    director(f).findings.iter().map(|f| f.code).collect()
}

fn nat_pair() -> Vec<Service> {
    vec![web(vec![
        dest("10.0.0.2:80", ForwardMethod::Masq, 1),
        dest("10.0.0.3:80", ForwardMethod::Masq, 1),
    ])]
}

#[test]
fn a_healthy_director_is_clean() {
    let r = director(&healthy(nat_pair()));
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert!(r.unchecked.is_empty(), "{:?}", r.unchecked);
    assert_eq!(r.exit_status(), 0);
}

#[test]
fn no_ipvs_is_one_error_and_other_failures_are_unchecked() {
    let mut f = healthy(Vec::new());
    f.table = Err(TableUnread {
        no_ipvs: true,
        reason: "no IPVS".into(),
    });
    assert_eq!(codes(&f), [Code::IpvsUnavailable]);
    f.table = Err(TableUnread {
        no_ipvs: false,
        reason: "Permission denied".into(),
    });
    let r = director(&f);
    assert!(r.findings.is_empty());
    assert_eq!(r.unchecked[0].source, "the IPVS table");
    assert_eq!(r.exit_status(), 1);
}

#[test]
fn forwarding_off_with_masquerading_is_found_but_not_for_a_local_real() {
    let mut f = healthy(nat_pair());
    f.sysctl.set(IP_FORWARD, Ok("0".into()));
    assert_eq!(codes(&f), [Code::NatForwardingOff]);
    let r = director(&f);
    assert_eq!(
        r.findings[0].detail.as_deref(),
        Some("2 masquerading destinations in all.")
    );
    // Direct routing needs no forwarding.
    let mut dr = healthy(vec![web(vec![dest(
        "10.0.0.2:80",
        ForwardMethod::Route,
        1,
    )])]);
    dr.sysctl.set(IP_FORWARD, Ok("0".into()));
    assert!(codes(&dr).is_empty());
    // A masquerading "real server" that is this host is served locally.
    let mut local = healthy(vec![web(vec![dest("10.0.0.2:80", ForwardMethod::Masq, 1)])]);
    local.sysctl.set(IP_FORWARD, Ok("0".into()));
    local
        .routes
        .insert(ip("10.0.0.2"), Ok(Route::Local { dev: "lo".into() }));
    assert!(codes(&local).is_empty());
}

#[test]
fn routes_decide_vip_nat_and_dr_findings() {
    let mut f = healthy(nat_pair());
    f.routes.insert(
        ip("192.0.2.1"),
        Ok(Route::Via {
            dev: "eth0".into(),
            gateway: ip("192.0.2.254"),
        }),
    );
    f.routes.insert(
        ip("10.0.0.3"),
        Ok(Route::Unusable {
            why: "no route (Network is unreachable)".into(),
        }),
    );
    assert_eq!(codes(&f), [Code::NatRealUnreachable, Code::VipNotLocal]);

    let mut dr = healthy(vec![web(vec![
        dest("10.0.0.2:80", ForwardMethod::Route, 1),
        dest("10.0.0.3:80", ForwardMethod::Route, 1),
    ])]);
    assert!(codes(&dr).is_empty());
    dr.routes.insert(
        ip("10.0.0.3"),
        Ok(Route::Via {
            dev: "eth0".into(),
            gateway: ip("192.0.2.254"),
        }),
    );
    assert_eq!(codes(&dr), [Code::DrRealNotOnLink]);
}

#[test]
fn strict_rp_filter_matters_only_when_the_way_back_leaves_elsewhere() {
    let mut f = healthy(nat_pair());
    f.sysctl.set(&rp_filter_path("eth0"), Ok("1".into()));
    assert!(codes(&f).is_empty(), "default route leaves by eth0 too");
    f.default_route[0] = Ok(Some(via("eth1")));
    assert_eq!(codes(&f), [Code::RpFilterStrict]);
    f.sysctl.set(&rp_filter_path("all"), Ok("2".into()));
    assert!(
        codes(&f).is_empty(),
        "the higher of all and the device's wins"
    );
    // A client in the connection table whose way back is another device.
    let mut g = healthy(nat_pair());
    g.sysctl.set(&rp_filter_path("all"), Ok("1".into()));
    g.default_route[0] = Ok(None);
    g.conns = Ok(vec![conn("172.16.0.9", "10.0.0.2", "ESTABLISHED")]);
    g.routes.insert(
        ip("172.16.0.9"),
        Ok(Route::Via {
            dev: "eth1".into(),
            gateway: ip("10.0.0.254"),
        }),
    );
    assert_eq!(codes(&g), [Code::RpFilterStrict]);
}

fn conn(client: &str, real: &str, state: &str) -> Connection {
    Connection {
        protocol: "TCP".into(),
        client_addr: ip(client),
        client_port: 40000,
        virtual_addr: ip("192.0.2.1"),
        virtual_port: 80,
        dest_addr: ip(real),
        dest_port: 80,
        state: state.into(),
        expires: 60,
        pe_name: None,
        pe_data: None,
    }
}

#[test]
fn weights_and_hash_schedulers() {
    let f = healthy(vec![web(Vec::new())]);
    assert_eq!(codes(&f), [Code::NoUsableDestination]);
    let f = healthy(vec![web(vec![dest("10.0.0.2:80", ForwardMethod::Masq, 0)])]);
    assert_eq!(codes(&f), [Code::NoUsableDestination]);

    let mut mh = web(vec![
        dest("10.0.0.2:80", ForwardMethod::Masq, 1),
        dest("10.0.0.3:80", ForwardMethod::Masq, 0),
    ]);
    mh.config.scheduler = Scheduler::Mh;
    assert_eq!(
        codes(&healthy(vec![mh.clone()])),
        [Code::HashDrainWithoutFallback]
    );
    mh.config.flags = ServiceFlags::SCHED1;
    assert!(codes(&healthy(vec![mh.clone()])).is_empty());
    mh.config.scheduler = Scheduler::Wlc;
    mh.config.flags = ServiceFlags::empty();
    assert!(codes(&healthy(vec![mh])).is_empty(), "wlc skips weight 0");
}

#[test]
fn persistence_with_a_weight_zero_destination() {
    let mut s = web(vec![
        dest("10.0.0.2:80", ForwardMethod::Masq, 1),
        dest("10.0.0.3:80", ForwardMethod::Masq, 0),
    ])
    .with_persistence(600);
    s.config.scheduler = Scheduler::Rr;
    let mut f = healthy(vec![s]);
    assert_eq!(codes(&f), [Code::QuiescentTemplateSticky]);
    f.sysctl.set(EXPIRE_QUIESCENT_TEMPLATE, Ok("1".into()));
    assert!(codes(&f).is_empty());
}

#[test]
fn connections_to_a_removed_destination() {
    let mut f = healthy(nat_pair());
    f.conns = Ok(vec![
        conn("192.0.2.50", "10.0.0.2", "ESTABLISHED"),
        conn("192.0.2.51", "10.0.0.9", "ESTABLISHED"),
    ]);
    f.routes
        .insert(ip("192.0.2.50"), Ok(Route::OnLink { dev: "eth0".into() }));
    f.routes
        .insert(ip("192.0.2.51"), Ok(Route::OnLink { dev: "eth0".into() }));
    assert_eq!(codes(&f), [Code::DrainNeedsExpireNodest]);
    f.sysctl.set(EXPIRE_NODEST_CONN, Ok("1".into()));
    assert!(codes(&f).is_empty());
}

#[test]
fn modules_protocols_and_kernel_versions() {
    let mut f = healthy(nat_pair());
    let mut want = web(Vec::new());
    want.config.scheduler = Scheduler::Lblcr;
    want.destinations = vec![dest("10.0.0.2:80", ForwardMethod::Masq, 1)];
    f.desired = vec![want];
    assert_eq!(codes(&f), [Code::SchedulerModuleMissing]);

    let mut sctp = Service::new(ServiceKey::sctp("192.0.2.1:80".parse().unwrap()));
    sctp.destinations = vec![dest("10.0.0.2:80", ForwardMethod::Masq, 1)];
    let mut f = healthy(vec![sctp.clone()]);
    assert_eq!(codes(&f), [Code::ProtocolUnsupported]);
    // Without the kernel's configuration, TCP and UDP are told by their
    // timeouts; SCTP cannot be told.
    f.kconfig = Err("/boot/config-x: No such file or directory".into());
    let r = director(&f);
    assert!(r.findings.is_empty());
    assert_eq!(r.unchecked[0].checks, ["protocol_unsupported"]);
    let mut f = healthy(nat_pair());
    f.kconfig = Err("none".into());
    f.timeouts = Ok(Timeouts {
        tcp: 0,
        tcp_fin: 0,
        udp: 300,
    });
    assert_eq!(codes(&f), [Code::ProtocolUnsupported]);

    let mut old = healthy(nat_pair());
    old.kernel = Kernel::from_release("5.4.0-150-generic");
    assert!(codes(&old).is_empty(), "conntrack off: no stall");
    old.sysctl.set(VS_CONNTRACK, Ok("1".into()));
    assert_eq!(codes(&old), [Code::ConnReuseStall]);
    old.kernel = Kernel::from_release("5.10.0-30-amd64");
    assert!(codes(&old).is_empty());
}

#[test]
fn sync_daemons_on_a_missing_interface_or_unpaired() {
    let mut f = healthy(nat_pair());
    f.daemons = Ok(vec![Daemon::new(DaemonState::Master, "eth9")]);
    assert_eq!(codes(&f), [Code::SyncDaemonMismatch]);
    f.daemons = Ok(vec![
        Daemon::new(DaemonState::Master, "eth1").with_sync_id(7),
        Daemon::new(DaemonState::Backup, "eth1").with_sync_id(8),
    ]);
    assert_eq!(codes(&f), [Code::SyncDaemonMismatch]);
    f.daemons = Ok(vec![
        Daemon::new(DaemonState::Master, "eth1").with_sync_id(7),
        Daemon::new(DaemonState::Backup, "eth1").with_sync_id(7),
    ]);
    assert!(codes(&f).is_empty());
}

#[test]
fn errors_come_before_warnings_and_decide_the_exit_status() {
    let mut f = healthy(nat_pair());
    f.routes
        .insert(ip("192.0.2.1"), Ok(Route::OnLink { dev: "eth0".into() }));
    f.sysctl.set(IP_FORWARD, Ok("0".into()));
    let r = director(&f);
    assert_eq!(
        r.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
        [Code::NatForwardingOff, Code::VipNotLocal]
    );
    assert_eq!(r.exit_status(), 2);
}

/// A live sample of `nat_pair()` where 10.0.0.2 took `inpkts` packets in
/// and sent `outpkts` out, with `stuck` connections in SYN_RECV, and the
/// director's own connection to it `probe`.
fn live(inpkts: u64, outpkts: u64, stuck: usize, probe: Result<(), String>) -> LiveSample {
    let before = nat_pair();
    let mut after = nat_pair();
    after[0].destinations[0].status.stats.inpkts = inpkts;
    after[0].destinations[0].status.stats.outpkts = outpkts;
    let mut probes = std::collections::BTreeMap::new();
    probes.insert("10.0.0.2:80".parse().unwrap(), probe);
    LiveSample {
        duration: std::time::Duration::from_secs(5),
        before,
        after,
        conns: (0..stuck)
            .map(|_| conn("192.0.2.50", "10.0.0.2", SYN_RECV))
            .collect(),
        probes,
    }
}

#[test]
fn live_syn_recv_behind_nat_tells_return_path_from_a_dead_server() {
    let mut f = healthy(nat_pair());
    f.live = Some(Ok(live(12, 0, 3, Ok(()))));
    assert_eq!(codes(&f), [Code::NatReturnPath]);
    f.live = Some(Ok(live(12, 0, 3, Err("Connection timed out".into()))));
    assert_eq!(codes(&f), [Code::RealNotAnswering]);
    // Replies do come back, or nothing is stuck, or nothing came in.
    for sample in [
        live(12, 9, 3, Ok(())),
        live(12, 0, 0, Ok(())),
        live(0, 0, 3, Ok(())),
    ] {
        f.live = Some(Ok(sample));
        assert!(codes(&f).is_empty());
    }
    f.live = Some(Err("Permission denied".into()));
    assert_eq!(
        director(&f).unchecked[0].checks,
        ["nat_return_path", "real_not_answering"]
    );
}
