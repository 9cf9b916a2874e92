//! keepalived.conf's IPVS part ([`typed::Lvs`]) in rvsadmd's model: one
//! [`Virtual`] per service keepalived puts in the table (a
//! `virtual_server_group` makes one per address and fwmark), its real
//! servers as destinations with one check each, the sorry server as the
//! fallback, and keepalived's policies (a failed real is removed, or set
//! to weight 0 with `inhibit_on_failure`; changes by hand are not looked
//! at; stopping removes the services).
//!
//! What keepalived does and rvsadmd does not yet is an error naming file
//! and line ("keepalived's X is not supported by rvsadmd yet"); what
//! keepalived itself warns about and ignores is a note.
//!
//! Rooms: this file (the whole, the services' identities and settings),
//! `real` (destinations and the fallback), `quorum` (the quorum and the
//! notify scripts), `check` (a real server's
//! checkers as checks), `kinds` (DNS, UDP and SMTP checkers' probes).

mod check;
#[cfg(test)]
mod checker_tests;
mod kinds;
mod quorum;
mod real;
#[cfg(test)]
mod tests;

use super::typed::{self, GroupEntry, Lvs, Unsupported, VirtualServer, VsId};
use super::Note;
use crate::config::validate::{check_whole, Patterns};
use crate::config::{
    Config, ConfigError, Format, Location, Manual, OnFailure, OnStop, Real, Virtual,
    DEFAULT_MAX_CHECKS_IN_FLIGHT_PER_ADDRESS,
};
use rvsadm::model::{Family, Protocol, Scheduler, ServiceConfig, ServiceFlags, ServiceKey};

/// The error for something keepalived does that rvsadmd does not do yet.
pub(crate) fn not_yet(at: &Location, what: &str) -> ConfigError {
    ConfigError {
        at: at.clone(),
        message: format!(
            "keepalived's {what} is not supported by rvsadmd yet (remove it, or keep this virtual server under keepalived)"
        ),
    }
}

/// The first of `list` as an error.
fn refuse(list: &[Unsupported]) -> Result<(), ConfigError> {
    match list.first() {
        Some(u) => Err(not_yet(&u.at, &format!("`{}`", u.what))),
        None => Ok(()),
    }
}

/// A note as `Config::notes` holds it.
fn line(n: &Note) -> String {
    format!("{}: {}", n.at, n.message)
}

/// `lvs` as rvsadmd's configuration.
///
/// # Errors
/// The first thing rvsadmd does not do yet, or a configuration the
/// kernel would refuse; the error names file and line.
pub fn config(lvs: &Lvs) -> Result<Config, ConfigError> {
    let ssl_get = lvs.virtual_servers.iter().any(|v| {
        v.reals.iter().any(|r| {
            r.checkers
                .iter()
                .any(|c| matches!(&c.kind, typed::CheckerKind::Http(h) if h.tls))
        })
    });
    let mut notes: Vec<String> = lvs.notes.iter().map(line).collect();
    for u in &lvs.unsupported {
        if u.what.starts_with("SSL") && !ssl_get {
            notes.push(format!(
                "{}: the SSL block is for SSL_GET, which this file does not use",
                u.at
            ));
        } else {
            return Err(not_yet(&u.at, &format!("`{}`", u.what)));
        }
    }
    let mut patterns = Patterns::default();
    let mut services = Vec::new();
    let mut groups = Vec::new();
    for v in &lvs.virtual_servers {
        if v.reals.is_empty() {
            notes.push(format!(
                "{}: the virtual server has no real servers: keepalived ignores it, and so does rvsadmd",
                v.at
            ));
            continue;
        }
        let made = virtual_server(v, lvs, &mut notes, &mut patterns)?;
        if let VsId::Group(name) = &v.id {
            groups.push((name.clone(), made.iter().map(Virtual::key).collect()));
        }
        for s in made {
            if let Some(first) = services.iter().find(|f: &&Virtual| f.key == s.key) {
                return Err(ConfigError {
                    at: v.at.clone(),
                    message: format!(
                        "second virtual server for {} (the first is at {}): keepalived 2.2.7 fails to add it (\"Service already exists\"), adds only the real servers the first lacks, and checks the shared ones twice; write one virtual_server block for it",
                        s.key, first.at
                    ),
                });
            }
            services.push(s);
        }
    }
    let cfg = Config {
        services,
        on_stop: if lvs.table.flush_on_stop {
            OnStop::Flush
        } else {
            OnStop::Remove
        },
        state_file: None,
        control_socket: None,
        metrics_listen: None,
        flush_at_start: lvs.table.flush,
        timeouts: lvs.table.timeouts,
        sync_daemon: lvs.table.sync_daemon.clone(),
        on_change: None,
        hooks: Vec::new(),
        notify_fifo: quorum::notify_fifo(lvs, groups, &mut notes),
        vip_check_marks: crate::config::via_vip::DEFAULT_VIP_CHECK_MARKS,
        vip_check_ports: crate::config::via_vip::DEFAULT_VIP_CHECK_PORTS,
        format: Format::Keepalived,
        notes,
        max_checks_in_flight_per_address: DEFAULT_MAX_CHECKS_IN_FLIGHT_PER_ADDRESS,
    };
    check_whole(&cfg)?;
    Ok(cfg)
}

/// The services of one virtual server.
fn virtual_server(
    v: &VirtualServer,
    lvs: &Lvs,
    notes: &mut Vec<String>,
    patterns: &mut Patterns,
) -> Result<Vec<Virtual>, ConfigError> {
    let (omega, rest): (Vec<Unsupported>, Vec<Unsupported>) = v
        .unsupported
        .iter()
        .cloned()
        .partition(|u| u.what == "omega");
    refuse(&rest)?;
    let user = quorum::default_user(lvs);
    let (quorum, notify) = quorum::with_scripts(v, lvs, &user, &omega, notes)?;
    let keys = keys(v, lvs, notes)?;
    let on_failure = on_failure(v)?;
    let checks = check::of_reals(v, &user, notes, patterns)?;
    let mut out = Vec::with_capacity(keys.len());
    for (n, key) in keys.into_iter().enumerate() {
        // The service's notes once, however many services a group makes.
        let mut scratch = Vec::new();
        let said = if n == 0 { &mut *notes } else { &mut scratch };
        let config = service_config(v, key, said);
        let mut reals: Vec<Real> = Vec::new();
        for (i, r) in v.reals.iter().enumerate() {
            if let Some(d) = real::destination(v, r, key, notes)? {
                if reals.iter().any(|x| x.dest.addr == d.addr) {
                    notes.push(format!(
                        "{}: real server {} is there twice: keepalived removes the second, and so does rvsadmd",
                        r.at, d.addr
                    ));
                    continue;
                }
                reals.push(Real {
                    dest: d,
                    agent: None,
                    checks: checks[i].clone(),
                    notify_up: notify[i].0.clone(),
                    notify_down: notify[i].1.clone(),
                    monitor_as: None,
                    slow_start: None,
                });
            }
        }
        let (fallback, fallback_idle) = real::sorry(v, key)?;
        out.push(Virtual {
            key,
            config,
            reals,
            fallback,
            quorum: quorum.clone(),
            fallback_idle,
            on_failure,
            manual: Manual::Ignore,
            keep_foreign: true,
            on_stop: None,
            fallback_command: None,
            monitor_file: None,
            depool_floor: None,
            check_only: false,
            at: v.at.clone(),
        });
    }
    Ok(out)
}

/// What a failed real server becomes: one rule for the whole virtual
/// server.
fn on_failure(v: &VirtualServer) -> Result<OnFailure, ConfigError> {
    let first = v.reals.first().is_some_and(|r| r.inhibit(v));
    if let Some(r) = v.reals.iter().find(|r| r.inhibit(v) != first) {
        return Err(not_yet(
            &r.at,
            "inhibit_on_failure on some real servers of a virtual server only",
        ));
    }
    Ok(if first {
        OnFailure::Quiesce
    } else {
        OnFailure::Remove
    })
}

/// The protocol of an address service: keepalived's UDP when none is
/// written (it warns).
fn protocol(v: &VirtualServer, notes: &mut Vec<String>) -> Protocol {
    v.protocol.unwrap_or_else(|| {
        notes.push(format!(
            "{}: no protocol set: keepalived uses UDP, and so does rvsadmd (write `protocol TCP` if you meant TCP)",
            v.at
        ));
        Protocol::Udp
    })
}

/// The family of a fwmark service: `ip_family`, else that of its real
/// and sorry servers (tunnelled ones count only when all are), else
/// IPv4.
fn fwmark_family(v: &VirtualServer, given: Option<Family>) -> Family {
    let fam = |a: &std::net::IpAddr| {
        if a.is_ipv6() {
            Family::Inet6
        } else {
            Family::Inet
        }
    };
    given
        .or(v.family)
        .or_else(|| {
            v.reals
                .iter()
                .find(|r| {
                    real::forwarding(v, r.forwarding).method != rvsadm::model::ForwardMethod::Tunnel
                })
                .map(|r| fam(&r.addr))
        })
        .or_else(|| {
            let mut all = v.reals.iter().map(|r| fam(&r.addr));
            let first = all.next()?;
            all.all(|f| f == first).then_some(first)
        })
        .unwrap_or(Family::Inet)
}

/// The services of virtual server `v`.
fn keys(
    v: &VirtualServer,
    lvs: &Lvs,
    notes: &mut Vec<String>,
) -> Result<Vec<ServiceKey>, ConfigError> {
    let fwmark = |mark: u32, family: Family, at: &Location| {
        if mark == 0 {
            return Err(ConfigError {
                at: at.clone(),
                message: "fwmark 0: the kernel takes marks 1 to 4294967295".into(),
            });
        }
        Ok(ServiceKey::Fwmark { mark, family })
    };
    match &v.id {
        VsId::Addr(addr, port) => Ok(vec![ServiceKey::Addr {
            protocol: protocol(v, notes),
            addr: *addr,
            port: *port,
        }]),
        VsId::Fwmark(m) => {
            if v.protocol.is_some() {
                notes.push(format!(
                    "{}: protocol for a fwmark service: keepalived ignores it, and so does rvsadmd",
                    v.at
                ));
            }
            Ok(vec![fwmark(*m, fwmark_family(v, None), &v.at)?])
        }
        VsId::Group(name) => {
            let g = lvs
                .groups
                .iter()
                .find(|g| &g.name == name)
                .ok_or_else(|| ConfigError {
                    at: v.at.clone(),
                    message: format!(
                        "virtual_server group `{name}`: no virtual_server_group has that name"
                    ),
                })?;
            let mut out = Vec::new();
            let mut proto = None;
            for e in &g.entries {
                match e {
                    GroupEntry::Range {
                        first, last, port, ..
                    } => {
                        let p = *proto.get_or_insert_with(|| protocol(v, notes));
                        for addr in typed::group_addresses(*first, *last) {
                            out.push(ServiceKey::Addr {
                                protocol: p,
                                addr,
                                port: *port,
                            });
                        }
                    }
                    GroupEntry::Fwmark { mark, family, at } => {
                        out.push(fwmark(*mark, fwmark_family(v, *family), at)?)
                    }
                }
            }
            Ok(out)
        }
    }
}

/// The service's settings for `key`: scheduler (keepalived's `wlc` when
/// none), flags (`ops` only for UDP or a fwmark), persistence (a port 0
/// service is made persistent, as keepalived does).
fn service_config(v: &VirtualServer, key: ServiceKey, notes: &mut Vec<String>) -> ServiceConfig {
    let mut c = ServiceConfig::new(key.family());
    c.scheduler = v.scheduler.clone().unwrap_or_else(|| {
        notes.push(format!(
            "{}: no scheduler set: keepalived uses wlc, and so does rvsadmd",
            v.at
        ));
        Scheduler::Wlc
    });
    c.flags = v.flags;
    if let ServiceKey::Addr { protocol, port, .. } = key {
        if c.flags.contains(ServiceFlags::ONEPACKET) && protocol != Protocol::Udp {
            notes.push(format!(
                "{}: `ops` needs UDP: keepalived clears it, and so does rvsadmd",
                v.at
            ));
            c.flags.remove(ServiceFlags::ONEPACKET);
        }
        if port == 0 && v.persistence_timeout.is_none() {
            notes.push(format!(
                "{}: port 0 is only for persistent services: keepalived makes it persistent ({} s), and so does rvsadmd",
                v.at,
                typed::DEFAULT_PERSISTENCE
            ));
            c = c.with_persistence(typed::DEFAULT_PERSISTENCE);
        }
    }
    if let Some(t) = v.persistence_timeout {
        c = c.with_persistence(t);
    }
    if let (Some(_), VsId::Group(name)) = (v.granularity, &v.id) {
        notes.push(format!(
            "{}: persistence_granularity: keepalived 2.2.7 gives the services of group `{name}` the full netmask (it resets the granularity for every group entry), and so does rvsadmd",
            v.at
        ));
    } else if let Some(g) = v.granularity {
        let fits = matches!(
            (g, key.family()),
            (rvsadm::model::Netmask::V4(_), Family::Inet)
                | (rvsadm::model::Netmask::V6Prefix(_), Family::Inet6)
        );
        if fits {
            c.netmask = g;
        }
    }
    c.pe_name = v.persistence_engine.clone();
    c
}
