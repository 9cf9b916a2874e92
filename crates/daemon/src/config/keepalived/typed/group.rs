//! `virtual_server_group NAME { ... }`: addresses, address ranges
//! (`10.0.0.1-10`, `10.0.0.250-10.0.1.10`, `10.0.0.8/29`, and their IPv6
//! forms, the last part in hex) with an optional port, and firewall
//! marks with an optional family. An entry keepalived cannot read is
//! skipped with a note, as keepalived does; a group left empty is
//! removed.

use super::values::{address, port, unsigned};
use super::{ignored, note, Group, GroupEntry};
use crate::config::keepalived::{Note, Statement};
use rvsadm::model::Family;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The most addresses one range may hold (rvsadmd's own bound: each is a
/// service in the table).
pub const MAX_RANGE: u128 = 65_536;

/// Read group `s`; `None` when keepalived removes it.
pub fn read(s: &Statement, notes: &mut Vec<Note>) -> Option<Group> {
    let Some(name) = s.args.first() else {
        ignored(notes, s, "the group has no name");
        return None;
    };
    let mut entries = Vec::new();
    for e in s.block.as_deref().unwrap_or_default() {
        match entry(e) {
            Ok(x) => entries.push(x),
            Err(why) => ignored(notes, e, &why),
        }
    }
    if entries.is_empty() {
        note(
            notes,
            s,
            format!("virtual server group `{name}` has no entries: keepalived removes it"),
        );
        return None;
    }
    Some(Group {
        name: name.clone(),
        entries,
        at: s.at.clone(),
    })
}

fn entry(e: &Statement) -> Result<GroupEntry, String> {
    if e.keyword == "fwmark" {
        let m = e.args.first().ok_or("the mark is missing")?;
        let mark = unsigned(m, 0, u64::from(u32::MAX))? as u32;
        let family = match e.args.get(1).map(String::as_str) {
            None => None,
            Some("inet") => Some(Family::Inet),
            Some("inet6") => Some(Family::Inet6),
            Some(f) => return Err(format!("unknown family `{f}` (inet or inet6)")),
        };
        return Ok(GroupEntry::Fwmark {
            mark,
            family,
            at: e.at.clone(),
        });
    }
    let p = e.args.first().map_or(Ok(0), |w| port(w))?;
    let (first, last) = range(&e.keyword)?;
    Ok(GroupEntry::Range {
        first,
        last,
        port: p,
        at: e.at.clone(),
    })
}

/// The first and last address of `ADDR`, `ADDR-LAST` (a last part or a
/// whole address) or `ADDR/PREFIX`.
pub fn range(word: &str) -> Result<(IpAddr, IpAddr), String> {
    let (first, last) = if let Some((a, prefix)) = word.split_once('/') {
        let first = address(a)?;
        let bits = if first.is_ipv4() { 32 } else { 128 };
        let n = unsigned(prefix, 0, bits).map_err(|_| format!("`{word}`: bad prefix length"))?;
        let host_bits = (bits - n) as u32;
        let v = to_u128(first);
        let mask = if host_bits >= 128 {
            u128::MAX
        } else {
            (1u128 << host_bits) - 1
        };
        (from_u128(first, v & !mask), from_u128(first, v | mask))
    } else if let Some((a, b)) = word.split_once('-') {
        let first = address(a)?;
        let last = match address(b) {
            Ok(l) => l,
            Err(_) => {
                last_part(first, b).ok_or_else(|| format!("`{word}` is not an address range"))?
            }
        };
        (first, last)
    } else {
        let a = address(word)?;
        (a, a)
    };
    if first.is_ipv4() != last.is_ipv4() || to_u128(last) < to_u128(first) {
        return Err(format!("`{word}`: the range ends before it starts"));
    }
    if to_u128(last) - to_u128(first) >= MAX_RANGE {
        return Err(format!("`{word}` holds more than {MAX_RANGE} addresses"));
    }
    Ok((first, last))
}

/// `first` with its last part (an IPv4 octet in decimal, an IPv6 group
/// in hex) replaced by `part`.
fn last_part(first: IpAddr, part: &str) -> Option<IpAddr> {
    match first {
        IpAddr::V4(a) => {
            let n: u8 = part.parse().ok()?;
            let mut o = a.octets();
            o[3] = n;
            Some(IpAddr::V4(Ipv4Addr::from(o)))
        }
        IpAddr::V6(a) => {
            let n = u16::from_str_radix(part, 16).ok()?;
            let mut s = a.segments();
            s[7] = n;
            Some(IpAddr::V6(Ipv6Addr::from(s)))
        }
    }
}

fn to_u128(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

fn from_u128(like: IpAddr, v: u128) -> IpAddr {
    match like {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::from(v as u32)),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::from(v)),
    }
}

/// Every address of a range, in order.
pub fn addresses(first: IpAddr, last: IpAddr) -> impl Iterator<Item = IpAddr> {
    (to_u128(first)..=to_u128(last)).map(move |v| from_u128(first, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(w: &str) -> Result<(String, String), String> {
        range(w).map(|(a, b)| (a.to_string(), b.to_string()))
    }

    #[test]
    fn ranges_as_keepalived_writes_them() {
        assert_eq!(
            r("10.0.0.1-10"),
            Ok(("10.0.0.1".into(), "10.0.0.10".into()))
        );
        assert_eq!(
            r("192.168.200.250-192.168.201.10"),
            Ok(("192.168.200.250".into(), "192.168.201.10".into()))
        );
        assert_eq!(
            r("10.0.0.9/29"),
            Ok(("10.0.0.8".into(), "10.0.0.15".into()))
        );
        assert_eq!(
            r("2001:db8::1-1f"),
            Ok(("2001:db8::1".into(), "2001:db8::1f".into()))
        );
        assert_eq!(r("10.0.0.7"), Ok(("10.0.0.7".into(), "10.0.0.7".into())));
        assert!(r("10.0.0.9-3").is_err());
        assert!(r("10.0.0.0/8").is_err());
        assert!(r("10.0.0.1-x").is_err());
        let (a, b) = range("10.0.0.254-10.0.1.1").unwrap();
        assert_eq!(addresses(a, b).count(), 4);
    }
}
