//! A virtual section's service: its identity (address and port, or
//! firewall mark) and its configuration (scheduler, persistence, one
//! packet scheduling).

use super::lines::Section;
use super::words::{digits, first_word, resolve_host, run, service_port, yes_no};
use crate::config::{ConfigError, Location};
use rvsadm::model::{
    Family, Netmask, Protocol, Scheduler, ServiceConfig, ServiceFlags, ServiceKey,
};
use std::net::Ipv4Addr;
use std::path::Path;

/// What `virtual=` names, as ldirectord reads it: a host (address or
/// name) and a port (number or name) joined by `:`, a `[v6]:port`, or a
/// number, a firewall mark (so an address without a port is the mark of
/// its first number). What follows is ignored.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Named {
    HostPort { host: String, port: String },
    Mark(u32),
}

fn is_port_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// What `virtual=VALUE` (`v6`: `virtual6=`) names; the error is
/// ldirectord's message for the line.
pub(super) fn named(value: &str, v6: bool) -> Result<Named, String> {
    let port_of = |rest: &str| -> Option<String> {
        let p = rest.strip_prefix(':')?;
        let end = p.find(|c: char| !is_port_char(c)).unwrap_or(p.len());
        (end > 0).then(|| p[..end].to_string())
    };
    let host_end = value
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-')))
        .unwrap_or(value.len());
    if host_end > 0 {
        if let Some(port) = port_of(&value[host_end..]) {
            let host = value[..host_end].to_string();
            return Ok(Named::HostPort { host, port });
        }
    }
    if let Some(d) = value
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .filter(|d| !d.is_empty())
    {
        return Ok(Named::Mark(d.parse().unwrap_or(u32::MAX)));
    }
    let bracketed = value.strip_prefix('[').and_then(|r| {
        let end = r.find(']')?;
        let a = &r[..end];
        let ok = !a.is_empty() && a.chars().all(|c| c.is_ascii_hexdigit() || c == ':');
        Some((a, port_of(&r[end + 1..]))).filter(|_| ok)
    });
    match bracketed {
        Some((_, Some(_))) if !v6 => {
            Err("cannot specify an IPv6 address here. please use \"virtual6\" instead.".into())
        }
        Some((a, Some(port))) => {
            if a.parse::<std::net::Ipv6Addr>().is_err() {
                return Err("invalid ipv6 address for virtual server".into());
            }
            Ok(Named::HostPort {
                host: format!("[{a}]"),
                port,
            })
        }
        _ => Err("invalid address for virtual server".into()),
    }
}

/// The service of section `s`: `virtual=ADDR:PORT` (protocol tcp, udp
/// for port 53, unless told) or `virtual=MARK` (a firewall mark; an
/// address without a port is one too, as ldirectord reads it, told in
/// `notes`).
pub(super) fn key_of(
    s: &Section,
    file: &Path,
    notes: &mut Vec<String>,
) -> Result<ServiceKey, ConfigError> {
    let bad = |m: String| ConfigError::new(file, s.line, m);
    match named(&s.address, s.v6).map_err(bad)? {
        Named::Mark(mark) => fwmark_of(s, mark, file, notes),
        Named::HostPort { host, port } => addr_of(s, &host, &port, file),
    }
}

/// Whether section `s` is a firewall mark's (`virtual=MARK`).
pub(super) fn is_fwmark(s: &Section) -> bool {
    matches!(named(&s.address, s.v6), Ok(Named::Mark(_)))
}

/// The port of section `s` as written (`None` for a firewall mark).
pub(super) fn port_written(s: &Section) -> Option<String> {
    match named(&s.address, s.v6) {
        Ok(Named::HostPort { port, .. }) => Some(port),
        _ => None,
    }
}

/// The protocol a section's `protocol=` names (its first word).
fn protocol_word(s: &Section) -> Option<&str> {
    s.get("protocol").and_then(|i| first_word(&i.value))
}

fn fwmark_of(
    s: &Section,
    mark: u32,
    file: &Path,
    notes: &mut Vec<String>,
) -> Result<ServiceKey, ConfigError> {
    if mark == 0 {
        return Err(ConfigError::new(
            file,
            s.line,
            "firewall mark 0: give a mark above 0".into(),
        ));
    }
    if s.address.contains('.') {
        notes.push(format!(
            "{}: `{}` has no port, so ldirectord (and rvsadmd) read it as firewall mark {mark}",
            Location::new(file, s.line),
            s.address.trim_end()
        ));
    }
    Ok(ServiceKey::Fwmark {
        mark,
        family: if s.v6 { Family::Inet6 } else { Family::Inet },
    })
}

/// The protocol of a host-port section: tcp, udp for port 53 (`domain`),
/// unless told.
pub(super) fn protocol_of(s: &Section, port: &str) -> Protocol {
    match protocol_word(s) {
        Some("udp") => Protocol::Udp,
        Some(_) => Protocol::Tcp,
        None if port == "53" || port == "domain" => Protocol::Udp,
        None => Protocol::Tcp,
    }
}

/// The name of [`protocol_of`] (`tcp`, `udp`), as ports are looked up.
pub(super) fn protocol_name(s: &Section, port: &str) -> &'static str {
    match protocol_of(s, port) {
        Protocol::Udp => "udp",
        _ => "tcp",
    }
}

fn addr_of(s: &Section, host: &str, pt: &str, file: &Path) -> Result<ServiceKey, ConfigError> {
    let bad = || ConfigError::new(file, s.line, "invalid address for virtual service".into());
    let proto = protocol_of(s, pt);
    let addr = resolve_host(host, s.v6).ok_or_else(bad)?;
    let port = service_port(pt, protocol_name(s, pt)).ok_or_else(bad)?;
    Ok(ServiceKey::Addr {
        protocol: proto,
        addr,
        port,
    })
}

/// The configuration of service `key` from section `s`: `scheduler`
/// (wrr unless told), `persistent` and its `netmask`, `ops`.
pub(super) fn config_of(
    s: &Section,
    key: ServiceKey,
    file: &Path,
) -> Result<ServiceConfig, ConfigError> {
    let bad = |line: usize, m: &str| ConfigError::new(file, line, m.to_string());
    let mut cfg = ServiceConfig::new(key.family());
    let sched = s
        .get("scheduler")
        .and_then(|i| run(&i.value, |c| c.is_ascii_lowercase()))
        .unwrap_or("wrr");
    cfg.scheduler = Scheduler::from_name(sched);
    if let Some(p) = s.get("persistent") {
        let t = digits(&p.value)
            .and_then(|d| d.parse::<u32>().ok())
            .filter(|t| *t > 0)
            .ok_or_else(|| bad(p.line, "persistent: give a number of seconds above 0"))?;
        cfg.flags |= ServiceFlags::PERSISTENT;
        cfg.timeout = t;
        if let Some(m) = s.get("netmask") {
            cfg.netmask = netmask_of(&m.value, key.family()).map_err(|e| bad(m.line, e))?;
        }
    }
    if s.get("ops").is_some_and(|o| yes_no(&o.value) == Some(true)) && is_udp(key) {
        cfg.flags |= ServiceFlags::ONEPACKET;
    }
    if let Some(b) = s.get("schedflags") {
        let words = run(&b.value, |c| !c.is_whitespace()).unwrap_or("");
        cfg.flags |= sched_flags(words, sched).map_err(|e| bad(b.line, &e))?;
    }
    Ok(cfg)
}

/// `schedflags` (ipvsadm's `-b`, which ldirectord passes it to): names
/// separated by commas, each a flag of any scheduler (`flag-1`) or of
/// scheduler `sched` (`sh-port`).
fn sched_flags(words: &str, sched: &str) -> Result<ServiceFlags, String> {
    let mut flags = ServiceFlags::empty();
    for w in words.split(',').filter(|w| !w.is_empty()) {
        let (bit, owner) = ServiceFlags::SCHED_FLAG_NAMES
            .iter()
            .find(|(_, name, _)| *name == w)
            .map(|(bit, _, owner)| (*bit, *owner))
            .ok_or_else(|| {
                format!("schedflags: invalid scheduler flag `{w}` (ipvsadm refuses it too)")
            })?;
        if owner.is_some_and(|o| o != sched) {
            return Err(format!(
                "schedflags: `{w}` is not a flag of scheduler {sched} (ipvsadm refuses it too)"
            ));
        }
        flags |= bit;
    }
    if flags.is_empty() {
        return Err(format!("schedflags: invalid scheduler flags `{words}`"));
    }
    Ok(flags)
}

/// A persistence netmask: a dotted quad, or for IPv6 a prefix length.
fn netmask_of(v: &str, family: Family) -> Result<Netmask, &'static str> {
    if family == Family::Inet6 {
        let p: u32 = v
            .parse()
            .ok()
            .filter(|p| (1..=128).contains(p))
            .ok_or("netmask: an IPv6 virtual takes a prefix length 1 to 128")?;
        Ok(Netmask::V6Prefix(p))
    } else {
        let a: Ipv4Addr = v.parse().map_err(|_| "netmask: not a dotted quad")?;
        Ok(Netmask::V4(a))
    }
}

/// Whether `key` is a UDP service.
pub(super) fn is_udp(key: ServiceKey) -> bool {
    matches!(
        key,
        ServiceKey::Addr {
            protocol: Protocol::Udp,
            ..
        }
    )
}

/// The service's port; 0 for a firewall mark.
pub(super) fn port_of(key: ServiceKey) -> u16 {
    match key {
        ServiceKey::Addr { port, .. } => port,
        ServiceKey::Fwmark { .. } => 0,
    }
}
