//! The check types' keys in `rvsadmd.toml`: each read, each mistake
//! named with its file and line, and each written back the same.

use super::{parse, to_toml};
use crate::config::{
    Check, Config, ConfigError, Expect, FileInit, FileProbe, Pattern, Probe, ReplyMatch, Source,
    TcpClose, UrlCheck,
};
use std::path::Path;

/// A file with one service (line 1-4) and one destination whose `check`
/// is `check` (line 9), weight 4.
fn with(check: &str) -> Result<Config, ConfigError> {
    let text = format!(
        "[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\n\n[[services.destinations]]\naddress = \"127.0.0.1\"\nport = 8080\nweight = 4\ncheck = {{ {check} }}\n"
    );
    parse(Path::new("t.toml"), &text)
}

fn check(c: &str) -> Check {
    let cfg = with(c).unwrap_or_else(|e| panic!("{e}"));
    cfg.services[0].reals[0].checks[0].clone()
}

fn probe(c: &str) -> Probe {
    check(c).probe
}

/// The error for `c`: it names t.toml and the destination's line (6).
fn error(c: &str) -> String {
    let e = with(c).unwrap_err();
    assert_eq!(e.at.file, Path::new("t.toml"), "{e}");
    assert_eq!(e.at.line, 6, "{e}");
    assert!(e.to_string().starts_with("t.toml:6: "), "{e}");
    e.message
}

fn assert_error(c: &str, part: &str) {
    let m = error(c);
    assert!(m.contains(part), "`{c}`: `{m}` does not say `{part}`");
}

#[test]
fn tcp_close() {
    let tcp = |close| Probe::Tcp {
        target: "127.0.0.1:8080".parse().unwrap(),
        close,
    };
    assert_eq!(probe("type = \"tcp\""), tcp(TcpClose::Reset));
    assert_eq!(probe("close = \"reset\""), tcp(TcpClose::Reset));
    assert_eq!(probe("close = \"graceful\""), tcp(TcpClose::Graceful));
    assert_error(
        "close = \"fin\"",
        "close: `fin` is not `reset` or `graceful`",
    );
    assert_error(
        "type = \"http\", close = \"reset\"",
        "`close` does not apply to a http check",
    );
}

#[test]
fn http_urls_digests_and_hosts() {
    let Probe::Http(h) = probe(
        "type = \"https\", host = \"www.example.com\", status = [200], urls = [{ path = \"/a\", digest = \"9B3A0C85A887A256D6939DA88AABD8CD\" }, { path = \"/b\", host = \"b.example.com\", status = [\"200-399\"], regex = \"^ok\" }]",
    ) else {
        panic!()
    };
    assert!(h.tls && h.verify);
    assert_eq!(
        h.urls,
        vec![
            UrlCheck {
                host: Some("www.example.com".into()),
                status: vec![(200, 200)],
                digest: Some("9b3a0c85a887a256d6939da88aabd8cd".into()),
                ..UrlCheck::new("/a")
            },
            UrlCheck {
                host: Some("b.example.com".into()),
                status: vec![(200, 399)],
                expect: Some(Expect::Regex(Pattern::new("^ok").unwrap())),
                ..UrlCheck::new("/b")
            },
        ]
    );
    let Probe::Http(h) =
        probe("type = \"http\", path = \"/h\", digest = \"00000000000000000000000000000000\"")
    else {
        panic!()
    };
    assert_eq!(h.urls.len(), 1);
    assert_eq!(
        h.urls[0].digest.as_deref(),
        Some("00000000000000000000000000000000")
    );
    assert_error(
        "type = \"http\", digest = \"abc\"",
        "digest: `abc` is not an MD5",
    );
    assert_error("type = \"http\", urls = []", "urls: give at least one");
    assert_error(
        "type = \"http\", path = \"/x\", urls = [{ path = \"/a\" }]",
        "`path` goes inside each of `urls`",
    );
    assert_error(
        "type = \"http\", urls = [{ path = \"/a\" }, { path = \"b\" }]",
        "urls[1]: path: `b` must start with /",
    );
    assert_error(
        "type = \"http\", urls = [{ path = \"/a\", expect = \"x\", regex = \"y\" }]",
        "urls[0]: give `expect` (text) or `regex`, not both",
    );
    let e = with("type = \"http\", urls = [{ paht = \"/a\" }]").unwrap_err();
    assert!(e.message.contains("paht") && e.at.line == 10, "{e}");
    assert_error(
        "type = \"tcp\", digest = \"x\"",
        "`digest` does not apply to a tcp check",
    );
}

#[test]
fn smtp_helo() {
    let Probe::Smtp(s) = probe("type = \"smtp\", port = 25, helo = \"lb1.example.com\"") else {
        panic!()
    };
    assert_eq!(s.target, "127.0.0.1:25".parse().unwrap());
    assert_eq!(s.helo.as_deref(), Some("lb1.example.com"));
    let Probe::Smtp(s) = probe("type = \"smtp\"") else {
        panic!()
    };
    assert_eq!(s.helo, None);
    assert_error(
        "type = \"smtp\", helo = \"a b\"",
        "helo: `a b` is not a host name",
    );
    assert_error(
        "type = \"smtp\", path = \"/\"",
        "`path` does not apply to a smtp check",
    );
}

#[test]
fn dns_type_and_name() {
    let Probe::Dns(d) =
        probe("type = \"dns\", port = 53, query_type = \"aaaa\", name = \"www.example.com\"")
    else {
        panic!()
    };
    assert_eq!((d.qtype, d.name.as_str()), (28, "www.example.com"));
    assert_eq!(d.target.port(), 53);
    // keepalived's defaults: SOA of the root.
    let Probe::Dns(d) = probe("type = \"dns\"") else {
        panic!()
    };
    assert_eq!((d.qtype, d.name.as_str()), (6, "."));
    let Probe::Dns(d) = probe("type = \"dns\", query_type = \"TYPE65\"") else {
        panic!()
    };
    assert_eq!(d.qtype, 65);
    assert_error(
        "type = \"dns\", query_type = \"AXFR\"",
        "query_type: `AXFR` is not one of A, NS",
    );
    assert_error("type = \"dns\", name = \"a..b\"", "name: DNS name `a..b`");
    let Probe::Dns(d) = probe("type = \"dns\", name = \"www.example.com\", query_type = \"A\", tcp = true, answer = \"^192\\\\.0\"") else {
        panic!()
    };
    assert!(d.tcp);
    assert_eq!(
        d.answer.map(|p| p.as_str().to_string()).as_deref(),
        Some("^192\\.0")
    );
    assert_error("type = \"dns\", answer = \"(\"", "answer: ");
    assert_error(
        "type = \"dns\", helo = \"x\"",
        "`helo` does not apply to a dns check",
    );
}

#[test]
fn mysql_login_and_query() {
    let Probe::Mysql(m) = probe(
        "type = \"mysql\", port = 3306, user = \"lb\", password = \"pw\", database = \"app\", query = \"SELECT 1\"",
    ) else {
        panic!()
    };
    assert_eq!(m.target, "127.0.0.1:3306".parse().unwrap());
    assert_eq!(m.user.as_deref(), Some("lb"));
    assert_eq!(m.password, "pw");
    assert_eq!(m.database.as_deref(), Some("app"));
    assert_eq!(m.query.as_deref(), Some("SELECT 1"));
    let Probe::Mysql(m) = probe("type = \"mysql\"") else {
        panic!()
    };
    assert_eq!((m.user, m.query), (None, None));
    assert_error(
        "type = \"mysql\", query = \"SELECT 1\"",
        "`query` needs `user`",
    );
    assert_error("type = \"mysql\", user = \"\"", "user: empty");
    assert_error(
        "type = \"mysql\", helo = \"x\"",
        "`helo` does not apply to a mysql check",
    );
}

#[test]
fn mail_news_and_simpletcp_keys() {
    use crate::config::MailProtocol;
    let Probe::Mail(m) = probe("type = \"imaps\", user = \"lb\", password = \"pw\"") else {
        panic!()
    };
    assert_eq!((m.protocol, m.tls), (MailProtocol::Imap, true));
    assert_eq!(m.login, Some(("lb".into(), "pw".into())));
    let Probe::Mail(m) = probe("type = \"nntp\"") else {
        panic!()
    };
    assert_eq!(
        (m.protocol, m.tls, m.login),
        (MailProtocol::Nntp, false, None)
    );
    assert_error(
        "type = \"pop\", password = \"x\"",
        "`password` needs `user`",
    );
    assert_error("type = \"pop\", user = \"a\\nb\"", "user: a line end");
    assert_error(
        "type = \"nntp\", user = \"a\"",
        "`user` does not apply to a nntp check",
    );
    let Probe::Exchange(x) = probe("type = \"simpletcp\", send = \"hi\\n\", regex = \"^ok\"")
    else {
        panic!()
    };
    assert_eq!((x.send.as_str(), x.expect.as_str()), ("hi\n", "^ok"));
    assert_error("type = \"simpletcp\", send = \"hi\"", "needs `regex`");
    let Probe::Ldap(l) = probe("type = \"ldaps\", user = \"cn=x\", base = \"dc=example\"") else {
        panic!()
    };
    assert_eq!(
        (l.tls, l.bind, l.base.as_str()),
        (true, Some(("cn=x".into(), String::new())), "dc=example")
    );
    assert_error(
        "type = \"ldap\", password = \"x\"",
        "`password` needs `user`",
    );
    assert_error("type = \"pgsql\"", "a pgsql check needs `user`");
    assert_error("type = \"oracle\"", "an oracle check needs `database`");
    assert_error(
        "type = \"oracle\", database = \"a b\"",
        "database: `a b` is not an Oracle SID",
    );
    assert_error("type = \"ftp\"", "an ftp check needs `path`");
    assert_error("type = \"sip\"", "a sip check needs `user`");
    assert_error(
        "type = \"radius\", user = \"lb\", password = \"pw\"",
        "a radius check needs `secret`",
    );
    let Probe::Pgsql(p) = probe("type = \"pgsql\", user = \"lb\", query = \"SELECT 1\"") else {
        panic!()
    };
    assert_eq!(
        (p.user.as_str(), p.query.as_deref()),
        ("lb", Some("SELECT 1"))
    );
}

#[test]
fn udp_payload_and_reply() {
    let udp = |c: &str| match probe(c) {
        Probe::Udp(u) => u,
        other => panic!("{other:?}"),
    };
    let u = udp("type = \"udp\", payload = \"Ab12f 3\"");
    assert_eq!((u.payload, u.reply), (vec![0xab, 0x12, 0x0f, 0x03], None));
    let u = udp("type = \"udp\", require_reply = true");
    assert_eq!(u.reply, Some(ReplyMatch::default()));
    assert_eq!(udp("type = \"udp\", require_reply = false").reply, None);
    let u = udp("type = \"udp\", require_reply = \"01x2\"");
    assert_eq!(
        u.reply,
        Some(ReplyMatch {
            value: vec![0x01, 0x02],
            mask: vec![0xff, 0x0f]
        })
    );
    let u =
        udp("type = \"udp\", require_reply = true, min_reply_length = 4, max_reply_length = 255");
    assert_eq!(u.reply_len, (4, 255));
    assert_eq!(
        udp("type = \"udp\", require_reply = true").reply_len,
        (0, 65535)
    );
    assert_error(
        "type = \"udp\", max_reply_length = 9",
        "`max_reply_length` needs `require_reply`",
    );
    assert_error(
        "type = \"udp\", require_reply = true, min_reply_length = 9, max_reply_length = 3",
        "min_reply_length 9 is above max_reply_length 3",
    );
    assert_error(
        "type = \"udp\", require_reply = true, max_reply_length = 70000",
        "max_reply_length: 70000 is not 0 to 65535",
    );
    assert_error(
        "type = \"udp\", payload = \"0x\"",
        "payload: `x` is not a hex digit",
    );
    assert_error(
        "type = \"udp\", require_reply = \"zz\"",
        "require_reply: `z` is not a hex digit",
    );
    let e = with("type = \"udp\", require_reply = 3").unwrap_err();
    assert_eq!(e.at.line, 10, "{e}");
}

#[test]
fn ping_takes_the_address_only() {
    assert_eq!(
        probe("type = \"ping\""),
        Probe::Ping {
            target: "127.0.0.1".parse().unwrap()
        }
    );
    assert_error(
        "type = \"ping\", port = 7",
        "`port` does not apply to a ping check",
    );
    assert_error(
        "type = \"ping\", payload = \"00\"",
        "`payload` does not apply to a ping check",
    );
}

#[test]
fn file_weight_reverse_init() {
    assert_eq!(
        probe("type = \"file\", file = \"/run/w\", weight = -3, reverse = true, init = 5, overwrite = true"),
        Probe::File(FileProbe {
            path: "/run/w".into(),
            factor: -3,
            reverse: true,
            init: Some(FileInit {
                value: 5,
                overwrite: true
            }),
            memory: Default::default(),
        })
    );
    let Probe::File(f) = probe("type = \"file\", file = \"/run/w\"") else {
        panic!()
    };
    assert_eq!((f.factor, f.reverse, f.init), (1, false, None));
    assert_error(
        "type = \"file\", file = \"/w\", overwrite = true",
        "overwrite: give `init`",
    );
    assert_error(
        "type = \"file\", file = \"/w\", init = 3000000000",
        "init: 3000000000 is out of range",
    );
    assert_error(
        "type = \"file\", file = \"/w\", dynamic = true",
        "`dynamic` does not apply to a file check",
    );
    assert_error("type = \"file\"", "file: give the file");
    assert_error(
        "type = \"file\", file = \"/w\", weight = 3000000000",
        "weight: 3000000000 is out of range",
    );
    assert_error(
        "type = \"file\", file = \"/w\", port = 1",
        "`port` does not apply to a file check",
    );
    assert_error(
        "type = \"tcp\", weight = 2",
        "`weight` does not apply to a tcp check",
    );
}

#[test]
fn exec_user_group_dynamic() {
    let Probe::Exec {
        run_as, dynamic, ..
    } = probe("type = \"exec\", argv = [\"/bin/true\"], user = \"root\", group = \"root\", dynamic = false")
    else {
        panic!()
    };
    let r = run_as.unwrap();
    assert_eq!(
        (r.user.as_str(), r.group.as_deref(), r.uid, r.gid),
        ("root", Some("root"), 0, 0)
    );
    assert!(!dynamic);
    let Probe::Exec {
        run_as, dynamic, ..
    } = probe("type = \"exec\", argv = [\"/bin/true\"]")
    else {
        panic!()
    };
    assert_eq!((run_as, dynamic), (None, true));
    let Probe::Exec {
        dynamic, percent, ..
    } = probe("type = \"exec\", argv = [\"/bin/true\"], dynamic = \"percent\"")
    else {
        panic!()
    };
    assert_eq!((dynamic, percent), (true, true));
    assert_error(
        "type = \"exec\", argv = [\"/bin/true\"], dynamic = \"weight\"",
        "dynamic: \"weight\" is not true, false or \"percent\"",
    );
    assert_error(
        "type = \"exec\", argv = [\"/bin/true\"], user = \"no-such-user-rvsadmd\"",
        "user: no user `no-such-user-rvsadmd` on this machine",
    );
    assert_error(
        "type = \"exec\", argv = [\"/bin/true\"], user = \"root\", group = \"no-such-group-rvsadmd\"",
        "group: no group `no-such-group-rvsadmd`",
    );
    assert_error(
        "type = \"exec\", argv = [\"/bin/true\"], group = \"root\"",
        "`group` needs `user`",
    );
    assert_error(
        "type = \"tcp\", user = \"root\"",
        "`user` does not apply to a tcp check",
    );
}

#[test]
fn every_check_type_is_written_back_the_same() {
    let checks = [
        "type = \"tcp\", close = \"graceful\"",
        "type = \"tcp\", port = 81",
        "type = \"https\", verify = false, method = \"HEAD\", host = \"h.example\", urls = [{ path = \"/a\", digest = \"9b3a0c85a887a256d6939da88aabd8cd\" }, { path = \"/b\", status = [404, \"500-503\"], expect = \"x\\\"y\" }]",
        "type = \"http\", path = \"/r\", redirects = 7",
        "type = \"http\", path = \"/one\", regex = \"^ok$\", digest = \"9b3a0c85a887a256d6939da88aabd8cd\"",
        "type = \"exec\", argv = [\"/bin/true\", \"a b\"], user = \"root\", group = \"root\", dynamic = false",
        "type = \"smtp\", helo = \"lb.example\"",
        "type = \"smtp\"",
        "type = \"dns\", query_type = \"MX\", name = \"example.com\"",
        "type = \"dns\", query_type = \"TYPE65\"",
        "type = \"mysql\"",
        "type = \"pop\"",
        "type = \"pops\", user = \"lb\", password = \"p w\"",
        "type = \"imaps\", user = \"lb\"",
        "type = \"imap\"",
        "type = \"nntp\"",
        "type = \"oracle\", database = \"ORCL\"",
        "type = \"ftp\", path = \"/health.txt\"",
        "type = \"ftp\", user = \"lb\", password = \"pw\", path = \"/h\", regex = \"ok\"",
        "type = \"http\", path = \"http://www.example.com/h\", host = \"www.example.com\"",
        "type = \"sip\", user = \"lb@example\"",
        "type = \"sip\", user = \"lb@example\", tcp = true",
        "type = \"radius\", user = \"lb\", password = \"pw\", secret = \"s3\"",
        "type = \"pgsql\", user = \"lb\"",
        "type = \"pgsql\", user = \"lb\", password = \"pw\", database = \"app\", query = \"SELECT 1\"",
        "type = \"ldap\"",
        "type = \"ldaps\", user = \"cn=lb,dc=example\", password = \"pw\", base = \"dc=example\", regex = \"^dc=\"",
        "type = \"simpletcp\", send = \"status\\n\", regex = \"^OK\"",
        "type = \"dns\", query_type = \"PTR\", name = \"7.2.0.192.in-addr.arpa\", tcp = true, answer = \"^www\\\\.\"",
        "type = \"mysql\", user = \"lb\"",
        "type = \"mysql\", user = \"lb\", password = \"p\\\"w\", database = \"app\", query = \"SELECT 1\"",
        "type = \"udp\", payload = \"0102ff\", require_reply = \"0xx2\"",
        "type = \"udp\", require_reply = true",
        "type = \"udp\", require_reply = \"01\", min_reply_length = 2, max_reply_length = 255",
        "type = \"udp\"",
        "type = \"ping\"",
        "type = \"file\", file = \"/run/w\", weight = 0, reverse = true",
        "type = \"file\", file = \"/run/w\", weight = 5, init = -2, overwrite = true",
        "type = \"file\", file = \"/run/w\", init = 0",
    ];
    for c in checks {
        let a = with(c).unwrap_or_else(|e| panic!("{c}: {e}"));
        let text = to_toml(&a);
        let b = parse(Path::new("again.toml"), &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(a.services[0].reals, b.services[0].reals, "{c}\n{text}");
    }
}

#[test]
fn retry_interval_and_start_up_are_read_and_written_back() {
    let c = check("type = \"tcp\", fall = 3");
    assert_eq!((c.retry_interval, c.start_up), (None, false));
    let c = check("type = \"tcp\", fall = 3, retry_interval = \"250ms\", start_up = true");
    assert_eq!(
        (c.retry_interval, c.start_up),
        (Some(std::time::Duration::from_millis(250)), true)
    );
    assert_error(
        "type = \"tcp\", retry_interval = \"soon\"",
        "retry_interval",
    );
    let e = with("type = \"tcp\", start_up = 1").unwrap_err();
    assert!(e.message.contains("expected a boolean"), "{e}");
    let cfg = with("type = \"tcp\", fall = 3, retry_interval = 0.5, start_up = true").unwrap();
    let written = to_toml(&cfg);
    assert!(
        written.contains("retry_interval = \"500ms\", start_up = true"),
        "{written}"
    );
    let back = parse(Path::new("b.toml"), &written).unwrap_or_else(|e| panic!("{e}\n{written}"));
    assert_eq!(back.services[0].reals, cfg.services[0].reals);
}

#[test]
fn fallback_idle_is_read_and_written_back() {
    let text = "[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\nfallback = { address = \"10.0.0.9\", port = 80 }\nfallback_idle = \"quiesce\"\n\n[[services.destinations]]\naddress = \"127.0.0.1\"\nport = 8080\n";
    let cfg = parse(Path::new("t.toml"), text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        cfg.services[0].fallback_idle,
        crate::config::OnFailure::Quiesce
    );
    let written = to_toml(&cfg);
    assert!(
        written.contains("fallback_idle = \"quiesce\"\n"),
        "{written}"
    );
    let back = parse(Path::new("b.toml"), &written).unwrap_or_else(|e| panic!("{e}\n{written}"));
    assert_eq!(
        back.services[0].fallback_idle,
        crate::config::OnFailure::Quiesce
    );
    // The default: removed; without a fallback it is an error.
    let plain = text.replace("fallback_idle = \"quiesce\"\n", "");
    let cfg = parse(Path::new("t.toml"), &plain).unwrap();
    assert_eq!(
        cfg.services[0].fallback_idle,
        crate::config::OnFailure::Remove
    );
    assert!(!to_toml(&cfg).contains("fallback_idle"));
    let none = text.replace("fallback = { address = \"10.0.0.9\", port = 80 }\n", "");
    let e = parse(Path::new("t.toml"), &none).unwrap_err();
    assert!(
        e.message.contains("fallback_idle without a fallback"),
        "{e}"
    );
}

#[test]
fn warmup_is_read_and_written_back() {
    let cfg = with("type = \"tcp\", interval = 10, warmup = \"2s\"").unwrap();
    let c = &cfg.services[0].reals[0].checks[0];
    assert_eq!(c.warmup, Some(std::time::Duration::from_secs(2)));
    let written = to_toml(&cfg);
    assert!(written.contains("warmup = \"2s\""), "{written}");
    let back = parse(Path::new("b.toml"), &written).unwrap_or_else(|e| panic!("{e}\n{written}"));
    assert_eq!(back.services[0].reals, cfg.services[0].reals);
    assert_error("type = \"tcp\", warmup = \"later\"", "warmup");
}

#[test]
fn sources() {
    let c = check(
        "type = \"dns\", source = \"127.0.0.2\", source_port = 5353, interface = \"lo\", mark = 9",
    );
    assert_eq!(
        c.source,
        Source {
            address: Some("127.0.0.2".parse().unwrap()),
            port: Some(5353),
            interface: Some("lo".into()),
            mark: Some(9),
            via_vip: None,
        }
    );
    assert!(check("type = \"tcp\"").source.is_default());
    assert_eq!(check("type = \"ping\", mark = 1").source.mark, Some(1));
    assert_error(
        "type = \"exec\", argv = [\"/bin/true\"], source = \"127.0.0.2\"",
        "do not apply to a exec check (it opens no socket)",
    );
    assert_error(
        "type = \"ping\", source_port = 1",
        "`source_port` does not apply to a ping check",
    );
    assert_error(
        "close = \"graceful\", source_port = 4000",
        "`source_port` needs `close = \"reset\"`",
    );
    assert_error("source = \"::1\"", "not of the family");
    assert_error(
        "type = \"ping\", via_vip = true",
        "`via_vip` does not apply to a ping check",
    );
    assert_error("via_vip = true, mark = 5", "`via_vip` and `mark`");
    assert_error(
        "via_vip = true, interface = \"eth0\"",
        "`via_vip` and `interface`",
    );
    assert_error(
        "via_vip = true, source_port = 5000",
        "`via_vip` and `source_port`",
    );
    assert_error(
        "via_vip = true, close = \"graceful\"",
        "`via_vip` needs `close = \"reset\"`",
    );
    assert_error("interface = \"\"", "is not an interface name");
}
