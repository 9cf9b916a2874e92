//! The typed layer on whole files: defaults, cascades, notes, and what
//! it keeps for the mapping to refuse.

use super::*;
use crate::config::keepalived::{read_from, IncludeCheck, Memory, Options};
use rvsadm::model::{ForwardMethod, TunnelType};
use std::path::Path;

const MAIN: &str = "/etc/keepalived/keepalived.conf";

fn lvs_of(text: &str) -> Lvs {
    let o = Options {
        config_id: "lb1".into(),
        include_check: IncludeCheck::default(),
        random_seed: 1,
    };
    let doc = read_from(&Memory::new().with(MAIN, text), Path::new(MAIN), &o).unwrap();
    lvs(&doc).unwrap_or_else(|e| panic!("{e}"))
}

fn notes(l: &Lvs) -> Vec<String> {
    l.notes
        .iter()
        .map(|n| format!("{}: {}", n.at.line, n.message))
        .collect()
}

#[test]
fn defaults_cascade_from_virtual_to_real_to_checker() {
    let l = lvs_of(
        "virtual_server 192.0.2.1 80 {\n delay_loop 10\n retry 4\n real_server 10.0.0.1 8080 {\n  connect_timeout 2\n  TCP_CHECK {\n   delay_before_retry 0.5\n  }\n  HTTP_GET { url { path /h } }\n }\n real_server 10.0.0.2 80 {\n  MISC_CHECK { misc_path \"/bin/check x\" }\n }\n}\n",
    );
    let v = &l.virtual_servers[0];
    assert_eq!(v.id, VsId::Addr("192.0.2.1".parse().unwrap(), 80));
    assert_eq!(
        (v.protocol, v.scheduler.clone(), v.forwarding),
        (None, None, None)
    );
    let r = &v.reals[0];
    assert_eq!((r.port, r.weight(v), r.inhibit(v)), (8080, 1, false));
    let t = r.checkers[0].timing(r, v);
    assert_eq!(t.delay_loop, Duration::from_secs(10));
    assert_eq!(t.timeout, Duration::from_secs(2));
    assert_eq!(t.retry, 4);
    assert_eq!(t.delay_before_retry, Duration::from_millis(500));
    assert_eq!(
        (t.warmup, t.warmup_written, t.alpha),
        (Duration::from_secs(10), false, false)
    );
    let h = r.checkers[1].timing(r, v);
    assert_eq!(h.delay_before_retry, Duration::from_secs(3));
    let CheckerKind::Http(http) = &r.checkers[1].kind else {
        panic!()
    };
    assert_eq!(http.urls[0].status, [(200, 299)]);
    let m = &v.reals[1].checkers[0];
    let CheckerKind::Misc(misc) = &m.kind else {
        panic!()
    };
    assert_eq!(misc.path, "/bin/check x");
    let t = m.timing(&v.reals[1], v);
    // retry 4 cascades; the script's time is the virtual's delay_loop
    assert_eq!((t.retry, t.timeout), (4, Duration::from_secs(10)));
}

#[test]
fn checker_defaults_without_any_setting() {
    let l = lvs_of("virtual_server fwmark 7 {\n real_server 10.0.0.1 {\n  MISC_CHECK { misc_path /x }\n  TCP_CHECK { }\n }\n}\n");
    let v = &l.virtual_servers[0];
    let r = &v.reals[0];
    let misc = r.checkers[0].timing(r, v);
    assert_eq!(
        (misc.retry, misc.delay_loop, misc.timeout),
        (0, Duration::from_secs(60), Duration::from_secs(60))
    );
    let tcp = r.checkers[1].timing(r, v);
    assert_eq!(
        (tcp.retry, tcp.timeout, tcp.delay_before_retry),
        (1, Duration::from_secs(5), Duration::from_secs(1))
    );
    assert_eq!(v.id, VsId::Fwmark(7));
}

#[test]
fn service_settings() {
    let l = lvs_of(
        "virtual_server 192.0.2.1 443 {\n lb_algo sh\n sh-port\n lb_kind TUN type gue port 6080\n protocol tcp\n persistence_granularity 255.255.255.0\n persistence_engine sip\n weight 3\n sorry_server 10.0.0.9 443\n sorry_server_inhibit\n inhibit_on_failure\n real_server 10.0.0.1 443 { weight 0\n lvs_method DR\n uthreshold 100\n lthreshold 10 }\n}\n",
    );
    let v = &l.virtual_servers[0];
    assert_eq!(v.scheduler.as_ref().map(|s| s.name()), Some("sh"));
    assert_eq!(v.flags, ServiceFlags::SCHED2);
    let f = v.forwarding.unwrap();
    assert_eq!(
        (f.method, f.tunnel.kind, f.tunnel.port),
        (ForwardMethod::Tunnel, TunnelType::Gue, 6080)
    );
    assert_eq!(v.protocol, Some(Protocol::Tcp));
    assert_eq!(v.persistence_timeout, Some(360));
    assert_eq!(
        v.granularity,
        Some(Netmask::V4("255.255.255.0".parse().unwrap()))
    );
    assert_eq!(v.persistence_engine.as_deref(), Some("sip"));
    let s = v.sorry.as_ref().unwrap();
    assert!(s.inhibit && s.at.line == 9);
    let r = &v.reals[0];
    assert_eq!(
        (r.weight(v), r.inhibit(v), r.uthreshold, r.lthreshold),
        (0, true, 100, 10)
    );
    assert_eq!(r.forwarding.unwrap().method, ForwardMethod::Route);
    assert!(l.notes.is_empty(), "{:?}", notes(&l));
}

#[test]
fn what_keepalived_ignores_is_a_note_with_its_line() {
    let l = lvs_of(
        "global_defs {\n router_id lb1\n lvs_sync_daemon eth0 VI_1\n}\nvrrp_instance VI_1 {\n state MASTER\n}\nvirtual_server 192.0.2.1 80 {\n lb_algo fastest\n nat_mask 255.255.255.0\n delay_loop 0\n sh-port\n real_server 10.0.0.1 80 {\n  weight -1\n  notify_up \"/bin/up a\" nobody\n  notify_up /bin/again\n  TCP_CHECK { bindto 10.0.0.254\n nb_get_retry 3 }\n  HTTP_GET { }\n }\n real_server bogus 80 { }\n}\nvirtual_server 192.0.2.300 80 { }\n",
    );
    let n = notes(&l);
    for (line, what) in [
        (2, "router_id"),
        (3, "VRRP instance `VI_1`: keepalived's VRRP process"),
        (5, "vrrp_instance"),
        (9, "fastest"),
        (10, "unknown keyword `nat_mask`"),
        (11, "delay_loop"),
        (12, "sh scheduler"),
        (14, "weight"),
        (16, "given twice"),
        (18, "unknown keyword `nb_get_retry`"),
        (19, "no url"),
        (21, "real_server"),
        (23, "virtual_server"),
    ] {
        assert!(
            n.iter()
                .any(|x| x.starts_with(&format!("{line}: ")) && x.contains(what)),
            "{line} {what}: {n:#?}"
        );
    }
    assert!(l.unsupported.is_empty(), "{:?}", l.unsupported);
    let r = &l.virtual_servers[0].reals;
    assert_eq!(r.len(), 1);
    // The first `notify_up` is kept: its command, user and line.
    let up = r[0].notify_up.as_ref().unwrap();
    assert_eq!(
        (
            up.argv.clone(),
            up.user.as_deref(),
            up.group.as_deref(),
            up.at.line
        ),
        (
            vec!["/bin/up".to_string(), "a".into()],
            Some("nobody"),
            None,
            15
        )
    );
    assert!(r[0].notify_down.is_none());
    assert_eq!(
        r[0].checkers[0].source.address,
        Some("10.0.0.254".parse().unwrap())
    );
    assert_eq!(l.virtual_servers.len(), 1);
}

#[test]
fn groups_and_their_entries() {
    let l = lvs_of(
        "virtual_server_group G {\n 10.0.0.1-3 80\n fwmark 5 inet6\n 10.0.0.9-1 80\n}\nvirtual_server_group E {\n}\nvirtual_server group G {\n real_server 10.0.1.1 80 { }\n}\n",
    );
    assert_eq!(l.groups.len(), 1);
    let g = &l.groups[0];
    assert_eq!(g.entries.len(), 2);
    assert!(matches!(
        g.entries[1],
        GroupEntry::Fwmark {
            mark: 5,
            family: Some(Family::Inet6),
            ..
        }
    ));
    assert!(notes(&l).iter().any(|n| n.starts_with("4: ")));
    assert!(notes(&l)
        .iter()
        .any(|n| n.starts_with("6: ") && n.contains("no entries")));
    let o = Options {
        config_id: "x".into(),
        include_check: IncludeCheck::default(),
        random_seed: 1,
    };
    let doc = read_from(
        &Memory::new().with(MAIN, "virtual_server group X {\n}\n"),
        Path::new(MAIN),
        &o,
    )
    .unwrap();
    let e = lvs(&doc).unwrap_err();
    assert_eq!(e.at.line, 1);
    assert!(e.message.contains("virtual_server_group"), "{e}");
}

#[test]
fn the_sync_daemon_is_the_checkers_only_without_a_vrrp_instance() {
    for (line, vrrp) in [
        ("lvs_sync_daemon eth0 VI_1 5", true),
        ("lvs_sync_daemon eth0 id 5 inst VI_1", true),
        ("lvs_sync_daemon eth0 id 5 maxlen 1400", false),
        ("lvs_sync_daemon eth0", false),
    ] {
        let l = lvs_of(&format!("global_defs {{\n {line}\n}}\n"));
        assert!(l.unsupported.is_empty(), "{line}");
        assert_eq!(l.table.sync_daemon.is_none(), vrrp, "{line}");
        assert_eq!(
            notes(&l)
                .iter()
                .any(|n| n.starts_with("2: ") && n.contains("keepalived --vrrp")),
            vrrp,
            "{line}: {:?}",
            notes(&l)
        );
    }
    // The checker's daemon: its settings, keepalived's ranges.
    let l = lvs_of("global_defs {\n lvs_sync_daemon eth1 id 7 maxlen 1400 port 8849 ttl 2 group 239.1.1.1\n}\n");
    let d = l.table.sync_daemon.clone().unwrap();
    assert_eq!(
        (
            d.mcast_ifn.as_str(),
            d.sync_id,
            d.sync_maxlen,
            d.mcast_port,
            d.mcast_ttl
        ),
        ("eth1", 7, Some(1400), Some(8849), Some(2))
    );
    assert_eq!(d.mcast_group, Some("239.1.1.1".parse().unwrap()));
    let l = lvs_of("global_defs {\n lvs_sync_daemon eth1 id 256 group 10.0.0.1\n}\n");
    let d = l.table.sync_daemon.clone().unwrap();
    assert_eq!((d.sync_id, d.mcast_group), (0, None));
    assert_eq!(
        notes(&l).iter().filter(|n| n.starts_with("2: ")).count(),
        2,
        "{:?}",
        notes(&l)
    );
    let l = lvs_of("global_defs {\n lvs_sync_daemon an_interface_name_too_long\n}\n");
    assert!(l.table.sync_daemon.is_none());
    let l = lvs_of("vrrp_instance V {\n lvs_sync_daemon_interface eth0\n}\n");
    assert!(l.unsupported.is_empty());
    assert!(notes(&l)
        .iter()
        .any(|n| n.starts_with("2: ") && n.contains("VRRP instance `V`")));
}

#[test]
fn track_file_blocks_are_read_as_keepalived_reads_them() {
    let l = lvs_of(
        "track_file none {\n weight 2\n}\ntrack_file w {\n file /run/a\n file /run/b\n weight 999\n init_file -5 overwrite junk\n}\nvirtual_server 192.0.2.1 80 {\n real_server 10.0.0.1 80 {\n  FILE_CHECK { track_file w }\n }\n}\n",
    );
    let n = notes(&l);
    let has = |line: usize, what: &str| {
        n.iter()
            .any(|m| m.starts_with(&format!("{line}: ")) && m.contains(what))
    };
    assert!(has(1, "has no file"), "{n:?}");
    assert!(
        has(6, "already set") && has(7, "the weight is 1") && has(8, "`junk`"),
        "{n:?}"
    );
    let CheckerKind::File(f) = &l.virtual_servers[0].reals[0].checkers[0].kind else {
        panic!("{:?}", l.virtual_servers[0].reals[0].checkers);
    };
    let t = f.source.as_ref().expect("resolved");
    assert_eq!(
        (t.path.as_str(), t.weight, t.init, f.factor()),
        ("/run/a", (1, false), Some((-5, true)), Some((1, false)))
    );
}
