//! ipvsadm-identical listings from hand-built model values.
//!
//! The expected bytes in `tests/render_fixtures/table/` are real ipvsadm 1.31
//! output, captured in the VM by `cap1.sh` (table built with ipvsadm in a
//! fresh netns; `cap_names.sh` bind-mounts `hosts` over `/etc/hosts` for the
//! non-numeric listings). The table below is the same table, in the order
//! the kernel dumps it (`Ln_nosort.out`), so sorting is checked too.

use rvsadm::cli::compat::names::{service_name, Resolver};
use rvsadm::cli::compat::render::{
    write_timeouts, write_version, ListFormat, ListOptions, Renderer,
};
use rvsadm::cli::compat::sort::sort_services;
use rvsadm::{
    Destination, Family, ForwardMethod, Info, Netmask, Protocol, Scheduler, Service, ServiceFlags,
    ServiceKey, Timeouts, TunnelFlags, TunnelType,
};
use std::net::IpAddr;

/// Host names of `render_fixtures/table/hosts`; port names from the real
/// `/etc/services` (the same file the VM used).
struct FixtureNames;

impl Resolver for FixtureNames {
    fn host(&self, addr: &IpAddr) -> Option<Vec<u8>> {
        let hosts = include_str!("render_fixtures/table/hosts");
        hosts.lines().find_map(|l| {
            let mut it = l.split_whitespace();
            let a: IpAddr = it.next()?.parse().ok()?;
            (a == *addr).then(|| it.next().map(|n| n.as_bytes().to_vec()))?
        })
    }
    fn service(&self, port: u16, protocol: Protocol) -> Option<Vec<u8>> {
        service_name(port, protocol)
    }
}

fn key(p: Protocol, s: &str) -> ServiceKey {
    let sa: std::net::SocketAddr = s.parse().unwrap();
    ServiceKey::Addr {
        protocol: p,
        addr: sa.ip(),
        port: sa.port(),
    }
}

fn svc(k: ServiceKey, sched: &str) -> Service {
    Service::new(k).with_scheduler(Scheduler::from_name(sched))
}

fn d(s: &str, f: ForwardMethod, w: i32) -> Destination {
    Destination::new(s.parse().unwrap())
        .with_forward(f)
        .with_weight(w)
}

fn tun(s: &str, t: TunnelType, port: u16, flags: u16) -> Destination {
    Destination::new(s.parse().unwrap()).with_tunnel(t, port, TunnelFlags(flags))
}

fn fwm(mark: u32, family: Family, sched: &str) -> Service {
    svc(ServiceKey::Fwmark { mark, family }, sched)
}

const SH_FLAGS: ServiceFlags = ServiceFlags(0x18);

/// The table of `cap1.sh`, in kernel dump order.
fn table() -> Vec<Service> {
    use ForwardMethod::*;
    use Protocol::*;
    let mut v = Vec::new();

    let mut s = svc(key(Tcp, "192.168.1.1:80"), "rr");
    s.destinations = vec![
        d("1.2.3.5:80", Route, 2147483647),
        tun("192.168.2.1:80", TunnelType::Ipip, 0, 0).with_thresholds(100, 50),
        d("10.0.0.1:8080", Masq, 0),
        d("10.0.0.2:80", Masq, 3),
    ];
    v.push(s);

    let mut s = svc(key(Udp, "1.2.3.4:53"), "sh").with_flags(SH_FLAGS | ServiceFlags::ONEPACKET);
    s.destinations = vec![d("10.1.1.2:53", Masq, 1)];
    v.push(s);

    let mut s = svc(
        key(Tcp, "[2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535"),
        "dh",
    )
    .with_persistence(10)
    .with_netmask(Netmask::V6Prefix(96));
    s.destinations =
        vec![d("[2001:db8:aaaa:bbbb:cccc:dddd:eeee:fff0]:65535", Masq, 1).with_thresholds(7, 3)];
    v.push(s);

    v.push(svc(key(Tcp, "10.0.0.6:1"), "sh").with_flags(ServiceFlags::SCHED3));
    v.push(svc(key(Tcp, "10.0.0.6:2"), "rr").with_flags(ServiceFlags::SCHED_MASK));
    v.push(
        svc(key(Tcp, "10.0.0.6:3"), "mh")
            .with_flags(ServiceFlags(0x28))
            .with_persistence(5),
    );

    let mut s = svc(key(Tcp, "[2001:db8::1]:443"), "wrr");
    s.destinations = vec![
        tun("10.3.0.7:443", TunnelType::Gre, 0, 0),
        tun("10.3.0.6:443", TunnelType::Gre, 0, 1),
        tun("10.3.0.5:443", TunnelType::Gue, 65535, 0),
        tun("10.3.0.4:443", TunnelType::Gue, 1, 2),
        tun("10.3.0.3:443", TunnelType::Ipip, 0, 0),
        tun("10.3.0.1:443", TunnelType::Gue, 6080, 1),
        d("[2001:db8:ffff:ffff:ffff:ffff:ffff:fffe]:443", Masq, 1),
    ];
    v.push(s);

    v.push(svc(key(Udp, "10.0.0.7:4"), "lblcr"));
    v.push(svc(key(Udp, "10.0.0.7:2"), "ovf"));
    v.push(svc(key(Udp, "10.0.0.7:3"), "lblc"));
    v.push(svc(key(Udp, "10.0.0.7:0"), "sed").with_persistence(1));
    v.push(svc(key(Udp, "10.0.0.7:1"), "fo").with_flags(ServiceFlags::ONEPACKET));
    v.push(svc(key(Tcp, "255.255.255.254:65535"), "nq"));
    v.push(
        svc(key(Udp, "10.9.9.9:5060"), "rr")
            .with_persistence(30)
            .with_pe("sip"),
    );
    v.push(svc(key(Tcp, "10.9.9.9:5060"), "rr").with_pe("sip"));

    let mut s = svc(key(Sctp, "10.0.0.5:9999"), "mh").with_flags(ServiceFlags::SCHED2);
    s.destinations = vec![d("10.0.0.6:9999", Masq, 1)];
    v.push(s);

    let mut s = svc(key(Tcp, "1.2.3.4:443"), "wlc")
        .with_persistence(600)
        .with_netmask(Netmask::V4("255.255.255.0".parse().unwrap()));
    s.destinations = vec![d("10.1.1.1:443", Masq, 1)];
    v.push(s);

    v.push(
        svc(key(Tcp, "1.2.3.4:444"), "wlc")
            .with_persistence(360)
            .with_netmask(Netmask::V4("0.0.0.24".parse().unwrap())),
    );

    v.push(fwm(2147483648, Family::Inet, "lc"));
    let mut s = fwm(1, Family::Inet, "rr");
    s.destinations = vec![d("10.2.0.2:80", Masq, 1), d("10.2.0.1:0", Route, 1)];
    v.push(s);
    let mut s = fwm(2, Family::Inet6, "rr")
        .with_persistence(100)
        .with_netmask(Netmask::V6Prefix(64));
    s.destinations = vec![d("[2001:db8::5]:80", Masq, 1)];
    v.push(s);
    v.push(fwm(3, Family::Inet6, "rr"));
    v.push(fwm(4294967295, Family::Inet, "lc"));
    v
}

const INFO: Info = Info {
    version: 0x010201,
    conn_tab_size: 4096,
};

/// `ipvsadm -L` as list_all does it: version, title, services.
fn list_all(opts: ListOptions, sort: bool) -> String {
    let mut services = table();
    if sort {
        sort_services(&mut services);
    }
    let r = Renderer::new(opts, &FixtureNames);
    let mut out = Vec::new();
    write_version(&mut out, &INFO).unwrap();
    r.write_title(&mut out).unwrap();
    for s in &services {
        r.write_service(&mut out, s).unwrap();
    }
    String::from_utf8(out).unwrap()
}

fn save_all(numeric: bool) -> String {
    let mut services = table();
    sort_services(&mut services);
    let opts = ListOptions {
        numeric,
        ..Default::default()
    };
    let r = Renderer::new(opts, &FixtureNames);
    let mut out = Vec::new();
    for s in &services {
        r.write_save_service(&mut out, s).unwrap();
    }
    String::from_utf8(out).unwrap()
}

fn opts(format: ListFormat, numeric: bool) -> ListOptions {
    ListOptions {
        format,
        numeric,
        ..Default::default()
    }
}

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("render_fixtures/table/", $name, ".out"))
    };
}

/// Compare line by line first for a readable failure, then as a whole.
fn same(got: &str, want: &str) {
    for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
        assert_eq!(g, w, "line {}", i + 1);
    }
    assert_eq!(got, want);
}

#[test]
fn default_numeric() {
    same(
        &list_all(opts(ListFormat::Default, true), true),
        fixture!("Ln"),
    );
}

#[test]
fn default_names() {
    same(
        &list_all(opts(ListFormat::Default, false), true),
        fixture!("L"),
    );
}

#[test]
fn nosort_keeps_kernel_order() {
    same(
        &list_all(opts(ListFormat::Default, true), false),
        fixture!("Ln_nosort"),
    );
    same(
        &list_all(opts(ListFormat::Default, false), false),
        fixture!("L_nosort"),
    );
}

#[test]
fn stats() {
    same(
        &list_all(opts(ListFormat::Stats, true), true),
        fixture!("Ln_stats"),
    );
    same(
        &list_all(opts(ListFormat::Stats, false), true),
        fixture!("L_stats"),
    );
}

#[test]
fn stats_exact() {
    let mut o = opts(ListFormat::Stats, true);
    o.exact = true;
    same(&list_all(o, true), fixture!("Ln_exact_stats"));
    o.numeric = false;
    same(&list_all(o, true), fixture!("L_exact_stats"));
}

#[test]
fn rate() {
    same(
        &list_all(opts(ListFormat::Rate, true), true),
        fixture!("Ln_rate"),
    );
    same(
        &list_all(opts(ListFormat::Rate, false), true),
        fixture!("L_rate"),
    );
}

#[test]
fn thresholds() {
    same(
        &list_all(opts(ListFormat::Thresholds, true), true),
        fixture!("Ln_thresholds"),
    );
    same(
        &list_all(opts(ListFormat::Thresholds, false), true),
        fixture!("L_thresholds"),
    );
}

#[test]
fn persistent_conn() {
    same(
        &list_all(opts(ListFormat::PersistentConn, true), true),
        fixture!("Ln_pconn"),
    );
    same(
        &list_all(opts(ListFormat::PersistentConn, false), true),
        fixture!("L_pconn"),
    );
}

#[test]
fn tun_info() {
    same(
        &list_all(opts(ListFormat::TunInfo, true), true),
        fixture!("Ln_tun"),
    );
    same(
        &list_all(opts(ListFormat::TunInfo, false), true),
        fixture!("L_tun"),
    );
}

#[test]
fn format_precedence() {
    let f = ListFormat::select(true, false, false, true, false);
    same(&list_all(opts(f, true), true), fixture!("Ln_stats_pconn"));
    let f = ListFormat::select(false, false, false, true, true);
    same(&list_all(opts(f, true), true), fixture!("Ln_tun_pconn"));
    let f = ListFormat::select(false, true, true, false, false);
    same(&list_all(opts(f, true), true), fixture!("Ln_thr_rate"));
}

#[test]
fn save() {
    same(&save_all(true), fixture!("Sn"));
    same(&save_all(false), fixture!("S"));
}

/// `-L <service>`: no version line, title, then that entry.
fn list_one(o: ListOptions, pick: impl Fn(&Service) -> bool) -> String {
    let mut services = table();
    sort_services(&mut services);
    let s = services.iter().find(|s| pick(s)).unwrap();
    let r = Renderer::new(o, &FixtureNames);
    let mut out = Vec::new();
    r.write_title(&mut out).unwrap();
    r.write_service(&mut out, s).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn single_service() {
    let v6: ServiceKey = key(Protocol::Tcp, "[2001:db8::1]:443");
    same(
        &list_one(opts(ListFormat::Default, true), |s| s.key == v6),
        fixture!("Ln_svc_v6"),
    );
    let f1 = ServiceKey::fwmark(1);
    same(
        &list_one(opts(ListFormat::Default, true), |s| s.key == f1),
        fixture!("Ln_svc_fwm"),
    );
    same(
        &list_one(opts(ListFormat::Stats, true), |s| s.key == f1),
        fixture!("Ln_svc_fwm_stats"),
    );
    let v4 = key(Protocol::Tcp, "192.168.1.1:80");
    same(
        &list_one(opts(ListFormat::Default, false), |s| s.key == v4),
        fixture!("L_svc_v4"),
    );
}

#[test]
fn timeouts() {
    let mut out = Vec::new();
    write_timeouts(
        &mut out,
        &Timeouts {
            tcp: 900,
            tcp_fin: 120,
            udp: 300,
        },
    )
    .unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), fixture!("Ln_timeout"));
    let mut out = Vec::new();
    write_timeouts(
        &mut out,
        &Timeouts {
            tcp: 1,
            tcp_fin: 2,
            udp: 3,
        },
    )
    .unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), fixture!("Ln_timeout2"));
}
