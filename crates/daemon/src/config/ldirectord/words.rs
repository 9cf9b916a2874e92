//! The words of `ldirectord.cf` values: addresses and ports, service
//! names, yes/no, numbers, quoted strings.

use std::net::{IpAddr, ToSocketAddrs};

/// Port number of a well-known service name, as `/etc/services` has it.
pub(super) fn service_port(name: &str, proto: &str) -> Option<u16> {
    if let Ok(p) = name.parse::<u16>() {
        return Some(p);
    }
    let text = std::fs::read_to_string("/etc/services").ok()?;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut w = line.split_whitespace();
        let (Some(n), Some(pp)) = (w.next(), w.next()) else {
            continue;
        };
        let Some((port, pr)) = pp.split_once('/') else {
            continue;
        };
        let names_match = n == name || w.any(|alias| alias == name);
        if names_match && (proto.is_empty() || pr == proto) {
            return port.parse().ok();
        }
    }
    None
}

/// ldirectord's service for a port it knows; `none` for the rest.
pub(super) fn service_of_port(port: u16) -> &'static str {
    match port {
        21 => "ftp",
        25 => "smtp",
        53 => "dns",
        80 => "http",
        110 => "pop",
        119 => "nntp",
        143 => "imap",
        389 => "ldap",
        443 => "https",
        587 => "submission",
        636 => "ldaps",
        993 => "imaps",
        995 => "pops",
        1521 => "oracle",
        1812 => "radius",
        3128 => "http_proxy",
        3306 => "mysql",
        5060 => "sip",
        5432 => "pgsql",
        _ => "none",
    }
}

/// `host` (an address, `[v6]`, or a name) as an address of the
/// family `v6` says.
pub(super) fn resolve_host(host: &str, v6: bool) -> Option<IpAddr> {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(a) = h.parse::<IpAddr>() {
        return (a.is_ipv6() == v6).then_some(a);
    }
    (h, 0)
        .to_socket_addrs()
        .ok()?
        .map(|s| s.ip())
        .find(|a| a.is_ipv6() == v6)
}

/// Split `host:port` (`[v6]:port`); the port may be absent.
pub(super) fn split_host_port(s: &str) -> (&str, Option<&str>) {
    if let Some(rest) = s.strip_prefix('[') {
        if let Some(end) = rest.find(']') {
            let host = &s[..end + 2];
            let after = &rest[end + 1..];
            return (host, after.strip_prefix(':'));
        }
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, Some(p)),
        _ => (s, None),
    }
}

/// The text between double quotes.
pub(super) fn unquote(v: &str) -> Option<&str> {
    v.strip_prefix('"')?.strip_suffix('"')
}

/// `yes` or `no`.
pub(super) fn yes_no(v: &str) -> Option<bool> {
    match v {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// The leading digits of `v` as a number above 0 (ldirectord reads
/// `10s` as 10).
pub(super) fn number(v: &str) -> Option<u64> {
    let digits: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok().filter(|n| *n > 0)
}
