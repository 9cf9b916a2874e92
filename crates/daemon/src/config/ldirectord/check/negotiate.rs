//! The negotiate checks of the services other than HTTP: each
//! ldirectord service's probe, with its settings read as ldirectord reads
//! them.

use crate::config::{
    DnsProbe, ExchangeProbe, Expect, FtpProbe, HttpProbe, LdapProbe, MailProbe, MailProtocol,
    MysqlProbe, OracleProbe, Pattern, PgsqlProbe, Probe, RadiusProbe, SipProbe, SmtpProbe,
    UrlCheck,
};
use std::net::{IpAddr, SocketAddr};

/// A section's `login`, `passwd`, `database` and `secret` (each a
/// non-empty quoted string when written).
#[derive(Debug, Clone, Default)]
pub(super) struct Credentials {
    pub(super) login: Option<String>,
    pub(super) passwd: Option<String>,
    pub(super) database: Option<String>,
    pub(super) secret: Option<String>,
}

/// A mysql check: ldirectord logs in (`login`, `passwd`, `database`) and
/// runs the request (less its leading `/`) as a query that must return a
/// row; without a login or a query it calls the real down without
/// trying, and so does this check.
pub(super) fn mysql(target: SocketAddr, req: &str, creds: &Credentials) -> Probe {
    let query = req.strip_prefix('/').unwrap_or(req);
    match &creds.login {
        Some(user) if !query.is_empty() => Probe::Mysql(MysqlProbe {
            target,
            user: Some(user.clone()),
            password: creds.passwd.clone().unwrap_or_default(),
            database: creds.database.clone(),
            query: Some(query.to_string()),
        }),
        _ => Probe::Down,
    }
}

/// An smtp or submission check: ldirectord's Perl SMTP client must be
/// greeted and have its hello (`localhost.localdomain`, the client's
/// default name) accepted.
pub(super) fn smtp(target: SocketAddr) -> Probe {
    Probe::Smtp(SmtpProbe {
        target,
        helo: Some("localhost.localdomain".into()),
    })
}

/// A pop, pops, imap, imaps or nntp check (`service`): the greeting, and
/// with a `login` (pop, imap) the login with `passwd` (empty unless
/// given).
pub(super) fn mail(target: SocketAddr, service: &str, creds: &Credentials) -> Probe {
    let protocol = match service {
        "pop" | "pops" => MailProtocol::Pop3,
        "imap" | "imaps" => MailProtocol::Imap,
        _ => MailProtocol::Nntp,
    };
    let login = match (protocol, &creds.login) {
        (MailProtocol::Nntp, _) | (_, None) => None,
        (_, Some(u)) => Some((u.clone(), creds.passwd.clone().unwrap_or_default())),
    };
    Probe::Mail(MailProbe {
        target,
        protocol,
        tls: service.ends_with('s'),
        login,
    })
}

/// An ldap or ldaps check (`service`): a bind as `login` with `passwd`
/// when both are given, else anonymous; a search of the request (less
/// its leading `/`) as the base object, which must find one entry whose
/// DN matches `receive` if given.
pub(super) fn ldap(
    target: SocketAddr,
    service: &str,
    req: &str,
    creds: &Credentials,
    expect: Option<Pattern>,
) -> Probe {
    let bind = match (&creds.login, &creds.passwd) {
        (Some(l), Some(p)) => Some((l.clone(), p.clone())),
        _ => None,
    };
    Probe::Ldap(LdapProbe {
        target,
        tls: service == "ldaps",
        bind,
        base: req.strip_prefix('/').unwrap_or(req).to_string(),
        expect,
    })
}

/// A simpletcp check: the request (less its leading `/`, each `\n`
/// written in it a line end) is sent; a line of the answer must match
/// `receive` (an empty one, any line).
pub(super) fn simpletcp(target: SocketAddr, req: &str, expect: Pattern) -> Probe {
    Probe::Exchange(ExchangeProbe {
        target,
        send: req.strip_prefix('/').unwrap_or(req).replace("\\n", "\n"),
        expect,
    })
}

/// A pgsql check: as a mysql check (ldirectord's one SQL check), the
/// database defaulting to the server's.
pub(super) fn pgsql(target: SocketAddr, req: &str, creds: &Credentials) -> Probe {
    match mysql(target, req, creds) {
        Probe::Mysql(m) => Probe::Pgsql(PgsqlProbe {
            target,
            user: m.user.unwrap_or_default(),
            password: m.password,
            database: m.database,
            query: m.query,
        }),
        other => other,
    }
}

/// A radius check: an Access-Request for `login` with `passwd`, under
/// `secret` (each empty unless given), must be accepted.
pub(super) fn radius(target: SocketAddr, creds: &Credentials) -> Result<Probe, String> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let p = RadiusProbe {
        target,
        user: text(&creds.login),
        password: text(&creds.passwd),
        secret: text(&creds.secret),
    };
    crate::probe::radius::request(0, [0; 16], &p.user, &p.password, &p.secret)?;
    Ok(Probe::Radius(p))
}

/// An ftp check: a login as `login` (default `anonymous`) with `passwd`
/// (default `ldirectord@HOSTNAME`), the file named by the request
/// retrieved, its contents matching `receive` if given.
pub(super) fn ftp(
    target: SocketAddr,
    req: &str,
    creds: &Credentials,
    expect: Option<Pattern>,
) -> Result<Probe, String> {
    let password = match &creds.passwd {
        Some(p) => p.clone(),
        None => format!("ldirectord@{}", host_name()?),
    };
    Ok(Probe::Ftp(FtpProbe {
        target,
        user: creds.login.clone().unwrap_or_else(|| "anonymous".into()),
        password,
        path: req.to_string(),
        expect,
    }))
}

/// This machine's host name (ldirectord's default logins name it).
fn host_name() -> Result<String, String> {
    nix::unistd::gethostname()
        .map(|h| h.to_string_lossy().into_owned())
        .map_err(|e| format!("this machine's host name (for the default login): {e}"))
}

/// A sip check: OPTIONS for `sip:LOGIN` (default
/// `ldirectord@HOSTNAME`, ldirectord's), over TCP unless the virtual is
/// udp (as ldirectord opens its socket).
pub(super) fn sip(target: SocketAddr, creds: &Credentials, tcp: bool) -> Result<Probe, String> {
    let user = match &creds.login {
        Some(l) => l.clone(),
        None => format!("ldirectord@{}", host_name()?),
    };
    Ok(Probe::Sip(SipProbe { target, tcp, user }))
}

/// An http_proxy check: the request (less its leading `/`), an http://
/// URL, is asked of the real as of a proxy (the absolute URL in the
/// request line, the URL's host as `Host`); a 2xx answer whose body
/// matches `receive`, if given, is up. A request that is not an http://
/// URL names the real itself, as ldirectord makes it.
pub(super) fn http_proxy(
    target: SocketAddr,
    req: &str,
    expect: Option<Expect>,
    method: &str,
) -> Result<Probe, String> {
    let uri = req.strip_prefix('/').unwrap_or(req);
    let url = if uri.starts_with("http://") {
        uri.to_string()
    } else {
        let host = match target.ip() {
            IpAddr::V6(a) => format!("[{a}]"),
            a => a.to_string(),
        };
        format!("http://{host}:{}/{uri}", target.port())
    };
    let rest = &url["http://".len()..];
    let authority = rest.split('/').next().unwrap_or("");
    if authority.is_empty() || url.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "request `{url}` is not an http:// URL rvsadmd can ask for"
        ));
    }
    Ok(Probe::Http(HttpProbe {
        target,
        tls: false,
        verify: true,
        method: method.to_string(),
        // a redirect through the proxy is judged as it is
        redirects: 0,
        urls: vec![UrlCheck {
            host: Some(authority.to_string()),
            expect,
            ..UrlCheck::new(&url)
        }],
    }))
}

/// An oracle check: ldirectord logs in to SID `database` and runs the
/// query, which needs Oracle's client; rvsadmd asks the listener for the
/// SID (see [`crate::probe::oracle`]). Without a login, a query or a
/// database ldirectord's check fails, and this one is always down too.
pub(super) fn oracle(target: SocketAddr, req: &str, creds: &Credentials) -> Result<Probe, String> {
    let (Probe::Mysql(_), Some(sid)) = (mysql(target, req, creds), &creds.database) else {
        return Ok(Probe::Down);
    };
    crate::probe::oracle::connect_packet(sid, target).map_err(|m| format!("database: {m}"))?;
    Ok(Probe::Oracle(OracleProbe {
        target,
        sid: sid.clone(),
    }))
}

/// A dns check: ldirectord looks up the request (less its leading `/`):
/// an address by its PTR record, a name by its A record, over TCP for a
/// tcp virtual; up when an A address or PTR name of the answer matches
/// `receive`. Without a `receive` nothing matches: always down, as in
/// ldirectord.
pub(super) fn dns(
    target: SocketAddr,
    req: &str,
    receive: Option<Pattern>,
    tcp: bool,
) -> Result<Probe, String> {
    let Some(answer) = receive else {
        return Ok(Probe::Down);
    };
    let asked = req.strip_prefix('/').unwrap_or(req);
    let (name, qtype) = match asked.parse::<IpAddr>() {
        Ok(a) => (reverse_name(a), 12),
        Err(_) if asked.is_empty() => (".".to_string(), 1),
        Err(_) => (asked.to_string(), 1),
    };
    crate::probe::dns::query(0, qtype, &name).map_err(|m| format!("request: {m}"))?;
    Ok(Probe::Dns(DnsProbe {
        target,
        qtype,
        name,
        tcp,
        answer: Some(answer),
    }))
}

/// The name under which address `a` has its PTR record
/// (`4.3.2.1.in-addr.arpa`, nibbles under `ip6.arpa`).
pub(super) fn reverse_name(a: IpAddr) -> String {
    match a {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(v6) => {
            let mut out = String::with_capacity(72);
            for b in v6.octets().iter().rev() {
                out.push_str(&format!("{:x}.{:x}.", b & 0xf, b >> 4));
            }
            out.push_str("ip6.arpa");
            out
        }
    }
}
