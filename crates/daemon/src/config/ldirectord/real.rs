//! Real servers and fallbacks: `real=ADDR:PORT gate|masq|ipip [WEIGHT]
//! [u:N] [l:N] ["request", "receive"]` (an IPv4 `a->b` range is one real
//! per address), `fallback=ADDR[:PORT] [gate|masq|ipip]`.

use super::check::rooted;
use super::lines::Item;
use super::service::is_udp;
use super::words::{resolve_host, service_port, split_host_port};
use rvsadm::model::{DestConfig, DestSpec, ForwardMethod, ServiceKey, Weight};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

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

/// What a real line says after its address and forwarding method.
struct Options {
    weight: Weight,
    upper: u32,
    lower: u32,
    request: Option<String>,
    receive: Option<String>,
}

/// The reals of line `i` of a section (`v6`) of service `key` at port
/// `vport`; the error is the message for the line.
pub(super) fn reals_of(
    i: &Item,
    v6: bool,
    key: ServiceKey,
    vport: u16,
) -> Result<Vec<Real>, String> {
    let v = i.value.trim();
    let (addr_part, rest) = v.split_once(char::is_whitespace).ok_or(
        "invalid address for real server (wrong format): give ADDR:PORT and gate, masq or ipip",
    )?;
    let (host, port) = split_host_port(addr_part);
    let port = match port {
        None => 0,
        Some(p) => {
            service_port(p, "").ok_or_else(|| format!("invalid port `{p}` for real server"))?
        }
    };
    let rest = rest.trim_start();
    let (fwd_word, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let fwd = forward_of(fwd_word).ok_or("forward method must be gate, masq or ipip")?;
    let o = options_of(after)?;
    let hosts = hosts_of(host, v6)?;
    Ok(hosts
        .into_iter()
        .map(|ip| {
            let cfg = DestConfig::new(fwd)
                .with_weight(o.weight)
                .with_thresholds(o.upper, o.lower);
            Real {
                spec: DestSpec::new(SocketAddr::new(ip, table_port(key, fwd, port, vport)), cfg),
                addr_written: SocketAddr::new(ip, port),
                request: o.request.clone(),
                receive: o.receive.clone(),
            }
        })
        .collect())
}

/// Weight, thresholds and the quoted request and receive (quoted strings
/// keep their spaces as written).
fn options_of(after: &str) -> Result<Options, String> {
    let mut o = Options {
        weight: Weight::ONE,
        upper: 0,
        lower: 0,
        request: None,
        receive: None,
    };
    let mut strings: Vec<String> = Vec::new();
    let mut plain = String::new();
    let mut in_q = false;
    let mut cur = String::new();
    for ch in after.chars() {
        match (in_q, ch) {
            (false, '"') => in_q = true,
            (true, '"') => {
                in_q = false;
                strings.push(std::mem::take(&mut cur));
            }
            (true, c) => cur.push(c),
            (false, c) => plain.push(c),
        }
    }
    if in_q {
        return Err("unterminated quoted string on real line".into());
    }
    for w in plain
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
    {
        if let Some(n) = w.strip_prefix("u:") {
            o.upper = n.parse().map_err(|_| format!("u:{n} is not a threshold"))?;
        } else if let Some(n) = w.strip_prefix("l:") {
            o.lower = n.parse().map_err(|_| format!("l:{n} is not a threshold"))?;
        } else if let Ok(n) = w.parse::<u32>() {
            o.weight = Weight::new(n).ok_or("weight must be 0 to 2147483647")?;
        } else {
            return Err(format!("Invalid real server line, around \"{w}\""));
        }
    }
    match strings.as_slice() {
        [] => {}
        [a, b] => {
            o.request = Some(rooted(a));
            o.receive = Some(b.clone());
        }
        _ => return Err("a real takes both \"request\", \"receive\" or neither".into()),
    }
    Ok(o)
}

/// The addresses of `host`: one, or each of an IPv4 range `a->b`.
fn hosts_of(host: &str, v6: bool) -> Result<Vec<IpAddr>, String> {
    let Some((a, b)) = host.split_once("->") else {
        return Ok(vec![resolve_host(host, v6).ok_or_else(|| {
            format!("invalid address for real server: cannot resolve `{host}`")
        })?]);
    };
    if v6 {
        return Err("Address range for IPv6 is not supported yet".into());
    }
    let a = resolve_host(a, false).ok_or_else(|| format!("cannot resolve `{a}`"))?;
    let b = resolve_host(b, false).ok_or_else(|| format!("cannot resolve `{b}`"))?;
    let (IpAddr::V4(a), IpAddr::V4(b)) = (a, b) else {
        return Err("an address range is IPv4".into());
    };
    let (a, b) = (u32::from(a), u32::from(b));
    if a > b {
        return Err("Invalid Range: the first address must not be above the second".into());
    }
    if b - a > 65535 {
        return Err("an address range of more than 65536 addresses".into());
    }
    Ok((a..=b).map(|x| IpAddr::V4(Ipv4Addr::from(x))).collect())
}

/// The fallback server `v` of a section (`v6`) of service `key` at port
/// `vport`: weight 1, gate unless told, the service's port unless told.
pub(super) fn fallback_of(
    v: &str,
    v6: bool,
    key: ServiceKey,
    vport: u16,
) -> Result<DestSpec, String> {
    let mut w = v.split_whitespace();
    let addr = w
        .next()
        .ok_or("fallback: give ADDR[:PORT] [gate|masq|ipip]")?;
    let fwd = match w.next() {
        None => ForwardMethod::Route,
        Some(f) => forward_of(f).ok_or("fallback: forward method must be gate, masq or ipip")?,
    };
    if let Some(x) = w.next() {
        return Err(format!("fallback: unexpected `{x}`"));
    }
    let (host, port) = split_host_port(addr);
    let ip = resolve_host(host, v6).ok_or_else(|| {
        format!("invalid address or could not resolve for fallback server: {host}")
    })?;
    let proto = if is_udp(key) { "udp" } else { "tcp" };
    let port = match port {
        Some(p) => service_port(p, proto).ok_or("invalid port for fallback server")?,
        None => vport,
    };
    Ok(DestSpec::new(
        SocketAddr::new(ip, table_port(key, fwd, port, vport)),
        DestConfig::new(fwd).with_weight(Weight::ONE),
    ))
}
