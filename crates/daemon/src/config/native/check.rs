//! One destination's check, from its merged `check` table.

use super::doc::{CheckDoc, DurationDoc, StatusDoc};
use crate::config::validate::Patterns;
use crate::config::{parse_duration, seconds, Check, Expect, HttpProbe, Probe};
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
    let target = SocketAddr::new(dest.ip(), c.port.unwrap_or(dest.port()));
    let kind = c.kind.as_deref().unwrap_or("tcp");
    let probe = match kind {
        "tcp" => {
            only(c, kind, &[])?;
            Probe::Tcp { target }
        }
        "http" | "https" => Probe::Http(http_of(c, kind, target, patterns)?),
        "exec" => {
            only(c, kind, &["argv"])?;
            exec_of(c, service, target)?
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
        other => {
            return Err(format!(
                "unknown check type `{other}` (tcp, http, exec, on, off, none)"
            ))
        }
    };
    Ok(Check {
        probe,
        interval,
        timeout,
        rise,
        fall,
    })
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
fn only(c: &CheckDoc, kind: &str, allowed: &[&str]) -> Result<(), String> {
    let set = [
        ("method", c.method.is_some()),
        ("path", c.path.is_some()),
        ("host", c.host.is_some()),
        ("status", c.status.is_some()),
        ("expect", c.expect.is_some()),
        ("regex", c.regex.is_some()),
        ("verify", c.verify.is_some()),
        ("argv", c.argv.is_some()),
    ];
    match set.iter().find(|(name, on)| *on && !allowed.contains(name)) {
        Some((name, _)) => Err(format!("`{name}` does not apply to a {kind} check")),
        None => Ok(()),
    }
}

/// An `http` or `https` check.
fn http_of(
    c: &CheckDoc,
    kind: &str,
    target: SocketAddr,
    patterns: &mut Patterns,
) -> Result<HttpProbe, String> {
    only(
        c,
        kind,
        &[
            "method", "path", "host", "status", "expect", "regex", "verify",
        ],
    )?;
    if kind == "http" && c.verify.is_some() {
        return Err("`verify` applies to https checks".into());
    }
    let expect = match (&c.expect, &c.regex) {
        (Some(_), Some(_)) => return Err("give `expect` (text) or `regex`, not both".into()),
        (Some(t), None) => Some(Expect::Text(t.clone())),
        (None, Some(r)) => Some(Expect::Regex(
            patterns.compile(r).map_err(|e| format!("regex: {e}"))?,
        )),
        (None, None) => None,
    };
    let path = c.path.clone().unwrap_or_else(|| "/".into());
    if !path.starts_with('/') || path.contains(char::is_whitespace) {
        return Err(format!(
            "path: `{path}` must start with / and hold no white space"
        ));
    }
    let method = c.method.clone().unwrap_or_else(|| "GET".into());
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(format!("method: `{method}` is not an HTTP method"));
    }
    if let Some(h) = &c.host {
        if h.is_empty() || h.contains(|ch: char| ch.is_whitespace() || ch.is_control()) {
            return Err(format!("host: `{h}` is not a host name"));
        }
    }
    let status = match &c.status {
        Some(v) if !v.is_empty() => v.iter().map(status_of).collect::<Result<_, _>>()?,
        Some(_) => return Err("status: give at least one code".into()),
        None => vec![(200, 299)],
    };
    Ok(HttpProbe {
        target,
        tls: kind == "https",
        verify: c.verify.unwrap_or(true),
        method,
        path,
        host: c.host.clone(),
        status,
        expect,
    })
}

/// An `exec` check: the program, and the environment naming what it
/// checks.
fn exec_of(c: &CheckDoc, service: &str, target: SocketAddr) -> Result<Probe, String> {
    let argv = c.argv.clone().unwrap_or_default();
    if argv.first().map_or(true, |p| p.is_empty()) {
        return Err("argv: give the program and its arguments".into());
    }
    Ok(Probe::Exec {
        argv,
        env: exec_env(service, target),
        dynamic: true,
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

fn duration_of(d: &DurationDoc, what: &str) -> Result<Duration, String> {
    match d {
        DurationDoc::Seconds(v) => {
            seconds(*v).ok_or_else(|| format!("{what}: {v} is not a number of seconds"))
        }
        DurationDoc::Text(t) => parse_duration(t).map_err(|m| format!("{what}: {m}")),
    }
}

fn status_of(s: &StatusDoc) -> Result<(u16, u16), String> {
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
