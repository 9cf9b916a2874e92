//! Real servers and fallbacks, read as ldirectord reads them.
//!
//! `real=` is searched for `HOST[->HOST][:PORT]` followed by blanks (what
//! comes before is skipped); what follows is searched in turn for the
//! forwarding method (`gate`, `masq` or `ipip`: the first word), a weight
//! (the first number after a blank, 1 unless given), `"request",
//! "receive"`, `l:N`, then `u:N`; each search skips what comes before its
//! match, and what is left after the last must be blank. So `gate -w 1`
//! is weight 1, and `u:N` written before `l:N` is lost, as in ldirectord.
//! An IPv4 `a->b` range is one real per address.
//!
//! `fallback=ADDR[:PORT] [gate|masq|ipip]`: the last two words of the
//! value (so a `# comment` after it is read as the address and the
//! forwarding method, and refused, as by ldirectord).

use super::check::rooted;
use super::lines::Item;
use super::words::{resolve_host, service_port};
use regex::Regex;
use rvsadm::model::{DestConfig, DestSpec, ForwardMethod, ServiceKey, Weight};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::LazyLock;

/// One real server of a `real=` line.
pub(super) struct Real {
    /// As it is in the table.
    pub(super) spec: DestSpec,
    /// The address as written (its port is the one checked).
    pub(super) addr_written: SocketAddr,
    /// Its own `"request"`, starting with `/`.
    pub(super) request: Option<String>,
    /// Its own `"receive"`.
    pub(super) receive: Option<String>,
}

// A blank, as ldirectord's patterns count one.
macro_rules! blank {
    () => {
        r"[ \t\r\n\x0B\x0C]"
    };
}

/// `HOST[->HOST][:PORT]` then blanks, then the flags.
static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    let host = r"(?:[A-Za-z0-9.-]+|\[[0-9A-f:]+\])";
    Regex::new(&format!(
        r"({host})(?:->({host}))?(?::([A-Za-z0-9_-]+))?{}+(.*)",
        blank!()
    ))
    .expect("a valid pattern")
});

/// One search of the flags: what it finds, and what follows it.
fn find<'a>(re: &Regex, flags: &'a str) -> Option<(Vec<&'a str>, &'a str)> {
    let c = re.captures(flags)?;
    let n = c.len();
    let found = (1..n - 1)
        .map(|k| c.get(k).map_or("", |m| m.as_str()))
        .collect();
    Some((found, c.get(n - 1).map_or("", |m| m.as_str())))
}

fn pattern(p: &str) -> Regex {
    Regex::new(p).expect("a valid pattern")
}

static FORWARD: LazyLock<Regex> = LazyLock::new(|| pattern(r"([A-Za-z0-9_]+)(.*)"));
static WEIGHT: LazyLock<Regex> = LazyLock::new(|| pattern(concat!(blank!(), r"+([0-9]+)(.*)")));
static STRINGS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(concat!(
        blank!(),
        r#"+"(.*)"[, ]"#,
        blank!(),
        r#"*"(.*)"(.*)"#
    ))
});
static LOWER: LazyLock<Regex> = LazyLock::new(|| pattern(concat!(blank!(), r"+l:([0-9]+)(.*)")));
static UPPER: LazyLock<Regex> = LazyLock::new(|| pattern(concat!(blank!(), r"+u:([0-9]+)(.*)")));

fn forward_of(w: &str) -> Option<ForwardMethod> {
    match w {
        "gate" => Some(ForwardMethod::Route),
        "masq" => Some(ForwardMethod::Masq),
        "ipip" => Some(ForwardMethod::Tunnel),
        _ => None,
    }
}

/// The port a destination has in the table: ipvsadm and the kernel put a
/// gate or ipip real of an address-port service at the service's port.
fn table_port(key: ServiceKey, fwd: ForwardMethod, written: u16, vport: u16) -> u16 {
    match key {
        ServiceKey::Addr { .. } if matches!(fwd, ForwardMethod::Route | ForwardMethod::Tunnel) => {
            vport
        }
        _ => written,
    }
}

/// What a real line says after its address.
struct Options {
    forward: ForwardMethod,
    weight: Weight,
    upper: u32,
    lower: u32,
    request: Option<String>,
    receive: Option<String>,
}

/// The reals of line `i` of a section (`v6`) of service `key` at port
/// `vport`; the error is the message for the line (ldirectord's).
pub(super) fn reals_of(
    i: &Item,
    v6: bool,
    key: ServiceKey,
    vport: u16,
) -> Result<Vec<Real>, String> {
    let c = ADDRESS
        .captures(&i.value)
        .ok_or("invalid address for real server (wrong format)")?;
    let text = |k: usize| c.get(k).map(|m| m.as_str());
    let (first, last, port_text) = (text(1).unwrap_or(""), text(2), text(3).unwrap_or("0"));
    let ip = resolve_host(first, v6).ok_or_else(|| {
        format!("invalid address ({first}) for real server (could not resolve host)")
    })?;
    let port = service_port(port_text, "").ok_or_else(|| {
        format!("invalid port ({port_text}) for real server (could not resolve port)")
    })?;
    let hosts = match last {
        None => vec![ip],
        Some(l) => {
            let end = resolve_host(l, v6).ok_or_else(|| {
                format!("invalid address ({l}) for real server (could not resolve end host)")
            })?;
            range(ip, end)?
        }
    };
    let o = options_of(text(4).unwrap_or(""))?;
    Ok(hosts
        .into_iter()
        .map(|ip| {
            let cfg = DestConfig::new(o.forward)
                .with_weight(o.weight)
                .with_thresholds(o.upper, o.lower);
            Real {
                spec: DestSpec::new(
                    SocketAddr::new(ip, table_port(key, o.forward, port, vport)),
                    cfg,
                ),
                addr_written: SocketAddr::new(ip, port),
                request: o.request.clone(),
                receive: o.receive.clone(),
            }
        })
        .collect())
}

/// The flags of a real line, searched in ldirectord's order.
fn options_of(flags: &str) -> Result<Options, String> {
    let bad_fwd = "forward method must be gate, masq or ipip";
    let (w, mut rest) = find(&FORWARD, flags).ok_or(bad_fwd)?;
    let forward = forward_of(w[0]).ok_or(bad_fwd)?;
    let mut o = Options {
        forward,
        weight: Weight::ONE,
        upper: 0,
        lower: 0,
        request: None,
        receive: None,
    };
    let threshold = |n: &str| n.parse::<u32>().unwrap_or(u32::MAX);
    if let Some((w, r)) = find(&WEIGHT, rest) {
        let n = w[0].parse::<u32>().ok().and_then(Weight::new);
        o.weight = n.ok_or("weight must be 0 to 2147483647")?;
        rest = r;
    }
    if let Some((w, r)) = find(&STRINGS, rest) {
        o.request = Some(rooted(w[0]));
        o.receive = Some(w[1].to_string());
        rest = r;
    }
    if let Some((w, r)) = find(&LOWER, rest) {
        o.lower = threshold(w[0]);
        rest = r;
    }
    if let Some((w, r)) = find(&UPPER, rest) {
        o.upper = threshold(w[0]);
        rest = r;
    }
    if rest.trim().is_empty() {
        Ok(o)
    } else {
        Err(format!("Invalid real server line, around \"{rest}\""))
    }
}

/// Each address from `a` to `b` (IPv4).
fn range(a: IpAddr, b: IpAddr) -> Result<Vec<IpAddr>, String> {
    let (IpAddr::V4(a4), IpAddr::V4(b4)) = (a, b) else {
        return Err("Address range for IPv6 is not supported yet".into());
    };
    let (x, y) = (u32::from(a4), u32::from(b4));
    if x > y {
        return Err(format!(
            "Invalid Range: {a}-{b}: First value must be greater than or equal to the second value"
        ));
    }
    if y - x > 65535 {
        return Err(
            "an address range of more than 65536 addresses is not supported by rvsadmd".into(),
        );
    }
    Ok((x..=y).map(|n| IpAddr::V4(Ipv4Addr::from(n))).collect())
}

/// A fallback as written: the address, the port if given, the
/// forwarding method (gate unless told).
#[derive(Debug, PartialEq)]
pub(super) struct Fallback<'a> {
    pub(super) server: &'a str,
    pub(super) port: Option<&'a str>,
    pub(super) forward: ForwardMethod,
}

/// ldirectord's reading of a `fallback=` value: its last two words are
/// the address and the forwarding method (one word: the address).
pub(super) fn parse_fallback(v: &str) -> Result<Fallback<'_>, String> {
    let words: Vec<&str> = v
        .split(super::lines::is_blank)
        .filter(|w| !w.is_empty())
        .collect();
    let (addr, fwd) = match words.as_slice() {
        [] => (v, None),
        [a] => (*a, None),
        [.., a, f] => (*a, Some(*f)),
    };
    let forward = match fwd.filter(|f| *f != "0") {
        None => ForwardMethod::Route,
        Some(f) => forward_of(f).ok_or("forward method must be gate, masq or ipip")?,
    };
    let port_start = addr.rfind(':').filter(|&k| {
        let p = &addr[k + 1..];
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    });
    let (server, port) = match port_start {
        Some(k) => (&addr[..k], Some(&addr[k + 1..])),
        None => (addr, None),
    };
    Ok(Fallback {
        server,
        port,
        forward,
    })
}

/// The fallback `v` (`v6`) resolved as ldirectord resolves it: the
/// address, the port (written, else `vport_text`, the virtual's as
/// written; looked up for `proto`; none for 0), the forwarding method.
pub(super) fn resolve_fallback(
    v: &str,
    v6: bool,
    vport_text: Option<&str>,
    proto: &str,
) -> Result<(IpAddr, Option<u16>, ForwardMethod), String> {
    let f = parse_fallback(v)?;
    let ip = resolve_host(f.server, v6).ok_or_else(|| {
        let family = if v6 { "IPv6" } else { "IPv4" };
        format!(
            "invalid {family} address or could not resolve for fallback server: {}",
            f.server
        )
    })?;
    let port = match f.port.or(vport_text).filter(|p| *p != "0") {
        Some(p) => Some(service_port(p, proto).ok_or("invalid port for fallback server")?),
        None => None,
    };
    Ok((ip, port, f.forward))
}

/// The fallback server `v` of a section (`v6`) of service `key` at port
/// `vport` (`vport_text` as written): weight 1, gate unless told, at the
/// service's port unless told.
pub(super) fn fallback_of(
    v: &str,
    v6: bool,
    key: ServiceKey,
    (vport, vport_text): (u16, Option<&str>),
) -> Result<DestSpec, String> {
    let proto = if super::service::is_udp(key) {
        "udp"
    } else {
        "tcp"
    };
    let (ip, port, forward) = resolve_fallback(v, v6, vport_text, proto)?;
    let port = port.unwrap_or(vport);
    Ok(DestSpec::new(
        SocketAddr::new(ip, table_port(key, forward, port, vport)),
        DestConfig::new(forward).with_weight(Weight::ONE),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rvsadm::model::Protocol;

    fn reals(v: &str) -> Result<Vec<Real>, String> {
        let key = ServiceKey::Addr {
            protocol: Protocol::Tcp,
            addr: "192.0.2.1".parse().unwrap(),
            port: 80,
        };
        let i = Item {
            line: 2,
            key: "real".into(),
            value: v.into(),
            text: String::new(),
        };
        reals_of(&i, false, key, 80)
    }

    #[test]
    fn real_lines_read_as_ldirectord_reads_them() {
        let r = reals("10.0.0.1:80 gate -w 1").unwrap();
        assert_eq!(r[0].spec.config.weight.get(), 1);
        let r = reals("10.0.0.1:80 masq 3 \"/a\", \"ok\" l:2 ").unwrap();
        assert_eq!(r[0].spec.config.weight.get(), 3);
        assert_eq!(r[0].request.as_deref(), Some("/a"));
        assert_eq!(r[0].spec.config.lower_threshold, 2);
        // u: before l: is lost, as in ldirectord
        let r = reals("10.0.0.1:80 masq u:5 l:3").unwrap();
        assert_eq!(r[0].spec.config.upper_threshold, 0);
        assert_eq!(
            reals("10.0.0.1:80 gate 5 x").err().unwrap(),
            "Invalid real server line, around \" x\""
        );
        assert_eq!(
            reals("10.0.0.1:80 tun").err().unwrap(),
            "forward method must be gate, masq or ipip"
        );
        assert_eq!(
            reals("10.0.0.1:80").err().unwrap(),
            "invalid address for real server (wrong format)"
        );
        assert_eq!(reals("10.0.0.1->10.0.0.3:80 gate").unwrap().len(), 3);
    }

    #[test]
    fn a_comment_after_a_fallback_is_refused() {
        assert_eq!(
            parse_fallback("127.0.0.1:80  # sorry server").unwrap_err(),
            "forward method must be gate, masq or ipip"
        );
        assert_eq!(
            parse_fallback("127.0.0.1:80 masq").unwrap(),
            Fallback {
                server: "127.0.0.1",
                port: Some("80"),
                forward: ForwardMethod::Masq
            }
        );
        assert_eq!(parse_fallback("[::1]").unwrap().port, None);
    }
}
