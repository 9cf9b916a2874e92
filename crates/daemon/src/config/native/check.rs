//! One destination's check, from its merged `check` table.

use super::doc::{CheckDoc, DurationDoc, StatusDoc};
use super::kinds;
use crate::config::validate::Patterns;
use crate::config::{parse_duration, seconds, Check, Probe, Source, TcpClose};
use std::net::SocketAddr;
use std::time::Duration;

/// The check of one destination (`dest`, of service `service`) from its
/// merged table; patterns compiled through `patterns`.
pub(super) fn check_of(
    c: &CheckDoc,
    dest: SocketAddr,
    service: &str,
    patterns: &mut Patterns,
) -> Result<Check, String> {
    let (interval, timeout) = timing_of(c)?;
    let rise = count(c.rise, "rise")?;
    let fall = count(c.fall, "fall")?;
    let retry_interval = match &c.retry_interval {
        Some(d) => Some(duration_of(d, "retry_interval")?),
        None => None,
    };
    let warmup = match &c.warmup {
        Some(d) => Some(duration_of(d, "warmup")?),
        None => None,
    };
    let target = SocketAddr::new(dest.ip(), c.port.unwrap_or(dest.port()));
    let kind = c.kind.as_deref().unwrap_or("tcp");
    let probe = match kind {
        "tcp" => {
            only(c, kind, &["close"])?;
            Probe::Tcp {
                target,
                close: kinds::close_of(c.close.as_deref())?,
            }
        }
        "http" | "https" => Probe::Http(kinds::http_of(c, kind, target, patterns)?),
        "exec" => {
            only(c, kind, &["argv", "dynamic", "user", "group"])?;
            kinds::exec_of(c, service, target)?
        }
        "smtp" => {
            only(c, kind, &["helo"])?;
            kinds::smtp_of(c, target)?
        }
        "dns" => {
            only(c, kind, &["query_type", "name", "tcp", "answer"])?;
            kinds::dns_of(c, target, patterns)?
        }
        "mysql" => {
            only(c, kind, &["user", "password", "database", "query"])?;
            kinds::mysql_of(c, target)?
        }
        "pgsql" => {
            only(c, kind, &["user", "password", "database", "query"])?;
            kinds::pgsql_of(c, target)?
        }
        "radius" => {
            only(c, kind, &["user", "password", "secret"])?;
            kinds::radius_of(c, target)?
        }
        "sip" => {
            only(c, kind, &["user", "tcp"])?;
            kinds::sip_of(c, target)?
        }
        "ftp" => {
            only(c, kind, &["user", "password", "path", "regex"])?;
            kinds::ftp_of(c, target, patterns)?
        }
        "oracle" => {
            only(c, kind, &["database"])?;
            kinds::oracle_of(c, target)?
        }
        "pop" | "pops" | "imap" | "imaps" | "nntp" => {
            let login: &[&str] = if kind == "nntp" {
                &[]
            } else {
                &["user", "password"]
            };
            only(c, kind, login)?;
            kinds::mail_of(c, kind, target)?
        }
        "ldap" | "ldaps" => {
            only(c, kind, &["user", "password", "base", "regex"])?;
            kinds::ldap_of(c, kind, target, patterns)?
        }
        "simpletcp" => {
            only(c, kind, &["send", "regex"])?;
            kinds::simpletcp_of(c, target, patterns)?
        }
        "udp" => {
            only(
                c,
                kind,
                &[
                    "payload",
                    "require_reply",
                    "min_reply_length",
                    "max_reply_length",
                ],
            )?;
            kinds::udp_of(c, target)?
        }
        "ping" => {
            only(c, kind, &[])?;
            no_port(c, kind)?;
            Probe::Ping { target: dest.ip() }
        }
        "file" => {
            only(c, kind, &["file", "weight", "reverse", "init", "overwrite"])?;
            no_port(c, kind)?;
            kinds::file_of(c)?
        }
        "on" => {
            only(c, kind, &[])?;
            Probe::Up
        }
        "off" => {
            only(c, kind, &[])?;
            Probe::Down
        }
        "none" => {
            only(c, kind, &[])?;
            Probe::Unchecked
        }
        other => return Err(format!("unknown check type `{other}` ({KINDS})")),
    };
    let source = source_of(c, kind, &probe, target)?;
    Ok(Check {
        probe,
        interval,
        timeout,
        rise,
        fall,
        retry_interval,
        start_up: c.start_up.unwrap_or(false),
        warmup,
        source,
        maintenance: None,
    })
}

/// The check types, as an error lists them.
const KINDS: &str = "tcp, http, https, exec, smtp, dns, mysql, pgsql, radius, sip, ftp, oracle, pop, pops, imap, imaps, nntp, ldap, ldaps, simpletcp, udp, ping, file, on, off, none";

/// The check types that open a socket, and so take a source.
const WITH_SOURCE: [&str; 21] = [
    "tcp",
    "http",
    "https",
    "smtp",
    "dns",
    "mysql",
    "pgsql",
    "radius",
    "sip",
    "ftp",
    "oracle",
    "pop",
    "pops",
    "imap",
    "imaps",
    "nntp",
    "ldap",
    "ldaps",
    "simpletcp",
    "udp",
    "ping",
];

/// `source`, `source_port`, `interface` and `mark`, for a `kind` check
/// of `probe` connecting to `target`: refused on a check that opens no
/// socket, a source port on a ping check or with a graceful TCP close.
fn source_of(
    c: &CheckDoc,
    kind: &str,
    probe: &Probe,
    target: SocketAddr,
) -> Result<Source, String> {
    let s = Source {
        address: c.source,
        port: c.source_port,
        interface: c.interface.clone(),
        mark: c.mark,
        via_vip: c.via_vip.unwrap_or(false).then_some(target.ip()),
    };
    if s.is_default() {
        return Ok(s);
    }
    if s.via_vip.is_some() {
        via_vip_of(&s, kind, probe)?;
    }
    if !WITH_SOURCE.contains(&kind) {
        return Err(format!(
            "`source`, `source_port`, `interface` and `mark` do not apply to a {kind} check (it opens no socket)"
        ));
    }
    if s.port.is_some() {
        match probe {
            Probe::Ping { .. } => {
                return Err("`source_port` does not apply to a ping check".into())
            }
            Probe::Tcp {
                close: TcpClose::Graceful,
                ..
            } => {
                return Err("`source_port` needs `close = \"reset\"`: a graceful close leaves the connection in TIME_WAIT for a minute, and the next check from that port could not connect".into())
            }
            _ => {}
        }
    }
    s.check(target.ip())?;
    Ok(s)
}

/// The check types of [`WITH_SOURCE`] that cannot go through the VIP:
/// a ping is no connection IPVS forwards; FTP's data connection is
/// another.
const NOT_THROUGH_VIP: [&str; 2] = ["ftp", "ping"];

/// The check types that can go through the VIP: those of [`WITH_SOURCE`]
/// that connect over TCP or UDP.
fn through_vip() -> impl Iterator<Item = &'static str> {
    WITH_SOURCE
        .into_iter()
        .filter(|k| !NOT_THROUGH_VIP.contains(k))
}

/// Refuses `via_vip` on a check type that cannot go through the VIP,
/// beside a `mark`, an `interface` or a `source_port` (the mark and the
/// port are rvsadmd's, the route to the VIP is the host's own), and on a
/// TCP check that closes gracefully (its port is fixed).
fn via_vip_of(s: &Source, kind: &str, probe: &Probe) -> Result<(), String> {
    if !through_vip().any(|k| k == kind) {
        return Err(format!(
            "`via_vip` does not apply to a {kind} check (only to checks that connect over TCP or UDP: {})",
            through_vip().collect::<Vec<_>>().join(", ")
        ));
    }
    if s.mark.is_some() {
        return Err("`via_vip` and `mark` cannot both be set: a check through the VIP is marked with its own mark from `vip_check_marks`".into());
    }
    if s.interface.is_some() {
        return Err("`via_vip` and `interface` cannot both be set: a check through the VIP connects to a local address (the VIP), which no interface but the loopback reaches".into());
    }
    if s.port.is_some() {
        return Err("`via_vip` and `source_port` cannot both be set: a check through the VIP sends from its own port of `vip_check_ports`".into());
    }
    if let Probe::Tcp {
        close: TcpClose::Graceful,
        ..
    } = probe
    {
        return Err("`via_vip` needs `close = \"reset\"`: a check through the VIP sends from a fixed port of `vip_check_ports`, which a graceful close would leave in TIME_WAIT for a minute".into());
    }
    Ok(())
}

/// Refuses `port` on a check that probes no port.
fn no_port(c: &CheckDoc, kind: &str) -> Result<(), String> {
    match c.port {
        Some(_) => Err(format!("`port` does not apply to a {kind} check")),
        None => Ok(()),
    }
}

/// Interval (5 s unless given) and timeout (3 s, at most the interval,
/// unless given), both above 0.
fn timing_of(c: &CheckDoc) -> Result<(Duration, Duration), String> {
    let interval = match &c.interval {
        Some(d) => duration_of(d, "interval")?,
        None => Duration::from_secs(5),
    };
    let timeout = match &c.timeout {
        Some(d) => duration_of(d, "timeout")?,
        None => Duration::from_secs(3).min(interval),
    };
    if interval.is_zero() || timeout.is_zero() {
        return Err("interval and timeout must be above 0".into());
    }
    Ok((interval, timeout))
}

/// `rise` or `fall`: 1 unless given, 1 to 1000.
fn count(v: Option<i64>, what: &str) -> Result<u32, String> {
    match v {
        None => Ok(1),
        Some(n) => u32::try_from(n)
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| format!("{what}: must be 1 to 1000")),
    }
}

/// Refuses a field set in `c` that a `kind` check does not take (those
/// in `allowed` it takes).
pub(super) fn only(c: &CheckDoc, kind: &str, allowed: &[&str]) -> Result<(), String> {
    let set = [
        ("method", c.method.is_some()),
        ("path", c.path.is_some()),
        ("host", c.host.is_some()),
        ("status", c.status.is_some()),
        ("expect", c.expect.is_some()),
        ("regex", c.regex.is_some()),
        ("verify", c.verify.is_some()),
        ("redirects", c.redirects.is_some()),
        ("argv", c.argv.is_some()),
        ("close", c.close.is_some()),
        ("urls", c.urls.is_some()),
        ("digest", c.digest.is_some()),
        ("helo", c.helo.is_some()),
        ("query_type", c.query_type.is_some()),
        ("name", c.name.is_some()),
        ("payload", c.payload.is_some()),
        ("require_reply", c.require_reply.is_some()),
        ("min_reply_length", c.min_reply_length.is_some()),
        ("max_reply_length", c.max_reply_length.is_some()),
        ("file", c.file.is_some()),
        ("weight", c.weight.is_some()),
        ("reverse", c.reverse.is_some()),
        ("init", c.init.is_some()),
        ("overwrite", c.overwrite.is_some()),
        ("dynamic", c.dynamic.is_some()),
        ("user", c.user.is_some()),
        ("group", c.group.is_some()),
    ];
    match set.iter().find(|(name, on)| *on && !allowed.contains(name)) {
        Some((name, _)) => Err(format!("`{name}` does not apply to a {kind} check")),
        None => Ok(()),
    }
}

pub(super) fn duration_of(d: &DurationDoc, what: &str) -> Result<Duration, String> {
    match d {
        DurationDoc::Seconds(v) => {
            seconds(*v).ok_or_else(|| format!("{what}: {v} is not a number of seconds"))
        }
        DurationDoc::Text(t) => parse_duration(t).map_err(|m| format!("{what}: {m}")),
    }
}

pub(super) fn status_of(s: &StatusDoc) -> Result<(u16, u16), String> {
    let code = |v: i64| -> Result<u16, String> {
        u16::try_from(v)
            .ok()
            .filter(|c| (100..=599).contains(c))
            .ok_or_else(|| format!("status: {v} is not an HTTP status (100 to 599)"))
    };
    match s {
        StatusDoc::Code(c) => code(*c).map(|c| (c, c)),
        StatusDoc::Text(t) => {
            let (a, b) = t.split_once('-').unwrap_or((t, t));
            let n = |x: &str| {
                x.trim()
                    .parse::<i64>()
                    .map_err(|_| format!("status: `{t}` is not a code or a range like 200-299"))
            };
            let (a, b) = (code(n(a)?)?, code(n(b)?)?);
            if a > b {
                return Err(format!("status: `{t}` is an empty range"));
            }
            Ok((a, b))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_statuses() {
        assert_eq!(parse_duration("1.5s").unwrap().as_millis(), 1500);
        assert_eq!(parse_duration("1m").unwrap().as_secs(), 60);
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("").is_err());
        assert_eq!(
            status_of(&StatusDoc::Text("200-204".into())),
            Ok((200, 204))
        );
        assert!(status_of(&StatusDoc::Text("204-200".into())).is_err());
        assert!(status_of(&StatusDoc::Code(99)).is_err());
    }
}
