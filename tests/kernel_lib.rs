//! The library against the real kernel (inside the VM), with ipvsadm 1.31
//! as the oracle: its errors, worded as ipvsadm would by the command line's
//! table (`rvsadm_cli::compat::messages`), are ipvsadm's messages for the
//! same failures. Every test runs in a fresh network namespace.

mod common;

use rvsadm::{
    Change, Daemon, DaemonState, DestConfig, Destination, Error, Family, ForwardMethod, Ipvs,
    Netmask, Protocol, Scheduler, Service, ServiceFlags, ServiceKey, Timeouts, TunnelFlags,
    TunnelType, Weight,
};
use rvsadm_cli::compat::messages::ipvsadm_message;
use std::net::IpAddr;
use std::sync::Arc;

/// `IP Virtual Server version 1.2.1 (size=4096)` -> (version, size).
fn ipvsadm_header() -> (String, u32) {
    let out = common::stdout_ok(&common::ipvsadm(&["-Ln"]));
    let first = out.lines().next().unwrap().to_string();
    let rest = first
        .strip_prefix("IP Virtual Server version ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"));
    let (ver, size) = rest.split_once(" (size=").unwrap();
    let size: u32 = size.trim_end_matches(')').parse().unwrap();
    (ver.to_string(), size)
}

fn sa(s: &str) -> std::net::SocketAddr {
    s.parse().unwrap()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// A destination at `s` with `c`, as the kernel reports a fresh one (no
/// status).
fn dest(s: &str, c: DestConfig) -> Destination {
    Destination::new(sa(s), c)
}

fn weight(w: u32) -> Weight {
    Weight::new(w).unwrap()
}

/// ipvsadm's stderr for a failing command, first line.
fn ipvsadm_err(args: &[&str]) -> String {
    let o = common::ipvsadm(args);
    assert!(!o.status.success(), "ipvsadm {args:?} should fail");
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

/// The kernel's own flags are HASHED, and only there (never in the
/// configuration); cleared here so that the rest compares with `==`.
fn clear_kernel_flags(s: &mut Service) {
    assert_eq!(
        s.kernel_flags,
        ServiceFlags::HASHED,
        "kernel reports HASHED: {s:?}"
    );
    assert!(!s.config.flags.intersects(ServiceFlags::KERNEL), "{s:?}");
    s.kernel_flags = ServiceFlags::empty();
}

/// The table as the library sees it: services (kernel flags cleared, stats
/// zeroed) with destinations, sorted.
fn table(ipvs: &Ipvs) -> Vec<Service> {
    let mut v = ipvs.services_with_destinations().unwrap();
    for s in &mut v {
        clear_kernel_flags(s);
        s.stats = Default::default();
        for d in &mut s.destinations {
            d.status.stats = Default::default();
        }
        s.destinations.sort_by_key(|d| format!("{:?}", d.addr));
    }
    v.sort_by_key(|s| format!("{:?}", s.key));
    v
}

fn sorted(mut v: Vec<Service>) -> Vec<Service> {
    for s in &mut v {
        s.destinations.sort_by_key(|d| format!("{:?}", d.addr));
    }
    v.sort_by_key(|s| format!("{:?}", s.key));
    v
}

/// A varied set of services covering every service attribute.
fn sample_services() -> Vec<Service> {
    vec![
        Service::new(ServiceKey::tcp(sa("192.0.2.1:80"))),
        Service::new(ServiceKey::udp(sa("192.0.2.1:5060")))
            .with_scheduler(Scheduler::Rr)
            .with_persistence(600)
            .with_netmask(Netmask::V4("255.255.255.0".parse().unwrap()))
            .with_pe("sip"),
        Service::new(ServiceKey::fwmark(7))
            .with_scheduler(Scheduler::Sh)
            .with_flags(ServiceFlags::SCHED1 | ServiceFlags::SCHED2),
        Service::new(ServiceKey::Fwmark {
            mark: 2_000_000_000,
            family: Family::Inet6,
        })
        .with_scheduler(Scheduler::Wrr),
        Service::new(ServiceKey::tcp(sa("[2001:db8::1]:443")))
            .with_scheduler(Scheduler::Mh)
            .with_persistence(360)
            .with_netmask(Netmask::V6Prefix(64)),
        Service::new(ServiceKey::sctp(sa("192.0.2.9:3868"))).with_scheduler(Scheduler::Lc),
        Service::new(ServiceKey::udp(sa("192.0.2.2:53")))
            .with_scheduler(Scheduler::Sed)
            .with_flags(ServiceFlags::ONEPACKET),
        Service::new(ServiceKey::tcp(sa("192.0.2.3:8080")))
            .with_scheduler(Scheduler::Other("none".into())),
    ]
}

#[test]
fn info_matches_ipvsadm() {
    let Some(_ns) = common::kernel_netns("info_matches_ipvsadm") else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    let info = ipvs.info().unwrap();
    assert_eq!(info.version, 0x010201);
    let (ver, size) = ipvsadm_header();
    assert_eq!(info.version_string(), ver);
    assert_eq!(info.conn_tab_size, size);
    assert_eq!(size, 4096);
    // The socket is reused: many requests in a row on one handle.
    for _ in 0..50 {
        assert_eq!(ipvs.info().unwrap(), info);
    }
}

#[test]
fn services_written_are_read_back_and_survive_ipvsadm_save_restore() {
    let Some(_ns) = common::kernel_netns("services_written_are_read_back") else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    let want = sorted(sample_services());
    for s in &want {
        ipvs.add_service(s).unwrap();
    }
    assert_eq!(table(&ipvs), want);
    // Each one on its own (GET_SERVICE doit).
    for s in &want {
        let mut got = ipvs.service(&s.key).unwrap();
        clear_kernel_flags(&mut got);
        got.stats = Default::default();
        assert_eq!(&got, s);
    }
    // ipvsadm sees the same thing: exact lines for a few.
    let save = common::stdout_ok(&common::ipvsadm(&["-Sn"]));
    for line in [
        "-A -t 192.0.2.1:80 -s wlc",
        "-A -u 192.0.2.1:5060 -s rr -p 600 -M 255.255.255.0 --pe sip",
        "-A -t [2001:db8::1]:443 -s mh -p 360 -M 64",
    ] {
        assert!(
            save.lines().any(|l| l == line),
            "{line:?} missing in:\n{save}"
        );
    }
    // Restore ipvsadm's save into an empty table: the library reads the
    // same services back, so both sides agree on every attribute.
    ipvs.flush().unwrap();
    assert!(ipvs.services().unwrap().is_empty());
    let mut child = std::process::Command::new("ipvsadm")
        .arg("-R")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(save.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(table(&ipvs), want);
    // The largest fwmark survives the library (ipvsadm prints marks with
    // %d, so it would not survive ipvsadm's own save/restore).
    let big = Service::new(ServiceKey::fwmark(u32::MAX));
    ipvs.add_service(&big).unwrap();
    let mut got = ipvs.service(&big.key).unwrap();
    clear_kernel_flags(&mut got);
    assert_eq!(got, big);
}

#[test]
fn services_added_by_ipvsadm_decode_as_expected() {
    let Some(_ns) = common::kernel_netns("services_added_by_ipvsadm_decode") else {
        return;
    };
    for args in [
        &["-A", "-t", "10.1.1.1:80", "-s", "rr"][..],
        &[
            "-A", "-f", "9", "-6", "-s", "mh", "-b", "mh-port", "-p", "30", "-M", "48",
        ][..],
        &[
            "-a",
            "-t",
            "10.1.1.1:80",
            "-r",
            "10.2.2.2:81",
            "-m",
            "-w",
            "4",
            "-x",
            "9",
            "-y",
            "3",
        ][..],
        &[
            "-a",
            "-f",
            "9",
            "-6",
            "-r",
            "10.2.2.3",
            "-i",
            "--tun-type",
            "gre",
            "--tun-csum",
        ][..],
    ] {
        let o = common::ipvsadm(args);
        assert!(o.status.success(), "{args:?}: {o:?}");
    }
    let ipvs = Ipvs::connect().unwrap();
    let t = table(&ipvs);
    let tcp = ServiceKey::tcp(sa("10.1.1.1:80"));
    let fw = ServiceKey::Fwmark {
        mark: 9,
        family: Family::Inet6,
    };
    let want = sorted(vec![
        Service {
            destinations: vec![dest(
                "10.2.2.2:81",
                DestConfig::new(ForwardMethod::Masq)
                    .with_weight(weight(4))
                    .with_thresholds(9, 3),
            )],
            ..Service::new(tcp).with_scheduler(Scheduler::Rr)
        },
        Service {
            destinations: vec![dest(
                "10.2.2.3:0",
                DestConfig::default().with_tunnel(TunnelType::Gre, 0, TunnelFlags::CSUM),
            )],
            ..Service::new(fw)
                .with_scheduler(Scheduler::Mh)
                .with_flags(ServiceFlags::SCHED2)
                .with_persistence(30)
                .with_netmask(Netmask::V6Prefix(48))
        },
    ]);
    assert_eq!(t, want);
}

#[test]
fn edit_service_changes_every_field() {
    let Some(_ns) = common::kernel_netns("edit_service_changes_every_field") else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    let key = ServiceKey::udp(sa("198.51.100.7:5060"));
    ipvs.add_service(&Service::new(key)).unwrap();
    let edited = Service::new(key)
        .with_scheduler(Scheduler::Sh)
        .with_persistence(1234)
        .with_flags(ServiceFlags::ONEPACKET | ServiceFlags::SCHED1)
        .with_netmask(Netmask::V4("255.255.0.0".parse().unwrap()))
        .with_pe("sip");
    ipvs.edit_service(&edited).unwrap();
    assert_eq!(table(&ipvs), vec![edited.clone()]);
    let save = common::stdout_ok(&common::ipvsadm(&["-Sn"]));
    assert_eq!(
        save,
        "-A -u 198.51.100.7:5060 -s sh -p 1234 -M 255.255.0.0 --pe sip -o -b sh-fallback\n"
    );
    // And back to plain.
    let plain = Service::new(key).with_scheduler(Scheduler::Wrr);
    ipvs.edit_service(&plain).unwrap();
    assert_eq!(table(&ipvs), vec![plain]);
}

#[test]
fn destinations_every_attribute_round_trips() {
    let Some(_ns) = common::kernel_netns("destinations_every_attribute") else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    let v4 = ServiceKey::tcp(sa("203.0.113.1:80"));
    let v6 = ServiceKey::tcp(sa("[2001:db8::80]:80"));
    ipvs.add_service(&Service::new(v4)).unwrap();
    ipvs.add_service(&Service::new(v6)).unwrap();
    let tunnel = |kind, port, flags| DestConfig::default().with_tunnel(kind, port, flags);
    let d4 = vec![
        dest(
            "10.0.0.1:8080",
            DestConfig::new(ForwardMethod::Masq)
                .with_weight(Weight::MAX)
                .with_thresholds(1000, 10),
        ),
        dest(
            "10.0.0.2:80",
            DestConfig::default().with_weight(Weight::ZERO),
        ),
        dest(
            "10.0.0.3:80",
            tunnel(TunnelType::Gue, 6080, TunnelFlags::CSUM),
        ),
        dest(
            "10.0.0.4:80",
            tunnel(TunnelType::Ipip, 0, TunnelFlags::NOCSUM),
        ),
        // Mixed family: an IPv6 real server behind an IPv4 service, tunnel.
        dest(
            "[2001:db8::99]:80",
            tunnel(TunnelType::Gre, 0, TunnelFlags::REMCSUM),
        ),
    ];
    let d6 = vec![
        dest("[2001:db8::2]:8443", DestConfig::new(ForwardMethod::Masq)),
        dest(
            "10.9.0.1:80",
            tunnel(TunnelType::Ipip, 0, TunnelFlags::NOCSUM),
        ),
    ];
    for d in &d4 {
        ipvs.add_destination(&v4, &d.spec()).unwrap();
    }
    for d in &d6 {
        ipvs.add_destination(&v6, &d.spec()).unwrap();
    }
    let want = sorted(vec![
        Service {
            destinations: d4.clone(),
            ..Service::new(v4)
        },
        Service {
            destinations: d6.clone(),
            ..Service::new(v6)
        },
    ]);
    assert_eq!(table(&ipvs), want);
    assert_eq!(ipvs.destinations(&v4).unwrap().len(), 5);
    // ipvsadm agrees.
    let save = common::stdout_ok(&common::ipvsadm(&["-Sn"]));
    for line in [
        // (ipvsadm -S does not print thresholds)
        "-a -t 203.0.113.1:80 -r 10.0.0.1:8080 -m -w 2147483647",
        "-a -t 203.0.113.1:80 -r 10.0.0.2:80 -g -w 0",
        "-a -t 203.0.113.1:80 -r 10.0.0.3:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum",
        "-a -t [2001:db8::80]:80 -r [2001:db8::2]:8443 -m -w 1",
    ] {
        assert!(
            save.lines().any(|l| l == line),
            "{line:?} missing in:\n{save}"
        );
    }

    // Edit every field of one, delete another.
    let edited = dest(
        "10.0.0.3:80",
        tunnel(TunnelType::Gre, 0, TunnelFlags::CSUM)
            .with_weight(weight(9))
            .with_thresholds(50, 5),
    );
    ipvs.edit_destination(&v4, edited.addr, &edited.config)
        .unwrap();
    ipvs.delete_destination(&v4, d4[1].addr).unwrap();
    let mut got = ipvs.destinations(&v4).unwrap();
    got.sort_by_key(|d| format!("{:?}", d.addr));
    for d in &mut got {
        d.status.stats = Default::default();
    }
    let mut want4 = vec![d4[0].clone(), edited, d4[3].clone(), d4[4].clone()];
    want4.sort_by_key(|d| format!("{:?}", d.addr));
    assert_eq!(got, want4);
    // Deleting the service takes its destinations along.
    ipvs.delete_service(&v4).unwrap();
    assert!(ipvs.destinations(&v4).unwrap().is_empty());
    assert_eq!(ipvs.services().unwrap().len(), 1);
}

#[test]
fn flush_and_zero() {
    let Some(_ns) = common::kernel_netns("flush_and_zero") else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    for s in sample_services() {
        ipvs.add_service(&s).unwrap();
    }
    let key = ServiceKey::tcp(sa("192.0.2.1:80"));
    ipvs.zero(Some(&key)).unwrap();
    ipvs.zero(None).unwrap();
    let missing = ServiceKey::tcp(sa("192.0.2.200:80"));
    let e = ipvs.zero(Some(&missing)).unwrap_err();
    assert!(matches!(e, Error::NoSuchService { .. }), "{e:?}");
    assert_eq!(
        ipvsadm_message(&e),
        ipvsadm_err(&["-Z", "-t", "192.0.2.200:80"])
    );
    for s in ipvs.services().unwrap() {
        assert_eq!(s.stats, Default::default());
    }
    ipvs.flush().unwrap();
    assert!(ipvs.services().unwrap().is_empty());
    assert_eq!(common::stdout_ok(&common::ipvsadm(&["-Sn"])), "");
    // Flushing an empty table is fine.
    ipvs.flush().unwrap();
}

#[test]
fn stats_count_real_traffic_and_zero_clears_them() {
    let Some(_ns) = common::kernel_netns("stats_count_real_traffic") else {
        return;
    };
    // A UDP service on a local address with a local real server: packets
    // sent to it are scheduled by IPVS and counted.
    let ipvs = Ipvs::connect().unwrap();
    let key = ServiceKey::udp(sa("127.0.0.1:9999"));
    ipvs.add_service(&Service::new(key)).unwrap();
    let rs = std::net::UdpSocket::bind("127.0.0.1:9998").unwrap();
    ipvs.add_destination(
        &key,
        &dest("127.0.0.1:9998", DestConfig::new(ForwardMethod::Masq)).spec(),
    )
    .unwrap();
    let c = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for _ in 0..5 {
        c.send_to(b"hello", "127.0.0.1:9999").unwrap();
    }
    rs.set_read_timeout(Some(std::time::Duration::from_secs(2)))
        .unwrap();
    let mut buf = [0u8; 16];
    let n = rs
        .recv(&mut buf)
        .expect("the packet reaches the real server through IPVS");
    assert_eq!(&buf[..n], b"hello");
    // The kernel folds per-CPU counters into the reported ones every 2 s.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let s = loop {
        let s = ipvs.service(&key).unwrap();
        if s.stats.inpkts >= 5 || std::time::Instant::now() > deadline {
            break s;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert_eq!(s.stats.inpkts, 5, "{:?}", s.stats);
    assert_eq!(s.stats.conns, 1, "{:?}", s.stats);
    assert!(s.stats.inbytes >= 5 * 5, "{:?}", s.stats);
    let d = &ipvs.destinations(&key).unwrap()[0];
    assert_eq!(d.status.stats.inpkts, 5, "{:?}", d.status.stats);
    assert_eq!(d.status.conns(), 1, "{d:?}");
    // ipvsadm's --stats view agrees.
    let out = common::stdout_ok(&common::ipvsadm(&["-Ln", "--stats", "--exact"]));
    let line = out.lines().find(|l| l.starts_with("UDP")).unwrap();
    let cols: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cols[2].parse::<u64>().unwrap(), s.stats.conns, "{out}");
    assert_eq!(cols[3].parse::<u64>().unwrap(), s.stats.inpkts, "{out}");
    assert_eq!(cols[5].parse::<u64>().unwrap(), s.stats.inbytes, "{out}");
    ipvs.zero(Some(&key)).unwrap();
    let z = ipvs.service(&key).unwrap();
    assert_eq!(z.stats.conns, 0);
    assert_eq!(z.stats.inpkts, 0);
    assert_eq!(z.stats.inbytes, 0);
}

#[test]
fn timeouts_set_and_get() {
    let Some(_ns) = common::kernel_netns("timeouts_set_and_get") else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    let t = Timeouts {
        tcp: 901,
        tcp_fin: 121,
        udp: 301,
    };
    ipvs.set_timeouts(&t).unwrap();
    assert_eq!(ipvs.timeouts().unwrap(), t);
    assert_eq!(
        common::stdout_ok(&common::ipvsadm(&["-L", "--timeout"])),
        "Timeout (tcp tcpfin udp): 901 121 301\n"
    );
    // 0 keeps a value.
    ipvs.set_timeouts(&Timeouts {
        tcp: 0,
        tcp_fin: 0,
        udp: 77,
    })
    .unwrap();
    assert_eq!(
        ipvs.timeouts().unwrap(),
        Timeouts {
            tcp: 901,
            tcp_fin: 121,
            udp: 77
        }
    );
    // Set by ipvsadm, read by us.
    assert!(common::ipvsadm(&["--set", "5", "6", "7"]).status.success());
    assert_eq!(
        ipvs.timeouts().unwrap(),
        Timeouts {
            tcp: 5,
            tcp_fin: 6,
            udp: 7
        }
    );
}

fn dummy_interface(name: &str) {
    let o = common::run("ip", &["link", "add", name, "type", "dummy"]);
    assert!(o.status.success(), "{o:?}");
    let o = common::run("ip", &["link", "set", name, "up"]);
    assert!(o.status.success(), "{o:?}");
}

#[test]
fn daemons_start_list_stop() {
    let Some(_ns) = common::kernel_netns("daemons_start_list_stop") else {
        return;
    };
    dummy_interface("sync0");
    let ipvs = Ipvs::connect().unwrap();
    assert!(ipvs.daemons().unwrap().is_empty());
    let master = Daemon {
        state: DaemonState::Master,
        mcast_ifn: "sync0".into(),
        sync_id: 5,
        sync_maxlen: Some(1400),
        mcast_group: Some(ip("239.1.1.1")),
        mcast_port: Some(8849),
        mcast_ttl: Some(2),
    };
    let backup = Daemon {
        mcast_group: Some(ip("ff02::81")),
        ..Daemon::new(DaemonState::Backup, "sync0").with_sync_id(6)
    };
    ipvs.start_daemon(&master).unwrap();
    ipvs.start_daemon(&backup).unwrap();
    let mut got = ipvs.daemons().unwrap();
    got.sort_by_key(|d| d.state.to_raw());
    assert_eq!(got.len(), 2);
    assert_eq!(got[0], master);
    // Kernel defaults fill what the backup left open.
    assert_eq!(
        got[1],
        Daemon {
            sync_maxlen: Some(1452),
            mcast_port: Some(8848),
            mcast_ttl: Some(1),
            ..backup.clone()
        }
    );
    assert_eq!(
        common::stdout_ok(&common::ipvsadm(&["-L", "--daemon"])),
        "master sync daemon (mcast=sync0, syncid=5, maxlen=1400, group=239.1.1.1, port=8849, ttl=2)\n\
         backup sync daemon (mcast=sync0, syncid=6, maxlen=1452, group=ff02::81, port=8848, ttl=1)\n"
    );
    // Already running.
    let e = ipvs.start_daemon(&master).unwrap_err();
    assert!(matches!(e, Error::DaemonRunning { .. }), "{e:?}");
    assert_eq!(
        ipvsadm_message(&e),
        ipvsadm_err(&["--start-daemon", "master", "--mcast-interface", "sync0"])
    );
    // Stop both, as ipvsadm does it (no interface, sync id 0).
    ipvs.stop_daemon(&Daemon::new(DaemonState::Master, ""))
        .unwrap();
    ipvs.stop_daemon(&Daemon::new(DaemonState::Backup, ""))
        .unwrap();
    assert!(ipvs.daemons().unwrap().is_empty());
    let e = ipvs
        .stop_daemon(&Daemon::new(DaemonState::Master, ""))
        .unwrap_err();
    assert!(matches!(e, Error::NoDaemonRunning { .. }), "{e:?}");
    assert_eq!(
        ipvsadm_message(&e),
        ipvsadm_err(&["--stop-daemon", "master"])
    );
    // Started by ipvsadm, read by us.
    assert!(common::ipvsadm(&[
        "--start-daemon",
        "backup",
        "--mcast-interface",
        "sync0",
        "--syncid",
        "200"
    ])
    .status
    .success());
    let got = ipvs.daemons().unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].state, DaemonState::Backup);
    assert_eq!(got[0].sync_id, 200);
    assert_eq!(got[0].mcast_group, Some(ip("224.0.0.81")));
}

#[test]
fn kernel_rejections_map_to_variants_and_ipvsadm_text() {
    let Some(_ns) = common::kernel_netns("kernel_rejections_map") else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    let key = ServiceKey::tcp(sa("192.0.2.10:80"));
    ipvs.add_service(&Service::new(key)).unwrap();
    let rs = dest("10.0.0.1:80", DestConfig::default());
    ipvs.add_destination(&key, &rs.spec()).unwrap();
    let missing = ServiceKey::tcp(sa("192.0.2.11:80"));

    type Check<'a> = (Result<(), Error>, fn(&Error) -> bool, &'a [&'a str]);
    let checks: Vec<Check> = vec![
        (
            ipvs.add_service(&Service::new(key)),
            |e| matches!(e, Error::ServiceExists { .. }),
            &["-A", "-t", "192.0.2.10:80"],
        ),
        (
            ipvs.delete_service(&missing),
            |e| matches!(e, Error::NoSuchService { .. }),
            &["-D", "-t", "192.0.2.11:80"],
        ),
        (
            ipvs.edit_service(&Service::new(missing)),
            |e| matches!(e, Error::NoSuchService { .. }),
            &["-E", "-t", "192.0.2.11:80"],
        ),
        (
            ipvs.add_service(
                &Service::new(ServiceKey::tcp(sa("192.0.2.12:80")))
                    .with_scheduler(Scheduler::Other("nosuch".into())),
            ),
            |e| matches!(e, Error::SchedulerOrPeNotFound { .. }),
            &["-A", "-t", "192.0.2.12:80", "-s", "nosuch"],
        ),
        (
            ipvs.add_destination(&key, &rs.spec()),
            |e| matches!(e, Error::DestinationExists { .. }),
            &["-a", "-t", "192.0.2.10:80", "-r", "10.0.0.1:80"],
        ),
        (
            ipvs.add_destination(&missing, &rs.spec()),
            |e| matches!(e, Error::NoSuchService { .. }),
            &["-a", "-t", "192.0.2.11:80", "-r", "10.0.0.1:80"],
        ),
        (
            ipvs.edit_destination(&key, sa("10.0.0.2:80"), &DestConfig::default()),
            |e| matches!(e, Error::NoSuchDestination { .. }),
            &["-e", "-t", "192.0.2.10:80", "-r", "10.0.0.2:80"],
        ),
        (
            ipvs.delete_destination(&key, sa("10.0.0.2:80")),
            |e| matches!(e, Error::NoSuchDestination { .. }),
            &["-d", "-t", "192.0.2.10:80", "-r", "10.0.0.2:80"],
        ),
        (
            // Mixed family without tunnelling.
            ipvs.add_destination(
                &key,
                &dest("[2001:db8::5]:80", DestConfig::new(ForwardMethod::Masq)).spec(),
            ),
            |e| matches!(e, Error::InvalidArgument { .. }),
            &[], // ipvsadm refuses this itself before asking the kernel
        ),
        (
            // Lower threshold above the upper one.
            ipvs.add_destination(
                &key,
                &dest("10.0.0.3:80", DestConfig::default().with_thresholds(0, 5)).spec(),
            ),
            |e| matches!(e, Error::OutOfRange { .. }),
            &["-a", "-t", "192.0.2.10:80", "-r", "10.0.0.3:80", "-y", "5"],
        ),
        (
            // GUE without a port.
            ipvs.add_destination(
                &key,
                &dest(
                    "10.0.0.4:80",
                    DestConfig::default().with_tunnel(TunnelType::Gue, 0, TunnelFlags::NOCSUM),
                )
                .spec(),
            ),
            |e| matches!(e, Error::InvalidArgument { .. }),
            &[],
        ),
        (
            ipvs.start_daemon(&Daemon::new(DaemonState::Master, "nosuchif0")),
            |e| matches!(e, Error::NoSuchDevice { .. }),
            &["--start-daemon", "master", "--mcast-interface", "nosuchif0"],
        ),
        (
            ipvs.stop_daemon(&Daemon::new(DaemonState::Backup, "")),
            |e| matches!(e, Error::NoDaemonRunning { .. }),
            &["--stop-daemon", "backup"],
        ),
    ];
    for (i, (r, is, args)) in checks.into_iter().enumerate() {
        let e = r.expect_err(&format!("check {i} should fail"));
        assert!(is(&e), "check {i}: {e:?}");
        assert!(e.errno().is_some(), "check {i}");
        assert!(!e.to_string().is_empty());
        if !args.is_empty() {
            assert_eq!(ipvsadm_message(&e), ipvsadm_err(args), "check {i} {args:?}");
        }
    }
    // GET_SERVICE on a missing service.
    let e = ipvs.service(&missing).unwrap_err();
    assert!(matches!(e, Error::NoSuchService { .. }), "{e:?}");
    assert_eq!(
        ipvsadm_message(&e),
        ipvsadm_err(&["-L", "-n", "-t", "192.0.2.11:80"])
    );
    // A destination dump of a missing service is empty, not an error.
    assert!(ipvs.destinations(&missing).unwrap().is_empty());
    // The table is unchanged by all of that.
    let t = table(&ipvs);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].destinations, vec![rs]);
}

#[test]
fn batch_of_5000_reports_exactly_the_failures() {
    let Some(_ns) = common::kernel_netns("batch_of_5000") else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    let key = |i: usize| {
        ServiceKey::tcp(std::net::SocketAddr::new(
            IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i as u32)),
            80,
        ))
    };
    let mut ops = Vec::new();
    let mut bad = std::collections::BTreeMap::new();
    for i in 0..2500 {
        ops.push(Change::AddService(
            Service::new(key(i)).with_scheduler(Scheduler::Rr),
        ));
        ops.push(Change::add_destination(
            key(i),
            sa("192.168.0.1:80"),
            DestConfig::new(ForwardMethod::Masq),
        ));
        if i % 500 == 250 {
            // A duplicate service, a destination for a missing service and
            // an unknown scheduler, in the middle of the batch.
            bad.insert(ops.len(), "service_exists");
            ops.push(Change::AddService(Service::new(key(i))));
            bad.insert(ops.len(), "no_such_service");
            ops.push(Change::add_destination(
                key(100_000 + i),
                sa("192.168.0.1:80"),
                DestConfig::default(),
            ));
            bad.insert(ops.len(), "scheduler_or_pe_not_found");
            ops.push(Change::AddService(
                Service::new(key(200_000 + i)).with_scheduler(Scheduler::Other("zz".into())),
            ));
        }
    }
    assert!(ops.len() >= 5000);
    let t0 = std::time::Instant::now();
    let results = ipvs.apply_batch(&ops).unwrap();
    eprintln!("{} ops applied in {:?}", ops.len(), t0.elapsed());
    assert_eq!(results.len(), ops.len());
    for (i, r) in results.iter().enumerate() {
        match (r, bad.get(&i)) {
            (Ok(()), None) => {}
            (Err(e), Some(code)) => assert_eq!(e.code(), *code, "op {i}: {e}"),
            (r, want) => panic!("op {i}: got {r:?}, wanted {want:?}"),
        }
    }
    let svcs = ipvs.services().unwrap();
    assert_eq!(svcs.len(), 2500);
    let save = common::stdout_ok(&common::ipvsadm(&["-Sn"]));
    assert_eq!(save.lines().filter(|l| l.starts_with("-A ")).count(), 2500);
    assert_eq!(save.lines().filter(|l| l.starts_with("-a ")).count(), 2500);
    // Deleting them all in one batch, with one missing in the middle.
    let mut del: Vec<Change> = (0..2500).map(|i| Change::DeleteService(key(i))).collect();
    del.insert(1234, Change::DeleteService(key(99_999)));
    let r = ipvs.apply_batch(&del).unwrap();
    for (i, r) in r.iter().enumerate() {
        if i == 1234 {
            assert!(matches!(r, Err(Error::NoSuchService { .. })), "{r:?}");
        } else {
            assert!(r.is_ok(), "op {i}: {r:?}");
        }
    }
    assert!(ipvs.services().unwrap().is_empty());
    // The handle is still in step afterwards.
    assert_eq!(ipvs.info().unwrap().version, 0x010201);
    assert!(ipvs.apply_batch(&[]).unwrap().is_empty());
}

#[test]
fn two_threads_change_the_same_netns() {
    let Some(_ns) = common::kernel_netns("two_threads_change_the_same_netns") else {
        return;
    };
    // Threads spawned after unshare inherit this thread's namespace. One
    // shared handle (Send + Sync) and one handle per thread, all at once.
    let shared = Arc::new(Ipvs::connect().unwrap());
    let mut threads = Vec::new();
    for t in 0..2u32 {
        let shared = Arc::clone(&shared);
        threads.push(std::thread::spawn(move || {
            let own = Ipvs::connect().unwrap();
            for i in 0..150u32 {
                let addr = IpAddr::V4(std::net::Ipv4Addr::from(0x0b00_0000 + t * 1000 + i));
                let key = ServiceKey::tcp(std::net::SocketAddr::new(addr, 80));
                let h: &Ipvs = if i % 2 == 0 { &shared } else { &own };
                h.add_service(&Service::new(key)).unwrap();
                h.add_destination(&key, &dest("192.168.1.1:80", DestConfig::default()).spec())
                    .unwrap();
                // Listings interleave with the other thread's changes.
                if i % 25 == 0 {
                    let l = shared.services_with_destinations().unwrap();
                    assert!(l.len() as u32 > i);
                    let _ = own.services().unwrap();
                }
                assert_eq!(h.destinations(&key).unwrap().len(), 1);
            }
        }));
    }
    for t in threads {
        t.join().unwrap();
    }
    let all = shared.services_with_destinations().unwrap();
    assert_eq!(all.len(), 300);
    assert!(all.iter().all(|s| s.destinations.len() == 1));
    let save = common::stdout_ok(&common::ipvsadm(&["-Sn"]));
    assert_eq!(save.lines().filter(|l| l.starts_with("-A ")).count(), 300);
}

#[test]
fn handle_made_elsewhere_is_unaffected_by_other_namespaces() {
    let Some(_ns) = common::kernel_netns("handle_made_elsewhere") else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    ipvs.add_service(&Service::new(ServiceKey::tcp(sa("192.0.2.50:80"))))
        .unwrap();
    // A thread that moves into yet another namespace still uses the
    // handle's (this) namespace through the handle.
    let ipvs = Arc::new(ipvs);
    let h = Arc::clone(&ipvs);
    std::thread::spawn(move || {
        nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET).unwrap();
        assert_eq!(h.services().unwrap().len(), 1);
        let fresh = Ipvs::connect().unwrap();
        assert!(fresh.services().unwrap().is_empty());
    })
    .join()
    .unwrap();
    let _ = Protocol::Tcp;
}
