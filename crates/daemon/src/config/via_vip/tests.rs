//! Mark ranges, what a configuration with checks through the VIP must
//! satisfy, and the fwmark services and checks it becomes.

use super::*;
use crate::config::native::parse;
use crate::config::Probe;
use std::path::Path;

/// A direct-routing service 192.0.2.10:80 with `reals` (each `ADDRESS
/// FORWARD VIA_VIP`) checked by TCP on port 80 (through the VIP where
/// asked), then `extra` (more TOML).
fn config(daemon: &str, reals: &[(&str, &str, bool)], extra: &str) -> Result<Config, ConfigError> {
    let mut t = format!("[daemon]\n{daemon}\n[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.10\"\nport = 80\n");
    for (a, f, via) in reals {
        t.push_str(&format!(
            "[[services.destinations]]\naddress = \"{a}\"\nport = 80\nforward = \"{f}\"\ncheck = {{ type = \"tcp\", via_vip = {via} }}\n"
        ));
    }
    t.push_str(extra);
    parse(Path::new("t.toml"), &t)
}

#[test]
fn ranges_read_and_said() {
    let r = MarkRange::parse("0x7a000000/16").unwrap();
    assert_eq!(r, DEFAULT_VIP_CHECK_MARKS);
    assert_eq!(r.to_string(), "0x7a000000/16");
    assert_eq!(r.len(), 65536);
    assert_eq!(r.nth(0), Some(0x7a00_0000));
    assert_eq!(r.nth(65535), Some(0x7a00_ffff));
    assert_eq!(r.nth(65536), None);
    assert!(r.contains(0x7a00_1234) && !r.contains(0x7a01_0000) && !r.contains(5));
    let one = MarkRange::parse("77/32").unwrap();
    assert_eq!((one.len(), one.nth(0), one.nth(1)), (1, Some(77), None));
    assert_eq!(MarkRange::parse("2048/21").unwrap().nth(3), Some(2051));
    for bad in [
        "",
        "0x7a000000",
        "0x7a000000/0",
        "0x7a000000/33",
        "x/8",
        "1/8",
    ] {
        assert!(MarkRange::parse(bad).is_err(), "{bad}");
    }
    let e = MarkRange::parse("0x7a000001/16").unwrap_err();
    assert!(e.contains("write 0x7a000000/16"), "{e}");
    assert!(MarkRange::parse("0/8").unwrap_err().contains("mark 0"));
}

#[test]
fn marks_go_to_the_checked_reals_in_order_and_the_checks_to_the_vip() {
    let cfg = config(
        "",
        &[
            ("10.0.0.1", "route", true),
            ("10.0.0.2", "route", false),
            ("10.0.0.3", "tunnel", true),
        ],
        "",
    )
    .unwrap();
    let run = expand(cfg.clone(), None);
    assert_eq!(run.services.len(), 3);
    // The configured service is unchanged but for its checks.
    let v = &run.services[0];
    assert_eq!(v.spec(), cfg.services[0].spec());
    let target = |r: &Real| match &r.checks[0].probe {
        Probe::Tcp { target, .. } => *target,
        p => panic!("{p:?}"),
    };
    assert_eq!(target(&v.reals[0]), "192.0.2.10:80".parse().unwrap());
    assert_eq!(v.reals[0].checks[0].source.mark, Some(0x7a00_0000));
    assert_eq!(target(&v.reals[1]), "10.0.0.2:80".parse().unwrap());
    assert_eq!(v.reals[1].checks[0].source.mark, None);
    assert_eq!(v.reals[2].checks[0].source.mark, Some(0x7a00_0001));
    // Each check through the VIP sends from a port of its own.
    let ports: Vec<_> = v.reals.iter().map(|r| r.checks[0].source.port).collect();
    assert_eq!(ports, [Some(61000), None, Some(61001)]);
    // One fwmark service per real checked through the VIP, alone in it,
    // forwarded as in the service, weight 1, unchecked, deleted at stop.
    for (s, mark, real, fwd) in [
        (
            &run.services[1],
            0x7a00_0000,
            "10.0.0.1:80",
            ForwardMethod::Route,
        ),
        (
            &run.services[2],
            0x7a00_0001,
            "10.0.0.3:80",
            ForwardMethod::Tunnel,
        ),
    ] {
        assert_eq!(
            s.key,
            ServiceKey::Fwmark {
                mark,
                family: rvsadm::model::Family::Inet
            }
        );
        assert_eq!(s.reals.len(), 1);
        let d = s.reals[0].dest;
        assert_eq!(d.addr, real.parse().unwrap());
        assert_eq!((d.config.forward, d.config.weight), (fwd, Weight::ONE));
        assert!(s.reals[0].checks.is_empty() && s.fallback.is_none());
        assert_eq!(s.on_stop(OnStop::Keep), OnStop::Remove);
    }
    // Without checks through the VIP nothing changes.
    let plain = config("", &[("10.0.0.1", "route", false)], "").unwrap();
    assert_eq!(expand(plain.clone(), None), plain);
}

#[test]
fn what_cannot_go_through_the_vip_is_refused() {
    let e = config("", &[("10.0.0.1", "masq", true)], "").unwrap_err();
    assert!(
        e.message
            .contains("needs `forward = \"route\"` or `\"tunnel\"`")
            && e.message.contains("masq"),
        "{e}"
    );
    assert_eq!(e.at.line, 3, "{e}");
    // A service of the configuration with a mark of the range.
    let fwm = "[[services]]\nfwmark = 2046820357\n[[services.destinations]]\naddress = \"10.0.0.9\"\nport = 80\n";
    let e = config("", &[("10.0.0.1", "route", true)], fwm).unwrap_err();
    assert!(
        e.message.contains("is in vip_check_marks (0x7a000000/16)"),
        "{e}"
    );
    // ... is fine without checks through the VIP, or with another range.
    assert!(config("", &[("10.0.0.1", "route", false)], fwm).is_ok());
    assert!(config(
        "vip_check_marks = \"0x10000/16\"",
        &[("10.0.0.1", "route", true)],
        fwm
    )
    .is_ok());
    // More reals than marks.
    let e = config(
        "vip_check_marks = \"77/32\"",
        &[("10.0.0.1", "route", true), ("10.0.0.2", "route", true)],
        "",
    )
    .unwrap_err();
    assert!(e.message.contains("holds 1 marks"), "{e}");
    // More checks than ports.
    let e = config(
        "vip_check_ports = \"61000-61001\"",
        &[
            ("10.0.0.1", "route", true),
            ("10.0.0.2", "route", true),
            ("10.0.0.3", "route", true),
        ],
        "",
    )
    .unwrap_err();
    assert!(
        e.message.starts_with("3 checks go through the VIP")
            && e.message
                .contains("vip_check_ports (61000-61001) holds 2 ports"),
        "{e}"
    );
    let e = config("vip_check_ports = \"70000-70001\"", &[], "").unwrap_err();
    assert!(e.message.starts_with("vip_check_ports: "), "{e}");
    let e = config("vip_check_marks = \"0x7a000001/16\"", &[], "").unwrap_err();
    assert!(e.message.starts_with("vip_check_marks: "), "{e}");
    // IPv6 and fwmark services.
    let v6 = "[[services]]\nprotocol = \"tcp\"\naddress = \"2001:db8::10\"\nport = 80\n[[services.destinations]]\naddress = \"2001:db8::1\"\nport = 80\nforward = \"route\"\ncheck = { via_vip = true }\n";
    let e = parse(Path::new("t.toml"), v6).unwrap_err();
    assert!(e.message.contains("IPv4 services only"), "{e}");
    let f = "[[services]]\nfwmark = 5\n[[services.destinations]]\naddress = \"10.0.0.1\"\nport = 80\nforward = \"route\"\ncheck = { via_vip = true }\n";
    let e = parse(Path::new("t.toml"), f).unwrap_err();
    assert!(e.message.contains("a fwmark service has no VIP"), "{e}");
}

#[test]
fn via_vip_and_the_range_are_written_back() {
    let cfg = config(
        "vip_check_marks = \"0x10000/16\"",
        &[("10.0.0.1", "route", true)],
        "",
    )
    .unwrap();
    let text = crate::config::native::to_toml(&cfg);
    assert!(text.contains("vip_check_marks = \"0x10000/16\""), "{text}");
    assert!(text.contains("via_vip = true"), "{text}");
    let back = parse(Path::new("t.toml"), &text).unwrap();
    assert_eq!(back.services[0].reals, cfg.services[0].reals);
    assert_eq!(back.vip_check_marks, cfg.vip_check_marks);
    let cfg = config("vip_check_ports = \"20000-20099\"", &[], "").unwrap();
    let text = crate::config::native::to_toml(&cfg);
    assert!(text.contains("vip_check_ports = \"20000-20099\""), "{text}");
    let back = parse(Path::new("t.toml"), &text).unwrap();
    assert_eq!(back.vip_check_ports, cfg.vip_check_ports);
}

#[test]
fn port_ranges_read_and_said() {
    let r = PortRange::parse("61000-65000").unwrap();
    assert_eq!(r, DEFAULT_VIP_CHECK_PORTS);
    assert_eq!((r.to_string(), r.len()), ("61000-65000".into(), 4001));
    assert_eq!(PortRange::parse(" 7 - 7 ").unwrap().len(), 1);
    assert_eq!(PortRange::parse("1-65535").unwrap().len(), 65535);
    for bad in ["", "7", "0-7", "7-65536", "a-b", "7-"] {
        assert!(PortRange::parse(bad).is_err(), "{bad}");
    }
    let e = PortRange::parse("20-10").unwrap_err();
    assert!(e.contains("write 10-20"), "{e}");
}

/// The marks and ports of a running configuration are kept by a reload
/// that adds or removes another destination checked through the VIP.
#[test]
fn a_reload_keeps_the_marks_and_ports_of_the_reals_it_keeps() {
    let reals = |r: &[&'static str]| -> Vec<(&str, &str, bool)> {
        r.iter().map(|a| (*a, "route", true)).collect()
    };
    let given = |run: &Config, a: &str| {
        let r = run.services[0]
            .reals
            .iter()
            .find(|r| r.dest.addr.ip().to_string() == a)
            .unwrap();
        (
            r.checks[0].source.mark.unwrap(),
            r.checks[0].source.port.unwrap(),
        )
    };
    let first = expand(
        config("", &reals(&["10.0.0.1", "10.0.0.2", "10.0.0.3"]), "").unwrap(),
        None,
    );
    // 10.0.0.1 goes, 10.0.0.4 comes first.
    let cfg = config("", &reals(&["10.0.0.4", "10.0.0.2", "10.0.0.3"]), "").unwrap();
    let second = expand(cfg.clone(), Some(&first));
    for a in ["10.0.0.2", "10.0.0.3"] {
        assert_eq!(given(&second, a), given(&first, a), "{a}");
    }
    // The new one takes neither a mark nor a port just freed.
    assert_eq!(given(&second, "10.0.0.4"), (0x7a00_0003, 61003));
    // Its fwmark services follow: one per real, each with its own mark.
    let marks: std::collections::BTreeSet<_> = second.services[1..]
        .iter()
        .map(|v| (v.key, v.reals[0].dest.addr))
        .collect();
    assert_eq!(marks.len(), 3);
    for v in &second.services[1..] {
        let a = v.reals[0].dest.addr.ip().to_string();
        let ServiceKey::Fwmark { mark, .. } = v.key else {
            panic!("{v:?}")
        };
        assert_eq!(mark, given(&second, &a).0, "{a}");
    }
    // Without the running configuration (a start): in order again.
    assert_eq!(given(&expand(cfg, None), "10.0.0.4"), (0x7a00_0000, 61000));
}

/// The fwmark services rvsadmd adds put back a change by hand (never an
/// override kept), and take neither the service's depool floor nor the
/// destination's slow start.
#[test]
fn the_added_services_revert_changes_by_hand_and_ramp_nothing() {
    let cfg = parse(
        Path::new("t.toml"),
        "[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.10\"\nport = 80\nmanual = \"adopt\"\ndepool_floor = \"50%\"\n[[services.destinations]]\naddress = \"10.0.0.1\"\nport = 80\nforward = \"route\"\nslow_start = { window = \"10s\" }\ncheck = { type = \"tcp\", via_vip = true }\n",
    )
    .unwrap();
    assert!(
        cfg.services[0].depool_floor.is_some() && cfg.services[0].reals[0].slow_start.is_some()
    );
    let run = expand(cfg, None);
    let owned = &run.services[1];
    assert_eq!(owned.manual, Manual::Revert);
    assert_eq!(owned.depool_floor, None);
    assert_eq!(owned.reals[0].slow_start, None);
    // The configured service keeps its own.
    assert_eq!(run.services[0].manual, Manual::Adopt);
}
