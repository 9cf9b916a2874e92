//! `ldirectord.cf`, read by ldirectord's own rules (Debian's ldirectord
//! 4.12), into the same model as `rvsadmd.toml`.
//!
//! What ldirectord does, and rvsadmd with this file:
//! - a line starting with `virtual=` / `virtual6=` opens a section; the
//!   lines after it indented by 4 or more spaces (a tab counts 4) belong
//!   to it, and the first other line (a blank one too) ends it;
//! - reals name `gate`, `masq` or `ipip` (there is no default), weight 1
//!   unless given, `l:N`/`u:N` thresholds, and may carry their own
//!   `"request", "receive"`; `a->b` ranges of IPv4 addresses; a gate or
//!   ipip real of an address-port service is at the service's port in the
//!   table (ipvsadm and the kernel put it there), its check keeps the port
//!   written;
//! - defaults: `scheduler = wrr`, `protocol = tcp` (udp for port 53),
//!   `checktype = negotiate` with the service guessed from the port (80
//!   http; a port it does not know, or a fwmark, is service `none`: always
//!   up), `checkinterval = 10`, `checktimeout = 5`, `negotiatetimeout =
//!   30` (each falls back on the other when only one is set),
//!   `failurecount = 1`, `quiescent = no` (a failed real is deleted),
//!   `cleanstop = yes` (stop deletes the services);
//! - a fallback has weight 1 and forwards by `gate` unless told; it is in
//!   the table exactly while no real of its service is up.
//!
//! What rvsadmd does not do is an error naming the line (checks other
//! than connect, HTTP and HTTPS negotiate, external, on and off; `fork = yes`;
//! `maintenancedir`; `fallbackcommand`; `callback`; `execute`); what has
//! no effect on the table (`logfile`, `emailalert` ...) is listed in
//! [`Config::notes`].

use super::config::{
    Check, Config, ConfigError, Expect, Format, HttpProbe, Location, Manual, OnFailure, OnStop,
    Probe, Virtual,
};
use super::native::check_whole;
use rvsadm::model::{
    DestConfig, DestSpec, Family, ForwardMethod, Netmask, Protocol, Scheduler, ServiceConfig,
    ServiceFlags, ServiceKey, ServiceSpec, Weight,
};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::path::Path;
use std::time::Duration;

/// A directive with its line.
#[derive(Debug, Clone)]
struct Item {
    line: usize,
    key: String,
    value: String,
}

/// One `virtual=` section as written.
#[derive(Debug, Clone)]
struct Section {
    line: usize,
    v6: bool,
    address: String,
    items: Vec<Item>,
}

/// Global settings (those that may also be per virtual are resolved per
/// virtual).
#[derive(Debug, Default, Clone)]
struct Globals {
    checktimeout: Option<u64>,
    negotiatetimeout: Option<u64>,
    checkinterval: Option<u64>,
    failurecount: Option<u32>,
    quiescent: Option<bool>,
    cleanstop: Option<bool>,
    fallback: Option<(usize, String)>,
    fallback6: Option<(usize, String)>,
}

/// Port number of a well-known service name, as `/etc/services` has it.
fn service_port(name: &str, proto: &str) -> Option<u16> {
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
fn service_of_port(port: u16) -> &'static str {
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

fn resolve_host(host: &str, v6: bool) -> Option<IpAddr> {
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
fn split_host_port(s: &str) -> (&str, Option<&str>) {
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

fn unquote(v: &str) -> Option<&str> {
    v.strip_prefix('"')?.strip_suffix('"')
}

fn yes_no(v: &str) -> Option<bool> {
    match v {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

fn number(v: &str) -> Option<u64> {
    let digits: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok().filter(|n| *n > 0)
}

fn here(file: &Path, line: usize) -> Location {
    Location {
        file: file.to_path_buf(),
        line,
    }
}

fn fault(file: &Path, line: usize, message: String) -> ConfigError {
    ConfigError {
        at: here(file, line),
        message,
    }
}

/// Read an `ldirectord.cf` from its text; `file` names it in errors.
///
/// ```
/// use rvsadmd::ldirectord::parse;
/// let cfg = parse(std::path::Path::new("ld.cf"), "\
/// checkinterval=2
/// virtual=192.0.2.10:80
///     real=10.0.0.1:80 masq 3
///     real=10.0.0.2:80 masq
///     checktype=connect
/// ").unwrap();
/// assert_eq!(cfg.services[0].spec.destinations.len(), 2);
/// assert!(parse(std::path::Path::new("ld.cf"), "virtual=192.0.2.10:80\n    real=10.0.0.1:80\n").is_err());
/// ```
pub fn parse(file: &Path, text: &str) -> Result<Config, ConfigError> {
    let (at, bad) = (|line| here(file, line), |line, m| fault(file, line, m));
    let mut g = Globals::default();
    let mut notes = Vec::new();
    let mut sections: Vec<Section> = Vec::new();
    let mut in_section = false;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let expanded = raw.replace('\t', "    ");
        let indented = expanded.starts_with("    ");
        let body = expanded.trim();
        if in_section && indented && !body.is_empty() {
            if body.starts_with('#') {
                continue;
            }
            let body = body.split('#').next().unwrap_or("").trim();
            let Some((k, v)) = body.split_once('=') else {
                return Err(bad(n, format!("unknown directive `{body}`")));
            };
            if let Some(s) = sections.last_mut() {
                s.items.push(Item {
                    line: n,
                    key: k.trim().to_string(),
                    value: v.trim().to_string(),
                });
            }
            continue;
        }
        in_section = false;
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        if expanded.starts_with(' ') {
            return Err(bad(
                n,
                format!("`{body}` is indented but belongs to no virtual (a blank line ends a virtual section)"),
            ));
        }
        let body = body.split(" #").next().unwrap_or("").trim();
        let Some((k, v)) = body.split_once('=') else {
            return Err(bad(n, format!("unknown directive `{body}`")));
        };
        let (k, v) = (k.trim(), v.trim());
        let num = |what: &str| {
            number(v).ok_or_else(|| bad(n, format!("{k}: `{v}` is not a {what} above 0")))
        };
        let yn = || yes_no(v).ok_or_else(|| bad(n, format!("{k} must be yes or no")));
        match k {
            "virtual" | "virtual6" => {
                in_section = true;
                sections.push(Section {
                    line: n,
                    v6: k == "virtual6",
                    address: v.to_string(),
                    items: Vec::new(),
                });
            }
            "checktimeout" => g.checktimeout = Some(num("number of seconds")?),
            "negotiatetimeout" => g.negotiatetimeout = Some(num("number of seconds")?),
            "checkinterval" => g.checkinterval = Some(num("number of seconds")?),
            "failurecount" => g.failurecount = Some(num("count")?.min(u64::from(u32::MAX)) as u32),
            "checkcount" => {
                num("count")?;
                notes.push(format!("{}: checkcount is used by ping checks only, which rvsadmd does not run", at(n)));
            }
            "quiescent" => g.quiescent = Some(yn()?),
            "cleanstop" => g.cleanstop = Some(yn()?),
            "readdquiescent" => {
                if yn()? {
                    return Err(bad(n, "readdquiescent = yes is not supported by rvsadmd (a quiesced real is kept at weight 0 either way)".into()));
                }
            }
            "fallback" => g.fallback = Some((n, v.to_string())),
            "fallback6" => g.fallback6 = Some((n, v.to_string())),
            "fork" => {
                if yn()? {
                    return Err(bad(n, "fork = yes is not needed: rvsadmd checks every real in parallel; remove it".into()));
                }
            }
            "autoreload" => {
                if yn()? {
                    notes.push(format!("{}: autoreload: rvsadmd reloads on SIGHUP or `rvsadmd reload`, not on a change of the file", at(n)));
                }
            }
            "logfile" | "supervised" | "emailalert" | "emailalertfreq" | "emailalertstatus"
            | "emailalertfrom" | "smtp" => {
                notes.push(format!("{}: {k}: no effect in rvsadmd (events go to standard output as JSON lines)", at(n)));
            }
            "connecttimeout" | "timeout" => {
                return Err(bad(n, format!("{k} is deprecated (ldirectord refuses it too): use negotiatetimeout or checktimeout")))
            }
            "maintenancedir" | "fallbackcommand" | "callback" | "execute" => {
                return Err(bad(n, format!("{k} is not supported by rvsadmd; use `rvsadmd drain` for maintenance")))
            }
            _ => return Err(bad(n, format!("unknown directive `{k}`"))),
        }
    }
    let mut services = Vec::with_capacity(sections.len());
    for s in &sections {
        services.push(virtual_of(s, &g, file, &mut notes)?);
    }
    let cfg = Config {
        services,
        on_stop: if g.cleanstop.unwrap_or(true) {
            OnStop::Remove
        } else {
            OnStop::Keep
        },
        state_file: None,
        control_socket: None,
        format: Format::Ldirectord,
        notes,
    };
    check_whole(&cfg)?;
    Ok(cfg)
}

fn virtual_of(
    s: &Section,
    g: &Globals,
    file: &Path,
    notes: &mut Vec<String>,
) -> Result<Virtual, ConfigError> {
    let (at, bad) = (|line| here(file, line), |line, m| fault(file, line, m));
    const KNOWN: &[&str] = &[
        "real",
        "real6",
        "request",
        "receive",
        "checktype",
        "checkcommand",
        "checktimeout",
        "negotiatetimeout",
        "connecttimeout",
        "checkcount",
        "failurecount",
        "checkinterval",
        "checkport",
        "login",
        "passwd",
        "database",
        "secret",
        "load",
        "scheduler",
        "persistent",
        "schedflags",
        "netmask",
        "protocol",
        "ops",
        "service",
        "httpmethod",
        "virtualhost",
        "fallback",
        "fallback6",
        "fallbackcommand",
        "quiescent",
        "cleanstop",
        "emailalert",
        "emailalertfreq",
        "emailalertstatus",
        "smtp",
        "monitorfile",
        "servicename",
        "comment",
    ];
    if let Some(i) = s.items.iter().find(|i| !KNOWN.contains(&i.key.as_str())) {
        return Err(bad(
            i.line,
            format!("unknown directive `{}` in a virtual section", i.key),
        ));
    }
    if let Some(i) = s.items.iter().find(|i| i.key == "connecttimeout") {
        return Err(bad(i.line, "connecttimeout is deprecated (ldirectord refuses it too): use negotiatetimeout or checktimeout".into()));
    }
    let get = |k: &str| s.items.iter().rev().find(|i| i.key == k);
    // The service's identity.
    let (host, port_text) = split_host_port(&s.address);
    let fwmark = port_text.is_none() && !host.starts_with('[');
    let protocol_word =
        get("protocol").map(|i| i.value.split_whitespace().next().unwrap_or("").to_string());
    let key = if fwmark {
        let mark: u32 = host
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect::<String>()
            .parse()
            .ok()
            .filter(|m| *m > 0)
            .ok_or_else(|| {
                bad(
                    s.line,
                    format!("invalid address for virtual server: `{}`", s.address),
                )
            })?;
        if let Some(p) = &protocol_word {
            if p != "fwm" {
                return Err(bad(
                    s.line,
                    format!("protocol must be fwm for a fwmark virtual (not `{p}`)"),
                ));
            }
        }
        if host.contains('.') {
            notes.push(format!(
                "{}: `{}` has no port, so ldirectord (and rvsadmd) read it as firewall mark {mark}",
                at(s.line),
                s.address
            ));
        }
        ServiceKey::Fwmark {
            mark,
            family: if s.v6 { Family::Inet6 } else { Family::Inet },
        }
    } else {
        let pt = port_text.unwrap_or("");
        let proto = match protocol_word.as_deref() {
            Some("tcp") | None if !(protocol_word.is_none() && (pt == "53" || pt == "domain")) => {
                Protocol::Tcp
            }
            Some("udp") | None => Protocol::Udp,
            Some(p) => {
                return Err(bad(
                    s.line,
                    format!("protocol must be tcp or udp (not `{p}`)"),
                ))
            }
        };
        if host.starts_with('[') && !s.v6 {
            return Err(bad(
                s.line,
                "an IPv6 virtual is written virtual6=[ADDR]:PORT".into(),
            ));
        }
        let addr = resolve_host(host, s.v6).ok_or_else(|| {
            bad(
                s.line,
                format!("invalid address for virtual service: cannot resolve `{host}`"),
            )
        })?;
        let pname = if proto == Protocol::Udp { "udp" } else { "tcp" };
        let port = service_port(pt, pname).ok_or_else(|| {
            bad(
                s.line,
                format!("invalid address for virtual service: port `{pt}`"),
            )
        })?;
        ServiceKey::Addr {
            protocol: proto,
            addr,
            port,
        }
    };
    let vport = match key {
        ServiceKey::Addr { port, .. } => port,
        ServiceKey::Fwmark { .. } => 0,
    };
    // The service's configuration.
    let mut cfg = ServiceConfig::new(key.family());
    let sched: String = get("scheduler")
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
            get("scheduler").map_or(s.line, |i| i.line),
            "scheduler: give a name such as wrr".into(),
        ));
    }
    cfg.scheduler = Scheduler::from_name(&sched);
    if let Some(p) = get("persistent") {
        let t = number(&p.value)
            .ok_or_else(|| bad(p.line, "persistent: give a number of seconds".into()))?;
        cfg.flags |= ServiceFlags::PERSISTENT;
        cfg.timeout = u32::try_from(t).unwrap_or(u32::MAX);
        if let Some(m) = get("netmask") {
            cfg.netmask = if key.family() == Family::Inet6 {
                let p: u32 = m
                    .value
                    .parse()
                    .ok()
                    .filter(|p| (1..=128).contains(p))
                    .ok_or_else(|| {
                        bad(
                            m.line,
                            "netmask: an IPv6 virtual takes a prefix length 1 to 128".into(),
                        )
                    })?;
                Netmask::V6Prefix(p)
            } else {
                let a: Ipv4Addr = m
                    .value
                    .parse()
                    .map_err(|_| bad(m.line, "netmask: not a dotted quad".into()))?;
                Netmask::V4(a)
            };
        }
    }
    if let Some(o) = get("ops") {
        match yes_no(&o.value) {
            Some(true)
                if matches!(
                    key,
                    ServiceKey::Addr {
                        protocol: Protocol::Udp,
                        ..
                    }
                ) =>
            {
                cfg.flags |= ServiceFlags::ONEPACKET
            }
            Some(_) => {}
            None => return Err(bad(o.line, "ops must be yes or no".into())),
        }
    }
    if let Some(b) = get("schedflags") {
        return Err(bad(
            b.line,
            "schedflags is not supported by rvsadmd yet".into(),
        ));
    }
    // Timing.
    let v_num = |k: &str| -> Result<Option<u64>, ConfigError> {
        match get(k) {
            Some(i) => number(&i.value).map(Some).ok_or_else(|| {
                bad(
                    i.line,
                    format!("{k}: `{}` is not a number above 0", i.value),
                )
            }),
            None => Ok(None),
        }
    };
    let (vct, vnt) = (v_num("checktimeout")?, v_num("negotiatetimeout")?);
    let checktimeout = vct
        .or(vnt)
        .or(g.checktimeout)
        .or(g.negotiatetimeout)
        .unwrap_or(5);
    let negotiatetimeout = vnt
        .or(vct)
        .or(g.negotiatetimeout)
        .or(g.checktimeout)
        .unwrap_or(30);
    if let Some(i) = get("checkinterval") {
        notes.push(format!("{}: checkinterval in a virtual is ignored (as by ldirectord without fork); the global one counts", at(i.line)));
    }
    let interval = Duration::from_secs(g.checkinterval.unwrap_or(10));
    let failurecount = match v_num("failurecount")? {
        Some(n) => u32::try_from(n).unwrap_or(u32::MAX),
        None => g.failurecount.unwrap_or(1),
    };
    let quiescent = match get("quiescent") {
        Some(i) => {
            yes_no(&i.value).ok_or_else(|| bad(i.line, "quiescent must be yes or no".into()))?
        }
        None => g.quiescent.unwrap_or(false),
    };
    if let Some(i) = get("cleanstop") {
        let v =
            yes_no(&i.value).ok_or_else(|| bad(i.line, "cleanstop must be yes or no".into()))?;
        if v != g.cleanstop.unwrap_or(true) {
            return Err(bad(i.line, "a cleanstop of its own per virtual is not supported by rvsadmd: set cleanstop once, globally".into()));
        }
    }
    for k in [
        "fallbackcommand",
        "monitorfile",
        "login",
        "passwd",
        "database",
        "secret",
        "load",
    ] {
        if let Some(i) = get(k) {
            return Err(bad(i.line, format!("{k} is not supported by rvsadmd")));
        }
    }
    for i in &s.items {
        if matches!(
            i.key.as_str(),
            "emailalert"
                | "emailalertfreq"
                | "emailalertstatus"
                | "smtp"
                | "servicename"
                | "comment"
        ) {
            notes.push(format!("{}: {}: no effect in rvsadmd", at(i.line), i.key));
        }
    }
    // The check.
    let checktype = get("checktype").map_or("negotiate".to_string(), |i| i.value.clone());
    let service = match get("service") {
        Some(i) => i.value.split_whitespace().next().unwrap_or("").to_string(),
        None if fwmark => "none".into(),
        None => service_of_port(vport).into(),
    };
    let request = match get("request") {
        Some(i) => {
            let r = unquote(&i.value).filter(|r| !r.is_empty()).ok_or_else(|| {
                bad(
                    i.line,
                    "request must be a non-empty \"quoted\" string".into(),
                )
            })?;
            if r.starts_with('/') {
                r.to_string()
            } else {
                format!("/{r}")
            }
        }
        None => "/".into(),
    };
    let receive = match get("receive") {
        Some(i) => Some(
            unquote(&i.value)
                .filter(|r| !r.is_empty())
                .ok_or_else(|| {
                    bad(
                        i.line,
                        "receive must be a non-empty \"quoted\" string".into(),
                    )
                })?
                .to_string(),
        ),
        None => None,
    };
    let method = match get("httpmethod") {
        Some(i) => match i.value.to_ascii_uppercase().as_str() {
            m @ ("GET" | "HEAD") => m.to_string(),
            _ => return Err(bad(i.line, "httpmethod must be GET or HEAD".into())),
        },
        None => "GET".into(),
    };
    let virtualhost = get("virtualhost").map(|i| unquote(&i.value).unwrap_or(&i.value).to_string());
    let checkport = match get("checkport") {
        Some(i) => Some(
            i.value
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| bad(i.line, "checkport must be 1 to 65535".into()))?,
        ),
        None => None,
    };
    let checkcommand =
        get("checkcommand").map(|i| unquote(&i.value).unwrap_or(&i.value).to_string());
    let check_line = get("checktype").map_or(s.line, |i| i.line);
    let vip_text = match key {
        ServiceKey::Addr {
            addr: IpAddr::V6(a),
            ..
        } => format!("[{a}]"),
        ServiceKey::Addr { addr, .. } => addr.to_string(),
        ServiceKey::Fwmark { mark, .. } => mark.to_string(),
    };
    let make_check = |real: SocketAddr,
                      req: &str,
                      recv: Option<&str>|
     -> Result<Check, ConfigError> {
        let cport = checkport
            .or((real.port() > 0).then_some(real.port()))
            .or_else(|| service_port(&service, "tcp"))
            .unwrap_or(0);
        let target = SocketAddr::new(real.ip(), cport);
        let (probe, timeout) = match checktype.as_str() {
            "connect" => {
                if matches!(key, ServiceKey::Addr { protocol: Protocol::Udp, .. }) {
                    return Err(bad(check_line, "checktype connect on a udp virtual is a ping in ldirectord, which rvsadmd does not run".into()));
                }
                (Probe::Tcp { target }, checktimeout)
            }
            "negotiate" => match service.as_str() {
                "none" => (Probe::Up, negotiatetimeout),
                "http" | "https" => {
                    if let Some(r) = recv {
                        regex::Regex::new(r).map_err(|e| bad(check_line, format!("receive is not a regular expression rvsadmd reads: {e}")))?;
                    }
                    if req.contains("://") {
                        return Err(bad(check_line, "a request with a full URL is not supported by rvsadmd".into()));
                    }
                    (
                        Probe::Http(HttpProbe {
                            target,
                            tls: service == "https",
                            // ldirectord turns host name checks off; with
                            // no name to check, a chain check would only
                            // refuse self-signed real servers. (Without
                            // TLS the field means nothing.)
                            verify: service != "https",
                            method: method.clone(),
                            path: req.to_string(),
                            host: virtualhost.clone(),
                            status: vec![(200, 299)],
                            expect: recv.map(|r| Expect::Regex(r.to_string())),
                        }),
                        negotiatetimeout,
                    )
                }
                other => {
                    return Err(bad(check_line, format!(
                        "negotiate checks of service {other} are not supported by rvsadmd (http, https, none; or checktype connect, external, on, off)"
                    )))
                }
            },
            "external" => {
                let cmd = checkcommand.clone().unwrap_or_else(|| "/bin/true".into());
                let rip = match real.ip() {
                    IpAddr::V6(a) => format!("[{a}]"),
                    a => a.to_string(),
                };
                (
                    Probe::Exec {
                        argv: vec![cmd, vip_text.clone(), vport.to_string(), rip, real.port().to_string()],
                        env: Vec::new(),
                        dynamic: false,
                    },
                    checktimeout,
                )
            }
            "on" => (Probe::Up, checktimeout),
            "off" => (Probe::Unchecked, checktimeout),
            t => {
                return Err(bad(check_line, format!(
                    "checktype {t} is not supported by rvsadmd (connect, negotiate, external, on, off)"
                )))
            }
        };
        Ok(Check {
            probe,
            interval,
            timeout: Duration::from_secs(timeout),
            rise: 1,
            fall: failurecount.max(1),
        })
    };
    // The reals.
    let mut spec = ServiceSpec::new(key).with_config(cfg);
    let mut checks = Vec::new();
    for i in s
        .items
        .iter()
        .filter(|i| i.key == "real" || i.key == "real6")
    {
        if (i.key == "real6") != s.v6 {
            return Err(bad(
                i.line,
                format!(
                    "{} in a {} section",
                    i.key,
                    if s.v6 { "virtual6" } else { "virtual" }
                ),
            ));
        }
        for (d, req, recv) in reals_of(i, s.v6, key, vport).map_err(|m| bad(i.line, m))? {
            let c = make_check(
                d.addr_written,
                req.as_deref().unwrap_or(&request),
                recv.as_deref().or(receive.as_deref()),
            )?;
            spec.destinations.push(d.spec);
            checks.push(c);
        }
    }
    // The fallback: the virtual's own, else the global one of its family
    // (not for a fwmark virtual).
    let fallback = match get("fallback").or(get("fallback6")) {
        Some(i) => Some(fallback_of(&i.value, s.v6, key, vport).map_err(|m| bad(i.line, m))?),
        None if !fwmark => match if s.v6 { &g.fallback6 } else { &g.fallback } {
            Some((line, v)) => Some(fallback_of(v, s.v6, key, vport).map_err(|m| bad(*line, m))?),
            None => None,
        },
        None => None,
    };
    Ok(Virtual {
        spec,
        checks,
        fallback,
        on_failure: if quiescent {
            OnFailure::Quiesce
        } else {
            OnFailure::Remove
        },
        manual: Manual::Ignore,
        keep_foreign: false,
        at: at(s.line),
    })
}

struct Real {
    spec: DestSpec,
    /// The address as written (its port is the one checked).
    addr_written: SocketAddr,
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

type RealLine = (Real, Option<String>, Option<String>);

fn reals_of(i: &Item, v6: bool, key: ServiceKey, vport: u16) -> Result<Vec<RealLine>, String> {
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
    let mut weight = Weight::ONE;
    let (mut upper, mut lower) = (0u32, 0u32);
    let mut strings: Vec<String> = Vec::new();
    // Quoted request/receive, then the words.
    let mut plain = String::new();
    let mut in_q = false;
    let mut cur = String::new();
    // Quoted strings keep their spaces as written.
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
            upper = n.parse().map_err(|_| format!("u:{n} is not a threshold"))?;
        } else if let Some(n) = w.strip_prefix("l:") {
            lower = n.parse().map_err(|_| format!("l:{n} is not a threshold"))?;
        } else if let Ok(n) = w.parse::<u32>() {
            weight = Weight::new(n).ok_or("weight must be 0 to 2147483647")?;
        } else {
            return Err(format!("Invalid real server line, around \"{w}\""));
        }
    }
    let (req, recv) = match strings.as_slice() {
        [] => (None, None),
        [a, b] => (
            Some(if a.starts_with('/') {
                a.clone()
            } else {
                format!("/{a}")
            }),
            Some(b.clone()),
        ),
        _ => return Err("a real takes both \"request\", \"receive\" or neither".into()),
    };
    let hosts: Vec<IpAddr> = match host.split_once("->") {
        Some((a, b)) => {
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
            (a..=b).map(|x| IpAddr::V4(Ipv4Addr::from(x))).collect()
        }
        None => vec![resolve_host(host, v6)
            .ok_or_else(|| format!("invalid address for real server: cannot resolve `{host}`"))?],
    };
    Ok(hosts
        .into_iter()
        .map(|ip| {
            let written = SocketAddr::new(ip, port);
            let cfg = DestConfig::new(fwd)
                .with_weight(weight)
                .with_thresholds(upper, lower);
            (
                Real {
                    spec: DestSpec::new(
                        SocketAddr::new(ip, table_port(key, fwd, port, vport)),
                        cfg,
                    ),
                    addr_written: written,
                },
                req.clone(),
                recv.clone(),
            )
        })
        .collect())
}

fn fallback_of(v: &str, v6: bool, key: ServiceKey, vport: u16) -> Result<DestSpec, String> {
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
    let proto = match key {
        ServiceKey::Addr {
            protocol: Protocol::Udp,
            ..
        } => "udp",
        _ => "tcp",
    };
    let port = match port {
        Some(p) => service_port(p, proto).ok_or("invalid port for fallback server")?,
        None => vport,
    };
    Ok(DestSpec::new(
        SocketAddr::new(ip, table_port(key, fwd, port, vport)),
        DestConfig::new(fwd).with_weight(Weight::ONE),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(t: &str) -> Result<Config, ConfigError> {
        parse(Path::new("ld.cf"), t)
    }

    #[test]
    fn defaults_are_ldirectords() {
        let c = p("virtual=192.0.2.1:80\n\treal=10.0.0.1:80 masq\n\treal=10.0.0.2:8080 gate 5\n")
            .unwrap();
        let v = &c.services[0];
        assert_eq!(v.spec.config.scheduler.name(), "wrr");
        assert_eq!(v.on_failure, OnFailure::Remove);
        assert_eq!(c.on_stop, OnStop::Remove);
        // gate: in the table at the virtual's port, checked at its own
        assert_eq!(v.spec.destinations[1].addr, "10.0.0.2:80".parse().unwrap());
        assert_eq!(v.spec.destinations[1].config.weight.get(), 5);
        let Probe::Http(h) = &v.checks[1].probe else {
            panic!()
        };
        assert_eq!(h.target, "10.0.0.2:8080".parse().unwrap());
        assert_eq!(h.path, "/");
        assert_eq!(v.checks[1].timeout.as_secs(), 30);
        assert_eq!(v.checks[1].interval.as_secs(), 10);
    }

    #[test]
    fn sections_end_at_a_blank_line() {
        let e = p("virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n\n    real=10.0.0.2:80 masq\n")
            .unwrap_err();
        assert_eq!(e.at.line, 4, "{e}");
        let e = p("virtual=192.0.2.1:80\n    real=10.0.0.1:80\n").unwrap_err();
        assert!(e.message.contains("gate, masq or ipip"), "{e}");
        assert_eq!(e.at.line, 2);
    }

    #[test]
    fn checks_timeouts_and_fallbacks() {
        let c = p("checktimeout=3\nfallback=127.0.0.1:80 masq\nquiescent=yes\nvirtual=192.0.2.1:8080\n    real=10.0.0.1:8080 masq 2 \"/ok\", \"fine\"\n    checktype=connect\n    real=10.0.0.2->10.0.0.4:8080 masq\n").unwrap();
        let v = &c.services[0];
        assert_eq!(v.spec.destinations.len(), 4);
        assert_eq!(v.checks[0].timeout.as_secs(), 3);
        assert!(matches!(v.checks[0].probe, Probe::Tcp { .. }));
        assert_eq!(v.on_failure, OnFailure::Quiesce);
        let f = v.fallback.unwrap();
        assert_eq!(f.addr, "127.0.0.1:80".parse().unwrap());
        assert_eq!(f.config.forward, ForwardMethod::Masq);
        assert_eq!(f.config.weight.get(), 1);
        let c = p("virtual=192.0.2.1:80\n    real=10.0.0.1:80  masq  2  \"/a\", \"two  spaces\"\n")
            .unwrap();
        let Probe::Http(h) = &c.services[0].checks[0].probe else {
            panic!()
        };
        assert_eq!(h.expect, Some(Expect::Regex("two  spaces".into())));
        assert_eq!(c.services[0].spec.destinations[0].config.weight.get(), 2);
        let c = p("virtual=192.0.2.1:81\n    real=10.0.0.1:81 masq\n").unwrap();
        assert_eq!(c.services[0].checks[0].probe, Probe::Up); // service none
        let c = p(
            "virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq \"/h\", \"ok\"\n    receive=\"x\"\n",
        )
        .unwrap();
        let Probe::Http(h) = &c.services[0].checks[0].probe else {
            panic!()
        };
        assert_eq!(
            (h.path.as_str(), h.expect.clone()),
            ("/h", Some(Expect::Regex("ok".into())))
        );
    }

    #[test]
    fn what_rvsadmd_does_not_do_is_refused() {
        for (t, want) in [
            ("virtual=192.0.2.1:25\n    real=10.0.0.1:25 masq\n", "service smtp"),
            ("fork=yes\n", "fork"),
            ("maintenancedir=/x\n", "maintenancedir"),
            ("virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n    checktype=ping\n", "ping"),
            ("virtual=192.0.2.1:80\n    bogus=1\n", "unknown directive"),
            ("virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\nvirtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n", "duplicate service"),
        ] {
            let e = p(t).unwrap_err();
            assert!(e.message.contains(want), "{t:?}: {e}");
        }
        let c = p("logfile=\"/var/log/x\"\nvirtual=10\n    real=10.0.0.1:0 gate\n").unwrap();
        assert_eq!(c.notes.len(), 1);
        assert!(matches!(
            c.services[0].key(),
            ServiceKey::Fwmark { mark: 10, .. }
        ));
    }
}
