//! The words of keepalived.conf values, read by keepalived 2.2.7's rules
//! (`read_timer`, `read_unsigned`, `check_true_false`,
//! `inet_stosockaddr` in its `lib/`): numbers with their ranges, timers
//! in seconds with up to six decimals, yes/no words, addresses and
//! ports, forwarding methods with their tunnel options.
//!
//! A reader returns `Err(message)`; the caller decides whether keepalived
//! ignores the value with a warning (a note) or refuses it.

use rvsadm::model::{ForwardMethod, Tunnel, TunnelFlags, TunnelType};
use std::net::IpAddr;
use std::time::Duration;

/// An unsigned number in `min..=max` (decimal only, as keepalived reads
/// configuration numbers).
pub fn unsigned(word: &str, min: u64, max: u64) -> Result<u64, String> {
    let v: u64 = word
        .parse()
        .map_err(|_| format!("`{word}` is not a number"))?;
    if v < min || v > max {
        return Err(format!(
            "number `{word}` is outside the range [{min}, {max}]"
        ));
    }
    Ok(v)
}

/// The largest timer keepalived takes for a connection timeout: `UINT_MAX`
/// microseconds.
pub const MAX_CONNECT_TIMEOUT_US: u64 = u32::MAX as u64;

/// A timer: seconds with at most six decimals (keepalived counts in
/// microseconds), at least `min_us` microseconds and at most `max_us`.
pub fn timer(word: &str, min_us: u64, max_us: u64) -> Result<Duration, String> {
    let bad = || format!("`{word}` is not a time in seconds (like 3 or 0.5)");
    let (whole, frac) = word.split_once('.').unwrap_or((word, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    if frac.len() > 6 {
        return Err(format!("`{word}` has more than six decimals"));
    }
    let secs: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let micros: u64 = format!("{frac:0<6}").parse().map_err(|_| bad())?;
    let total = secs
        .checked_mul(1_000_000)
        .and_then(|s| s.checked_add(micros))
        .ok_or_else(bad)?;
    if total < min_us || total > max_us {
        return Err(format!(
            "time `{word}` is outside the range [{}, {}] seconds",
            min_us as f64 / 1e6,
            max_us as f64 / 1e6
        ));
    }
    Ok(Duration::from_micros(total))
}

/// keepalived's yes/no words: `true`, `on`, `yes`, `false`, `off`, `no`.
pub fn yes_no(word: &str) -> Result<bool, String> {
    match word {
        "true" | "on" | "yes" => Ok(true),
        "false" | "off" | "no" => Ok(false),
        _ => Err(format!(
            "`{word}` is not one of true, on, yes, false, off, no"
        )),
    }
}

/// An optional yes/no argument: absent means yes.
pub fn flag(args: &[String]) -> Result<bool, String> {
    args.first().map_or(Ok(true), |w| yes_no(w))
}

/// An address (IPv4 or IPv6, numeric).
pub fn address(word: &str) -> Result<IpAddr, String> {
    let w = word
        .strip_prefix('[')
        .and_then(|w| w.strip_suffix(']'))
        .unwrap_or(word);
    w.parse()
        .map_err(|_| format!("`{word}` is not an IP address"))
}

/// A port: 1-65535, or 0 (written as any run of zeros) for none.
pub fn port(word: &str) -> Result<u16, String> {
    if !word.is_empty() && word.bytes().all(|b| b == b'0') {
        return Ok(0);
    }
    unsigned(word, 1, 65535)
        .map(|p| p as u16)
        .map_err(|_| format!("`{word}` is not a port (1-65535)"))
}

/// An address and an optional port (`ADDR [PORT]`); no port is 0.
pub fn address_port(args: &[String]) -> Result<(IpAddr, u16), String> {
    let a = args
        .first()
        .ok_or_else(|| "an address is missing".to_string())?;
    let p = args.get(1).map_or(Ok(0), |w| port(w))?;
    Ok((address(a)?, p))
}

/// A forwarding method with its tunnel parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forwarding {
    /// NAT, DR or TUN.
    pub method: ForwardMethod,
    /// The tunnel's type, port and checksum (TUN).
    pub tunnel: Tunnel,
}

/// `NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]`
/// (`lvs_method`, `lb_kind`, `sorry_server_lvs_method`).
pub fn forwarding(args: &[String]) -> Result<Forwarding, String> {
    let method = match args.first().map(String::as_str) {
        Some("NAT") => ForwardMethod::Masq,
        Some("DR") => ForwardMethod::Route,
        Some("TUN") => ForwardMethod::Tunnel,
        Some(other) => {
            return Err(format!(
                "unknown forwarding method `{other}` (NAT, DR or TUN)"
            ))
        }
        None => return Err("the forwarding method is missing (NAT, DR or TUN)".into()),
    };
    let mut tunnel = Tunnel::default();
    let mut words = args.iter().skip(1);
    while let Some(w) = words.next() {
        match w.as_str() {
            "type" => {
                tunnel.kind = match words.next().map(String::as_str) {
                    Some("ipip") => TunnelType::Ipip,
                    Some("gue") => TunnelType::Gue,
                    Some("gre") => TunnelType::Gre,
                    Some(t) => return Err(format!("unknown tunnel type `{t}` (ipip, gue, gre)")),
                    None => return Err("the tunnel type is missing after `type`".into()),
                }
            }
            "port" => {
                let p = words
                    .next()
                    .ok_or_else(|| "the tunnel port is missing after `port`".to_string())?;
                tunnel.port = unsigned(p, 1, 65535)
                    .map_err(|_| format!("invalid gue tunnel port `{p}`"))?
                    as u16;
            }
            "nocsum" => tunnel.flags = TunnelFlags::NOCSUM,
            "csum" => tunnel.flags = TunnelFlags::CSUM,
            "remcsum" => tunnel.flags = TunnelFlags::REMCSUM,
            other => return Err(format!("invalid tunnel option `{other}`")),
        }
    }
    if (tunnel.kind == TunnelType::Gue) != (tunnel.port != 0) {
        return Err("gue tunnels require a port, and other tunnels cannot have one".into());
    }
    if tunnel.kind == TunnelType::Ipip && tunnel.flags != TunnelFlags::NOCSUM {
        return Err("ipip tunnels do not support a checksum option".into());
    }
    if tunnel.kind == TunnelType::Gre && tunnel.flags.contains(TunnelFlags::REMCSUM) {
        return Err("gre tunnels do not support remcsum".into());
    }
    Ok(Forwarding { method, tunnel })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn timers_are_seconds_with_six_decimals() {
        assert_eq!(timer("3", 1, u64::MAX), Ok(Duration::from_secs(3)));
        assert_eq!(timer("0.5", 1, u64::MAX), Ok(Duration::from_millis(500)));
        assert_eq!(timer(".000001", 1, u64::MAX), Ok(Duration::from_micros(1)));
        assert!(timer("0", 1, u64::MAX).is_err());
        assert_eq!(timer("0", 0, u64::MAX), Ok(Duration::ZERO));
        assert!(timer("1.0000001", 0, u64::MAX).is_err());
        assert!(timer("5s", 0, u64::MAX).is_err());
        assert!(timer("-1", 0, u64::MAX).is_err());
        assert!(timer("4295", 1, MAX_CONNECT_TIMEOUT_US).is_err());
    }

    #[test]
    fn numbers_words_and_addresses() {
        assert_eq!(unsigned("7", 1, 10), Ok(7));
        assert!(unsigned("0", 1, 10).is_err() && unsigned("x", 0, 1).is_err());
        assert_eq!(flag(&[]), Ok(true));
        assert_eq!(flag(&w("off")), Ok(false));
        assert!(yes_no("maybe").is_err());
        assert_eq!(port("000"), Ok(0));
        assert!(port("65536").is_err());
        let (a, p) = address_port(&w("2001:db8::1 443")).unwrap();
        assert_eq!((a.to_string(), p), ("2001:db8::1".into(), 443));
        assert_eq!(address_port(&w("10.0.0.1")).unwrap().1, 0);
        assert!(address_port(&w("host.example 80")).is_err());
    }

    #[test]
    fn forwarding_methods_and_tunnels() {
        assert_eq!(forwarding(&w("NAT")).unwrap().method, ForwardMethod::Masq);
        assert_eq!(forwarding(&w("DR")).unwrap().method, ForwardMethod::Route);
        let f = forwarding(&w("TUN type gue port 6080 csum")).unwrap();
        assert_eq!((f.tunnel.kind, f.tunnel.port), (TunnelType::Gue, 6080));
        assert_eq!(f.tunnel.flags, TunnelFlags::CSUM);
        for bad in [
            "dr",
            "TUN type gue",
            "TUN port 5",
            "TUN csum",
            "TUN type gre remcsum",
            "TUN type x",
            "TUN bogus",
        ] {
            assert!(forwarding(&w(bad)).is_err(), "{bad}");
        }
    }
}
