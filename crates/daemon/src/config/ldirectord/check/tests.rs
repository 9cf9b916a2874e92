//! The negotiate checks of each `service`, as read from ldirectord.cf.

use crate::config::ldirectord::parse;
use crate::config::{Config, ConfigError, MysqlProbe, Probe};
use std::path::Path;

/// One virtual at `vip:port` with one real `10.0.0.1` and `lines`.
fn with(port: u16, lines: &str) -> Result<Config, ConfigError> {
    let text = format!("virtual=192.0.2.1:{port}\n\treal=10.0.0.1:{port} masq\n{lines}");
    parse(Path::new("ld.cf"), &text)
}

fn probe(port: u16, lines: &str) -> Probe {
    let c = with(port, lines).unwrap_or_else(|e| panic!("{e}"));
    c.services[0].reals[0].checks[0].probe.clone()
}

#[test]
fn mysql_logs_in_and_queries() {
    let p = probe(
        3306,
        "\tlogin=\"lb\"\n\tpasswd=\"s3cret\"\n\tdatabase=\"app\"\n\trequest=\"SELECT * FROM alive\"\n",
    );
    assert_eq!(
        p,
        Probe::Mysql(MysqlProbe {
            target: "10.0.0.1:3306".parse().unwrap(),
            user: Some("lb".into()),
            password: "s3cret".into(),
            database: Some("app".into()),
            query: Some("SELECT * FROM alive".into()),
        })
    );
    // service named, other port; no passwd, no database
    let Probe::Mysql(m) = probe(
        3307,
        "\tservice=mysql\n\tlogin=\"lb\"\n\trequest=\"/SELECT 1\"\n",
    ) else {
        panic!()
    };
    assert_eq!(m.target.port(), 3307);
    assert_eq!((m.password.as_str(), m.database), ("", None));
    assert_eq!(m.query.as_deref(), Some("SELECT 1"));
}

#[test]
fn mysql_without_login_or_query_is_down_as_in_ldirectord() {
    assert_eq!(probe(3306, "\trequest=\"SELECT 1\"\n"), Probe::Down);
    assert_eq!(probe(3306, "\tlogin=\"lb\"\n"), Probe::Down);
}

#[test]
fn credentials_must_be_quoted_and_not_empty() {
    let e = with(3306, "\tlogin=lb\n").unwrap_err();
    assert_eq!(e.at.line, 3, "{e}");
    let e = with(3306, "\tpasswd=\"\"\n").unwrap_err();
    assert_eq!(e.at.line, 3, "{e}");
}

#[test]
fn dns_looks_up_the_request_and_matches_receive() {
    let dns = |port, lines: &str| match probe(port, lines) {
        Probe::Dns(d) => d,
        p => panic!("{p:?}"),
    };
    let d = dns(
        53,
        "\tprotocol=udp\n\trequest=\"www.example.com\"\n\treceive=\"192.0.2.7\"\n",
    );
    assert_eq!(d.target, "10.0.0.1:53".parse().unwrap());
    assert_eq!(
        (d.qtype, d.name.as_str(), d.tcp),
        (1, "www.example.com", false)
    );
    assert_eq!(d.answer.as_ref().map(|p| p.as_str()), Some("192.0.2.7"));
    // An address is looked up by its PTR record; a tcp virtual over TCP
    // (port 53 is udp unless told).
    let d = dns(
        53,
        "\tprotocol=tcp\n\trequest=\"/192.0.2.7\"\n\treceive=\"www\"\n",
    );
    assert_eq!(
        (d.qtype, d.name.as_str(), d.tcp),
        (12, "7.2.0.192.in-addr.arpa", true)
    );
    let d = dns(
        5353,
        "\tservice=dns\n\trequest=\"2001:db8::1\"\n\treceive=\".\"\n",
    );
    assert!(d.name.starts_with("1.0.0.0.") && d.name.ends_with(".8.b.d.0.1.0.0.2.ip6.arpa"));
    // No receive: nothing matches, always down (as in ldirectord).
    assert_eq!(probe(53, "\trequest=\"www.example.com\"\n"), Probe::Down);
    let e = with(53, "\trequest=\"a..b\"\n\treceive=\"x\"\n").unwrap_err();
    assert!(e.message.contains("request: DNS name"), "{e}");
}

#[test]
fn mail_and_news_services() {
    use crate::config::{MailProbe, MailProtocol, SmtpProbe};
    let target = |port: u16| format!("10.0.0.1:{port}").parse().unwrap();
    assert_eq!(
        probe(25, ""),
        Probe::Smtp(SmtpProbe {
            target: target(25),
            helo: Some("localhost.localdomain".into()),
        })
    );
    assert!(matches!(probe(587, ""), Probe::Smtp(_)));
    let mail = |port, lines: &str| match probe(port, lines) {
        Probe::Mail(m) => m,
        p => panic!("{p:?}"),
    };
    assert_eq!(
        mail(110, "\tlogin=\"lb\"\n\tpasswd=\"pw\"\n"),
        MailProbe {
            target: target(110),
            protocol: MailProtocol::Pop3,
            tls: false,
            login: Some(("lb".into(), "pw".into())),
        }
    );
    let m = mail(995, "");
    assert_eq!(
        (m.protocol, m.tls, m.login),
        (MailProtocol::Pop3, true, None)
    );
    let m = mail(143, "\tlogin=\"lb\"\n");
    assert_eq!((m.protocol, m.tls), (MailProtocol::Imap, false));
    assert_eq!(m.login, Some(("lb".into(), String::new())));
    assert_eq!(mail(993, "").kind(), "imaps");
    let m = mail(119, "\tlogin=\"lb\"\n");
    assert_eq!((m.protocol, m.login), (MailProtocol::Nntp, None));
}

#[test]
fn simpletcp_sends_the_request_and_matches_receive() {
    let Probe::Exchange(x) = probe(
        7000,
        "\tservice=simpletcp\n\trequest=\"status\\nquit\\n\"\n\treceive=\"^OK\"\n",
    ) else {
        panic!()
    };
    assert_eq!(
        (x.send.as_str(), x.expect.as_str()),
        ("status\nquit\n", "^OK")
    );
    let Probe::Exchange(x) = probe(7000, "\tservice=simpletcp\n") else {
        panic!()
    };
    assert_eq!((x.send.as_str(), x.expect.as_str()), ("", ""));
    let e = with(7000, "\tprotocol=udp\n\tservice=simpletcp\n").unwrap_err();
    assert!(e.message.contains("udp virtual"), "{e}");
}

#[test]
fn ldap_binds_and_searches_the_request() {
    use crate::config::LdapProbe;
    let Probe::Ldap(l) = probe(
        389,
        "\tlogin=\"cn=lb,dc=example\"\n\tpasswd=\"pw\"\n\trequest=\"dc=example\"\n\treceive=\"example\"\n",
    ) else {
        panic!()
    };
    assert_eq!(
        (l.tls, l.bind, l.base.as_str()),
        (
            false,
            Some(("cn=lb,dc=example".into(), "pw".into())),
            "dc=example"
        )
    );
    assert_eq!(
        l.expect.map(|p| p.as_str().to_string()).as_deref(),
        Some("example")
    );
    // A login without a passwd binds anonymously; the default request is
    // the root DSE.
    assert_eq!(
        probe(636, "\tlogin=\"cn=lb\"\n"),
        Probe::Ldap(LdapProbe {
            target: "10.0.0.1:636".parse().unwrap(),
            tls: true,
            bind: None,
            base: String::new(),
            expect: None,
        })
    );
}

#[test]
fn pgsql_logs_in_and_queries() {
    use crate::config::PgsqlProbe;
    assert_eq!(
        probe(
            5432,
            "\tlogin=\"lb\"\n\tpasswd=\"pw\"\n\trequest=\"SELECT 1\"\n"
        ),
        Probe::Pgsql(PgsqlProbe {
            target: "10.0.0.1:5432".parse().unwrap(),
            user: "lb".into(),
            password: "pw".into(),
            database: None,
            query: Some("SELECT 1".into()),
        })
    );
    assert_eq!(probe(5432, "\tlogin=\"lb\"\n"), Probe::Down);
}

#[test]
fn radius_asks_with_login_passwd_and_secret() {
    use crate::config::RadiusProbe;
    assert_eq!(
        probe(
            1812,
            "\tprotocol=udp\n\tlogin=\"lb\"\n\tpasswd=\"pw\"\n\tsecret=\"s3\"\n"
        ),
        Probe::Radius(RadiusProbe {
            target: "10.0.0.1:1812".parse().unwrap(),
            user: "lb".into(),
            password: "pw".into(),
            secret: "s3".into(),
        })
    );
}

#[test]
fn sip_asks_options_for_the_login() {
    use crate::config::SipProbe;
    assert_eq!(
        probe(5060, "\tprotocol=udp\n\tlogin=\"lb@example\"\n"),
        Probe::Sip(SipProbe {
            target: "10.0.0.1:5060".parse().unwrap(),
            tcp: false,
            user: "lb@example".into(),
        })
    );
    let Probe::Sip(s) = probe(5060, "") else {
        panic!()
    };
    assert!(s.tcp && s.user.starts_with("ldirectord@"), "{s:?}");
}

#[test]
fn http_proxy_asks_the_real_for_the_url() {
    let Probe::Http(h) = probe(
        3128,
        "\trequest=\"http://www.example.com/health\"\n\treceive=\"ok\"\n",
    ) else {
        panic!()
    };
    assert_eq!(h.target, "10.0.0.1:3128".parse().unwrap());
    assert_eq!(h.urls[0].path, "http://www.example.com/health");
    assert_eq!(h.urls[0].host.as_deref(), Some("www.example.com"));
    assert!(h.urls[0].expect.is_some() && !h.tls);
    let Probe::Http(h) = probe(3128, "") else {
        panic!()
    };
    assert_eq!(h.urls[0].path, "http://10.0.0.1:3128/");
    let r = crate::probe::http::request("GET", &h.urls[0], h.target);
    assert!(
        r.starts_with("GET http://10.0.0.1:3128/ HTTP/1.0\r\nHost: 10.0.0.1:3128\r\n"),
        "{r}"
    );
}

#[test]
fn ftp_logs_in_and_retrieves_the_request() {
    let Probe::Ftp(f) = probe(21, "\trequest=\"/health.txt\"\n\treceive=\"ok\"\n") else {
        panic!()
    };
    assert_eq!(
        (f.user.as_str(), f.path.as_str()),
        ("anonymous", "/health.txt")
    );
    assert!(f.password.starts_with("ldirectord@"), "{f:?}");
    assert_eq!(
        f.expect.map(|p| p.as_str().to_string()).as_deref(),
        Some("ok")
    );
    let Probe::Ftp(f) = probe(21, "\tlogin=\"lb\"\n\tpasswd=\"pw\"\n") else {
        panic!()
    };
    assert_eq!(
        (f.user.as_str(), f.password.as_str(), f.path.as_str()),
        ("lb", "pw", "/")
    );
}

#[test]
fn oracle_asks_the_listener_for_the_database() {
    use crate::config::OracleProbe;
    assert_eq!(
        probe(
            1521,
            "\tlogin=\"lb\"\n\tpasswd=\"pw\"\n\tdatabase=\"ORCL\"\n\trequest=\"SELECT 1 FROM DUAL\"\n",
        ),
        Probe::Oracle(OracleProbe {
            target: "10.0.0.1:1521".parse().unwrap(),
            sid: "ORCL".into(),
        })
    );
    assert_eq!(probe(1521, "\tdatabase=\"ORCL\"\n"), Probe::Down);
}
