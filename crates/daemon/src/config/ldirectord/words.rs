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

/// The text between the first and the last double quote, when the value
/// starts with one (ldirectord's `"…"` values: `request`, `receive`,
/// `login`, …; what follows the last quote is ignored).
pub(super) fn quoted(v: &str) -> Option<&str> {
    let inner = v.strip_prefix('"')?;
    inner.rfind('"').map(|end| &inner[..end])
}

/// `yes` or `no`, exactly (ldirectord refuses `yes ` and `yes # c`).
pub(super) fn yes_no(v: &str) -> Option<bool> {
    match v {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// The first run of digits in `v`, wherever it is (ldirectord reads
/// `10s` and `s10` as 10).
pub(super) fn digits(v: &str) -> Option<&str> {
    run(v, |c| c.is_ascii_digit())
}

/// The first run of letters, digits and `_` in `v` (a `\w+`).
pub(super) fn first_word(v: &str) -> Option<&str> {
    run(v, |c| c.is_ascii_alphanumeric() || c == '_')
}

/// The first run of characters `is` accepts.
pub(super) fn run(v: &str, is: impl Fn(char) -> bool) -> Option<&str> {
    let start = v.find(&is)?;
    let rest = &v[start..];
    Some(&rest[..rest.find(|c: char| !is(c)).unwrap_or(rest.len())])
}

/// The first run of digits in `v` as a number above 0 (a run too long
/// for a number counts as the largest).
pub(super) fn number(v: &str) -> Option<u64> {
    let d = digits(v)?;
    let n = d.parse().unwrap_or(u64::MAX);
    (n > 0).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_ldirectord_reads_them() {
        assert_eq!(number("10s"), Some(10));
        assert_eq!(number(" x5 # c"), Some(5));
        assert_eq!(number("0"), None);
        assert_eq!(quoted("\"/a\"b\" x"), Some("/a\"b"));
        assert_eq!(quoted("/a"), None);
        assert_eq!(yes_no("yes "), None);
        assert_eq!(first_word(" -wrr,x"), Some("wrr"));
    }
}
