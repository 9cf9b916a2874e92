//! ipvsadm-identical listings from hand-built model values.
//!
//! The expected bytes in `tests/render_fixtures/table/` are real ipvsadm 1.31
//! output, captured in the VM by `cap1.sh` (table built with ipvsadm in a
//! fresh netns; `cap_names.sh` bind-mounts `hosts` over `/etc/hosts` for the
//! non-numeric listings). The table below is the same table, in the order
//! the kernel dumps it (`Ln_nosort.out`), so sorting is checked too.

use rvsadm::{
    Daemon, DaemonState, DestConfig, Destination, Family, ForwardMethod, Info, Netmask, Protocol,
    Scheduler, Service, ServiceFlags, ServiceKey, Timeouts, TunnelFlags, TunnelType, Weight,
};
use rvsadm_cli::compat::names::{service_name, Resolver};
use rvsadm_cli::compat::render::{
    write_daemons, write_timeouts, write_version, DestCounters, ListFormat, ListOptions, Renderer,
};
use rvsadm_cli::compat::sort::sort_services;
use std::net::IpAddr;

/// Host names of a hosts file given to ipvsadm in the VM; port names from
/// the real `/etc/services` (the same file the VM used).
struct HostsNames(&'static str);

/// The hosts file of the main table.
#[allow(non_upper_case_globals)]
const FixtureNames: HostsNames = HostsNames(include_str!("render_fixtures/table/hosts"));

impl Resolver for HostsNames {
    fn host(&self, addr: &IpAddr) -> Option<Vec<u8>> {
        self.0.lines().find_map(|l| {
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

fn d(s: &str, f: ForwardMethod, w: u32) -> Destination {
    dc(s, DestConfig::new(f).with_weight(Weight::new(w).unwrap()))
}

fn dc(s: &str, c: DestConfig) -> Destination {
    Destination::new(s.parse().unwrap(), c)
}

fn tun(s: &str, t: TunnelType, port: u16, flags: u16) -> Destination {
    dc(s, tun_config(t, port, flags))
}

fn tun_config(t: TunnelType, port: u16, flags: u16) -> DestConfig {
    DestConfig::default().with_tunnel(t, port, TunnelFlags::from_bits_retain(flags))
}

fn fwm(mark: u32, family: Family, sched: &str) -> Service {
    svc(ServiceKey::Fwmark { mark, family }, sched)
}

const SH_FLAGS: ServiceFlags = ServiceFlags::from_bits_retain(0x18);

/// The table of `cap1.sh`, in kernel dump order.
fn table() -> Vec<Service> {
    use ForwardMethod::*;
    use Protocol::*;
    let mut v = Vec::new();

    let mut s = svc(key(Tcp, "192.168.1.1:80"), "rr");
    s.destinations = vec![
        d("1.2.3.5:80", Route, 2147483647),
        dc(
            "192.168.2.1:80",
            tun_config(TunnelType::Ipip, 0, 0).with_thresholds(100, 50),
        ),
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
    s.destinations = vec![dc(
        "[2001:db8:aaaa:bbbb:cccc:dddd:eeee:fff0]:65535",
        DestConfig::new(Masq).with_thresholds(7, 3),
    )];
    v.push(s);

    v.push(svc(key(Tcp, "10.0.0.6:1"), "sh").with_flags(ServiceFlags::SCHED3));
    v.push(svc(key(Tcp, "10.0.0.6:2"), "rr").with_flags(ServiceFlags::SCHED_MASK));
    v.push(
        svc(key(Tcp, "10.0.0.6:3"), "mh")
            .with_flags(ServiceFlags::from_bits_retain(0x28))
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

/// ipvsadm's output with rvsadm's deliberate differences applied
/// (docs/compat.md, `fwmark-unsigned`): ipvsadm prints marks above
/// 2147483647 as negative numbers, rvsadm as the unsigned value.
fn with_deviations(want: &str) -> String {
    let fix = |line: &str, prefix: &str| -> Option<String> {
        let at = line.find(prefix)? + prefix.len();
        let rest = &line[at..];
        let end = rest[1..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(rest.len(), |e| e + 1);
        let n: i32 = rest[..end].parse().ok()?;
        let new = (n as u32).to_string();
        let tail = &rest[end..];
        // In padded columns (`%-33s`, followed by two or more spaces) the
        // padding absorbs the change of length.
        let tail = if tail.starts_with("  ") {
            let pad = tail.len() - tail.trim_start_matches(' ').len();
            let width = end + pad;
            let keep = width.saturating_sub(new.len()).max(1);
            format!("{}{}", " ".repeat(keep), tail.trim_start_matches(' '))
        } else {
            tail.to_string()
        };
        Some(format!("{}{new}{tail}", &line[..at]))
    };
    let mut out = String::new();
    for line in want.split_inclusive('\n') {
        let fixed = fix(line, "FWM  ")
            .filter(|_| line.contains("FWM  -"))
            .or_else(|| fix(line, "-f ").filter(|_| line.contains("-f -")));
        out.push_str(fixed.as_deref().unwrap_or(line));
    }
    out
}

/// Compare line by line first for a readable failure, then as a whole.
fn same(got: &str, want: &str) {
    let want = &with_deviations(want);
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

fn daemon(state: DaemonState, id: u32, maxlen: u16, group: &str, port: u16, ttl: u8) -> Daemon {
    Daemon {
        sync_maxlen: Some(maxlen),
        mcast_group: Some(group.parse().unwrap()),
        mcast_port: Some(port),
        mcast_ttl: Some(ttl),
        ..Daemon::new(state, "d0").with_sync_id(id)
    }
}

fn daemons_text(d: &[Daemon]) -> String {
    let mut out = Vec::new();
    write_daemons(&mut out, d).unwrap();
    String::from_utf8(out).unwrap()
}

/// `--daemon` as captured by `render_fixtures/conn/cap2.sh` (a dummy
/// interface `d0` in a fresh netns).
#[test]
fn daemons() {
    let m = daemon(DaemonState::Master, 0, 1472, "224.0.0.81", 8848, 1);
    let b = daemon(DaemonState::Backup, 7, 1024, "239.1.2.3", 9000, 3);
    let m6 = daemon(DaemonState::Master, 255, 1452, "ff02::1:3", 8848, 1);
    let f = |n: &str| {
        std::fs::read_to_string(format!(
            "{}/tests/render_fixtures/daemon/{n}.out",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    same(&daemons_text(std::slice::from_ref(&m)), &f("Ln_daemon_m"));
    same(&daemons_text(&[m, b.clone()]), &f("Ln_daemon_mb"));
    same(&daemons_text(&[b]), &f("Ln_daemon_b"));
    same(&daemons_text(&[m6]), &f("Ln_daemon_m6"));
    same(&daemons_text(&[]), &f("Ln_daemon_none"));
    // Unknown states are skipped; absent or zero optional fields are not shown.
    let bare = Daemon::new(DaemonState::Other(4), "x");
    assert_eq!(daemons_text(&[bare]), "");
    let bare = Daemon {
        sync_maxlen: Some(0),
        ..Daemon::new(DaemonState::Other(3), "eth0")
    };
    assert_eq!(
        daemons_text(&[bare]),
        "master sync daemon (mcast=eth0, syncid=0)\n"
    );
}

/// Counters after real traffic (`render_fixtures/traffic/cap3.sh`): 20 TCP
/// connections through a local NAT destination, 300 UDP datagrams.
fn traffic_table() -> Vec<Service> {
    use rvsadm::Stats;
    let tcp_stats = Stats {
        conns: 20,
        inpkts: 100,
        outpkts: 60,
        inbytes: 215360,
        outbytes: 13280,
        cps: 2,
        inpps: 10,
        outpps: 6,
        inbps: 20222,
        outbps: 1245,
    };
    let udp_stats = Stats {
        conns: 1,
        inpkts: 300,
        outpkts: 0,
        inbytes: 68400,
        outbytes: 0,
        cps: 0,
        inpps: 28,
        outpps: 0,
        inbps: 6412,
        outbps: 0,
    };
    let mut t = svc(key(Protocol::Tcp, "10.20.0.1:80"), "rr");
    t.stats = tcp_stats;
    let mut d1 = d("10.20.0.1:8080", ForwardMethod::Masq, 1);
    d1.status.stats = tcp_stats;
    d1.status.inactive_conns = 20;
    t.destinations = vec![d1];
    let mut u = svc(key(Protocol::Udp, "10.20.0.1:53"), "rr");
    u.stats = udp_stats;
    let mut d51 = d("10.20.0.51:53", ForwardMethod::Masq, 1);
    d51.status.stats = udp_stats;
    d51.status.inactive_conns = 1;
    // Kernel order reversed on purpose: the listing sorts.
    u.destinations = vec![d51, d("10.20.0.50:53", ForwardMethod::Masq, 1)];
    vec![u, t]
}

fn list_table(services: Vec<Service>, o: ListOptions, names: &dyn Resolver) -> String {
    let mut services = services;
    sort_services(&mut services);
    let r = Renderer::new(o, names);
    let mut out = Vec::new();
    write_version(&mut out, &INFO).unwrap();
    r.write_title(&mut out).unwrap();
    for s in &services {
        r.write_service(&mut out, s).unwrap();
    }
    String::from_utf8(out).unwrap()
}

macro_rules! traffic {
    ($name:literal) => {
        include_str!(concat!("render_fixtures/traffic/", $name, ".out"))
    };
}

#[test]
fn traffic_counters() {
    let t = traffic_table;
    let mut o = opts(ListFormat::Stats, true);
    same(&list_table(t(), o, &FixtureNames), traffic!("st"));
    o.exact = true;
    same(&list_table(t(), o, &FixtureNames), traffic!("st_exact"));
    let mut o = opts(ListFormat::Rate, true);
    same(&list_table(t(), o, &FixtureNames), traffic!("rt"));
    o.exact = true;
    same(&list_table(t(), o, &FixtureNames), traffic!("rt_exact"));
    for (f, want) in [
        (ListFormat::Default, traffic!("dflt")),
        (ListFormat::PersistentConn, traffic!("pconn")),
        (ListFormat::Thresholds, traffic!("thr")),
    ] {
        same(&list_table(t(), opts(f, true), &FixtureNames), want);
    }
}

/// Large counters: abbreviations, `--exact`, and the 32-bit cut of
/// destination counters (ipvsadm's libipvs reads them with 32-bit getters;
/// 150000000000 shows as 3971111936). Expected lines built from ipvsadm's
/// format rules (no way to make such counters in the VM).
#[test]
fn large_counters_and_dest_truncation() {
    use rvsadm::Stats;
    let big = Stats {
        conns: 150_000_000_000,
        inpkts: 123_456_789,
        outpkts: 150_000_000_000_000,
        inbytes: 150_000_000_000,
        outbytes: u64::MAX,
        cps: 5_000_000_000,
        inpps: 4_294_967_296,
        outpps: 7,
        inbps: 150_000_000_000,
        outbps: 99_999_999,
    };
    let mut s = svc(key(Protocol::Tcp, "10.0.0.1:80"), "rr");
    s.stats = big;
    let mut dd = d("10.0.0.2:80", ForwardMethod::Masq, 1);
    dd.status.stats = big;
    s.destinations = vec![dd];
    let line = |f: ListFormat, exact: bool, dc: DestCounters| {
        let o = ListOptions {
            format: f,
            numeric: true,
            exact,
            dest_counters: dc,
        };
        let mut out = Vec::new();
        Renderer::new(o, &FixtureNames)
            .write_service(&mut out, &s)
            .unwrap();
        String::from_utf8(out).unwrap()
    };
    // Expected lines computed from ipvsadm's printf formats (spec section 4)
    // with an independent script, not with this crate.
    let cases: [(ListFormat, bool, DestCounters, &str); 6] = [
        (ListFormat::Stats, false, DestCounters::Ipvsadm,
         "TCP  10.0.0.1:80                      150G  123456K     150T     150G18446744T\n  -> 10.0.0.2:80                     3971M  123456K    2562M     150G18446744T\n"),
        (ListFormat::Stats, false, DestCounters::Full,
         "TCP  10.0.0.1:80                      150G  123456K     150T     150G18446744T\n  -> 10.0.0.2:80                      150G  123456K     150T     150G18446744T\n"),
        (ListFormat::Stats, true, DestCounters::Ipvsadm,
         "TCP  10.0.0.1:80                  150000000000 123456789 150000000000000 150000000000 18446744073709551615\n  -> 10.0.0.2:80                  3971111936 123456789 2562154496 150000000000 18446744073709551615\n"),
        (ListFormat::Stats, true, DestCounters::Full,
         "TCP  10.0.0.1:80                  150000000000 123456789 150000000000000 150000000000 18446744073709551615\n  -> 10.0.0.2:80                  150000000000 123456789 150000000000000 150000000000 18446744073709551615\n"),
        (ListFormat::Rate, false, DestCounters::Ipvsadm,
         "TCP  10.0.0.1:80                     5000M    4294M        7     150G 99999999\n  -> 10.0.0.2:80                  705032704        0        7    3971M 99999999\n"),
        (ListFormat::Rate, false, DestCounters::Full,
         "TCP  10.0.0.1:80                     5000M    4294M        7     150G 99999999\n  -> 10.0.0.2:80                  5000000000 4294967296        7     150G 99999999\n"),
    ];
    for (f, exact, dc, want) in cases {
        assert_eq!(line(f, exact, dc), want, "{f:?} exact={exact} {dc:?}");
    }
}

/// Mixed families and long names (`render_fixtures/mixed/hosts`): the dest
/// column is cut to 28 bytes only for IPv4 destinations, whatever the
/// service's family; `addrport` stops at 59 bytes.
#[test]
fn mixed_families_and_truncation() {
    let names = HostsNames(include_str!("render_fixtures/mixed/hosts"));
    let mut a = svc(key(Protocol::Tcp, "[2001:db8::1]:443"), "rr");
    a.destinations = vec![tun("10.3.0.1:443", TunnelType::Ipip, 0, 0)];
    let mut b = svc(key(Protocol::Tcp, "10.9.0.1:80"), "rr");
    b.destinations = vec![tun("[2001:db8::77]:80", TunnelType::Ipip, 0, 0)];
    let c = svc(key(Protocol::Tcp, "[2001:db8::2]:80"), "rr");
    let table = || vec![c.clone(), a.clone(), b.clone()];
    same(
        &list_table(table(), opts(ListFormat::Default, false), &names),
        include_str!("render_fixtures/mixed/mixed_L.out"),
    );
    same(
        &list_table(table(), opts(ListFormat::Default, true), &names),
        include_str!("render_fixtures/mixed/mixed_Ln.out"),
    );
    let mut services = table();
    sort_services(&mut services);
    let r = Renderer::new(opts(ListFormat::Default, false), &names);
    let mut out = Vec::new();
    for s in &services {
        r.write_save_service(&mut out, s).unwrap();
    }
    same(
        &String::from_utf8(out).unwrap(),
        include_str!("render_fixtures/mixed/mixed_S.out"),
    );
}
