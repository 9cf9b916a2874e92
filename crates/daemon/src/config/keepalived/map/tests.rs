//! The mapping, keyword by keyword: what each becomes in rvsadmd's model,
//! and what is refused with its line.

use crate::config::keepalived::{load_from, IncludeCheck, Memory, Options};
use crate::config::{
    Config, ConfigError, Expect, Format, Manual, OnFailure, OnStop, Probe, TcpClose,
};
use rvsadm::model::{Family, ForwardMethod, Protocol, ServiceFlags, ServiceKey, TunnelType};
use std::path::Path;
use std::time::Duration;

const MAIN: &str = "/etc/keepalived/keepalived.conf";

/// `text` read as `MAIN` with config id `lb1` (also `checker_tests`).
pub(super) fn load(text: &str) -> Result<Config, ConfigError> {
    let o = Options {
        config_id: "lb1".into(),
        include_check: IncludeCheck::default(),
        random_seed: 1,
    };
    load_from(&Memory::new().with(MAIN, text), Path::new(MAIN), &o)
}

fn ok(text: &str) -> Config {
    load(text).unwrap_or_else(|e| panic!("{e}"))
}

/// A virtual server with one real server holding `rs`.
fn vs(settings: &str, rs: &str) -> String {
    format!("virtual_server 192.0.2.1 80 {{\n protocol TCP\n{settings}\n real_server 10.0.0.1 80 {{\n{rs}\n }}\n}}\n")
}

#[test]
fn a_nat_service_with_a_tcp_check_and_keepalived_defaults() {
    let c = ok(&vs("", "  TCP_CHECK { }"));
    assert_eq!((c.format, c.on_stop), (Format::Keepalived, OnStop::Remove));
    let v = &c.services[0];
    assert_eq!(v.key(), ServiceKey::tcp("192.0.2.1:80".parse().unwrap()));
    assert_eq!(v.config.scheduler.name(), "wlc");
    let d = &v.reals[0].dest;
    assert_eq!(
        (d.config.forward, d.config.weight.get()),
        (ForwardMethod::Masq, 1)
    );
    assert_eq!(
        (v.on_failure, v.manual, v.keep_foreign),
        (OnFailure::Remove, Manual::Ignore, true)
    );
    let k = &v.reals[0].checks[0];
    assert_eq!(
        k.probe,
        Probe::Tcp {
            target: "10.0.0.1:80".parse().unwrap(),
            close: TcpClose::Graceful,
        }
    );
    assert_eq!(
        (k.interval, k.timeout, k.rise, k.fall),
        (Duration::from_secs(60), Duration::from_secs(5), 1, 2)
    );
    assert!(
        c.notes.iter().any(|n| n.contains("no scheduler set")),
        "{:?}",
        c.notes
    );
}

#[test]
fn settings_of_the_service_and_its_reals() {
    let c = ok(&vs(
        " lb_algo rr\n lb_kind DR\n persistence_timeout 50\n delay_loop 3\n retry 2\n inhibit_on_failure\n sorry_server 10.0.0.9 8080",
        "  weight 7\n  uthreshold 9\n  connect_timeout 2\n  TCP_CHECK { connect_ip 10.0.0.100\n connect_port 8080 }",
    ));
    let v = &c.services[0];
    assert_eq!(v.config.scheduler.name(), "rr");
    assert!(v.config.flags.contains(ServiceFlags::PERSISTENT));
    assert_eq!(v.config.timeout, 50);
    assert_eq!(v.on_failure, OnFailure::Quiesce);
    let d = &v.reals[0].dest;
    assert_eq!(
        (
            d.config.forward,
            d.config.weight.get(),
            d.config.upper_threshold
        ),
        (ForwardMethod::Route, 7, 9)
    );
    let k = &v.reals[0].checks[0];
    assert_eq!(
        k.probe,
        Probe::Tcp {
            target: "10.0.0.100:8080".parse().unwrap(),
            close: TcpClose::Graceful,
        }
    );
    assert_eq!(
        (k.interval, k.timeout, k.fall),
        (Duration::from_secs(3), Duration::from_secs(2), 3)
    );
    // DR: the sorry server is at the service's port.
    assert_eq!(v.fallback.unwrap().addr, "10.0.0.9:80".parse().unwrap());
}

#[test]
fn http_ssl_and_misc_checks() {
    let c = ok(&vs(
        " virtualhost www.example",
        "  HTTP_GET { url { path /health\n status_code 200 301-302\n regex ^ok } }",
    ));
    let Probe::Http(h) = &c.services[0].reals[0].checks[0].probe else {
        panic!()
    };
    let u = &h.urls[0];
    assert_eq!(
        (h.tls, h.urls.len(), u.path.as_str(), u.host.as_deref()),
        (false, 1, "/health", Some("www.example"))
    );
    assert_eq!(u.status, [(200, 200), (301, 302)]);
    assert!(matches!(&u.expect, Some(Expect::Regex(p)) if p.as_str() == "^ok"));
    // Several urls, each with its own digest and virtualhost; all must pass.
    let c = ok(&vs(
        "",
        "  HTTP_GET {\n url { path /a\n digest 0123456789ABCDEF0123456789abcdef }\n url { path /b\n virtualhost b.example } }",
    ));
    let Probe::Http(h) = &c.services[0].reals[0].checks[0].probe else {
        panic!()
    };
    let got: Vec<_> = h
        .urls
        .iter()
        .map(|u| (u.path.as_str(), u.digest.as_deref(), u.host.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("/a", Some("0123456789abcdef0123456789abcdef"), None),
            ("/b", None, Some("b.example"))
        ]
    );
    let c = ok(&vs("", "  SSL_GET { url { path / } }"));
    let Probe::Http(h) = &c.services[0].reals[0].checks[0].probe else {
        panic!()
    };
    assert!(h.tls && !h.verify && h.urls[0].status == [(200, 299)]);
    let c = ok(&vs(
        " delay_loop 7",
        "  MISC_CHECK { misc_path \"/bin/check 10.0.0.1\"\n misc_dynamic }",
    ));
    let k = &c.services[0].reals[0].checks[0];
    assert_eq!(
        k.probe,
        Probe::Exec {
            argv: vec!["/bin/check".into(), "10.0.0.1".into()],
            env: vec![],
            dynamic: true,
            percent: false,
            run_as: None,
        }
    );
    // `user`: looked up when the file is read; an unknown user is an error
    // at the checker's line.
    let c = ok(&vs("", "  MISC_CHECK { misc_path /bin/x\n user root }"));
    let Probe::Exec { run_as, .. } = &c.services[0].reals[0].checks[0].probe else {
        panic!()
    };
    assert_eq!(run_as.as_ref().map(|r| r.uid), Some(0));
    let e = load(&vs(
        "",
        "  MISC_CHECK { misc_path /bin/x\n user no-such-user-here }",
    ))
    .unwrap_err();
    assert!(e.message.contains("no-such-user-here"), "{e}");
    assert_eq!(e.at.line, 5, "{e}");
    assert_eq!((k.timeout, k.fall), (Duration::from_secs(7), 1));
    // No checker: no check, always up.
    let c = ok(&vs("", ""));
    assert!(c.services[0].reals[0].checks.is_empty());
    // Several checkers: each a check of the real server, in order; it is
    // up only while all pass.
    let c = ok(&vs(
        "",
        "  TCP_CHECK { }\n  HTTP_GET { url { path /h } }\n  MISC_CHECK { misc_path /bin/true }",
    ));
    let kinds: Vec<&str> = c.services[0].reals[0]
        .checks
        .iter()
        .map(|k| k.probe.kind())
        .collect();
    assert_eq!(kinds, ["tcp", "http", "exec"]);
}

#[test]
fn ports_families_and_groups() {
    // DR real written at another port is at the service's port; NAT
    // without a port takes the service's.
    let c = ok("virtual_server 192.0.2.1 80 {\n protocol TCP\n real_server 10.0.0.1 { }\n real_server 10.0.0.2 8080 { lvs_method DR\n TCP_CHECK { } }\n real_server 2001:db8::1 80 { }\n}\n");
    let v = &c.services[0];
    let addrs: Vec<String> = v.dests().map(|d| d.addr.to_string()).collect();
    assert_eq!(addrs, ["10.0.0.1:80", "10.0.0.2:80"]);
    assert_eq!(
        v.reals[1].checks[0].probe,
        Probe::Tcp {
            target: "10.0.0.2:8080".parse().unwrap(),
            close: TcpClose::Graceful,
        }
    );
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains(":6:") && n.contains("address family")),
        "{:?}",
        c.notes
    );
    let c = ok("virtual_server fwmark 3 {\n lb_kind TUN type gue port 6080\n real_server 2001:db8::1 80 { }\n}\n");
    let v = &c.services[0];
    assert_eq!(
        v.key(),
        ServiceKey::Fwmark {
            mark: 3,
            family: Family::Inet6
        }
    );
    let d = &v.reals[0].dest;
    assert_eq!(
        (d.addr.port(), d.config.tunnel.kind, d.config.tunnel.port),
        (0, TunnelType::Gue, 6080)
    );
    let c = ok("virtual_server_group G {\n 192.0.2.1-2 80\n fwmark 9\n}\nvirtual_server group G {\n protocol UDP\n real_server 10.0.0.1 80 { }\n}\n");
    let keys: Vec<ServiceKey> = c.services.iter().map(|v| v.key()).collect();
    assert_eq!(keys.len(), 3);
    assert!(matches!(
        keys[1],
        ServiceKey::Addr {
            protocol: Protocol::Udp,
            port: 80,
            ..
        }
    ));
    assert_eq!(
        keys[2],
        ServiceKey::Fwmark {
            mark: 9,
            family: Family::Inet
        }
    );
    // persistence_granularity: kept for a virtual server of its own, the
    // full netmask for a group's services (keepalived resets it), told.
    let gran = " persistence_timeout 60\n persistence_granularity 255.255.255.0";
    let c = ok(&vs(gran, ""));
    assert_eq!(c.services[0].config.netmask.to_raw(), 0xffff_ff00);
    let c = ok(&format!("virtual_server_group G {{\n 192.0.2.1 80\n fwmark 9\n}}\nvirtual_server group G {{\n protocol TCP\n{gran}\n real_server 10.0.0.1 80 {{ }}\n}}\n"));
    for v in &c.services {
        assert_eq!(
            v.config.netmask,
            rvsadm::model::Netmask::default_for(Family::Inet)
        );
        assert_eq!(v.config.timeout, 60);
    }
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains(":5:") && n.contains("group `G`")),
        "{:?}",
        c.notes
    );
    // No protocol: keepalived's UDP, told.
    let c = ok("virtual_server 192.0.2.1 53 {\n real_server 10.0.0.1 53 { }\n}\n");
    assert!(matches!(
        c.services[0].key(),
        ServiceKey::Addr {
            protocol: Protocol::Udp,
            ..
        }
    ));
    assert!(c.notes.iter().any(|n| n.contains("no protocol set")));
    // No real server: keepalived ignores the virtual server.
    assert!(ok("virtual_server 192.0.2.1 80 {\n protocol TCP\n}\n")
        .services
        .is_empty());
}

#[test]
fn what_rvsadmd_does_not_do_yet_is_an_error_with_its_line() {
    let e = load(&vs("", "  BFD_CHECK { }")).unwrap_err();
    assert!(
        e.message.contains("BFD_CHECK") && e.message.contains("not supported by rvsadmd yet"),
        "{e}"
    );
    assert_eq!(e.at.line, 5, "{e}");
    let c = ok(&vs(" omega", ""));
    assert!(
        c.notes.iter().any(|n| n.contains(":3: `omega`")),
        "{:?}",
        c.notes
    );
    assert!(!c.services[0].quorum.at_stop);
    // With scripts, `omega` runs them at stop; the native file says so.
    for (settings, rs) in [
        (" omega\n quorum_up /bin/x", ""),
        (" omega", "  notify_down /bin/x"),
    ] {
        let c = ok(&vs(settings, rs));
        assert!(c.services[0].quorum.at_stop, "{settings} {rs}");
        let back =
            crate::config::native::parse(Path::new("t.toml"), &crate::config::native::to_toml(&c))
                .unwrap();
        assert!(back.services[0].quorum.at_stop);
    }
    // Without a sorry server the quorum changes nothing in the table.
    let c = ok(&vs(" quorum 2\n hysteresis 1", "  weight 5"));
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains("quorum 2 and hysteresis 1")),
        "{:?}",
        c.notes
    );
    // Values rvsadmd's model does not hold: errors with their line.
    for (rs, line, what) in [
        (
            "  HTTP_GET { url {\n path index.html } }",
            5,
            "request target",
        ),
        (
            "  HTTP_GET { virtualhost a b\n url {\n path / } }",
            6,
            "not a host name",
        ),
        ("  TCP_CHECK { retry 1000 }", 5, "at most 1000"),
        (
            "  TCP_CHECK { delay_loop 1000000001 }",
            5,
            "longest duration",
        ),
    ] {
        let e = load(&vs("", rs)).unwrap_err();
        assert!(e.message.contains(what), "{what}: {e}");
        assert_eq!(e.at.line, line, "{what}: {e}");
    }
    let e = load("global_defs {\n net_namespace blue\n}\n").unwrap_err();
    assert_eq!(e.at.line, 2, "{e}");
    let c = ok("global_defs {\n lvs_notify_fifo /run/fifo\n lvs_notify_fifo_script \"/bin/reader -v\" root\n}\n");
    let f = c.notify_fifo.expect("the FIFO is read");
    assert_eq!(f.path, std::path::Path::new("/run/fifo"));
    let s = f.script.expect("its script is read");
    assert_eq!(s.argv, ["/bin/reader", "-v"]);
    assert_eq!(s.run_as.map(|r| r.uid), Some(0));
    let c = ok("global_defs {\n lvs_notify_fifo /run/fifo\n}\nvirtual_server_group web {\n 192.0.2.1 80\n 192.0.2.2 80\n}\nvirtual_server group web {\n protocol TCP\n real_server 10.0.0.1 80 {\n }\n}\n");
    let g = &c.notify_fifo.expect("the FIFO is read").groups;
    let keys: Vec<ServiceKey> = c.services.iter().map(|v| v.key).collect();
    assert_eq!(g, &[("web".to_string(), keys)]);
    let c = ok(&format!(
        "global_defs {{\n lvs_sync_daemon eth1 id 3\n}}\n{}",
        vs("", "")
    ));
    assert_eq!(
        c.sync_daemon
            .as_ref()
            .map(|d| (d.mcast_ifn.as_str(), d.sync_id)),
        Some(("eth1", 3))
    );
    let back =
        crate::config::native::parse(Path::new("t.toml"), &crate::config::native::to_toml(&c))
            .unwrap();
    assert_eq!(back.sync_daemon, c.sync_daemon);
    let e = load(&vs(" real_server 10.0.0.2 80 { inhibit_on_failure }", "")).unwrap_err();
    assert!(e.message.contains("inhibit_on_failure"), "{e}");
    let e = load(&vs("", "  HTTP_GET { url { path /\n regex ( } }")).unwrap_err();
    assert!(e.message.contains("regex"), "{e}");
}

#[test]
fn quorum_hysteresis_and_scripts_as_keepalived_runs_them() {
    let text = "virtual_server 192.0.2.1 80 {\n protocol TCP\n quorum 9\n hysteresis 5\n sorry_server 10.0.0.9 80\n quorum_up \"/bin/up a 'b c'\" root root\n quorum_down /bin/down\n real_server 10.0.0.1 80 {\n  weight 2\n  notify_up \"/bin/rs up\"\n  notify_down /bin/rs no-such-user-here\n }\n real_server 10.0.0.2 80 {\n  weight 3\n }\n}\n";
    let c = ok(text);
    let v = &c.services[0];
    // keepalived lowers the quorum to the total weight (5), then the
    // hysteresis below it (4), each with a warning.
    assert_eq!((v.quorum.quorum, v.quorum.hysteresis), (5, 4));
    for what in [
        ":1: quorum 9 exceeds the real servers' total weight 5",
        ":1: hysteresis 5 is not below the quorum 5",
    ] {
        assert!(
            c.notes.iter().any(|n| n.contains(what)),
            "{what}: {:?}",
            c.notes
        );
    }
    let up = v.quorum.up.as_ref().unwrap();
    assert_eq!(up.argv, ["/bin/up", "a", "b c"]);
    assert_eq!(up.run_as.as_ref().map(|r| (r.uid, r.gid)), Some((0, 0)));
    assert_eq!(v.quorum.down.as_ref().unwrap().argv, ["/bin/down"]);
    assert_eq!(
        v.reals[0].notify_up.as_ref().unwrap().argv,
        ["/bin/rs", "up"]
    );
    // A user that is not there: keepalived ignores the script.
    assert!(v.reals[0].notify_down.is_none());
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains(":11: user: no user `no-such-user-here`")),
        "{:?}",
        c.notes
    );
    assert!(v.reals[1].notify_up.is_none());
    // The native file written from it reads back the same.
    let back = crate::config::native::parse(
        std::path::Path::new("x.toml"),
        &crate::config::native::to_toml(&c),
    )
    .unwrap();
    assert_eq!(back.services[0].quorum, v.quorum);
    assert_eq!(back.services[0].reals[0].notify_up, v.reals[0].notify_up);
    // Without a sorry server or quorum scripts the quorum changes nothing.
    let c = ok(&vs(" quorum 2\n hysteresis 1", "  weight 5"));
    assert!(c.services[0].quorum.is_default());
    // With only a script, the quorum is kept.
    let c = ok(&vs(
        " quorum 2\n hysteresis 1\n quorum_down /bin/x",
        "  weight 5",
    ));
    assert_eq!(
        (c.services[0].quorum.quorum, c.services[0].quorum.hysteresis),
        (2, 1)
    );
}

#[test]
fn script_user_and_enable_script_security() {
    let with = |globals: &str| {
        load(&format!(
            "global_defs {{\n{globals}\n}}\n{}",
            vs(" quorum_down /bin/down", "  weight 5")
        ))
    };
    // script_user runs the scripts that name no user, MISC_CHECK's too.
    let c = with(" script_user root root").unwrap();
    let down = c.services[0].quorum.down.as_ref().unwrap();
    assert_eq!(down.run_as.as_ref().map(|r| (r.uid, r.gid)), Some((0, 0)));
    let misc = load(&format!(
        "global_defs {{\n script_user root\n}}\n{}",
        vs("", "  MISC_CHECK { misc_path /bin/true }")
    ))
    .unwrap();
    match &misc.services[0].reals[0].checks[0].probe {
        crate::config::Probe::Exec { run_as, .. } => {
            assert_eq!(run_as.as_ref().map(|r| r.user.as_str()), Some("root"))
        }
        p => panic!("{p:?}"),
    }
    // One not on this machine: keepalived ignores those scripts.
    let c = with(" script_user no-such-user-here").unwrap();
    assert!(c.services[0].quorum.down.is_none());
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains(":6: the script names no user and script_user at")),
        "{:?}",
        c.notes
    );
    // keepalived's checks of the scripts' paths are not rvsadmd's yet.
    let e = with(" enable_script_security").unwrap_err();
    assert!(e.message.contains("enable_script_security"), "{e}");
    assert_eq!(e.at.line, 2, "{e}");
    assert!(load(&format!(
        "global_defs {{\n enable_script_security\n}}\n{}",
        vs("", "")
    ))
    .is_ok());
}

#[test]
fn flush_flush_on_stop_and_timeouts_of_global_defs() {
    let c = ok(&format!(
        "global_defs {{\n lvs_flush\n lvs_flush_onstop\n lvs_timeouts tcp 7200 udp 60 bogus\n}}\n{}",
        vs("", "")
    ));
    assert!(c.flush_at_start);
    assert_eq!(c.on_stop, OnStop::Flush);
    assert_eq!(
        c.timeouts,
        Some(rvsadm::model::Timeouts {
            tcp: 7200,
            tcp_fin: 0,
            udp: 60
        })
    );
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains(":4:") && n.contains("`bogus`")),
        "{:?}",
        c.notes
    );
    // `VS` is what keepalived does anyway; none of them: the defaults.
    let c = ok(&format!(
        "global_defs {{\n lvs_flush_on_stop VS\n}}\n{}",
        vs("", "")
    ));
    assert_eq!(
        (c.on_stop, c.flush_at_start, c.timeouts),
        (OnStop::Remove, false, None)
    );
    let c = ok(&format!(
        "global_defs {{\n lvs_timeouts tcp 2678401\n}}\n{}",
        vs("", "")
    ));
    assert_eq!(c.timeouts, Some(rvsadm::model::Timeouts::default()));
    assert!(c
        .notes
        .iter()
        .any(|n| n.contains(":2:") && n.contains("outside the range")));
}
