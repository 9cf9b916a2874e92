//! Property tests: encode -> decode round trips for services, destinations
//! and daemons (IPv4, IPv6, mixed families, tunnels, 64-bit counters), and
//! arbitrary bytes through every decoder without a panic.

use crate::model::*;
use crate::netlink::attr::{AttrWriter, Attrs};
use crate::netlink::codec::{self, SvcFields};
use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

fn any_ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|b| IpAddr::V4(Ipv4Addr::from(b))),
        any::<[u8; 16]>().prop_map(|b| IpAddr::V6(Ipv6Addr::from(b))),
    ]
}

fn any_key() -> impl Strategy<Value = ServiceKey> {
    prop_oneof![
        (any::<u16>(), any_ip(), any::<u16>()).prop_map(|(p, addr, port)| ServiceKey::Addr {
            protocol: Protocol::from_raw(p),
            addr,
            port,
        }),
        (
            any::<u32>(),
            prop_oneof![Just(2u16), Just(10u16), any::<u16>()]
        )
            .prop_map(|(mark, f)| ServiceKey::Fwmark {
                mark,
                family: Family::from_raw(f),
            }),
    ]
}

fn any_stats() -> impl Strategy<Value = Stats> {
    any::<[u64; 10]>().prop_map(|v| Stats {
        conns: v[0],
        inpkts: v[1],
        outpkts: v[2],
        inbytes: v[3],
        outbytes: v[4],
        cps: v[5],
        inpps: v[6],
        outpps: v[7],
        inbps: v[8],
        outbps: v[9],
    })
}

fn any_name() -> impl Strategy<Value = String> {
    "[a-z0-9_-]{0,15}"
}

prop_compose! {
    fn any_service()(
        key in any_key(),
        sched in any_name(),
        pe in proptest::option::of("[a-z]{1,15}"),
        flags in any::<u32>(),
        timeout in any::<u32>(),
        mask in any::<u32>(),
        stats in any_stats(),
    ) -> Service {
        let netmask = match key.family() {
            Family::Inet6 => Netmask::V6Prefix(mask),
            _ => Netmask::V4(Ipv4Addr::from(mask)),
        };
        let flags = ServiceFlags::from_bits_retain(flags);
        Service {
            key,
            config: ServiceConfig {
                scheduler: Scheduler::from_name(&sched),
                flags: flags - ServiceFlags::KERNEL,
                timeout,
                netmask,
                pe_name: pe,
            },
            kernel_flags: flags & ServiceFlags::KERNEL,
            stats,
            destinations: Vec::new(),
            unknown: Vec::new(),
        }
    }
}

prop_compose! {
    fn any_dest()(
        addr in any_ip(),
        port in any::<u16>(),
        fwd in 0u32..8,
        weight in 0..=i32::MAX as u32,
        u in any::<u32>(),
        l in any::<u32>(),
        tt in any::<u8>(),
        tp in any::<u16>(),
        tf in any::<u16>(),
        conns in any::<[u32; 3]>(),
        stats in any_stats(),
    ) -> Destination {
        Destination {
            addr: std::net::SocketAddr::new(addr, port),
            config: DestConfig {
                forward: ForwardMethod::from_raw(fwd),
                weight: Weight::new(weight).unwrap_or(Weight::ZERO),
                upper_threshold: u,
                lower_threshold: l,
                tunnel: Tunnel {
                    kind: TunnelType::from_raw(tt),
                    port: tp,
                    flags: TunnelFlags::from_bits_retain(tf),
                },
            },
            status: DestStatus {
                active_conns: conns[0],
                inactive_conns: conns[1],
                persist_conns: conns[2],
                stats,
            },
            unknown: Vec::new(),
        }
    }
}

prop_compose! {
    fn any_daemon()(
        state in any::<u32>(),
        ifn in any_name(),
        sync_id in any::<u32>(),
        maxlen in proptest::option::of(1u16..),
        group in proptest::option::of(any_ip()),
        port in proptest::option::of(1u16..),
        ttl in proptest::option::of(1u8..),
    ) -> Daemon {
        Daemon {
            state: DaemonState::from_raw(state),
            mcast_ifn: ifn,
            sync_id,
            sync_maxlen: maxlen,
            mcast_group: group,
            mcast_port: port,
            mcast_ttl: ttl,
        }
    }
}

/// A stats nest as the kernel writes it: u32 counters in `STATS` (10),
/// u64 counters in `STATS64` (12).
fn put_stats(w: &mut AttrWriter, ty: u16, s: &Stats, wide: bool) {
    let n = w.begin_nest(ty);
    let v = [
        s.conns, s.inpkts, s.outpkts, s.inbytes, s.outbytes, s.cps, s.inpps, s.outpps, s.inbps,
        s.outbps,
    ];
    for (i, x) in v.iter().enumerate() {
        let id = i as u16 + 1;
        // In the 32-bit nest only the byte counters (4, 5) are 64-bit.
        if wide || id == 4 || id == 5 {
            w.u64(id, *x);
        } else {
            w.u32(id, *x as u32);
        }
    }
    w.end_nest(n);
}

/// The stats a 32-bit `STATS` nest can carry.
fn narrow(s: &Stats) -> Stats {
    let t = |x: u64| u64::from(x as u32);
    Stats {
        conns: t(s.conns),
        inpkts: t(s.inpkts),
        outpkts: t(s.outpkts),
        cps: t(s.cps),
        inpps: t(s.inpps),
        outpps: t(s.outpps),
        inbps: t(s.inbps),
        outbps: t(s.outbps),
        ..*s
    }
}

/// A kernel-style service reply: the request nest plus stats.
fn service_reply(s: &Service, with64: bool) -> Vec<u8> {
    let mut w = AttrWriter::new();
    let mut inner = AttrWriter::new();
    let mut f = SvcFields::of(&s.key, &s.config);
    f.flags = s.all_flags().bits(); // the kernel reports its own bits too
    f.kept = &s.unknown;
    codec::put_service(&mut inner, &f);
    // Reopen the nest to append stats: rebuild from its attributes.
    let nest_bytes = inner.into_vec();
    let n = w.begin_nest(1);
    let attrs = Attrs::new(&nest_bytes).next().unwrap().unwrap();
    for a in attrs.nested() {
        let a = a.unwrap();
        w.bytes(a.ty, a.payload);
    }
    put_stats(&mut w, 10, &s.stats, false);
    if with64 {
        put_stats(&mut w, 12, &s.stats, true);
    }
    w.end_nest(n);
    w.into_vec()
}

/// A kernel-style destination reply: the request nest plus counters and
/// stats, optionally without `ADDR_FAMILY` (kernels before 3.18).
fn dest_reply(d: &Destination, with_af: bool, with64: bool) -> Vec<u8> {
    let mut inner = AttrWriter::new();
    codec::put_dest(&mut inner, &d.addr, &d.config, &d.unknown);
    let nest_bytes = inner.into_vec();
    let mut w = AttrWriter::new();
    let n = w.begin_nest(2);
    let attrs = Attrs::new(&nest_bytes).next().unwrap().unwrap();
    for a in attrs.nested() {
        let a = a.unwrap();
        if a.ty == 11 && !with_af {
            continue;
        }
        w.bytes(a.ty, a.payload);
    }
    w.u32(7, d.status.active_conns);
    w.u32(8, d.status.inactive_conns);
    w.u32(9, d.status.persist_conns);
    put_stats(&mut w, 10, &d.status.stats, false);
    if with64 {
        put_stats(&mut w, 12, &d.status.stats, true);
    }
    w.end_nest(n);
    w.into_vec()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn service_round_trips(s in any_service(), with64 in any::<bool>()) {
        let bytes = service_reply(&s, with64);
        let got = codec::decode_service_msg(&bytes).unwrap();
        let mut want = s.clone();
        // An empty PE name is the same as none.
        want.config.pe_name = want.config.pe_name.filter(|p| !p.is_empty());
        if !with64 {
            want.stats = narrow(&s.stats);
        }
        prop_assert_eq!(got, want);
    }

    #[test]
    fn request_nest_decodes_to_the_same_service(s in any_service()) {
        let mut w = AttrWriter::new();
        codec::put_service(&mut w, &SvcFields::of(&s.key, &s.config));
        let got = codec::decode_service_msg(&w.into_vec()).unwrap();
        // The kernel's own bits are never sent.
        let want = Service { stats: Stats::default(), kernel_flags: ServiceFlags::empty(), ..s };
        prop_assert_eq!(got, want);
    }

    #[test]
    fn dest_round_trips(
        d in any_dest(),
        svc_v6 in any::<bool>(),
        with64 in any::<bool>(),
    ) {
        let svc_family = if svc_v6 { Family::Inet6 } else { Family::Inet };
        let bytes = dest_reply(&d, true, with64);
        let got = codec::decode_dest_msg(&bytes, svc_family).unwrap();
        let mut want = d.clone();
        if !with64 {
            want.status.stats = narrow(&d.status.stats);
        }
        prop_assert_eq!(got, want);
    }

    #[test]
    fn dest_without_af_takes_the_service_family(d in any_dest()) {
        let bytes = dest_reply(&d, false, true);
        let fam = d.family();
        let got = codec::decode_dest_msg(&bytes, fam).unwrap();
        prop_assert_eq!(got, d.clone());
        // Read with the other family, an IPv4 destination turns into an IPv6
        // address (and vice versa) rather than failing or panicking.
        let other = if fam == Family::Inet { Family::Inet6 } else { Family::Inet };
        let got = codec::decode_dest_msg(&bytes, other).unwrap();
        prop_assert_eq!(got.family(), other);
    }

    /// Attributes this crate does not know, read from the kernel, go back
    /// unchanged in an edit made from what was read (never in an add).
    #[test]
    fn unknown_attributes_go_back_in_edits(
        d in any_dest(),
        s in any_service(),
        extra in proptest::collection::vec((100u16..0x4000, proptest::collection::vec(any::<u8>(), 0..12)), 0..3),
        weight in 0u32..1000,
    ) {
        let unknown: Vec<UnknownAttr> = extra
            .into_iter()
            .map(|(kind, payload)| UnknownAttr { kind, payload })
            .collect();
        let live = Destination { unknown: unknown.clone(), ..d };
        let read = codec::decode_dest_msg(&dest_reply(&live, true, true), live.family()).unwrap();
        prop_assert_eq!(&read.unknown, &unknown);
        let mut c = read.config;
        c.weight = Weight::new(weight).unwrap();
        let key = s.key;
        let req = codec::encode_change(&Change::edit_destination_from(key, &read, c));
        let nest = codec::find_nest(&req.attrs, 2).unwrap().unwrap();
        let sent = codec::decode_dest(&nest, live.family()).unwrap();
        prop_assert_eq!(&sent.unknown, &unknown);
        prop_assert_eq!(sent.config, c);
        let add = codec::encode_change(&Change::AddDestination(key, read.spec()));
        let nest = codec::find_nest(&add.attrs, 2).unwrap().unwrap();
        prop_assert!(codec::decode_dest(&nest, live.family()).unwrap().unknown.is_empty());

        let live = Service { unknown: unknown.clone(), ..s };
        let read = codec::decode_service_msg(&service_reply(&live, true)).unwrap();
        prop_assert_eq!(&read.unknown, &unknown);
        let req = codec::encode_change(&Change::edit_service_from(&read, read.config.clone()));
        let sent = codec::decode_service_msg(&req.attrs).unwrap();
        prop_assert_eq!(&sent.unknown, &unknown);
    }

    #[test]
    fn daemon_round_trips(d in any_daemon()) {
        let mut w = AttrWriter::new();
        codec::put_daemon_new(&mut w, &d);
        let got = codec::decode_daemon_msg(&w.into_vec()).unwrap();
        prop_assert_eq!(got, d);
    }

    #[test]
    fn timeouts_round_trip(t in any::<[u32; 3]>()) {
        let t = Timeouts { tcp: t[0], tcp_fin: t[1], udp: t[2] };
        let mut w = AttrWriter::new();
        codec::put_timeouts(&mut w, &t);
        prop_assert_eq!(codec::decode_timeouts(&w.into_vec()).unwrap(), t);
    }

    /// Arbitrary bytes through every decoder: errors are fine, panics not.
    #[test]
    fn arbitrary_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..512)) {
        decode_everything(&b);
    }

    /// Valid replies with bytes flipped, cut short or extended.
    #[test]
    fn mutated_replies_never_panic(
        s in any_service(),
        d in any_dest(),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in any::<usize>(),
    ) {
        for mut b in [service_reply(&s, true), dest_reply(&d, true, true)] {
            for (i, v) in &flips {
                let n = b.len();
                b[i % n] ^= v;
            }
            let cut = cut % (b.len() + 1);
            decode_everything(&b[..cut]);
            decode_everything(&b);
        }
    }
}

/// Run `b` through every decoder.
fn decode_everything(b: &[u8]) {
    crate::netlink::fuzz_decode(b);
}
