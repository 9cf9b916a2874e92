//! The library's safe partial edits against the real kernel (inside the
//! VM): `set_weight`, `update_destination` and `update_service` change what
//! they are asked to and keep the rest (checked with ipvsadm), unknown
//! attributes sent back on an edit are accepted, and a snapshot plans
//! nothing.

mod common;

use rvsadm::reconcile::{plan, Options};
use rvsadm::{
    Change, DestConfig, DestSpec, Error, ForwardMethod, Ipvs, Netmask, Scheduler, Service,
    ServiceFlags, ServiceKey, UnknownAttr, Weight,
};

fn sa(s: &str) -> std::net::SocketAddr {
    s.parse().unwrap()
}

/// The words of the row of `rs` in `ipvsadm -Ln` and in
/// `ipvsadm -Ln --thresholds`: (forward, weight) and (upper, lower).
fn row(rs: &str) -> (Vec<String>, Vec<String>) {
    let words = |args: &[&str]| -> Vec<String> {
        let text = common::stdout_ok(&common::ipvsadm(args));
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("-> {rs}")))
            .unwrap_or_else(|| panic!("no row for {rs}:\n{text}"));
        line.split_whitespace()
            .skip(2)
            .take(2)
            .map(String::from)
            .collect()
    };
    (words(&["-Ln"]), words(&["-Ln", "--thresholds"]))
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn partial_edits_keep_what_they_do_not_touch() {
    let Some(_ns) = common::kernel_netns("partial_edits_keep_what_they_do_not_touch") else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    let key = ServiceKey::tcp(sa("192.0.2.1:80"));
    let svc = Service::new(key)
        .with_scheduler(Scheduler::Sh)
        .with_persistence(300)
        .with_netmask(Netmask::V4("255.255.255.0".parse().unwrap()))
        .with_flags(ServiceFlags::SCHED2);
    ipvs.add_service(&svc).unwrap();
    let rs = sa("10.0.0.1:80");
    let cfg = DestConfig::new(ForwardMethod::Masq)
        .with_weight(Weight::from(3u16))
        .with_thresholds(100, 10);
    ipvs.add_destination(&key, &DestSpec::new(rs, cfg)).unwrap();
    assert_eq!(
        row("10.0.0.1:80"),
        (strs(&["Masq", "3"]), strs(&["100", "10"]))
    );

    // Weight 0: still NAT, thresholds kept (a whole-entry edit with
    // ipvsadm's defaults would make it DR and clear them).
    ipvs.set_weight(&key, rs, Weight::ZERO).unwrap();
    let got = ipvs.destinations(&key).unwrap();
    assert_eq!(got[0].config, cfg.with_weight(Weight::ZERO));
    assert_eq!(
        row("10.0.0.1:80"),
        (strs(&["Masq", "0"]), strs(&["100", "10"]))
    );

    let now = ipvs
        .update_destination(&key, rs, |c| c.upper_threshold = 200)
        .unwrap();
    assert_eq!(now, cfg.with_weight(Weight::ZERO).with_thresholds(200, 10));
    assert_eq!(
        row("10.0.0.1:80"),
        (strs(&["Masq", "0"]), strs(&["200", "10"]))
    );

    // A service edit keeps persistence, netmask and flags.
    let c = ipvs
        .update_service(&key, |c| c.scheduler = Scheduler::Mh)
        .unwrap();
    assert_eq!(c, svc.config.clone().with_scheduler(Scheduler::Mh));
    let live = ipvs.service(&key).unwrap();
    assert_eq!(live.config, c);
    let saved = common::stdout_ok(&common::ipvsadm(&["-Sn"]));
    assert!(
        saved.starts_with("-A -t 192.0.2.1:80 -s mh -p 300 -M 255.255.255.0 -b mh-port\n"),
        "{saved}"
    );
    // Nothing to change: nothing sent, same answer.
    assert_eq!(ipvs.update_service(&key, |_| {}).unwrap(), c);

    // A destination that is not there.
    let e = ipvs
        .update_destination(&key, sa("10.0.0.9:80"), |c| c.weight = Weight::ONE)
        .unwrap_err();
    assert!(matches!(e, Error::NoSuchDestination { .. }), "{e:?}");
    let e = ipvs
        .set_weight(&ServiceKey::tcp(sa("192.0.2.9:80")), rs, Weight::ONE)
        .unwrap_err();
    assert_eq!(e.code(), "no_such_destination");

    // Attributes this crate does not know go back on an edit made from a
    // read value; this kernel ignores types beyond its own, so the edit
    // goes through.
    let mut d = ipvs.destinations(&key).unwrap().remove(0);
    d.unknown.push(UnknownAttr {
        kind: 200,
        payload: vec![1, 2, 3, 4],
    });
    let mut c = d.config;
    c.weight = Weight::from(5u16);
    ipvs.exec(&Change::edit_destination_from(key, &d, c))
        .unwrap();
    assert_eq!(ipvs.destinations(&key).unwrap()[0].config, c);
    let mut s = ipvs.service(&key).unwrap();
    s.unknown.push(UnknownAttr {
        kind: 200,
        payload: vec![9; 8],
    });
    ipvs.exec(&Change::edit_service_from(&s, s.config.clone()))
        .unwrap();

    // The snapshot, as a desired state, plans nothing; so does the one
    // without counters.
    for snap in [
        ipvs.snapshot().unwrap(),
        ipvs.snapshot_without_stats().unwrap(),
    ] {
        assert_eq!(snap.services.len(), 1);
        assert_eq!(snap.services[0].destinations.len(), 1);
        let p = plan(&snap.to_desired(), &snap, &Options::default()).unwrap();
        assert!(p.is_empty(), "{p:?}");
    }
}

#[test]
fn snapshot_of_reads_only_the_services_asked_for() {
    let Some(_ns) = common::kernel_netns("snapshot_of_reads_only_the_services_asked_for") else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    // 20 IPv4 services (enough for the getsockopt path's count of every
    // service at once), one IPv6 and one fwmark, each with destinations;
    // one destination tunnelled (read by netlink).
    let mut keys = Vec::new();
    for i in 0..20u16 {
        let key = ServiceKey::tcp(sa(&format!("192.0.2.1:{}", 1000 + i)));
        ipvs.add_service(&Service::new(key)).unwrap();
        for j in 1..=2u16 {
            let d = DestSpec::new(
                sa(&format!("10.0.{i}.{j}:80")),
                DestConfig::new(ForwardMethod::Masq).with_weight(Weight::from(j)),
            );
            ipvs.add_destination(&key, &d).unwrap();
        }
        keys.push(key);
    }
    let v6 = ServiceKey::tcp(sa("[2001:db8::1]:80"));
    ipvs.add_service(&Service::new(v6)).unwrap();
    let d = DestSpec::new(
        sa("[2001:db8::10]:80"),
        DestConfig::new(ForwardMethod::Masq),
    );
    ipvs.add_destination(&v6, &d).unwrap();
    let mark = ServiceKey::fwmark(7);
    ipvs.add_service(&Service::new(mark)).unwrap();
    let d = DestSpec::new(sa("10.9.0.1:0"), DestConfig::new(ForwardMethod::Tunnel));
    ipvs.add_destination(&mark, &d).unwrap();

    let whole = ipvs.snapshot_without_stats().unwrap();
    let of = |k: &ServiceKey| whole.services.iter().find(|s| s.key == *k).unwrap().clone();

    // Missing keys are left out, repeats come once, the order is the keys'.
    let missing = ServiceKey::tcp(sa("192.0.2.9:80"));
    let ask = [mark, missing, v6, keys[3], mark, keys[0]];
    let snap = ipvs.snapshot_of(&ask).unwrap();
    let got: Vec<ServiceKey> = snap.services.iter().map(|s| s.key).collect();
    assert_eq!(got, [mark, v6, keys[3], keys[0]]);
    for s in &snap.services {
        let want = of(&s.key);
        assert_eq!(s.config, want.config, "{}", s.key);
        assert_eq!(s.destinations, want.destinations, "{}", s.key);
        assert!(!s.destinations.is_empty(), "{}", s.key);
    }
    // Neither timeouts nor daemons are read.
    assert_eq!(snap.timeouts, rvsadm::Timeouts::default());
    assert!(snap.daemons.is_empty());

    // Many keys: the same as the whole table, service by service.
    let mut all = keys.clone();
    all.extend([v6, mark]);
    let snap = ipvs.snapshot_of(&all).unwrap();
    assert_eq!(snap.services.len(), all.len());
    for s in &snap.services {
        assert_eq!(s.destinations, of(&s.key).destinations, "{}", s.key);
    }

    // No key, or only missing ones: an empty snapshot, no error.
    assert!(ipvs.snapshot_of(&[]).unwrap().services.is_empty());
    assert!(ipvs.snapshot_of(&[missing]).unwrap().services.is_empty());

    // As a desired state for those services only, it plans nothing.
    let part = rvsadm::DesiredState {
        services: snap.services.iter().map(Service::spec).collect(),
        ..Default::default()
    };
    let p = plan(&part, &snap, &Options::default()).unwrap();
    assert!(p.is_empty(), "{p:?}");
}
