//! A virtual section's service: its identity (address and port, or
//! firewall mark) and its configuration (scheduler, persistence, one
//! packet scheduling).

use super::lines::Section;
use super::words::{number, resolve_host, service_port, split_host_port, yes_no};
use crate::config::{ConfigError, Location};
use rvsadm::model::{
    Family, Netmask, Protocol, Scheduler, ServiceConfig, ServiceFlags, ServiceKey,
};
use std::net::Ipv4Addr;
use std::path::Path;

/// The service of section `s`: `virtual=ADDR:PORT` (protocol tcp, udp
/// for port 53, unless told) or `virtual=MARK` (a firewall mark; an
/// address without a port is one too, as ldirectord reads it, told in
/// `notes`).
pub(super) fn key_of(
    s: &Section,
    file: &Path,
    notes: &mut Vec<String>,
) -> Result<ServiceKey, ConfigError> {
    let (host, port_text) = split_host_port(&s.address);
    let protocol_word = s
        .get("protocol")
        .map(|i| i.value.split_whitespace().next().unwrap_or("").to_string());
    match port_text {
        None if !host.starts_with('[') => fwmark_of(s, host, protocol_word, file, notes),
        _ => addr_of(s, host, port_text.unwrap_or(""), protocol_word, file),
    }
}

/// Whether section `s` is a firewall mark's (`virtual=MARK`).
pub(super) fn is_fwmark(s: &Section) -> bool {
    let (host, port_text) = split_host_port(&s.address);
    port_text.is_none() && !host.starts_with('[')
}

fn fwmark_of(
    s: &Section,
    host: &str,
    protocol_word: Option<String>,
    file: &Path,
    notes: &mut Vec<String>,
) -> Result<ServiceKey, ConfigError> {
    let bad = |m: String| ConfigError::new(file, s.line, m);
    let mark: u32 = host
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .ok()
        .filter(|m| *m > 0)
        .ok_or_else(|| {
            bad(format!(
                "invalid address for virtual server: `{}`",
                s.address
            ))
        })?;
    if let Some(p) = &protocol_word {
        if p != "fwm" {
            return Err(bad(format!(
                "protocol must be fwm for a fwmark virtual (not `{p}`)"
            )));
        }
    }
    if host.contains('.') {
        notes.push(format!(
            "{}: `{}` has no port, so ldirectord (and rvsadmd) read it as firewall mark {mark}",
            Location::new(file, s.line),
            s.address
        ));
    }
    Ok(ServiceKey::Fwmark {
        mark,
        family: if s.v6 { Family::Inet6 } else { Family::Inet },
    })
}

fn addr_of(
    s: &Section,
    host: &str,
    pt: &str,
    protocol_word: Option<String>,
    file: &Path,
) -> Result<ServiceKey, ConfigError> {
    let bad = |m: String| ConfigError::new(file, s.line, m);
    let proto = match protocol_word.as_deref() {
        Some("tcp") | None if !(protocol_word.is_none() && (pt == "53" || pt == "domain")) => {
            Protocol::Tcp
        }
        Some("udp") | None => Protocol::Udp,
        Some(p) => return Err(bad(format!("protocol must be tcp or udp (not `{p}`)"))),
    };
    if host.starts_with('[') && !s.v6 {
        return Err(bad("an IPv6 virtual is written virtual6=[ADDR]:PORT".into()));
    }
    let addr = resolve_host(host, s.v6).ok_or_else(|| {
        bad(format!(
            "invalid address for virtual service: cannot resolve `{host}`"
        ))
    })?;
    let pname = if proto == Protocol::Udp { "udp" } else { "tcp" };
    let port = service_port(pt, pname)
        .ok_or_else(|| bad(format!("invalid address for virtual service: port `{pt}`")))?;
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
    let sched: String = s
        .get("scheduler")
        .map(|i| {
            i.value
                .chars()
                .skip_while(|c| !c.is_ascii_lowercase())
                .take_while(|c| c.is_ascii_lowercase())
                .collect()
        })
        .unwrap_or_else(|| "wrr".into());
    if sched.is_empty() {
        return Err(bad(
            s.line_of("scheduler"),
            "scheduler: give a name such as wrr",
        ));
    }
    cfg.scheduler = Scheduler::from_name(&sched);
    if let Some(p) = s.get("persistent") {
        let t =
            number(&p.value).ok_or_else(|| bad(p.line, "persistent: give a number of seconds"))?;
        cfg.flags |= ServiceFlags::PERSISTENT;
        cfg.timeout = u32::try_from(t).unwrap_or(u32::MAX);
        if let Some(m) = s.get("netmask") {
            cfg.netmask = netmask_of(&m.value, key.family()).map_err(|e| bad(m.line, e))?;
        }
    }
    if let Some(o) = s.get("ops") {
        match yes_no(&o.value) {
            Some(true) if is_udp(key) => cfg.flags |= ServiceFlags::ONEPACKET,
            Some(_) => {}
            None => return Err(bad(o.line, "ops must be yes or no")),
        }
    }
    if let Some(b) = s.get("schedflags") {
        return Err(bad(b.line, "schedflags is not supported by rvsadmd yet"));
    }
    Ok(cfg)
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
