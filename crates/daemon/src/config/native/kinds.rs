//! The settings of each check type, from a merged `check` table (the
//! timing and the type itself are read in `check.rs`).

use super::check::{only, status_of};
use super::doc::{CheckDoc, DynamicDoc, ReplyDoc, UrlDoc};
use crate::config::validate::Patterns;
use crate::config::{
    dns_type, DnsProbe, ExchangeProbe, Expect, FileInit, FileProbe, FtpProbe, HttpProbe, LdapProbe,
    MailProbe, MailProtocol, MysqlProbe, OracleProbe, PgsqlProbe, Probe, RadiusProbe, ReplyMatch,
    RunAs, SipProbe, SmtpProbe, TcpClose, UdpProbe, UrlCheck, DNS_TYPES, UDP_REPLY_LEN,
};
use std::net::SocketAddr;

/// A TCP check's `close`: `reset` unless given.
pub(super) fn close_of(close: Option<&str>) -> Result<TcpClose, String> {
    match close {
        None => Ok(TcpClose::default()),
        Some(c) => [TcpClose::Reset, TcpClose::Graceful]
            .into_iter()
            .find(|k| k.name() == c)
            .ok_or_else(|| format!("close: `{c}` is not `reset` or `graceful`")),
    }
}

/// An `http` or `https` check: one URL from the table's own `path`,
/// `host`, `status`, `expect`/`regex`, `digest`, or several from `urls`
/// (each taking the table's `host` and `status` unless it gives its own).
pub(super) fn http_of(
    c: &CheckDoc,
    kind: &str,
    target: SocketAddr,
    patterns: &mut Patterns,
) -> Result<HttpProbe, String> {
    only(
        c,
        kind,
        &[
            "method",
            "path",
            "host",
            "status",
            "expect",
            "regex",
            "verify",
            "urls",
            "digest",
            "redirects",
        ],
    )?;
    if kind == "http" && c.verify.is_some() {
        return Err("`verify` applies to https checks".into());
    }
    let method = c.method.clone().unwrap_or_else(|| "GET".into());
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(format!("method: `{method}` is not an HTTP method"));
    }
    let urls = match &c.urls {
        None => {
            let own = UrlDoc {
                path: c.path.clone(),
                host: None,
                status: None,
                expect: c.expect.clone(),
                regex: c.regex.clone(),
                digest: c.digest.clone(),
            };
            vec![url_of(&own, c, patterns)?]
        }
        Some(list) => {
            let set = [
                ("path", c.path.is_some()),
                ("expect", c.expect.is_some()),
                ("regex", c.regex.is_some()),
                ("digest", c.digest.is_some()),
            ];
            if let Some((name, _)) = set.iter().find(|(_, on)| *on) {
                return Err(format!(
                    "`{name}` goes inside each of `urls` when `urls` is given"
                ));
            }
            if list.is_empty() {
                return Err("urls: give at least one".into());
            }
            list.iter()
                .enumerate()
                .map(|(i, u)| url_of(u, c, patterns).map_err(|m| format!("urls[{i}]: {m}")))
                .collect::<Result<_, _>>()?
        }
    };
    Ok(HttpProbe {
        target,
        tls: kind == "https",
        verify: c.verify.unwrap_or(true),
        method,
        urls,
        redirects: c.redirects.unwrap_or(0),
    })
}

/// One URL: its own fields, `host` and `status` from the check's table
/// unless given.
fn url_of(u: &UrlDoc, c: &CheckDoc, patterns: &mut Patterns) -> Result<UrlCheck, String> {
    let expect = match (&u.expect, &u.regex) {
        (Some(_), Some(_)) => return Err("give `expect` (text) or `regex`, not both".into()),
        (Some(t), None) => Some(Expect::Text(t.clone())),
        (None, Some(r)) => Some(Expect::Regex(
            patterns.compile(r).map_err(|e| format!("regex: {e}"))?,
        )),
        (None, None) => None,
    };
    let path = u.path.clone().unwrap_or_else(|| "/".into());
    let rooted = path.starts_with('/') || path.starts_with("http://");
    if !rooted || path.contains(|ch: char| ch.is_whitespace() || ch.is_control()) {
        return Err(format!(
            "path: `{path}` must start with / (or be an http:// URL, asked of a proxy) and hold no white space"
        ));
    }
    let host = u.host.clone().or_else(|| c.host.clone());
    if let Some(h) = &host {
        if h.is_empty() || h.contains(|ch: char| ch.is_whitespace() || ch.is_control()) {
            return Err(format!("host: `{h}` is not a host name"));
        }
    }
    let status = match u.status.as_ref().or(c.status.as_ref()) {
        Some(v) if !v.is_empty() => v.iter().map(status_of).collect::<Result<_, _>>()?,
        Some(_) => return Err("status: give at least one code".into()),
        None => vec![(200, 299)],
    };
    let digest = match &u.digest {
        Some(d) => Some(digest_of(d)?),
        None => None,
    };
    Ok(UrlCheck {
        path,
        host,
        status,
        expect,
        digest,
    })
}

/// A `digest`: 32 hex digits (any case), kept in lower case.
fn digest_of(d: &str) -> Result<String, String> {
    if d.len() == 32 && d.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(d.to_ascii_lowercase())
    } else {
        Err(format!(
            "digest: `{d}` is not an MD5 in hex (32 digits, as md5sum or genhash print it)"
        ))
    }
}

/// An `exec` check: the program, the environment naming what it checks,
/// whether exit codes 2-255 set the weight (`dynamic`, the default) or a
/// percentage of it (`dynamic = "percent"`), and
/// the user (and group) it runs as, looked up now.
pub(super) fn exec_of(c: &CheckDoc, service: &str, target: SocketAddr) -> Result<Probe, String> {
    let argv = c.argv.clone().unwrap_or_default();
    if argv.first().is_none_or(|p| p.is_empty()) {
        return Err("argv: give the program and its arguments".into());
    }
    let run_as = match (&c.user, &c.group) {
        (None, None) => None,
        (None, Some(_)) => return Err("`group` needs `user`".into()),
        (Some(u), g) => Some(RunAs::lookup(u, g.as_deref())?),
    };
    let (dynamic, percent) = match &c.dynamic {
        None | Some(DynamicDoc::Flag(true)) => (true, false),
        Some(DynamicDoc::Flag(false)) => (false, false),
        Some(DynamicDoc::Word(w)) if w == "percent" => (true, true),
        Some(DynamicDoc::Word(w)) => {
            return Err(format!(
                "dynamic: \"{w}\" is not true, false or \"percent\""
            ))
        }
    };
    Ok(Probe::Exec {
        argv,
        env: exec_env(service, target),
        dynamic,
        percent,
        run_as,
    })
}

/// The environment an exec check gets: the service, and the address and
/// port it is to check.
fn exec_env(service: &str, target: SocketAddr) -> Vec<(String, String)> {
    vec![
        ("RVSADMD_SERVICE".into(), service.to_string()),
        ("RVSADMD_ADDRESS".into(), target.ip().to_string()),
        ("RVSADMD_PORT".into(), target.port().to_string()),
    ]
}

/// An `smtp` check.
pub(super) fn smtp_of(c: &CheckDoc, target: SocketAddr) -> Result<Probe, String> {
    if let Some(h) = &c.helo {
        if h.is_empty() || h.contains(|ch: char| ch.is_whitespace() || ch.is_control()) {
            return Err(format!("helo: `{h}` is not a host name"));
        }
    }
    Ok(Probe::Smtp(SmtpProbe {
        target,
        helo: c.helo.clone(),
    }))
}

/// A `dns` check: `query_type` SOA and `name` `.` unless given
/// (keepalived's defaults), over UDP unless `tcp`; `answer` a regular
/// expression an A or PTR record of the answer must match.
pub(super) fn dns_of(
    c: &CheckDoc,
    target: SocketAddr,
    patterns: &mut Patterns,
) -> Result<Probe, String> {
    let t = c.query_type.as_deref().unwrap_or("SOA");
    let qtype = dns_type(t).ok_or_else(|| {
        let names: Vec<&str> = DNS_TYPES.iter().map(|(n, _)| *n).collect();
        format!("query_type: `{t}` is not one of {}", names.join(", "))
    })?;
    let name = c.name.clone().unwrap_or_else(|| ".".into());
    crate::probe::dns::query(0, qtype, &name).map_err(|m| format!("name: {m}"))?;
    let answer = match &c.answer {
        Some(r) => Some(patterns.compile(r).map_err(|e| format!("answer: {e}"))?),
        None => None,
    };
    Ok(Probe::Dns(DnsProbe {
        target,
        qtype,
        name,
        tcp: c.tcp.unwrap_or(false),
        answer,
    }))
}

/// A `mysql` check: `user` (with `password`, empty unless given) to log
/// in, `database` and `query` only with a user.
pub(super) fn mysql_of(c: &CheckDoc, target: SocketAddr) -> Result<Probe, String> {
    let text = |v: &Option<String>, what: &str| -> Result<Option<String>, String> {
        match v {
            Some(t) if t.is_empty() => Err(format!("{what}: empty (leave it out instead)")),
            Some(t) if what != "query" && t.contains('\0') => {
                Err(format!("{what}: a NUL character"))
            }
            t => Ok(t.clone()),
        }
    };
    let user = text(&c.user, "user")?;
    let database = text(&c.database, "database")?;
    let query = text(&c.query, "query")?;
    if user.is_none() {
        for (k, set) in [
            ("password", c.password.is_some()),
            ("database", database.is_some()),
            ("query", query.is_some()),
        ] {
            if set {
                return Err(format!("`{k}` needs `user` (the login it is for)"));
            }
        }
    }
    Ok(Probe::Mysql(MysqlProbe {
        target,
        user,
        password: c.password.clone().unwrap_or_default(),
        database,
        query,
    }))
}

/// A `pgsql` check: `user` (required), `password` (empty unless given),
/// `database` and `query`.
pub(super) fn pgsql_of(c: &CheckDoc, target: SocketAddr) -> Result<Probe, String> {
    let Probe::Mysql(m) = mysql_of(c, target)? else {
        return Err("a pgsql check".into());
    };
    let user = m
        .user
        .ok_or("a pgsql check needs `user` (PostgreSQL has no login-less greeting)")?;
    Ok(Probe::Pgsql(PgsqlProbe {
        target,
        user,
        password: m.password,
        database: m.database,
        query: m.query,
    }))
}

/// A `radius` check: `user`, `password` and `secret`, each required.
pub(super) fn radius_of(c: &CheckDoc, target: SocketAddr) -> Result<Probe, String> {
    let need = |v: &Option<String>, k: &str| {
        v.clone()
            .ok_or_else(|| format!("a radius check needs `{k}`"))
    };
    let p = RadiusProbe {
        target,
        user: need(&c.user, "user")?,
        password: need(&c.password, "password")?,
        secret: need(&c.secret, "secret")?,
    };
    crate::probe::radius::request(0, [0; 16], &p.user, &p.password, &p.secret)?;
    Ok(Probe::Radius(p))
}

/// A `sip` check: OPTIONS for `sip:USER` (`user` required), over UDP
/// unless `tcp`.
pub(super) fn sip_of(c: &CheckDoc, target: SocketAddr) -> Result<Probe, String> {
    let user = c
        .user
        .clone()
        .ok_or("a sip check needs `user` (the URI asked about is sip:USER)")?;
    if user.is_empty() || user.contains(|ch: char| ch.is_whitespace() || ch.is_control()) {
        return Err(format!("user: `{user}` is not the user part of a SIP URI"));
    }
    Ok(Probe::Sip(SipProbe {
        target,
        tcp: c.tcp.unwrap_or(false),
        user,
    }))
}

/// An `ftp` check: `path` (required: the file retrieved), `user`
/// (default `anonymous`) with `password` (default empty), `regex` what
/// the file must match.
pub(super) fn ftp_of(
    c: &CheckDoc,
    target: SocketAddr,
    patterns: &mut Patterns,
) -> Result<Probe, String> {
    let path = c
        .path
        .clone()
        .ok_or("an ftp check needs `path` (the file it retrieves)")?;
    for (k, v) in [
        ("user", &c.user),
        ("password", &c.password),
        ("path", &c.path),
    ] {
        if v.as_deref().is_some_and(|t| t.contains(['\r', '\n'])) {
            return Err(format!("{k}: a line end"));
        }
    }
    let expect = match &c.regex {
        Some(r) => Some(patterns.compile(r).map_err(|e| format!("regex: {e}"))?),
        None => None,
    };
    Ok(Probe::Ftp(FtpProbe {
        target,
        user: c.user.clone().unwrap_or_else(|| "anonymous".into()),
        password: c.password.clone().unwrap_or_default(),
        path,
        expect,
    }))
}

/// An `oracle` check: `database` (required) is the SID asked of the
/// listener.
pub(super) fn oracle_of(c: &CheckDoc, target: SocketAddr) -> Result<Probe, String> {
    let sid = c
        .database
        .clone()
        .ok_or("an oracle check needs `database` (the SID asked of the listener)")?;
    crate::probe::oracle::connect_packet(&sid, target).map_err(|m| format!("database: {m}"))?;
    Ok(Probe::Oracle(OracleProbe { target, sid }))
}

/// A `pop`, `pops`, `imap`, `imaps` or `nntp` check (`kind`): `user`
/// (with `password`, empty unless given) to log in.
pub(super) fn mail_of(c: &CheckDoc, kind: &str, target: SocketAddr) -> Result<Probe, String> {
    let protocol = match kind {
        "pop" | "pops" => MailProtocol::Pop3,
        "imap" | "imaps" => MailProtocol::Imap,
        _ => MailProtocol::Nntp,
    };
    for (k, v) in [("user", &c.user), ("password", &c.password)] {
        match v {
            Some(t) if t.contains(['\r', '\n']) => return Err(format!("{k}: a line end")),
            Some(t) if k == "user" && t.is_empty() => {
                return Err("user: empty (leave it out instead)".into())
            }
            _ => {}
        }
    }
    let login = match (&c.user, &c.password) {
        (Some(u), p) => Some((u.clone(), p.clone().unwrap_or_default())),
        (None, Some(_)) => return Err("`password` needs `user` (the login it is for)".into()),
        (None, None) => None,
    };
    Ok(Probe::Mail(MailProbe {
        target,
        protocol,
        tls: kind.ends_with('s'),
        login,
    }))
}

/// An `ldap` or `ldaps` check (`kind`): a bind as `user` (a DN) with
/// `password`, else anonymous; a search of `base` (default empty, the
/// root DSE); `regex` what the entry's DN must match.
pub(super) fn ldap_of(
    c: &CheckDoc,
    kind: &str,
    target: SocketAddr,
    patterns: &mut Patterns,
) -> Result<Probe, String> {
    let bind = match (&c.user, &c.password) {
        (Some(u), p) => Some((u.clone(), p.clone().unwrap_or_default())),
        (None, Some(_)) => return Err("`password` needs `user` (the DN it is for)".into()),
        (None, None) => None,
    };
    let expect = match &c.regex {
        Some(r) => Some(patterns.compile(r).map_err(|e| format!("regex: {e}"))?),
        None => None,
    };
    Ok(Probe::Ldap(LdapProbe {
        target,
        tls: kind == "ldaps",
        bind,
        base: c.base.clone().unwrap_or_default(),
        expect,
    }))
}

/// A `simpletcp` check: `send` (empty unless given) and `regex`, which
/// a line of the answer must match.
pub(super) fn simpletcp_of(
    c: &CheckDoc,
    target: SocketAddr,
    patterns: &mut Patterns,
) -> Result<Probe, String> {
    let r = c
        .regex
        .as_deref()
        .ok_or("a simpletcp check needs `regex` (what a line of the answer matches)")?;
    Ok(Probe::Exchange(ExchangeProbe {
        target,
        send: c.send.clone().unwrap_or_default(),
        expect: patterns.compile(r).map_err(|e| format!("regex: {e}"))?,
    }))
}

/// A `udp` check: `payload` in hex (empty unless given), and
/// `require_reply`: `true`, or the hex the reply must start with.
pub(super) fn udp_of(c: &CheckDoc, target: SocketAddr) -> Result<Probe, String> {
    let payload = match &c.payload {
        Some(p) => {
            ReplyMatch::parse(p, false)
                .map_err(|m| format!("payload: {m}"))?
                .value
        }
        None => Vec::new(),
    };
    let reply = match &c.require_reply {
        None | Some(ReplyDoc::Any(false)) => None,
        Some(ReplyDoc::Any(true)) => Some(ReplyMatch::default()),
        Some(ReplyDoc::Bytes(b)) => {
            Some(ReplyMatch::parse(b, true).map_err(|m| format!("require_reply: {m}"))?)
        }
    };
    let len = |v: Option<i64>, what: &str, default: usize| -> Result<usize, String> {
        match v {
            None => Ok(default),
            Some(_) if reply.is_none() => Err(format!("`{what}` needs `require_reply`")),
            Some(n) => usize::try_from(n)
                .ok()
                .filter(|n| *n <= UDP_REPLY_LEN.1)
                .ok_or_else(|| format!("{what}: {n} is not 0 to {}", UDP_REPLY_LEN.1)),
        }
    };
    let reply_len = (
        len(c.min_reply_length, "min_reply_length", UDP_REPLY_LEN.0)?,
        len(c.max_reply_length, "max_reply_length", UDP_REPLY_LEN.1)?,
    );
    if reply_len.0 > reply_len.1 {
        return Err(format!(
            "min_reply_length {} is above max_reply_length {}",
            reply_len.0, reply_len.1
        ));
    }
    Ok(Probe::Udp(UdpProbe {
        target,
        payload,
        reply,
        reply_len,
    }))
}

/// A `file` check: `file`, `weight` (the factor, 1 unless given),
/// `reverse`, `init` (a number written before the first read when the
/// file does not exist; with `overwrite`, over a regular file too).
pub(super) fn file_of(c: &CheckDoc) -> Result<Probe, String> {
    let path = match c.file.as_deref() {
        Some(p) if !p.is_empty() => p,
        _ => return Err("file: give the file that holds the number".into()),
    };
    let factor = c.weight.unwrap_or(1);
    if !(-2_147_483_647..=2_147_483_647).contains(&factor) {
        return Err(format!(
            "weight: {factor} is out of range (-2147483647 to 2147483647)"
        ));
    }
    let init = match (c.init, c.overwrite) {
        (Some(value), overwrite) if i32::try_from(value).is_ok() => Some(FileInit {
            value,
            overwrite: overwrite.unwrap_or(false),
        }),
        (Some(value), _) => {
            return Err(format!(
                "init: {value} is out of range (-2147483648 to 2147483647)"
            ))
        }
        (None, Some(_)) => return Err("overwrite: give `init`, the number to write".into()),
        (None, None) => None,
    };
    Ok(Probe::File(FileProbe {
        path: path.into(),
        factor,
        reverse: c.reverse.unwrap_or(false),
        init,
        memory: Default::default(),
    }))
}
