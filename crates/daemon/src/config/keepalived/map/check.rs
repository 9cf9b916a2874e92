//! A real server's checkers as rvsadmd's checks: TCP_CHECK a TCP connect
//! (closed with a FIN, as keepalived closes; from a fixed `bind_port`
//! with a reset), HTTP_GET and SSL_GET an
//! HTTP(S) request per url (all must pass; `digest` is the body's MD5),
//! MISC_CHECK a program, DNS_CHECK, UDP_CHECK, PING_CHECK and SMTP_CHECK
//! the dns, udp, ping and smtp probes (`kinds`; an SMTP_CHECK with host
//! blocks is a check per host), FILE_CHECK a file check read every
//! second. Several checkers must all pass, and what file checks add to
//! the weight adds up; a real server without a checker is always up
//! (keepalived keeps it in the table). The timing is keepalived's: a check every
//! `delay_loop`, taking at most `connect_timeout` (a script:
//! `misc_timeout`), after a failure of a check that is up again after
//! `delay_before_retry`, down after `retry` + 1 failures in a row, up
//! again on the first success; a checker starts up, or with `alpha`
//! down until its first success. `bindto`, `bind_port`, `bind_if` and
//! `fwmark` are the check's source, as far as keepalived applies them
//! (`typed::source`).

use super::quorum::DefaultUser;
use super::{kinds, not_yet};
use crate::config::keepalived::lines;
use crate::config::keepalived::typed;
use crate::config::keepalived::typed::{
    Checker, CheckerKind, Http, Misc, RealServer, Url, VirtualServer,
};
use crate::config::validate::Patterns;
use crate::config::{
    Check, ConfigError, Expect, HttpProbe, Probe, RunAs, Source, TcpClose, UrlCheck,
};
use std::net::SocketAddr;
use std::time::Duration;

/// The most failures in a row a check counts (rvsadmd's `fall`).
const MAX_FALL: u32 = 1000;

/// rvsadmd's longest duration (`config::seconds`).
const LONGEST: Duration = Duration::from_secs(1_000_000_000);

/// The checks of each real server of `v`, in order: one per checker (a
/// real server is up only while all of them pass, as in keepalived); none
/// for a real server without a checker, which is always up.
pub fn of_reals(
    v: &VirtualServer,
    user: &DefaultUser,
    notes: &mut Vec<String>,
    patterns: &mut Patterns,
) -> Result<Vec<Vec<Check>>, ConfigError> {
    let mut out = Vec::with_capacity(v.reals.len());
    for r in &v.reals {
        let mut dynamic = r
            .checkers
            .iter()
            .filter(|c| matches!(&c.kind, CheckerKind::Misc(m) if m.dynamic));
        if let (Some(_), Some(second)) = (dynamic.next(), dynamic.next()) {
            return Err(not_yet(
                &second.at,
                "second MISC_CHECK with misc_dynamic on one real server (keepalived adds what each asks to the weight; rvsadmd takes the lowest)",
            ));
        }
        let checks = r
            .checkers
            .iter()
            .map(|c| one(c, r, v, user, patterns))
            .collect::<Result<Vec<_>, _>>()?;
        out.push(checks.concat());
    }
    let ping = v
        .reals
        .iter()
        .flat_map(|r| &r.checkers)
        .find(|c| matches!(c.kind, CheckerKind::Ping));
    if let Some(c) = ping {
        notes.push(format!(
            "{}: keepalived widens net.ipv4.ping_group_range for PING_CHECK; rvsadmd never changes it: it pings when its group is in that range or it has CAP_NET_RAW, else the check is down and says why",
            c.at
        ));
    }
    Ok(out)
}

/// Checker `c` of real server `r` as checks with keepalived's timing
/// (one, or one per host of an SMTP_CHECK).
fn one(
    c: &Checker,
    r: &RealServer,
    v: &VirtualServer,
    user: &DefaultUser,
    patterns: &mut Patterns,
) -> Result<Vec<Check>, ConfigError> {
    if let Some(u) = c.unsupported.first() {
        return Err(not_yet(
            &u.at,
            &format!("`{}` in {}", u.what, c.kind.name()),
        ));
    }
    let t = c.timing(r, v);
    if t.delay_loop > LONGEST || t.timeout > LONGEST || t.delay_before_retry > LONGEST {
        return Err(ConfigError {
            at: c.at.clone(),
            message: format!(
                "delay_loop, delay_before_retry and timeouts above {} s are beyond rvsadmd's longest duration",
                LONGEST.as_secs()
            ),
        });
    }
    if t.retry >= MAX_FALL {
        return Err(ConfigError {
            at: c.at.clone(),
            message: format!(
                "retry {}: rvsadmd counts at most {MAX_FALL} failures in a row (retry {})",
                t.retry,
                MAX_FALL - 1
            ),
        });
    }
    let base = Check {
        probe: Probe::Up,
        source: source(&c.source, c, target(c, r))?,
        interval: t.delay_loop,
        timeout: t.timeout,
        rise: 1,
        fall: t.retry.saturating_add(1),
        // keepalived retries only a checker that is up, after
        // delay_before_retry.
        retry_interval: (t.retry > 0 && t.delay_before_retry != t.delay_loop)
            .then_some(t.delay_before_retry),
        start_up: !t.alpha,
        // keepalived's first run at a random time within warmup, then
        // every delay_loop: the starts within it, at a slot the check's id
        // picks. Its default (delay_loop) and 0 (rvsadmd spreads the
        // starts all the same) change nothing.
        warmup: (t.warmup_written && !t.warmup.is_zero() && t.warmup < t.delay_loop)
            .then_some(t.warmup),
        maintenance: None,
    };
    match &c.kind {
        CheckerKind::Smtp(s) if !s.hosts.is_empty() => {
            return kinds::smtp_hosts(c, s, r.addr, base, || probe(c, r, v, user, patterns));
        }
        CheckerKind::File(f) => return Ok(vec![kinds::file(c, f)?]),
        _ => {}
    }
    Ok(vec![Check {
        probe: probe(c, r, v, user, patterns)?,
        ..base
    }])
}

/// What checker `c` of real server `r` probes.
fn probe(
    c: &Checker,
    r: &RealServer,
    v: &VirtualServer,
    user: &DefaultUser,
    patterns: &mut Patterns,
) -> Result<Probe, ConfigError> {
    let target = target(c, r);
    let needs_port = !matches!(
        c.kind,
        CheckerKind::Misc(_) | CheckerKind::Ping | CheckerKind::File(_)
    );
    if needs_port && target.port() == 0 {
        return Err(ConfigError {
            at: c.at.clone(),
            message: format!(
                "{} has no port to connect to (the real server has none): write connect_port",
                c.kind.name()
            ),
        });
    }
    match &c.kind {
        CheckerKind::Tcp => Ok(Probe::Tcp {
            target,
            close: tcp_close(c),
        }),
        CheckerKind::Http(h) => http(c, h, r, v, target, patterns),
        CheckerKind::Misc(m) => misc(c, m, user),
        CheckerKind::Dns(d) => kinds::dns(c, d, target),
        CheckerKind::Udp(u) => kinds::udp(c, u, target),
        CheckerKind::Ping => Ok(Probe::Ping {
            target: target.ip(),
        }),
        CheckerKind::Smtp(s) => kinds::smtp(c, s, target),
        // Made with its own timing by `one`.
        CheckerKind::File(_) => Err(not_yet(&c.at, "FILE_CHECK")),
        CheckerKind::Other(name) => Err(not_yet(&c.at, name)),
    }
}

/// Where checker `c` of real server `r` connects.
fn target(c: &Checker, r: &RealServer) -> SocketAddr {
    SocketAddr::new(
        c.connect_ip.unwrap_or(r.addr),
        c.connect_port.unwrap_or(c.rs_port),
    )
}

/// What keepalived applies of `src` (checker `c`'s, or an SMTP host's)
/// for a connection to `to`; an address of the other family, or a
/// link-local IPv6 address without `bind_if`, refused at `c`.
pub(super) fn source(src: &Source, c: &Checker, to: SocketAddr) -> Result<Source, ConfigError> {
    let s = typed::source::applied(src, &c.kind);
    s.check(to.ip()).map_err(|m| ConfigError {
        at: c.at.clone(),
        message: format!("{} {m}", c.kind.name()),
    })?;
    Ok(s)
}

/// How a TCP_CHECK closes: with a FIN as keepalived, but for one from a
/// fixed `bind_port`, which is reset (the next check from that port
/// could not connect while a closed connection is in TIME_WAIT; from
/// such a port keepalived's own check fails to bind for a minute).
fn tcp_close(c: &Checker) -> TcpClose {
    match typed::source::applied(&c.source, &c.kind).port {
        Some(_) => TcpClose::Reset,
        None => TcpClose::Graceful,
    }
}

fn http(
    c: &Checker,
    h: &Http,
    r: &RealServer,
    v: &VirtualServer,
    target: SocketAddr,
    patterns: &mut Patterns,
) -> Result<Probe, ConfigError> {
    if h.urls.is_empty() {
        return Err(not_yet(&c.at, "a checker without url"));
    }
    let urls = h
        .urls
        .iter()
        .map(|u| url_check(u, h, r, v, patterns))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Probe::Http(HttpProbe {
        target,
        tls: h.tls,
        verify: false,
        method: "GET".into(),
        urls,
        // keepalived judges a redirect as it is.
        redirects: 0,
    }))
}

/// One `url` block: its path, status codes, digest and regex, with the
/// nearest `virtualhost` (url, checker, real server, virtual server).
fn url_check(
    url: &Url,
    h: &Http,
    r: &RealServer,
    v: &VirtualServer,
    patterns: &mut Patterns,
) -> Result<UrlCheck, ConfigError> {
    let bad = |message: String| ConfigError {
        at: url.at.clone(),
        message,
    };
    if !url.path.starts_with('/') || url.path.contains(char::is_whitespace) {
        return Err(bad(format!(
            "url path `{}`: rvsadmd sends it as the request target, which starts with / and holds no white space",
            url.path
        )));
    }
    let host = url
        .virtualhost
        .clone()
        .or_else(|| h.virtualhost.clone())
        .or_else(|| r.virtualhost.clone())
        .or_else(|| v.virtualhost.clone());
    if let Some(name) = host
        .as_deref()
        .filter(|n| n.contains(|ch: char| ch.is_whitespace() || ch.is_control()))
    {
        return Err(bad(format!("virtualhost `{name}` is not a host name")));
    }
    let expect = match &url.regex {
        Some(re) => Some(Expect::Regex(patterns.compile(re).map_err(|e| {
            bad(format!(
                "regex `{re}` does not compile as a Rust regular expression: {e}"
            ))
        })?)),
        None => None,
    };
    Ok(UrlCheck {
        path: url.path.clone(),
        host,
        status: url.status.clone(),
        expect,
        digest: url.digest.as_ref().map(|d| d.to_ascii_lowercase()),
    })
}

/// A MISC_CHECK: its script run as its `user`, else as keepalived's
/// default script user ([`DefaultUser`]).
fn misc(c: &Checker, m: &Misc, user: &DefaultUser) -> Result<Probe, ConfigError> {
    let run_as = match &m.user {
        Some((user, group)) => {
            Some(
                RunAs::lookup(user, group.as_deref()).map_err(|e| ConfigError {
                    at: c.at.clone(),
                    message: format!("MISC_CHECK {e}: create it or change `user`"),
                })?,
            )
        }
        None => user.clone().map_err(|e| ConfigError {
            at: c.at.clone(),
            message: format!("MISC_CHECK names no user and {e}: create it or give `user`"),
        })?,
    };
    let argv = lines::words(&m.path).map_err(|e| ConfigError {
        at: c.at.clone(),
        message: format!("misc_path: {e}"),
    })?;
    if argv.first().is_none_or(|p| p.is_empty()) {
        return Err(ConfigError {
            at: c.at.clone(),
            message: "misc_path names no program".into(),
        });
    }
    Ok(Probe::Exec {
        argv,
        env: Vec::new(),
        dynamic: m.dynamic,
        percent: false,
        run_as,
    })
}
