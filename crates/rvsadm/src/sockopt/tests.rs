//! The layouts against `repr(C)` mirrors of the kernel's structs, and
//! the answers' parsing.

use super::layout::*;
use super::*;
use crate::model::{DestConfig, Family, ForwardMethod, Weight};
use std::mem::{offset_of, size_of};

/// `struct ip_vs_stats_user`, for its size and alignment.
#[repr(C)]
#[allow(dead_code)]
struct StatsUser {
    conns: u32,
    inpkts: u32,
    outpkts: u32,
    inbytes: u64,
    outbytes: u64,
    cps: u32,
    inpps: u32,
    outpps: u32,
    inbps: u32,
    outbps: u32,
}

#[repr(C)]
#[allow(dead_code)]
struct ServiceEntry {
    protocol: u16,
    addr: u32,
    port: u16,
    fwmark: u32,
    sched_name: [u8; 16],
    flags: u32,
    timeout: u32,
    netmask: u32,
    num_dests: u32,
    stats: StatsUser,
}

#[repr(C)]
#[allow(dead_code)]
struct GetInfo {
    version: u32,
    size: u32,
    num_services: u32,
}

#[repr(C)]
#[allow(dead_code)]
struct GetServices {
    num_services: u32,
    entrytable: [ServiceEntry; 0],
}

#[repr(C)]
#[allow(dead_code)]
struct GetDests {
    protocol: u16,
    addr: u32,
    port: u16,
    fwmark: u32,
    num_dests: u32,
    entrytable: [DestEntry; 0],
}

#[repr(C)]
#[allow(dead_code)]
struct DestEntry {
    addr: u32,
    port: u16,
    conn_flags: u32,
    weight: i32,
    u_threshold: u32,
    l_threshold: u32,
    activeconns: u32,
    inactconns: u32,
    persistconns: u32,
    stats: StatsUser,
}

/// Each listed field of `$t` is at its offset constant.
macro_rules! assert_offsets {
    ($t:ty { $($field:ident: $at:expr),* $(,)? }) => {
        $(assert_eq!(
            offset_of!($t, $field),
            $at,
            concat!(stringify!($t), ".", stringify!($field))
        );)*
    };
}

#[test]
fn offsets_match_the_kernel_structs() {
    assert_offsets!(ServiceEntry {
        protocol: svc::PROTOCOL,
        addr: svc::ADDR,
        port: svc::PORT,
        fwmark: svc::FWMARK,
        num_dests: svc::NUM_DESTS,
    });
    assert_eq!(size_of::<ServiceEntry>(), svc::SIZE);
    assert_offsets!(GetInfo {
        num_services: info::NUM_SERVICES,
    });
    assert_eq!(size_of::<GetInfo>(), info::SIZE);
    assert_offsets!(GetServices {
        num_services: get_services::NUM_SERVICES,
        entrytable: get_services::TABLE,
    });
    assert_eq!(size_of::<GetServices>(), get_services::TABLE);
    // The get_dests head names the service as the service entry does.
    assert_offsets!(GetDests {
        protocol: svc::PROTOCOL,
        addr: svc::ADDR,
        port: svc::PORT,
        fwmark: svc::FWMARK,
        num_dests: get_dests::NUM_DESTS,
        entrytable: get_dests::TABLE,
    });
    assert_eq!(size_of::<GetDests>(), get_dests::TABLE);
    assert_offsets!(DestEntry {
        addr: dest::ADDR,
        port: dest::PORT,
        conn_flags: dest::CONN_FLAGS,
        weight: dest::WEIGHT,
        u_threshold: dest::U_THRESHOLD,
        l_threshold: dest::L_THRESHOLD,
        activeconns: dest::ACTIVE,
        inactconns: dest::INACTIVE,
        persistconns: dest::PERSIST,
    });
    assert_eq!(size_of::<DestEntry>(), dest::SIZE);
}

#[test]
fn keys_are_written_in_the_kernels_byte_orders() {
    let mut b = vec![0u8; svc::SIZE];
    let key = ServiceKey::tcp("192.0.2.1:8080".parse().unwrap());
    assert_eq!(put_key(&mut b, &key), Some(()));
    assert_eq!(&b[svc::PROTOCOL..svc::PROTOCOL + 2], &6u16.to_ne_bytes());
    assert_eq!(&b[svc::ADDR..svc::ADDR + 4], &[192, 0, 2, 1]);
    assert_eq!(&b[svc::PORT..svc::PORT + 2], &[0x1f, 0x90]);
    assert_eq!(ne_u32(&b, svc::FWMARK), 0);

    let mut b = vec![0u8; svc::SIZE];
    let fwm = ServiceKey::Fwmark {
        mark: 7,
        family: Family::Inet,
    };
    assert_eq!(put_key(&mut b, &fwm), Some(()));
    assert_eq!(ne_u32(&b, svc::FWMARK), 7);
    assert_eq!(&b[svc::ADDR..svc::ADDR + 4], &[0; 4]);
}

/// Against the kernel (inside the project's VM only, in a namespace of
/// its own): what the older interface answers, and what it leaves.
#[test]
fn the_kernel_answers_whole_or_not_at_all() {
    use crate::{Change, DestConfig, Destination, Ipvs, Service, TunnelFlags, TunnelType, Weight};
    if std::env::var("RVSADM_VM").as_deref() != Ok("1") {
        eprintln!("SKIPPED: kernel test, runs inside the VM (scripts/vm)");
        return;
    }
    nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET).unwrap();
    let up = std::process::Command::new("ip")
        .args(["link", "set", "lo", "up"])
        .status()
        .unwrap();
    assert!(up.success());
    let ipvs = Ipvs::connect().unwrap();
    let sa = |s: &str| s.parse::<std::net::SocketAddr>().unwrap();
    let plain = ServiceKey::tcp(sa("192.0.2.1:80"));
    let tunnel = ServiceKey::tcp(sa("192.0.2.2:80"));
    let mixed = ServiceKey::tcp(sa("192.0.2.3:80"));
    let v6 = ServiceKey::tcp(sa("[2001:db8::1]:80"));
    let fwm = ServiceKey::Fwmark {
        mark: 9,
        family: Family::Inet,
    };
    let one = Destination::new(
        sa("10.0.0.1:8080"),
        DestConfig::new(ForwardMethod::Masq)
            .with_weight(Weight::from(3u16))
            .with_thresholds(50, 5),
    );
    let two = Destination::new(
        sa("10.0.0.2:80"),
        DestConfig::default().with_weight(Weight::ZERO),
    );
    let gue = Destination::new(
        sa("10.0.0.3:80"),
        DestConfig::new(ForwardMethod::Tunnel).with_tunnel(
            TunnelType::Gue,
            6080,
            TunnelFlags::NOCSUM,
        ),
    );
    let far = Destination::new(
        sa("[2001:db8::3]:80"),
        DestConfig::new(ForwardMethod::Tunnel),
    );
    let mut ops = Vec::new();
    for k in [plain, tunnel, mixed, v6, fwm] {
        ops.push(Change::AddService(Service::new(k)));
    }
    ops.push(Change::AddDestination(plain, one.spec()));
    ops.push(Change::AddDestination(plain, two.spec()));
    ops.push(Change::AddDestination(fwm, two.spec()));
    ops.push(Change::AddDestination(tunnel, gue.spec()));
    ops.push(Change::AddDestination(mixed, one.spec()));
    ops.push(Change::AddDestination(mixed, far.spec()));
    ops.push(Change::add_destination(
        v6,
        sa("[2001:db8::2]:80"),
        DestConfig::default(),
    ));
    for r in ipvs.apply_batch(&ops).unwrap() {
        r.unwrap();
    }

    let mut s = Sockopt::open().unwrap();
    // GET_INFO counts the IPv4 services (4 of the 5).
    assert_eq!(
        s.dest_counts(3).unwrap(),
        None,
        "4 services, at most 3 asked"
    );
    assert!(s.dest_counts(4).unwrap().is_some());
    let counts = s.dest_counts(usize::MAX).unwrap().expect("all counted");
    assert_eq!(counts.0.len(), 4, "{counts:?}");
    assert_eq!(counts.get(&plain), Some(2));
    assert_eq!(counts.get(&mixed), Some(2));
    assert_eq!(counts.get(&tunnel), Some(1));
    assert_eq!(counts.get(&fwm), Some(1));
    assert_eq!(counts.get(&v6), None);
    let whole = vec![two.clone(), one.clone()];
    assert_eq!(s.destinations_counted(&plain, 2).unwrap(), Some(whole));
    // A count out of date either way is not whole.
    assert_eq!(s.destinations_counted(&plain, 1).unwrap(), None);
    assert_eq!(s.destinations_counted(&plain, 3).unwrap(), None);
    assert_eq!(s.destinations_counted(&mixed, 2).unwrap(), None);
    assert_eq!(s.destinations_counted(&tunnel, 1).unwrap(), None);
    let got = s.destinations(&plain).unwrap().expect("answered");
    // The kernel lists the newest first.
    assert_eq!(got, vec![two.clone(), one]);
    assert_eq!(s.destinations(&fwm).unwrap(), Some(vec![two]));
    assert_eq!(s.destinations(&tunnel).unwrap(), None);
    assert_eq!(s.destinations(&mixed).unwrap(), None);
    assert_eq!(s.destinations(&v6).unwrap(), None);
    let missing = ServiceKey::udp(sa("192.0.2.1:80"));
    assert_eq!(s.destinations(&missing).unwrap(), Some(vec![]));
}

#[test]
fn entries_are_read_in_the_kernels_byte_orders() {
    let mut e = vec![0u8; dest::SIZE];
    put(&mut e, dest::ADDR, &[10, 0, 0, 7]);
    put(&mut e, dest::PORT, &8080u16.to_be_bytes());
    put(&mut e, dest::CONN_FLAGS, &0x0100u32.to_ne_bytes()); // MASQ + a non-method bit
    put(&mut e, dest::WEIGHT, &5i32.to_ne_bytes());
    put(&mut e, dest::U_THRESHOLD, &100u32.to_ne_bytes());
    put(&mut e, dest::L_THRESHOLD, &10u32.to_ne_bytes());
    put(&mut e, dest::ACTIVE, &3u32.to_ne_bytes());
    put(&mut e, dest::INACTIVE, &4u32.to_ne_bytes());
    put(&mut e, dest::PERSIST, &2u32.to_ne_bytes());
    let got = parse_dests(&e, 1).unwrap();
    let mut want = Destination::new(
        "10.0.0.7:8080".parse().unwrap(),
        DestConfig::new(ForwardMethod::Masq)
            .with_weight(Weight::from(5u16))
            .with_thresholds(100, 10),
    );
    want.status.active_conns = 3;
    want.status.inactive_conns = 4;
    want.status.persist_conns = 2;
    assert_eq!(got, vec![want]);
    // Room for two, one filled: the other was of another family.
    e.resize(2 * dest::SIZE, 0);
    assert_eq!(parse_dests(&e, 2), None);
    // A tunnel: not whole here.
    put(&mut e, dest::CONN_FLAGS, &2u32.to_ne_bytes());
    assert_eq!(parse_dests(&e[..dest::SIZE], 1), None);
}

#[test]
fn service_entries_are_read_in_the_kernels_byte_orders() {
    let entry = |protocol: u16, addr: [u8; 4], port: u16, mark: u32, dests: u32| {
        let mut e = vec![0u8; svc::SIZE];
        put(&mut e, svc::PROTOCOL, &protocol.to_ne_bytes());
        put(&mut e, svc::ADDR, &addr);
        put(&mut e, svc::PORT, &port.to_be_bytes());
        put(&mut e, svc::FWMARK, &mark.to_ne_bytes());
        put(&mut e, svc::NUM_DESTS, &dests.to_ne_bytes());
        e
    };
    let mut t = entry(17, [192, 0, 2, 9], 53, 0, 4);
    // A fwmark service: the kernel keeps a protocol (TCP) beside it.
    t.extend(entry(6, [0; 4], 0, 77, 0));
    t.extend(entry(132, [192, 0, 2, 1], 9, 0, 2));
    t.resize(5 * svc::SIZE, 0);
    let c = parse_services(&t, 5).unwrap();
    let udp = ServiceKey::udp("192.0.2.9:53".parse().unwrap());
    let fwm = ServiceKey::Fwmark {
        mark: 77,
        family: Family::Inet,
    };
    let sctp = ServiceKey::Addr {
        protocol: crate::Protocol::Sctp,
        addr: "192.0.2.1".parse().unwrap(),
        port: 9,
    };
    assert_eq!(c.get(&udp), Some(4));
    assert_eq!(c.get(&fwm), Some(0));
    assert_eq!(c.get(&sctp), Some(2));
    assert_eq!(
        c.get(&ServiceKey::tcp("192.0.2.9:53".parse().unwrap())),
        None
    );
    assert_eq!(c.0.len(), 3);
    // Every entry filled: there may be more than the room.
    assert_eq!(parse_services(&t[..3 * svc::SIZE], 3), None);
    assert_eq!(parse_services(&[], 0), None);
    assert_eq!(parse_services(&[0; svc::SIZE], 1), Some(DestCounts(vec![])));
}

#[test]
fn a_count_out_of_date_is_not_whole() {
    let entry = |last: u8| {
        let mut e = vec![0u8; dest::SIZE];
        put(&mut e, dest::ADDR, &[10, 0, 0, last]);
        put(&mut e, dest::PORT, &80u16.to_be_bytes());
        e
    };
    // Counted 2, room for 3: all 3 filled means one came since.
    let mut t = entry(1);
    t.extend(entry(2));
    t.extend(entry(3));
    assert_eq!(parse_dests(&t, 2), None);
    assert_eq!(parse_dests(&t, 3).map(|d| d.len()), Some(3));
    // One filled: one went since (or is of the other family).
    let mut t = entry(1);
    t.resize(3 * dest::SIZE, 0);
    assert_eq!(parse_dests(&t, 2), None);
    assert_eq!(parse_dests(&t, 1).map(|d| d.len()), Some(1));
}

proptest::proptest! {
    #[test]
    fn any_services_answer_parses_without_panic(
        table in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..700),
        room in 0usize..8,
    ) {
        if let Some(c) = parse_services(&table, room) {
            proptest::prop_assert!(c.0.len() < room);
        }
    }

    #[test]
    fn any_answer_parses_without_panic(
        table in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
        n in 0usize..8,
    ) {
        if let Some(d) = parse_dests(&table, n) {
            proptest::prop_assert_eq!(d.len(), n);
        }
    }
}

#[test]
fn keys_it_cannot_name_are_left_to_netlink() {
    let mut b = vec![0u8; svc::SIZE];
    let v6 = ServiceKey::tcp("[2001:db8::1]:80".parse().unwrap());
    assert_eq!(put_key(&mut b, &v6), None);
    let fwm6 = ServiceKey::Fwmark {
        mark: 7,
        family: Family::Inet6,
    };
    assert_eq!(put_key(&mut b, &fwm6), None);
}
