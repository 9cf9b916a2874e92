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

/// Services whose key, flags and persistence `/proc/net/ip_vs` shows in
/// its own way (persistence with a netmask, the sip engine, one-packet and
/// scheduler flags), an IPv6 fwmark service of a mark an IPv4 one has
/// (the file does not tell them apart) and an IPv6 service with a
/// destination of each method.
fn odd_services(ipvs: &Ipvs) {
    use rvsadm::{DestSpec, Family, Netmask, ServiceFlags};
    let sa = |s: &str| s.parse::<SocketAddr>().unwrap();
    let d = |s: &str, f: ForwardMethod, w: u16| {
        DestSpec::new(sa(s), DestConfig::new(f).with_weight(Weight::from(w)))
    };
    let persistent = Service::new(ServiceKey::tcp(sa("192.0.2.20:0")))
        .with_persistence(600)
        .with_netmask(Netmask::V4("255.255.255.0".parse().unwrap()));
    let sip = Service::new(ServiceKey::udp(sa("192.0.2.21:5060")))
        .with_scheduler(Scheduler::Sh)
        .with_persistence(60)
        .with_pe("sip")
        .with_flags(ServiceFlags::ONEPACKET | ServiceFlags::SCHED2);
    let v6p = Service::new(ServiceKey::tcp(sa("[2001:db8::20]:80")))
        .with_persistence(300)
        .with_netmask(Netmask::V6Prefix(64));
    let mark6 = ServiceKey::Fwmark {
        mark: 42,
        family: Family::Inet6,
    };
    let mut ops = vec![
        Change::AddService(persistent.clone()),
        Change::AddDestination(persistent.key, d("10.3.0.1:0", ForwardMethod::Masq, 2)),
        Change::AddService(sip.clone()),
        Change::AddDestination(sip.key, d("10.3.0.2:5060", ForwardMethod::Route, 9)),
        Change::AddService(v6p.clone()),
        Change::AddService(Service::new(mark6)),
        Change::AddDestination(mark6, d("[2001:db8::42]:0", ForwardMethod::Route, 4)),
    ];
    for (i, f) in [
        ForwardMethod::Masq,
        ForwardMethod::Route,
        ForwardMethod::Local,
    ]
    .into_iter()
    .enumerate()
    {
        let addr = if f == ForwardMethod::Local {
            "[::1]:80".to_string()
        } else {
            format!("[2001:db8::3{i}]:80")
        };
        ops.push(Change::AddDestination(v6p.key, d(&addr, f, i as u16)));
    }
    for (op, r) in ops.iter().zip(ipvs.apply_batch(&ops).unwrap()) {
        r.unwrap_or_else(|e| panic!("{op:?}: {e}"));
    }
}

/// A destination as `/proc/net/ip_vs` gives it: no thresholds, tunnel
/// parameters, persistent-connection count or counters.
fn as_brief(mut d: rvsadm::Destination) -> rvsadm::Destination {
    d.config.upper_threshold = 0;
    d.config.lower_threshold = 0;
    d.config.tunnel = Default::default();
    d.status.persist_conns = 0;
    d.status.stats = Default::default();
    d
}

/// Every service's key, as a listing reads them.
fn all_keys(ipvs: &Ipvs) -> Vec<ServiceKey> {
    ipvs.services_as(|s| s.key, |k| *k).unwrap()
}

#[test]
fn brief_reads_are_the_dumps_less_what_proc_lacks() {
    let Some(_ns) = common::kernel_netns("brief_reads_are_the_dumps_less_what_proc_lacks") else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    varied_table(&ipvs);
    many_services(&ipvs, 300);
    odd_services(&ipvs);
    let keys = all_keys(&ipvs);
    let full = ipvs.destinations_of(&keys).unwrap();
    let reader = ipvs.brief_reader(&keys);
    assert!(format!("{reader:?}").contains("brief: true"), "{reader:?}");
    // In parts, as a listing reads.
    let mut brief = Vec::new();
    for part in keys.chunks(100) {
        brief.extend(reader.read(part).unwrap());
    }
    assert_eq!(brief.len(), keys.len());
    let (mut exact, mut from_file) = (0, 0);
    for ((k, b), f) in keys.iter().zip(&brief).zip(full) {
        let mark42 = matches!(k, ServiceKey::Fwmark { mark: 42, .. });
        let tunnel = f.iter().any(|d| d.config.forward == ForwardMethod::Tunnel);
        if tunnel || mark42 {
            // Read exactly: thresholds and tunnel parameters are there.
            let want: Vec<_> = f
                .into_iter()
                .map(|mut d| {
                    d.status.stats = Default::default();
                    d
                })
                .collect();
            assert_eq!(b, &want, "{k}");
            exact += 1;
        } else {
            let want: Vec<_> = f.into_iter().map(as_brief).collect();
            assert_eq!(b, &want, "{k}");
            from_file += 1;
        }
    }
    // Both paths taken many times: about half of `many_services` has a
    // tunnelling destination (read exactly), the other half not.
    assert!(
        exact > 100 && from_file > 100,
        "{exact} exact, {from_file} from the file"
    );
    // Keys that are not the whole table: the file is left aside and every
    // service is read exactly (the thresholds show it).
    let some: Vec<ServiceKey> = keys.iter().step_by(3).copied().collect();
    let reader = ipvs.brief_reader(&some);
    assert!(format!("{reader:?}").contains("brief: false"), "{reader:?}");
    assert_eq!(
        reader.read(&some).unwrap(),
        ipvs.destinations_without_stats_of(&some).unwrap()
    );
    // The listings print what ipvsadm prints on this table.
    for args in [&["-Sn"][..], &["-Ln"], &["-Ln", "--tun-info"], &["-S"]] {
        let ours = common::stdout_ok(&common::run(&common::rvsadm_path(), args));
        let theirs = common::stdout_ok(&common::ipvsadm(args));
        assert_eq!(ours, theirs, "{args:?}");
    }
}

/// The forwarding methods the kernel numbers 4 and up print as `Masq` in
/// `/proc/net/ip_vs`: as documented, a brief read says Masq for them,
/// where a netlink read says what they are.
#[test]
fn brief_reads_see_forwarding_methods_above_route_as_masq() {
    let Some(_ns) = common::kernel_netns("brief_reads_see_forwarding_methods_above_route_as_masq")
    else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    let key = ServiceKey::tcp("192.0.2.30:80".parse().unwrap());
    ipvs.add_service(&Service::new(key)).unwrap();
    let addr: SocketAddr = "10.4.0.1:80".parse().unwrap();
    let spec = rvsadm::DestSpec::new(addr, DestConfig::new(ForwardMethod::Bypass));
    if let Err(e) = ipvs.add_destination(&key, &spec) {
        eprintln!("the kernel refuses the bypass method ({e}): nothing to read");
        return;
    }
    let keys = all_keys(&ipvs);
    let exact = ipvs.destinations_of(&keys).unwrap();
    assert_eq!(exact[0][0].config.forward, ForwardMethod::Bypass);
    let brief = ipvs.brief_reader(&keys).read(&keys).unwrap();
    assert_eq!(brief[0][0].config.forward, ForwardMethod::Masq);
}

/// While another thread adds and deletes services, every brief read is of
/// the services its keys name, each with its destinations whole: from the
/// file when the file named exactly those services, else read exactly.
#[test]
fn brief_reads_under_changes_are_whole_or_exact() {
    let Some(_ns) = common::kernel_netns("brief_reads_under_changes_are_whole_or_exact") else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    many_services(&ipvs, 400);
    let stable = all_keys(&ipvs);
    let want: std::collections::HashMap<ServiceKey, Vec<rvsadm::Destination>> = stable
        .iter()
        .copied()
        .zip(ipvs.destinations_of(&stable).unwrap())
        .collect();
    let editor = Ipvs::connect().unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let churn = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut rounds = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) || rounds < 3 {
                let keys: Vec<ServiceKey> = (0..40)
                    .map(|i| {
                        ServiceKey::tcp(SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 9, 0, i)), 80))
                    })
                    .collect();
                let add: Vec<Change> = keys
                    .iter()
                    .map(|k| Change::AddService(Service::new(*k)))
                    .collect();
                let del: Vec<Change> = keys.iter().map(|k| Change::DeleteService(*k)).collect();
                for r in editor.apply_batch(&add).unwrap() {
                    r.unwrap();
                }
                for r in editor.apply_batch(&del).unwrap() {
                    r.unwrap();
                }
                rounds += 1;
            }
            rounds
        })
    };
    let (mut briefs, mut fallbacks) = (0, 0);
    for _ in 0..15 {
        let keys = all_keys(&ipvs);
        let reader = ipvs.brief_reader(&keys);
        if format!("{reader:?}").contains("brief: true") {
            briefs += 1;
        } else {
            fallbacks += 1;
        }
        let got = reader.read(&keys).unwrap();
        assert_eq!(got.len(), keys.len());
        for (k, d) in keys.iter().zip(got) {
            match want.get(k) {
                Some(w) => {
                    let tunnel = w.iter().any(|d| d.config.forward == ForwardMethod::Tunnel);
                    let w: Vec<_> = w.iter().cloned().map(as_brief).collect();
                    let d: Vec<_> = d.into_iter().map(as_brief).collect();
                    assert_eq!(d, w, "{k} (tunnel service: {tunnel})");
                }
                None => assert!(d.is_empty(), "{k}: a churned service has no destinations"),
            }
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let rounds = churn.join().unwrap();
    eprintln!("{briefs} reads from the file, {fallbacks} exact, {rounds} rounds of changes");
}
