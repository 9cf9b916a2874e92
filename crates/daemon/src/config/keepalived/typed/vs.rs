//! A `virtual_server ADDR [PORT] | fwmark N | group NAME { ... }` block:
//! the service's settings, the cascading ones, the sorry server, its
//! real servers. A block keepalived skips (a bad address) is a note and
//! `None`.

use super::values::{address_port, flag, forwarding, timer, unsigned, MAX_CONNECT_TIMEOUT_US};
use super::{
    arg, ignored, note, rest, rs, script, unknown, Cascade, Sorry, Unsupported, VirtualServer, VsId,
};
use crate::config::keepalived::{Note, Statement};
use rvsadm::model::{Family, Netmask, Protocol, Scheduler, ServiceFlags};
use std::net::Ipv4Addr;

/// keepalived's schedulers (`lvs_sched`).
const SCHEDULERS: [&str; 14] = [
    "rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf", "lblcr", "sed", "nq", "twos",
];

/// The persistence timeout of `persistence_timeout` without a value, and
/// of a service keepalived makes persistent (seconds).
pub const DEFAULT_PERSISTENCE: u32 = 360;

/// The longest persistence timeout keepalived takes (31 days).
const MAX_PERSISTENCE: u64 = 86_400 * 31;

/// Read virtual server `s`.
pub fn read(s: &Statement, notes: &mut Vec<Note>) -> Option<VirtualServer> {
    let id = match identity(&s.args) {
        Ok(id) => id,
        Err(why) => {
            note(
                notes,
                s,
                format!("virtual_server: {why}; keepalived skips the block, and so does rvsadmd"),
            );
            return None;
        }
    };
    let mut v = VirtualServer {
        id,
        at: s.at.clone(),
        protocol: None,
        scheduler: None,
        flags: ServiceFlags::empty(),
        forwarding: None,
        persistence_timeout: None,
        granularity: None,
        persistence_engine: None,
        family: None,
        cascade: Cascade::default(),
        weight: 1,
        quorum: 1,
        hysteresis: 0,
        virtualhost: None,
        sorry: None,
        reals: Vec::new(),
        quorum_up: None,
        quorum_down: None,
        unsupported: Vec::new(),
    };
    for k in s.block.as_deref().unwrap_or_default() {
        keyword(&mut v, k, notes);
    }
    Some(v)
}

fn identity(args: &[String]) -> Result<VsId, String> {
    match args.first().map(String::as_str) {
        Some("group") => args
            .get(1)
            .map(|n| VsId::Group(n.clone()))
            .ok_or_else(|| "the group's name is missing".to_string()),
        Some("fwmark") => {
            let m = args.get(1).ok_or("the mark is missing")?;
            Ok(VsId::Fwmark(unsigned(m, 0, u64::from(u32::MAX))? as u32))
        }
        _ => address_port(args).map(|(a, p)| VsId::Addr(a, p)),
    }
}

/// One statement of the block.
fn keyword(v: &mut VirtualServer, k: &Statement, notes: &mut Vec<Note>) {
    if cascade(&mut v.cascade, k, notes, true) {
        return;
    }
    let unsupported = |v: &mut VirtualServer| {
        v.unsupported.push(Unsupported {
            at: k.at.clone(),
            what: k.keyword.clone(),
        })
    };
    match k.keyword.as_str() {
        "real_server" => {
            if let Some(r) = rs::read(k, notes) {
                v.reals.push(r);
            }
        }
        "lb_algo" | "lvs_sched" => match arg(notes, k) {
            Some(w) if SCHEDULERS.contains(&w) => v.scheduler = Some(Scheduler::from_name(w)),
            Some(w) => ignored(notes, k, &format!("`{w}` is not a scheduler")),
            None => {}
        },
        "hashed" => {}
        "ops" => v.flags |= ServiceFlags::ONEPACKET,
        "flag-1" => v.flags |= ServiceFlags::SCHED1,
        "flag-2" => v.flags |= ServiceFlags::SCHED2,
        "flag-3" => v.flags |= ServiceFlags::SCHED3,
        w @ ("sh-port" | "sh-fallback" | "mh-port" | "mh-fallback") => {
            let sched = v.scheduler.as_ref().map(Scheduler::name).unwrap_or("");
            match (w, sched) {
                ("sh-fallback", "sh") | ("mh-fallback", "mh") => v.flags |= ServiceFlags::SCHED1,
                ("sh-port", "sh") | ("mh-port", "mh") => v.flags |= ServiceFlags::SCHED2,
                _ => ignored(
                    notes,
                    k,
                    &format!(
                        "it only applies to the {} scheduler, written before it",
                        &w[..2]
                    ),
                ),
            }
        }
        "lb_kind" | "lvs_method" => match forwarding(&k.args) {
            Ok(f) => v.forwarding = Some(f),
            Err(why) => ignored(notes, k, &why),
        },
        "persistence_timeout" => match k.args.first() {
            None => v.persistence_timeout = Some(DEFAULT_PERSISTENCE),
            Some(w) => match unsigned(w, 1, MAX_PERSISTENCE) {
                Ok(t) => v.persistence_timeout = Some(t as u32),
                Err(why) => ignored(notes, k, &why),
            },
        },
        "persistence_granularity" => granularity(v, k, notes),
        "persistence_engine" => v.persistence_engine = arg(notes, k).map(str::to_string),
        "protocol" => match arg(notes, k).map(str::to_ascii_uppercase).as_deref() {
            Some("TCP") => v.protocol = Some(Protocol::Tcp),
            Some("UDP") => v.protocol = Some(Protocol::Udp),
            Some("SCTP") => v.protocol = Some(Protocol::Sctp),
            Some(p) => ignored(notes, k, &format!("unknown protocol `{p}`")),
            None => {}
        },
        "ip_family" => match arg(notes, k) {
            Some("inet") => v.family = Some(Family::Inet),
            Some("inet6") => v.family = Some(Family::Inet6),
            Some(f) => ignored(notes, k, &format!("unknown address family `{f}`")),
            None => {}
        },
        "virtualhost" => match k.args.is_empty() {
            true => ignored(notes, k, "the name is missing"),
            false => v.virtualhost = Some(rest(k)),
        },
        "weight" => match arg(notes, k).map(|w| unsigned(w, 1, i32::MAX as u64)) {
            Some(Ok(w)) => v.weight = w as u32,
            Some(Err(why)) => ignored(notes, k, &why),
            None => {}
        },
        "quorum" => match arg(notes, k).map(|w| unsigned(w, 1, u64::from(u32::MAX))) {
            Some(Ok(q)) => v.quorum = q as u32,
            Some(Err(why)) => ignored(notes, k, &format!("{why}; the quorum stays 1")),
            None => {}
        },
        "hysteresis" => match arg(notes, k).map(|w| unsigned(w, 0, u64::from(u32::MAX))) {
            Some(Ok(h)) => v.hysteresis = h as u32,
            Some(Err(why)) => ignored(notes, k, &why),
            None => {}
        },
        "sorry_server" => match address_port(&k.args) {
            Ok((addr, port)) => {
                v.sorry = Some(Sorry {
                    addr,
                    port,
                    forwarding: None,
                    inhibit: false,
                    at: k.at.clone(),
                })
            }
            Err(why) => ignored(notes, k, &why),
        },
        "sorry_server_inhibit" => match v.sorry.as_mut() {
            Some(s) => s.inhibit = true,
            None => ignored(notes, k, "it comes before or without sorry_server"),
        },
        "sorry_server_lvs_method" => match (v.sorry.as_mut(), forwarding(&k.args)) {
            (Some(s), Ok(f)) => s.forwarding = Some(f),
            (None, _) => ignored(notes, k, "it comes before or without sorry_server"),
            (_, Err(why)) => ignored(notes, k, &why),
        },
        "smtp_alert" | "snmp_name" => note(
            notes,
            k,
            format!(
                "`{}` is about keepalived's mail and SNMP: rvsadmd does not use it",
                k.keyword
            ),
        ),
        "quorum_up" => script::read(&mut v.quorum_up, k, notes),
        "quorum_down" => script::read(&mut v.quorum_down, k, notes),
        "omega" | "ha_suspend" => unsupported(v),
        other => unknown(notes, k, other),
    }
}

/// `persistence_granularity`: a netmask for IPv4, a prefix length for
/// IPv6 (by the family known so far, else by the word); it makes the
/// service persistent.
fn granularity(v: &mut VirtualServer, k: &Statement, notes: &mut Vec<Note>) {
    let Some(w) = arg(notes, k) else { return };
    let v6 = match (&v.id, v.family) {
        (VsId::Addr(a, _), _) => a.is_ipv6(),
        (_, Some(f)) => f == Family::Inet6,
        _ => !w.contains('.'),
    };
    let g = if v6 {
        unsigned(w, 1, 128).map(|n| Netmask::V6Prefix(n as u32))
    } else {
        w.parse::<Ipv4Addr>()
            .map(Netmask::V4)
            .map_err(|_| format!("`{w}` is not an IPv4 netmask"))
    };
    match g {
        Ok(g) => {
            v.granularity = Some(g);
            v.persistence_timeout.get_or_insert(DEFAULT_PERSISTENCE);
        }
        Err(why) => ignored(notes, k, &why),
    }
}

/// The cascading keywords (virtual server, real server, checker): `true`
/// when `k` was one. `inhibit` says whether this is a virtual or real
/// server (`inhibit_on_failure` is a keyword there, and `retry` is at
/// least 1), not a checker.
pub fn cascade(c: &mut Cascade, k: &Statement, notes: &mut Vec<Note>, inhibit: bool) -> bool {
    let w = k.args.first().map(String::as_str).unwrap_or("");
    let r = match k.keyword.as_str() {
        "delay_loop" => timer(w, 1, u64::MAX).map(|t| c.delay_loop = Some(t)),
        "connect_timeout" => {
            timer(w, 1, MAX_CONNECT_TIMEOUT_US).map(|t| c.connect_timeout = Some(t))
        }
        "delay_before_retry" => timer(w, 0, u64::MAX).map(|t| c.delay_before_retry = Some(t)),
        "warmup" => timer(w, 0, u64::MAX).map(|t| c.warmup = Some(t)),
        // keepalived takes 0 in a checker only.
        "retry" => {
            unsigned(w, u64::from(inhibit), u64::from(u32::MAX)).map(|n| c.retry = Some(n as u32))
        }
        "alpha" => flag(&k.args).map(|b| c.alpha = Some(b)),
        "inhibit_on_failure" if inhibit => flag(&k.args).map(|b| c.inhibit = Some(b)),
        _ => return false,
    };
    if let Err(why) = r {
        ignored(notes, k, &why);
    }
    true
}
