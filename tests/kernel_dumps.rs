//! Bulk destination dumps (`Ipvs::destinations_of`) against the real
//! kernel: the same answers as one dump at a time, including a service whose
//! destinations need a multi-part dump, and from a thread in another
//! network namespace.

mod common;

use rvsadm::{Change, DestConfig, ForwardMethod, Ipvs, Scheduler, Service, ServiceKey, Weight};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

#[test]
fn bulk_dumps_equal_single_dumps() {
    let Some(_ns) = common::kernel_netns("bulk_dumps_equal_single_dumps") else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    let key = |i: u32| {
        ServiceKey::tcp(SocketAddr::new(
            IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + i)),
            80,
        ))
    };
    let mut ops = Vec::new();
    for i in 0..600u32 {
        ops.push(Change::AddService(
            Service::new(key(i)).with_scheduler(Scheduler::Rr),
        ));
        // Service 300 gets 400 destinations: far more than one message.
        let n = if i == 300 { 400 } else { i % 5 };
        for d in 0..n {
            let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::from(0xac10_0000 + d)), 8080);
            ops.push(Change::add_destination(
                key(i),
                addr,
                DestConfig::new(ForwardMethod::Masq).with_weight(Weight::new(d).unwrap()),
            ));
        }
    }
    for r in ipvs.apply_batch(&ops).unwrap() {
        r.unwrap();
    }
    let mut keys: Vec<ServiceKey> = (0..600).map(key).collect();
    // A missing service in the middle: no destinations, no error.
    keys.insert(17, key(99_999));
    let all = ipvs.destinations_of(&keys).unwrap();
    assert_eq!(all.len(), keys.len());
    for (k, got) in keys.iter().zip(&all) {
        let want = ipvs.destinations(k).unwrap();
        assert_eq!(got, &want, "{k}");
    }
    assert_eq!(all[17].len(), 0);
    assert_eq!(all.iter().map(Vec::len).max(), Some(400));
    // The handle is still in step afterwards.
    assert_eq!(ipvs.services().unwrap().len(), 600);
    let with = ipvs.services_with_destinations().unwrap();
    assert_eq!(
        with.iter().map(|s| s.destinations.len()).sum::<usize>(),
        400 + 120 * 10
    );
}

#[test]
fn many_empty_dumps_are_not_lost() {
    // Empty dumps finish at once (the kernel appends the end to the first
    // part): thousands of them in a row, none lost or reported as an error.
    let Some(_ns) = common::kernel_netns("many_empty_dumps_are_not_lost") else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    let keys: Vec<ServiceKey> = (1..=3000u16)
        .map(|p| ServiceKey::udp(SocketAddr::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), p)))
        .collect();
    let ops: Vec<Change> = keys
        .iter()
        .map(|k| Change::AddService(Service::new(*k)))
        .collect();
    for r in ipvs.apply_batch(&ops).unwrap() {
        r.unwrap();
    }
    let all = ipvs.destinations_of(&keys).unwrap();
    assert_eq!(all.len(), 3000);
    assert!(all.iter().all(Vec::is_empty));
    assert_eq!(ipvs.services_with_destinations().unwrap().len(), 3000);
}

#[test]
fn a_handle_keeps_its_namespace_from_other_threads() {
    // The handle is made in one namespace and used from a thread in
    // another: the dump socket (opened on first use, by that thread) must
    // still see the handle's table, not the thread's empty one.
    let Some(_ns) = common::kernel_netns("a_handle_keeps_its_namespace_from_other_threads") else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    let keys: Vec<ServiceKey> = (1..=200u16)
        .map(|p| ServiceKey::tcp(SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 9, 0, 1)), p)))
        .collect();
    let mut ops = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        ops.push(Change::AddService(Service::new(*k)));
        let rs = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 9, 1, (i % 250) as u8 + 1)), 80);
        ops.push(Change::add_destination(*k, rs, DestConfig::default()));
    }
    for r in ipvs.apply_batch(&ops).unwrap() {
        r.unwrap();
    }
    std::thread::scope(|s| {
        s.spawn(|| {
            let Some(_other) = common::kernel_netns("(other namespace)") else {
                return;
            };
            let here = Ipvs::connect().unwrap();
            assert!(here.services().unwrap().is_empty());
            let all = ipvs.destinations_of(&keys).unwrap();
            assert_eq!(ipvs.destinations_without_stats_of(&keys).unwrap(), all);
            assert_eq!(all.len(), 200);
            for (i, d) in all.iter().enumerate() {
                assert_eq!(d.len(), 1, "service {i}");
                assert_eq!(
                    d[0].addr.ip(),
                    IpAddr::V4(Ipv4Addr::new(10, 9, 1, (i % 250) as u8 + 1))
                );
            }
            assert_eq!(ipvs.services_with_destinations().unwrap().len(), 200);
        })
        .join()
        .unwrap();
    });
}

/// Every kind of service and destination the fast path must either read
/// whole or leave to netlink.
fn varied_table(ipvs: &Ipvs) -> Vec<ServiceKey> {
    use rvsadm::{DestSpec, Family, TunnelFlags, TunnelType};
    let v4 = |s: &str| s.parse::<SocketAddr>().unwrap();
    let tcp = |s: &str| ServiceKey::tcp(v4(s));
    let plain = |s: &str, f: ForwardMethod, w: u16| {
        DestSpec::new(v4(s), DestConfig::new(f).with_weight(Weight::from(w)))
    };
    let with = |mut d: DestSpec, f: fn(DestConfig) -> DestConfig| {
        d.config = f(d.config);
        d
    };
    let table: Vec<(ServiceKey, Vec<DestSpec>)> = vec![
        (
            tcp("192.0.2.1:80"),
            vec![
                with(plain("10.1.0.1:80", ForwardMethod::Masq, 3), |c| {
                    c.with_thresholds(100, 10)
                }),
                plain("10.1.0.2:80", ForwardMethod::Route, 0),
                // Local: the kernel turns it into the local method.
                plain("127.0.0.1:80", ForwardMethod::Masq, 7),
            ],
        ),
        (
            ServiceKey::udp(v4("192.0.2.1:53")),
            vec![plain("10.1.0.3:5353", ForwardMethod::Masq, 1)],
        ),
        (
            ServiceKey::Addr {
                protocol: rvsadm::Protocol::Sctp,
                addr: "192.0.2.2".parse().unwrap(),
                port: 9,
            },
            vec![plain("10.1.0.4:9", ForwardMethod::Masq, 2)],
        ),
        (
            ServiceKey::Fwmark {
                mark: 42,
                family: Family::Inet,
            },
            vec![
                with(plain("10.1.0.5:0", ForwardMethod::Route, 5), |c| {
                    c.with_thresholds(9, 3)
                }),
                plain("10.1.0.6:0", ForwardMethod::Masq, 6),
            ],
        ),
        (
            ServiceKey::Fwmark {
                mark: 43,
                family: Family::Inet6,
            },
            vec![plain("[2001:db8::5]:0", ForwardMethod::Route, 1)],
        ),
        (
            tcp("[2001:db8::1]:443"),
            vec![plain("[2001:db8::10]:443", ForwardMethod::Masq, 4)],
        ),
        // Tunnel destinations: their type, port and flags exist only in
        // netlink.
        (
            tcp("192.0.2.3:80"),
            vec![
                with(plain("10.1.0.7:80", ForwardMethod::Tunnel, 1), |c| {
                    c.with_tunnel(TunnelType::Gue, 6080, TunnelFlags::CSUM)
                }),
                plain("10.1.0.8:80", ForwardMethod::Route, 1),
            ],
        ),
        // An IPv6 destination behind an IPv4 service: invisible to the
        // older interface.
        (
            tcp("192.0.2.4:80"),
            vec![
                plain("10.1.0.9:80", ForwardMethod::Route, 1),
                plain("[2001:db8::9]:80", ForwardMethod::Tunnel, 2),
            ],
        ),
        (tcp("192.0.2.5:80"), vec![]),
    ];
    let mut ops = Vec::new();
    for (k, ds) in &table {
        ops.push(Change::AddService(Service::new(*k)));
        for d in ds {
            ops.push(Change::AddDestination(*k, *d));
        }
    }
    for (op, r) in ops.iter().zip(ipvs.apply_batch(&ops).unwrap()) {
        r.unwrap_or_else(|e| panic!("{op:?}: {e}"));
    }
    table.into_iter().map(|(k, _)| k).collect()
}

#[test]
fn destinations_without_stats_are_the_dumps_without_stats() {
    let Some(_ns) = common::kernel_netns("destinations_without_stats_are_the_dumps_without_stats")
    else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    let mut keys = varied_table(&ipvs);
    // One connection, so that the connection counts are not all zero: a
    // local listener behind the first service's local destination.
    let listener = std::net::TcpListener::bind("127.0.0.1:80").unwrap();
    let vip = ServiceKey::tcp("127.0.0.1:80".parse().unwrap());
    ipvs.add_service(&Service::new(vip)).unwrap();
    ipvs.add_destination(
        &vip,
        &rvsadm::DestSpec::new("127.0.0.1:80".parse().unwrap(), DestConfig::default()),
    )
    .unwrap();
    let client = std::net::TcpStream::connect("127.0.0.1:80").unwrap();
    let (_served, _) = listener.accept().unwrap();
    keys.push(vip);
    keys.push(ServiceKey::tcp("192.0.2.99:1".parse().unwrap()));

    let fast = ipvs.destinations_without_stats_of(&keys).unwrap();
    let full = ipvs.destinations_of(&keys).unwrap();
    assert_eq!(fast.len(), keys.len());
    for ((k, f), mut d) in keys.iter().zip(&fast).zip(full) {
        for d in &mut d {
            d.status.stats = Default::default();
        }
        assert_eq!(f, &d, "{k}");
    }
    let conns = fast.iter().flatten().map(|d| d.status.conns()).sum::<u64>();
    assert!(conns >= 1, "the local connection is counted: {fast:?}");
    // The tunnel and mixed-family services came whole too.
    assert!(
        fast[6].iter().any(|d| d.config.tunnel.port == 6080),
        "{:?}",
        fast[6]
    );
    assert_eq!(fast[7].len(), 2);
    drop(client);
}

/// Many services of every kind (TCP, UDP, SCTP, fwmark, IPv6; empty ones,
/// tunnel destinations, IPv6 tunnel destinations behind IPv4 services)
/// beside [`varied_table`]: enough that the fast path counts every
/// service's destinations in one call.
fn many_services(ipvs: &Ipvs, n: u32) -> Vec<ServiceKey> {
    use rvsadm::{Family, Protocol, TunnelFlags, TunnelType};
    let v4 = |i: u32| IpAddr::V4(Ipv4Addr::from(0x0a02_0000 + i));
    let mut keys = Vec::new();
    let mut ops = Vec::new();
    for i in 0..n {
        let key = match i % 10 {
            0..=3 => ServiceKey::tcp(SocketAddr::new(v4(i), 80)),
            4 | 5 => ServiceKey::udp(SocketAddr::new(v4(i), 53)),
            6 => ServiceKey::Addr {
                protocol: Protocol::Sctp,
                addr: v4(i),
                port: 9,
            },
            7 => ServiceKey::Fwmark {
                mark: 1000 + i,
                family: Family::Inet,
            },
            8 => ServiceKey::Fwmark {
                mark: 1000 + i,
                family: Family::Inet6,
            },
            _ => ServiceKey::tcp(SocketAddr::new(
                format!("2001:db8:7::{i:x}").parse().unwrap(),
                443,
            )),
        };
        keys.push(key);
        ops.push(Change::AddService(Service::new(key)));
        let v6 = key.family() == rvsadm::Family::Inet6;
        for d in 0..(i % 6) {
            let addr = if v6 {
                SocketAddr::new(format!("2001:db8:8::{i:x}:{d}").parse().unwrap(), 80)
            } else {
                SocketAddr::new(IpAddr::V4(Ipv4Addr::from(0xac20_0000 + i * 8 + d)), 8080)
            };
            let f = [
                ForwardMethod::Masq,
                ForwardMethod::Route,
                ForwardMethod::Tunnel,
            ][d as usize % 3];
            let mut c = DestConfig::new(f)
                .with_weight(Weight::from((i + d) as u16 % 7))
                .with_thresholds(i % 3 * 10, i % 3);
            if f == ForwardMethod::Tunnel && i % 4 == 1 {
                c = c.with_tunnel(TunnelType::Gue, 6000 + d as u16, TunnelFlags::CSUM);
            }
            ops.push(Change::add_destination(key, addr, c));
        }
        // Now and then an IPv6 tunnel destination behind an IPv4 service.
        if !v6 && i % 25 == 3 {
            let addr = SocketAddr::new(format!("2001:db8:9::{i:x}").parse().unwrap(), 80);
            ops.push(Change::add_destination(
                key,
                addr,
                DestConfig::new(ForwardMethod::Tunnel),
            ));
        }
    }
    for (op, r) in ops.iter().zip(ipvs.apply_batch(&ops).unwrap()) {
        r.unwrap_or_else(|e| panic!("{op:?}: {e}"));
    }
    keys
}

#[test]
fn counted_at_once_the_fast_path_answers_as_netlink_and_ipvsadm() {
    let Some(_ns) =
        common::kernel_netns("counted_at_once_the_fast_path_answers_as_netlink_and_ipvsadm")
    else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    let mut keys = varied_table(&ipvs);
    keys.extend(many_services(&ipvs, 600));
    keys.push(ServiceKey::tcp("192.0.2.99:1".parse().unwrap()));
    let strip = |mut all: Vec<Vec<rvsadm::Destination>>| {
        for d in all.iter_mut().flatten() {
            d.status.stats = Default::default();
        }
        all
    };
    let full = strip(ipvs.destinations_of(&keys).unwrap());
    assert!(full.iter().filter(|d| d.is_empty()).count() > 50);
    // All keys: counted in one call, read, counted again.
    assert_eq!(ipvs.destinations_without_stats_of(&keys).unwrap(), full);
    // A few keys of a larger table: counted service by service.
    let few: Vec<ServiceKey> = keys.iter().step_by(50).copied().collect();
    let want: Vec<_> = full.iter().step_by(50).cloned().collect();
    assert_eq!(ipvs.destinations_without_stats_of(&few).unwrap(), want);
    // The listings count once for all their parts: as ipvsadm lists.
    for args in [["-Sn"], ["-Ln"]] {
        let ours = common::stdout_ok(&common::run(&common::rvsadm_path(), &args));
        let theirs = common::stdout_ok(&common::ipvsadm(&args));
        assert_eq!(ours, theirs, "{args:?}");
    }
}
