//! The planner's rules, one test each, and property tests against the
//! kernel model of [`super::sim`].

use super::sim;
use super::*;
use crate::model::*;
use crate::Error;
use proptest::prelude::*;
use std::collections::HashSet;

fn sa(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

fn web() -> ServiceKey {
    ServiceKey::tcp(sa("192.0.2.1:80"))
}

fn w(n: u32) -> Weight {
    Weight::new(n).unwrap()
}

fn masq(n: u32) -> DestConfig {
    DestConfig::new(ForwardMethod::Masq).with_weight(w(n))
}

/// A live service as the kernel reports it (hashed bit set).
fn live_svc(key: ServiceKey, config: ServiceConfig, dests: &[(&str, DestConfig, u32)]) -> Service {
    let mut s = Service::new(key).with_config(config);
    s.kernel_flags = ServiceFlags::HASHED;
    s.destinations = dests
        .iter()
        .map(|(a, c, conns)| {
            let mut d = Destination::new(sa(a), *c);
            d.status.active_conns = *conns;
            d
        })
        .collect();
    s
}

fn want_svc(key: ServiceKey, config: ServiceConfig, dests: &[(&str, DestConfig)]) -> ServiceSpec {
    let mut s = ServiceSpec::new(key).with_config(config);
    s.destinations = dests
        .iter()
        .map(|(a, c)| DestSpec::new(sa(a), *c))
        .collect();
    s
}

fn desired(services: Vec<ServiceSpec>) -> DesiredState {
    DesiredState {
        services,
        ..DesiredState::default()
    }
}

fn snap(services: Vec<Service>) -> Snapshot {
    Snapshot {
        services,
        timeouts: Timeouts {
            tcp: 900,
            tcp_fin: 120,
            udp: 300,
        },
        daemons: Vec::new(),
    }
}

fn actions(p: &Plan) -> Vec<(Action, Object)> {
    p.steps.iter().map(|s| (s.action, s.object())).collect()
}

fn cfg() -> ServiceConfig {
    ServiceConfig::new(Family::Inet)
}

#[test]
fn a_snapshot_as_desired_state_plans_nothing() {
    let live = snap(vec![live_svc(
        web(),
        cfg().with_scheduler(Scheduler::Rr).with_persistence(60),
        &[("10.0.0.1:80", masq(3), 7), ("10.0.0.2:80", masq(0), 0)],
    )]);
    let p = plan(&live.to_desired(), &live, &Options::default()).unwrap();
    assert!(p.is_empty(), "{p:?}");
    assert!(p.notes.is_empty());
}

#[test]
fn service_fields_are_edited_in_place() {
    let live = snap(vec![live_svc(web(), cfg(), &[("10.0.0.1:80", masq(1), 0)])]);
    let new = cfg()
        .with_scheduler(Scheduler::Sh)
        .with_flags(ServiceFlags::SCHED1)
        .with_persistence(300)
        .with_netmask(Netmask::V4("255.255.255.0".parse().unwrap()))
        .with_pe("sip");
    let p = plan(
        &desired(vec![want_svc(
            web(),
            new.clone(),
            &[("10.0.0.1:80", masq(1))],
        )]),
        &live,
        &Options::default(),
    )
    .unwrap();
    assert_eq!(actions(&p), [(Action::Edit, Object::Service)]);
    match &p.steps[0].change {
        Change::EditService(s) => assert_eq!(s.config, new),
        c => panic!("{c:?}"),
    }
    // Removing persistence and the engine is an edit too.
    let live = snap(vec![live_svc(web(), new, &[])]);
    let p = plan(
        &desired(vec![want_svc(web(), cfg(), &[])]),
        &live,
        &Options::default(),
    )
    .unwrap();
    assert_eq!(actions(&p), [(Action::Edit, Object::Service)]);
}

#[test]
fn destination_fields_are_edited_in_place() {
    let live = snap(vec![live_svc(web(), cfg(), &[("10.0.0.1:80", masq(1), 0)])]);
    for c in [
        masq(5),
        masq(1).with_thresholds(100, 10),
        DestConfig::new(ForwardMethod::Route),
        DestConfig::default().with_tunnel(TunnelType::Gue, 6080, TunnelFlags::CSUM),
    ] {
        let p = plan(
            &desired(vec![want_svc(web(), cfg(), &[("10.0.0.1:80", c)])]),
            &live,
            &Options::default(),
        )
        .unwrap();
        assert_eq!(actions(&p), [(Action::Edit, Object::Destination)], "{c:?}");
        assert_eq!(p.steps[0].before, Some(Before::Destination(masq(1))));
    }
}

#[test]
fn the_hashed_bit_is_never_a_difference() {
    let live = snap(vec![live_svc(web(), cfg(), &[])]);
    assert_eq!(live.services[0].kernel_flags, ServiceFlags::HASHED);
    let p = plan(
        &desired(vec![want_svc(web(), cfg(), &[])]),
        &live,
        &Options::default(),
    )
    .unwrap();
    assert!(p.is_empty());
}

#[test]
fn tunnel_fields_count_only_for_tunnels() {
    let mut odd = masq(1);
    odd.tunnel = Tunnel {
        kind: TunnelType::Gue,
        port: 9,
        flags: TunnelFlags::CSUM,
    };
    let live = snap(vec![live_svc(web(), cfg(), &[("10.0.0.1:80", odd, 0)])]);
    let p = plan(
        &desired(vec![want_svc(web(), cfg(), &[("10.0.0.1:80", masq(1))])]),
        &live,
        &Options::default(),
    )
    .unwrap();
    assert!(p.is_empty(), "{p:?}");
}

#[test]
fn an_identity_change_adds_the_new_then_deletes_the_old() {
    let live = snap(vec![live_svc(web(), cfg(), &[("10.0.0.1:80", masq(1), 0)])]);
    let p = plan(
        &desired(vec![want_svc(web(), cfg(), &[("10.0.0.1:8080", masq(1))])]),
        &live,
        &Options::default(),
    )
    .unwrap();
    assert_eq!(
        p.changes(),
        [
            Change::add_destination(web(), sa("10.0.0.1:8080"), masq(1)),
            Change::DeleteDestination(web(), sa("10.0.0.1:80")),
        ]
    );
    // A service's new identity: the old one goes only when pruning.
    let other = ServiceKey::tcp(sa("192.0.2.1:443"));
    let want = desired(vec![want_svc(other, cfg(), &[("10.0.0.1:80", masq(1))])]);
    let p = plan(&want, &live, &Options::default()).unwrap();
    assert_eq!(
        actions(&p),
        [
            (Action::Add, Object::Service),
            (Action::Add, Object::Destination)
        ]
    );
    let p = plan(
        &want,
        &live,
        &Options {
            prune: true,
            drain: false,
        },
    )
    .unwrap();
    assert_eq!(
        actions(&p),
        [
            (Action::Add, Object::Service),
            (Action::Add, Object::Destination),
            (Action::Delete, Object::Service)
        ]
    );
}

#[test]
fn new_destinations_follow_their_service_and_raises_come_before_cuts() {
    let a = ServiceKey::tcp(sa("192.0.2.1:80"));
    let b = ServiceKey::tcp(sa("192.0.2.2:80"));
    let live = snap(vec![live_svc(
        a,
        cfg(),
        &[("10.0.0.1:80", masq(5), 0), ("10.0.0.2:80", masq(1), 0)],
    )]);
    let want = desired(vec![
        want_svc(
            a,
            cfg(),
            &[
                ("10.0.0.1:80", masq(1)),
                ("10.0.0.2:80", masq(9)),
                ("10.0.0.3:80", masq(2)),
            ],
        ),
        want_svc(b, cfg(), &[("10.0.1.1:80", masq(1))]),
    ]);
    let p = plan(&want, &live, &Options::default()).unwrap();
    let c = p.changes();
    assert_eq!(
        c,
        [
            Change::edit_destination(a, sa("10.0.0.2:80"), masq(9)),
            Change::add_destination(a, sa("10.0.0.3:80"), masq(2)),
            Change::AddService(Service::new(b)),
            Change::add_destination(b, sa("10.0.1.1:80"), masq(1)),
            Change::edit_destination(a, sa("10.0.0.1:80"), masq(1)),
        ]
    );
}

#[test]
fn unowned_services_are_left_alone_unless_pruning() {
    let other = ServiceKey::udp(sa("192.0.2.9:53"));
    let live = snap(vec![
        live_svc(web(), cfg(), &[]),
        live_svc(other, cfg(), &[("10.0.0.1:53", masq(1), 0)]),
    ]);
    let want = desired(vec![want_svc(web(), cfg(), &[])]);
    assert!(plan(&want, &live, &Options::default()).unwrap().is_empty());
    let p = plan(
        &want,
        &live,
        &Options {
            prune: true,
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(p.changes(), [Change::DeleteService(other)]);
}

#[test]
fn drains_set_weight_zero_and_wait_for_connections() {
    let live = snap(vec![live_svc(
        web(),
        cfg(),
        &[
            ("10.0.0.1:80", masq(1), 0),
            ("10.0.0.2:80", masq(4), 3),
            ("10.0.0.3:80", masq(0), 2),
            ("10.0.0.4:80", masq(2), 0),
        ],
    )]);
    let want = desired(vec![want_svc(web(), cfg(), &[("10.0.0.1:80", masq(1))])]);
    let drain = Options {
        drain: true,
        ..Options::default()
    };
    let p = plan(&want, &live, &drain).unwrap();
    assert_eq!(
        p.changes(),
        [
            Change::edit_destination(web(), sa("10.0.0.2:80"), masq(0)),
            Change::DeleteDestination(web(), sa("10.0.0.4:80")),
        ]
    );
    assert_eq!(p.steps[0].action, Action::Drain);
    let pend: Vec<(SocketAddr, u64)> = p.pending.iter().map(|x| (x.dests[0], x.conns)).collect();
    assert_eq!(pend, [(sa("10.0.0.2:80"), 3), (sa("10.0.0.3:80"), 2)]);
    // Without drain: deleted at once.
    let p = plan(&want, &live, &Options::default()).unwrap();
    assert_eq!(p.steps.len(), 3);
    assert!(p.pending.is_empty());
    assert!(p.steps.iter().all(|s| s.action == Action::Delete));
}

#[test]
fn a_zero_timeout_is_reported_not_sent() {
    let live = snap(vec![]);
    let mut want = desired(vec![]);
    want.timeouts = Some(Timeouts {
        tcp: 0,
        tcp_fin: 60,
        udp: 300,
    });
    let p = plan(&want, &live, &Options::default()).unwrap();
    assert_eq!(
        p.changes(),
        [Change::SetTimeouts(Timeouts {
            tcp: 0,
            tcp_fin: 60,
            udp: 0
        })]
    );
    assert_eq!(p.notes.len(), 1);
    assert!(p.notes[0].contains("timeouts.tcp"), "{:?}", p.notes);
}

#[test]
fn daemons_are_stopped_first_and_started_last() {
    let v6 = ServiceKey::tcp(sa("[2001:db8::1]:80"));
    let master = Daemon::new(DaemonState::Master, "eth0").with_sync_id(1);
    let mut live = snap(vec![]);
    live.daemons = vec![Daemon {
        sync_maxlen: Some(1472),
        mcast_port: Some(8848),
        ..master.clone()
    }];
    // Same daemon (unset fields are the kernel's choice): nothing.
    let mut want = desired(vec![]);
    want.daemons = Some(vec![master.clone()]);
    assert!(plan(&want, &live, &Options::default()).unwrap().is_empty());
    // A changed one is stopped and started, around the services.
    want.daemons = Some(vec![master.clone().with_sync_id(2)]);
    want.services = vec![want_svc(v6, ServiceConfig::new(Family::Inet6), &[])];
    let p = plan(&want, &live, &Options::default()).unwrap();
    assert_eq!(
        actions(&p),
        [
            (Action::Delete, Object::Daemon),
            (Action::Add, Object::Service),
            (Action::Add, Object::Daemon)
        ]
    );
    // Daemons beside destinations of the other family cannot be.
    want.services = vec![want_svc(
        v6,
        ServiceConfig::new(Family::Inet6),
        &[(
            "10.0.0.1:80",
            DestConfig::default().with_tunnel(TunnelType::Ipip, 0, TunnelFlags::NOCSUM),
        )],
    )];
    let e = plan(&want, &live, &Options::default()).unwrap_err();
    assert_eq!(e.code(), "invalid_document");
    // An unmanaged daemon list leaves them running.
    want.daemons = None;
    want.services.clear();
    assert!(plan(&want, &live, &Options::default()).unwrap().is_empty());
}

#[test]
fn invalid_desired_states_are_refused_before_anything() {
    let live = snap(vec![]);
    for (s, path) in [
        (
            want_svc(
                web(),
                cfg(),
                &[("10.0.0.1:80", masq(1).with_thresholds(0, 5))],
            ),
            "services[0].destinations[0].lower_threshold",
        ),
        (
            want_svc(web(), cfg(), &[("[2001:db8::1]:80", masq(1))]),
            "services[0].destinations[0].address",
        ),
        (
            want_svc(
                web(),
                cfg(),
                &[("10.0.0.1:80", masq(1)), ("10.0.0.1:80", masq(2))],
            ),
            "services[0].destinations[1]",
        ),
        (
            want_svc(ServiceKey::fwmark(0), cfg(), &[]),
            "services[0].fwmark",
        ),
    ] {
        match plan(&desired(vec![s]), &live, &Options::default()) {
            Err(Error::InvalidDocument { path: p, .. }) => assert_eq!(p, path),
            r => panic!("{path}: {r:?}"),
        }
    }
    let e = plan(
        &desired(vec![
            want_svc(web(), cfg(), &[]),
            want_svc(web(), cfg(), &[]),
        ]),
        &live,
        &Options::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("duplicate service"), "{e}");
}

// ---- property tests --------------------------------------------------------

fn keys() -> Vec<ServiceKey> {
    vec![
        ServiceKey::tcp(sa("10.0.0.1:80")),
        ServiceKey::tcp(sa("10.0.0.1:81")),
        ServiceKey::udp(sa("10.0.0.1:53")),
        ServiceKey::fwmark(1),
        ServiceKey::Fwmark {
            mark: 1,
            family: Family::Inet6,
        },
        ServiceKey::tcp(sa("[fd00::1]:80")),
    ]
}

fn any_dest_config() -> impl Strategy<Value = DestConfig> {
    (0usize..4, 0u32..4, 0u32..3, any::<bool>()).prop_map(|(f, weight, u, gue)| {
        let c = match f {
            0 => DestConfig::new(ForwardMethod::Masq),
            1 => DestConfig::new(ForwardMethod::Route),
            2 => DestConfig::new(ForwardMethod::Local),
            _ if gue => DestConfig::default().with_tunnel(TunnelType::Gue, 6080, TunnelFlags::CSUM),
            _ => DestConfig::default().with_tunnel(TunnelType::Ipip, 0, TunnelFlags::NOCSUM),
        };
        c.with_weight(w(weight)).with_thresholds(u * 10, u * 5)
    })
}

fn any_service_config(fam: Family) -> impl Strategy<Value = ServiceConfig> {
    (0usize..3, any::<bool>(), 0u32..3).prop_map(move |(s, p, t)| {
        let c = ServiceConfig::new(fam)
            .with_scheduler([Scheduler::Wlc, Scheduler::Rr, Scheduler::Sh][s].clone());
        if p {
            c.with_persistence(60 * (t + 1))
        } else {
            c
        }
    })
}

/// Up to 5 destinations among 6 addresses (two of the other family for
/// IPv4 services and one for IPv6 ones: tunnels only, when `mixed`).
fn any_dests(
    fam: Family,
    mixed: bool,
) -> impl Strategy<Value = Vec<(SocketAddr, DestConfig, u32)>> {
    let addrs = [
        "10.1.0.1:80",
        "10.1.0.2:80",
        "10.1.0.3:80",
        "[fd01::1]:80",
        "[fd01::2]:80",
        "10.1.0.4:8080",
    ];
    proptest::collection::vec((0usize..6, any_dest_config(), 0u32..3), 0..5).prop_map(move |v| {
        let mut seen = HashSet::new();
        v.into_iter()
            .filter_map(|(i, mut c, conns)| {
                let a: SocketAddr = addrs[i].parse().ok()?;
                if Family::of(&a.ip()) != fam {
                    if !mixed {
                        return None;
                    }
                    c = c.with_tunnel(TunnelType::Ipip, 0, TunnelFlags::NOCSUM);
                }
                seen.insert(a).then_some((a, c, conns))
            })
            .collect()
    })
}

/// Services with their destinations and each destination's connections.
type Table = Vec<(
    ServiceKey,
    ServiceConfig,
    Vec<(SocketAddr, DestConfig, u32)>,
)>;

fn any_table(mixed: bool) -> impl Strategy<Value = Table> {
    proptest::sample::subsequence(keys(), 0..=6).prop_flat_map(move |ks| {
        ks.into_iter()
            .map(|k| {
                let fam = k.family();
                (Just(k), any_service_config(fam), any_dests(fam, mixed))
            })
            .collect::<Vec<_>>()
    })
}

fn any_daemons() -> impl Strategy<Value = Vec<Daemon>> {
    proptest::collection::vec((any::<bool>(), 0u32..3), 0..3).prop_map(|v| {
        let mut out: Vec<Daemon> = Vec::new();
        for (master, id) in v {
            let state = if master {
                DaemonState::Master
            } else {
                DaemonState::Backup
            };
            if out.iter().all(|d| d.state != state) {
                out.push(Daemon::new(state, "lo").with_sync_id(id));
            }
        }
        out
    })
}

prop_compose! {
    fn any_case()(
        mixed in any::<bool>(),
    )(
        live in any_table(mixed),
        want in any_table(mixed),
        live_daemons in any_daemons(),
        want_daemons in proptest::option::of(any_daemons()),
        timeouts in proptest::option::of((0u32..3, 0u32..3, 0u32..3)),
        mixed in Just(mixed),
    ) -> (Snapshot, DesiredState) {
        let mut live = Snapshot {
            services: live
                .into_iter()
                .map(|(k, c, ds)| {
                    let mut s = Service::new(k).with_config(c);
                    s.kernel_flags = ServiceFlags::HASHED;
                    s.destinations = ds
                        .into_iter()
                        .map(|(a, c, conns)| {
                            let mut d = Destination::new(a, c);
                            d.status.inactive_conns = conns;
                            d
                        })
                        .collect();
                    s
                })
                .collect(),
            timeouts: Timeouts { tcp: 900, tcp_fin: 120, udp: 300 },
            daemons: if mixed { Vec::new() } else { live_daemons },
        };
        for s in &mut live.services {
            s.config.flags -= ServiceFlags::KERNEL;
        }
        let want = DesiredState {
            services: want
                .into_iter()
                .map(|(k, c, ds)| ServiceSpec {
                    key: k,
                    config: c,
                    destinations: ds.into_iter().map(|(a, c, _)| DestSpec::new(a, c)).collect(),
                })
                .collect(),
            timeouts: timeouts.map(|(a, b, c)| Timeouts { tcp: a * 100, tcp_fin: b * 60, udp: c * 100 }),
            daemons: if mixed { None } else { want_daemons },
        };
        (live, want)
    }
}

fn total_weight(t: &Snapshot, k: &ServiceKey) -> Option<u64> {
    t.service(k).map(|s| {
        s.destinations
            .iter()
            .map(|d| u64::from(d.config.weight.get()))
            .sum()
    })
}

/// The table `t` is `want` for every owned service, and `live` elsewhere
/// (or pruned).
fn check_converged(
    t: &Snapshot,
    live: &Snapshot,
    want: &DesiredState,
    opts: &Options,
) -> Result<(), TestCaseError> {
    for s in &want.services {
        let got = t.service(&s.key);
        prop_assert!(got.is_some(), "{} missing", s.key);
        let got = got.unwrap();
        prop_assert_eq!(&got.config, &s.config);
        let mut a: Vec<(SocketAddr, DestConfig)> = got
            .destinations
            .iter()
            .map(|d| (d.addr, d.config))
            .collect();
        let mut b: Vec<(SocketAddr, DestConfig)> =
            s.destinations.iter().map(|d| (d.addr, d.config)).collect();
        a.sort_by_key(|x| x.0);
        b.sort_by_key(|x| x.0);
        prop_assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            prop_assert_eq!(x.0, y.0);
            prop_assert!(
                super::planner::same_dest_config(&y.1, &x.1),
                "{:?} vs {:?}",
                x,
                y
            );
        }
    }
    let named: HashSet<ServiceKey> = want.services.iter().map(|s| s.key).collect();
    for l in live.services.iter().filter(|l| !named.contains(&l.key)) {
        if opts.prune {
            prop_assert!(t.service(&l.key).is_none(), "{} not pruned", l.key);
        } else {
            prop_assert_eq!(t.service(&l.key).map(Service::spec), Some(l.spec()));
        }
    }
    if let Some(d) = &want.daemons {
        prop_assert_eq!(t.daemons.len(), d.len());
    }
    Ok(())
}

/// The configuration of a table, in its order.
fn configs(t: &Snapshot) -> Vec<(Service, Vec<(SocketAddr, DestConfig)>)> {
    t.services
        .iter()
        .map(|s| {
            let mut bare = Service::new(s.key).with_config(s.config.clone());
            bare.kernel_flags = s.kernel_flags;
            (
                bare,
                s.destinations.iter().map(|d| (d.addr, d.config)).collect(),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Applying the plan step by step to a model of the kernel: every
    /// change is accepted, a live owned service with a desired weight
    /// above 0 never has total weight 0 in between, the result is the
    /// desired state, and planning again finds nothing.
    #[test]
    fn plans_converge_without_a_zero_weight_gap(
        (live, want) in any_case(),
        prune in any::<bool>(),
        drain in any::<bool>(),
    ) {
        let opts = Options { prune, drain };
        let p = plan(&want, &live, &opts).unwrap();
        let guarded: Vec<ServiceKey> = want
            .services
            .iter()
            .filter(|s| live.service(&s.key).is_some())
            .filter(|s| s.destinations.iter().any(|d| !d.config.weight.is_zero()))
            .filter(|s| total_weight(&live, &s.key).unwrap_or(0) > 0)
            .map(|s| s.key)
            .collect();
        let mut t = live.clone();
        // A copy kept in step by `Snapshot::record` alone.
        let mut kept = live.clone();
        for s in &p.steps {
            let r = sim::apply(&mut t, &s.change);
            prop_assert!(r.is_ok(), "{:?} refused: {:?}\nplan {:#?}", s.change, r, p.steps);
            kept.record(&s.change);
            prop_assert_eq!(configs(&kept), configs(&t), "after {:?}", s.change);
            for k in &guarded {
                prop_assert!(total_weight(&t, k).unwrap_or(0) > 0, "{} at weight 0 after {:?}", k, s.change);
            }
        }
        // The drains end: the pending removals go through.
        sim::quiet(&mut t);
        for x in &p.pending {
            let r = sim::apply(&mut t, &x.change);
            prop_assert!(r.is_ok(), "{:?} refused: {:?}", x.change, r);
        }
        check_converged(&t, &live, &want, &opts)?;
        let again = plan(&want, &t, &opts).unwrap();
        prop_assert!(again.is_empty(), "second plan not empty: {:#?}", again);
    }

    /// A table saved as a desired state plans nothing, whatever it holds.
    #[test]
    fn a_saved_table_plans_nothing((live, _) in any_case(), prune in any::<bool>(), drain in any::<bool>()) {
        let p = plan(&live.to_desired(), &live, &Options { prune, drain }).unwrap();
        prop_assert!(p.is_empty(), "{:#?}", p);
    }
}
