//! DNS_CHECK, UDP_CHECK, PING_CHECK, SMTP_CHECK and FILE_CHECK: their
//! defaults, each keyword, and what is refused with its line.

use super::tests::load;
use crate::config::{
    Check, ConfigError, DnsProbe, FileInit, FileProbe, Probe, ReplyMatch, SmtpProbe, TcpClose,
    UdpProbe, UDP_REPLY_LEN,
};
use std::time::Duration;

/// keepalived's HELO name when none is given.
const SMTP_HELO: &str = "smtpchecker.keepalived.org";

/// A UDP virtual server whose real server `addr` (line 3) holds `rs`
/// from line 4 on; `before` goes above it (with its own lines).
fn conf(before: &str, addr: &str, rs: &str) -> String {
    format!("{before}virtual_server 192.0.2.1 53 {{\n protocol UDP\n real_server {addr} {{\n{rs}\n }}\n}}\n")
}

fn checks(rs: &str) -> (Vec<Check>, Vec<String>) {
    let c = load(&conf("", "10.0.0.1 53", rs)).unwrap_or_else(|e| panic!("{e}"));
    (c.services[0].reals[0].checks.clone(), c.notes)
}

fn probe(rs: &str) -> Probe {
    checks(rs).0.remove(0).probe
}

fn refused(before: &str, addr: &str, rs: &str) -> ConfigError {
    load(&conf(before, addr, rs)).expect_err("refused")
}

fn has(notes: &[String], line: usize, what: &str) -> bool {
    notes
        .iter()
        .any(|n| n.contains(&format!(":{line}: ")) && n.contains(what))
}

#[test]
fn dns_check_defaults_and_keywords() {
    let (k, _) = checks("  DNS_CHECK { }");
    let dns = |name: &str, qtype| {
        Probe::Dns(DnsProbe {
            target: "10.0.0.1:53".parse().unwrap(),
            qtype,
            name: name.into(),
            tcp: false,
            answer: None,
        })
    };
    // An SOA query for the root; retry 3 and its delay delay_loop.
    assert_eq!(k[0].probe, dns(".", 6));
    assert_eq!(
        (k[0].interval, k[0].timeout, k[0].fall, k[0].rise),
        (Duration::from_secs(60), Duration::from_secs(5), 4, 1)
    );
    assert_eq!(
        probe("  DNS_CHECK {\n type aaaa\n name www.example.com }"),
        dns("www.example.com", 28)
    );
    assert_eq!(probe("  DNS_CHECK { type DNSKEY }"), dns(".", 48));
    let p = probe(
        "  DNS_CHECK {\n connect_ip 10.0.0.7\n connect_port 5353\n connect_timeout 2\n retry 0 }",
    );
    let Probe::Dns(d) = p else { panic!("{p:?}") };
    assert_eq!(d.target, "10.0.0.7:5353".parse().unwrap());
    let (k, _) = checks("  DNS_CHECK {\n connect_timeout 2\n retry 0 }");
    assert_eq!((k[0].timeout, k[0].fall), (Duration::from_secs(2), 1));
    // What keepalived ignores with a warning: the default stays.
    let (k, notes) = checks("  DNS_CHECK {\n type PTR\n name x..y\n name a.example\n name ok.example\n name second.example }");
    assert_eq!(k[0].probe, dns("ok.example", 6));
    assert!(has(&notes, 5, "`type`: `PTR` is not one of"), "{notes:?}");
    assert!(has(&notes, 6, "empty label"), "{notes:?}");
    // keepalived's test refuses a name whose second character is a dot.
    assert!(has(&notes, 7, "empty label"), "{notes:?}");
    assert!(has(&notes, 9, "already given"), "{notes:?}");
    // No port to ask at: an error at the checker.
    let e = refused("", "10.0.0.1", "  DNS_CHECK { }");
    assert!(e.message.contains("connect_port") && e.at.line == 4, "{e}");
}

#[test]
fn udp_check_payloads_and_replies() {
    let udp = |payload: &[u8], reply: Option<ReplyMatch>, reply_len| {
        Probe::Udp(UdpProbe {
            target: "10.0.0.1:53".parse().unwrap(),
            payload: payload.to_vec(),
            reply,
            reply_len,
        })
    };
    // No payload: keepalived's own 32 bytes; no reply needed.
    assert_eq!(
        probe("  UDP_CHECK { }"),
        udp(b"keepalived check - keepalived ch", None, UDP_REPLY_LEN)
    );
    // Any reply, whatever its length (keepalived checks no length then).
    assert_eq!(
        probe("  UDP_CHECK {\n payload Ab12f 3\n require_reply\n max_reply_length 4 }"),
        udp(
            &[0xab, 0x12, 0x0f, 0x03],
            Some(ReplyMatch::default()),
            UDP_REPLY_LEN
        )
    );
    // A pattern: lengths 0-255 unless given.
    let m = ReplyMatch::parse("01 x2", true).unwrap();
    assert_eq!(
        probe("  UDP_CHECK {\n payload 00\n require_reply 01 x2 }"),
        udp(&[0], Some(m.clone()), (0, 255))
    );
    assert_eq!(
        probe("  UDP_CHECK {\n payload 00\n require_reply 01 x2\n min_reply_length 2\n max_reply_length 600 }"),
        udp(&[0], Some(m), (2, 600))
    );
    // Not hex: keepalived warns and goes on without it.
    let (k, notes) =
        checks("  UDP_CHECK {\n payload zz\n require_reply 0q\n min_reply_length 70000 }");
    assert_eq!(
        k[0].probe,
        udp(
            b"keepalived check - keepalived ch",
            Some(ReplyMatch::default()),
            UDP_REPLY_LEN
        )
    );
    assert!(has(&notes, 5, "not a hex string"), "{notes:?}");
    assert!(has(&notes, 6, "any reply"), "{notes:?}");
    assert!(has(&notes, 7, "outside the range"), "{notes:?}");
    // A check that could never pass is an error.
    let e = refused(
        "",
        "10.0.0.1 53",
        "  UDP_CHECK {\n require_reply 01\n min_reply_length 9\n max_reply_length 3 }",
    );
    assert!(e.message.contains("always fail") && e.at.line == 4, "{e}");
}

#[test]
fn ping_check_pings_the_real_or_connect_ip() {
    let c = load(&conf("", "10.0.0.1", "  PING_CHECK { }")).unwrap_or_else(|e| panic!("{e}"));
    let k = &c.services[0].reals[0].checks[0];
    assert_eq!(
        k.probe,
        Probe::Ping {
            target: "10.0.0.1".parse().unwrap()
        }
    );
    assert_eq!((k.fall, k.timeout), (2, Duration::from_secs(5)));
    assert!(has(&c.notes, 4, "ping_group_range"), "{:?}", c.notes);
    assert_eq!(
        probe("  PING_CHECK {\n connect_ip 2001:db8::9\n retry 3 }"),
        Probe::Ping {
            target: "2001:db8::9".parse().unwrap()
        }
    );
    // Read, but not applied by keepalived 2.2.7's PING_CHECK.
    let (k, notes) = checks("  PING_CHECK {\n bindto 10.0.0.254\n fwmark 3 }");
    assert!(k[0].source.is_default(), "{:?}", k[0].source);
    assert!(has(&notes, 4, "pings without them"), "{notes:?}");
}

#[test]
fn smtp_check_helo_ports_and_host_blocks() {
    let smtp = |target: &str, helo: &str| {
        Probe::Smtp(SmtpProbe {
            target: target.parse().unwrap(),
            helo: Some(helo.into()),
        })
    };
    // The real server's port, and keepalived's HELO name.
    assert_eq!(
        probe("  SMTP_CHECK { }"),
        smtp("10.0.0.1:53", "smtpchecker.keepalived.org")
    );
    assert_eq!(
        probe("  SMTP_CHECK {\n helo_name \"mx.example\"\n connect_port 25 }"),
        smtp("10.0.0.1:25", "mx.example")
    );
    let e = refused("", "10.0.0.1", "  SMTP_CHECK { }");
    assert!(e.message.contains("connect_port") && e.at.line == 4, "{e}");
    // Deprecated host blocks: a check each, with the checker's timing
    // and their own connect_timeout ...
    let hosts = " host {\n connect_ip 10.0.0.2\n connect_timeout 3 }\n host {\n connect_ip 10.0.0.3\n connect_port 2525\n connect_timeout 4\n delay_loop 7 }";
    let (k, _) = checks(&format!("  SMTP_CHECK {{\n retry 2\n{hosts}\n }}"));
    let got: Vec<_> = k
        .iter()
        .map(|k| (k.probe.clone(), k.timeout, k.interval, k.fall))
        .collect();
    let helo = SMTP_HELO;
    assert_eq!(
        got,
        [
            (
                smtp("10.0.0.2:53", helo),
                Duration::from_secs(3),
                Duration::from_secs(7),
                3
            ),
            (
                smtp("10.0.0.3:2525", helo),
                Duration::from_secs(4),
                Duration::from_secs(7),
                3
            ),
        ]
    );
    // ... and the checker's own connection too once the block sets one.
    let (k, _) = checks(&format!(
        "  SMTP_CHECK {{\n connect_timeout 10\n{hosts}\n }}"
    ));
    assert_eq!(k.len(), 3);
    assert_eq!(
        (k[0].probe.clone(), k[0].timeout),
        (smtp("10.0.0.1:53", helo), Duration::from_secs(10))
    );
    // keepalived gives a host without connect_timeout 0 s.
    let e = refused(
        "",
        "10.0.0.1 25",
        "  SMTP_CHECK {\n host {\n connect_ip 10.0.0.2\n }\n }",
    );
    assert!(
        e.message.contains("host block without a connect_timeout") && e.at.line == 5,
        "{e}"
    );
    // A host's own source, none of the checker's; a source set outside
    // the hosts makes the checker's own connection a check too.
    let (k, _) =
        checks("  SMTP_CHECK {\n fwmark 5\n host {\n connect_timeout 2\n bindto 10.0.0.9 }\n }");
    assert_eq!(k.len(), 2);
    assert_eq!(k[0].source.to_string(), "mark 5");
    assert_eq!(k[1].source.to_string(), "from 10.0.0.9");
    let e = refused("", "10.0.0.1 25", "  SMTP_CHECK {\n helo_name two words }");
    assert!(e.message.contains("helo_name") && e.at.line == 4, "{e}");
}

/// The file check FILE_CHECK `rs` makes, below `before`.
fn file_probe(before: &str, rs: &str) -> (FileProbe, Check) {
    let c = load(&conf(before, "10.0.0.1 53", rs)).unwrap_or_else(|e| panic!("{e}"));
    let k = c.services[0].reals[0].checks[0].clone();
    match &k.probe {
        Probe::File(f) => (f.clone(), k),
        other => panic!("{other:?}"),
    }
}

#[test]
fn file_check_runs_or_is_dropped_as_keepalived_runs_it() {
    let track = "track_file w {\n file /run/w\n weight 2\n}\n";
    // The checker's own weight and direction win over the track_file's.
    let (f, k) = file_probe(track, "  FILE_CHECK {\n track_file w\n weight -3 reverse }");
    assert_eq!(
        (f.path.to_str(), f.factor, f.reverse, f.init),
        (Some("/run/w"), -3, true, None)
    );
    // Read every second, taken at once, unknown until the first read.
    assert_eq!(
        (
            k.interval,
            k.timeout,
            k.rise,
            k.fall,
            k.retry_interval,
            k.start_up
        ),
        (
            Duration::from_secs(1),
            Duration::from_secs(1),
            1,
            1,
            None,
            false
        )
    );
    // Without its own: the track_file's (with its reverse and init_file).
    let (f, _) = file_probe(
        "track_file w {\n file /run/w\n weight -4 reverse\n init_file 9 overwrite\n}\n",
        "  FILE_CHECK { track_file w }",
    );
    assert_eq!((f.factor, f.reverse), (-4, true));
    assert_eq!(
        f.init,
        Some(FileInit {
            value: 9,
            overwrite: true
        })
    );
    // A track_file weight out of -254..=254 is 1; a second one ignored;
    // `noreverse` is only a FILE_CHECK word.
    for (w, want) in [
        ("weight 300", (1, false)),
        ("weight 5\n weight 7", (5, false)),
        ("weight 6 noreverse", (6, false)),
        ("weight 3x", (3, false)),
    ] {
        let (f, _) = file_probe(
            &format!("track_file w {{\n file /run/w\n {w}\n}}\n"),
            "  FILE_CHECK { track_file w }",
        );
        assert_eq!((f.factor, f.reverse), want, "{w}");
    }
    // Two FILE_CHECKs and a TCP_CHECK on one real: three checks.
    let c = load(&conf(
        track,
        "10.0.0.1 53",
        "  FILE_CHECK { track_file w }\n  FILE_CHECK { track_file w\n weight 1 }\n  TCP_CHECK { }",
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let kinds: Vec<_> = c.services[0].reals[0]
        .checks
        .iter()
        .map(|k| k.probe.kind())
        .collect();
    assert_eq!(kinds, ["file", "file", "tcp"]);
    // import-keepalived writes them as native checks that read back the
    // same (file, weight, reverse, init, and the timing).
    let c = load(&conf(
        "track_file w {\n file /run/w\n weight -4 reverse\n init_file 9\n}\n",
        "10.0.0.1 53",
        "  FILE_CHECK { track_file w }\n  FILE_CHECK { track_file w\n weight 0 }",
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let text = crate::config::native::to_toml(&c);
    let back = crate::config::native::parse(std::path::Path::new("imported.toml"), &text)
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(back.services[0].reals, c.services[0].reals, "{text}");
    // Without a track_file, or naming none above it: keepalived drops
    // the checker, and the real server is always up.
    for (before, rs, line) in [
        ("", "  FILE_CHECK {\n weight 2 }", 4),
        ("", "  FILE_CHECK {\n track_file w }", 4),
        (
            "track_file w {\n weight 2\n}\n",
            "  FILE_CHECK {\n track_file w }",
            7,
        ),
    ] {
        let c = load(&conf(before, "10.0.0.1 53", rs)).unwrap_or_else(|e| panic!("{e}"));
        assert!(c.services[0].reals[0].checks.is_empty());
        assert!(has(&c.notes, line, "drops the checker"), "{:?}", c.notes);
    }
    // The deprecated spelling defines one too.
    let (f, _) = file_probe(
        "vrrp_track_file w {\n file /run/w\n}\n",
        "  FILE_CHECK { track_file w }",
    );
    assert_eq!((f.factor, f.reverse), (1, false));
    // A track_file defined below the checker is not found either.
    let text = format!(
        "{}{track}",
        conf("", "10.0.0.1 53", "  FILE_CHECK { track_file w }")
    );
    let c = load(&text).unwrap_or_else(|e| panic!("{e}"));
    assert!(c.services[0].reals[0].checks.is_empty());
    // `dynamic` is in keepalived's manual, not in its parser.
    let c = load(&conf("", "10.0.0.1 53", "  FILE_CHECK {\n dynamic }")).unwrap();
    assert!(
        has(&c.notes, 5, "`dynamic` is not a FILE_CHECK keyword"),
        "{:?}",
        c.notes
    );
}

#[test]
fn two_checkers_that_set_the_weight_are_refused_at_the_second() {
    let misc = "  MISC_CHECK {\n misc_path /bin/true\n misc_dynamic }";
    let e = refused("", "10.0.0.1 53", &format!("{misc}\n{misc}"));
    assert!(e.message.contains("misc_dynamic") && e.at.line == 7, "{e}");
    // One that sets it beside others that only say up or down is fine.
    let (k, notes) = checks(&format!("{misc}\n  DNS_CHECK {{ }}"));
    assert_eq!(k.len(), 2);
    assert!(notes.iter().all(|n| !n.contains("delay_before_retry")));
    // DNS_CHECK retries after delay_loop: no retry interval of its own.
    assert_eq!(k[1].retry_interval, None);
}

#[test]
fn delay_before_retry_and_alpha_as_the_checks_timing() {
    let secs = |n| Some(Duration::from_secs(n));
    // keepalived's defaults: TCP_CHECK retry 1 after 1 s, starting up.
    let (k, _) = checks("  TCP_CHECK { }");
    assert_eq!((k[0].fall, k[0].retry_interval), (2, secs(1)));
    assert!(k[0].start_up);
    // HTTP_GET: 3 s; written at the real server, the checker's own wins.
    let (k, _) = checks(
        "  delay_before_retry 7\n  retry 2\n  HTTP_GET {\n url { path / }\n delay_before_retry 4 }\n  TCP_CHECK { }",
    );
    assert_eq!((k[0].fall, k[0].retry_interval), (3, secs(4)));
    assert_eq!((k[1].fall, k[1].retry_interval), (3, secs(7)));
    // No retry, or a retry after delay_loop: none.
    let (k, _) = checks("  TCP_CHECK {\n retry 0\n delay_before_retry 4 }");
    assert_eq!((k[0].fall, k[0].retry_interval), (1, None));
    let (k, _) = checks("  TCP_CHECK {\n delay_loop 4\n delay_before_retry 4 }");
    assert_eq!(k[0].retry_interval, None);
    // alpha: down until the first success, at any level.
    let (k, _) =
        checks("  alpha\n  TCP_CHECK { }\n  MISC_CHECK {\n misc_path /bin/true\n alpha no }");
    assert!(!k[0].start_up && k[1].start_up);
    let c = load("virtual_server 192.0.2.1 53 {\n alpha\n real_server 10.0.0.1 53 {\n  TCP_CHECK { }\n }\n}\n")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!c.services[0].reals[0].checks[0].start_up);
}

#[test]
fn warmup_keeps_the_starts_within_it() {
    let (k, _) = checks("  TCP_CHECK {\n delay_loop 10\n warmup 2 }");
    assert_eq!(k[0].warmup, Some(Duration::from_secs(2)));
    // Not written (delay_loop), 0, or as long as delay_loop: anywhere.
    for w in ["", "\n warmup 0", "\n warmup 10", "\n warmup 30"] {
        let (k, _) = checks(&format!("  TCP_CHECK {{\n delay_loop 10{w} }}"));
        assert_eq!(k[0].warmup, None, "{w}");
    }
}

#[test]
fn bindto_bind_port_bind_if_and_fwmark_are_the_checks_source() {
    let all = "bindto 10.0.0.254\n bind_port 4000\n bind_if eth1\n fwmark 7";
    for kind in ["TCP_CHECK", "DNS_CHECK", "SMTP_CHECK"] {
        let (k, notes) = checks(&format!("  {kind} {{\n {all} }}"));
        assert_eq!(
            k[0].source.to_string(),
            "from 10.0.0.254:4000 via eth1 mark 7",
            "{kind} {notes:?}"
        );
    }
    // From a fixed port, a TCP_CHECK closes with a reset.
    let (k, _) = checks(&format!("  TCP_CHECK {{\n {all} }}"));
    assert!(
        matches!(
            k[0].probe,
            Probe::Tcp {
                close: TcpClose::Reset,
                ..
            }
        ),
        "{:?}",
        k[0].probe
    );
    let (k, _) = checks("  TCP_CHECK {\n bindto 10.0.0.254 }");
    assert!(matches!(
        k[0].probe,
        Probe::Tcp {
            close: TcpClose::Graceful,
            ..
        }
    ));
    // keepalived's UDP socket takes no interface; a port without an
    // address is not bound; fwmark 0 is none.
    let (k, notes) = checks("  UDP_CHECK {\n bind_if eth1\n bind_port 4000\n fwmark 0 }");
    assert!(k[0].source.is_default(), "{:?}", k[0].source);
    assert!(
        has(&notes, 4, "UDP_CHECK: keepalived 2.2.7 does not bind"),
        "{notes:?}"
    );
    assert!(has(&notes, 4, "`bind_port` without `bindto`"), "{notes:?}");
    // Values keepalived ignores.
    let (k, notes) =
        checks("  TCP_CHECK {\n bindto nowhere\n bind_port 0\n bind_if a-very-long-name0 }");
    assert!(k[0].source.is_default(), "{:?}", k[0].source);
    for line in [5, 6, 7] {
        assert!(
            has(&notes, line, "keepalived ignores it"),
            "{line} {notes:?}"
        );
    }
    // An address of the other family; a link-local address without
    // bind_if (keepalived drops the checker); with it.
    let e = refused("", "10.0.0.1 53", "  TCP_CHECK {\n bindto 2001:db8::1 }");
    assert!(
        e.message.contains("not of the family") && e.at.line == 4,
        "{e}"
    );
    let v6 = |rs: &str| {
        format!("virtual_server 2001:db8::1 53 {{\n protocol UDP\n real_server fe80::1 53 {{\n{rs}\n }}\n}}\n")
    };
    let e = load(&v6("  DNS_CHECK { }")).unwrap_err();
    assert!(
        e.message.contains("fe80::1 is an IPv6 link-local") && e.message.contains("bind_if"),
        "{e}"
    );
    let c = load(&v6("  DNS_CHECK { bind_if eth0 }")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        c.services[0].reals[0].checks[0].source.to_string(),
        "via eth0"
    );
}

/// `import-keepalived` writes the source of each check, and the TOML
/// reads back as the same checks.
#[test]
fn sources_are_imported_and_read_back() {
    use crate::config::native;
    let text = conf(
        "",
        "10.0.0.1 53",
        "  TCP_CHECK {\n bindto 10.0.0.254\n bind_port 4000\n fwmark 7 }\n  DNS_CHECK {\n bindto 10.0.0.254\n bind_if eth1 }",
    );
    let a = load(&text).unwrap_or_else(|e| panic!("{e}"));
    let toml = native::to_toml(&a);
    assert!(
        toml.contains("source = \"10.0.0.254\", source_port = 4000, mark = 7"),
        "{toml}"
    );
    let b = native::parse(std::path::Path::new("i.toml"), &toml)
        .unwrap_or_else(|e| panic!("{e}\n{toml}"));
    assert_eq!(a.services[0].reals, b.services[0].reals, "{toml}");
}
