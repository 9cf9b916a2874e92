//! Weights, persistence and removed destinations: `no_usable_destination`,
//! `hash_drain_without_fallback`, `quiescent_template_sticky`,
//! `drain_needs_expire_nodest`.

use crate::code::Code;
use crate::facts::{DirectorFacts, EXPIRE_NODEST_CONN, EXPIRE_QUIESCENT_TEMPLATE};
use crate::finding::{Evidence, Finding, Report, Unchecked};
use rvsadm::{Connection, Destination, Scheduler, Service, ServiceFlags};

pub(super) fn check(f: &DirectorFacts, r: &mut Report) {
    let Ok(table) = &f.table else { return };
    for s in table {
        no_usable_destination(s, r);
        hash_drain(s, r);
        quiescent_template(f, s, r);
    }
    removed_destinations(f, table, r);
}

fn weight_zero(s: &Service) -> impl Iterator<Item = &Destination> {
    s.destinations.iter().filter(|d| d.config.weight.is_zero())
}

fn weight_evidence(d: &Destination) -> Evidence {
    Evidence::new(format!("destination {}", d.addr), "weight 0")
}

fn no_usable_destination(s: &Service, r: &mut Report) {
    let finding = Finding::new(Code::NoUsableDestination, super::service_subject(s));
    if s.destinations.is_empty() {
        r.findings
            .push(finding.with(Evidence::new("IPVS table", "no destination")));
    } else if weight_zero(s).count() == s.destinations.len() {
        r.findings.push(finding.with(Evidence::new(
            "IPVS table",
            format!("{} destinations, all weight 0", s.destinations.len()),
        )));
    }
}

fn hash_drain(s: &Service, r: &mut Report) {
    let sched = &s.config.scheduler;
    if !matches!(sched, Scheduler::Mh | Scheduler::Sh) {
        return;
    }
    if s.config.flags.contains(ServiceFlags::SCHED1) {
        return;
    }
    // All at weight 0 is no_usable_destination's finding.
    if weight_zero(s).count() == s.destinations.len() {
        return;
    }
    let Some(d) = weight_zero(s).next() else {
        return;
    };
    let names = s.config.flags.names(sched);
    let flags = if names.is_empty() {
        "none".to_string()
    } else {
        names.join(",")
    };
    r.findings.push(
        Finding::new(Code::HashDrainWithoutFallback, super::service_subject(s))
            .with(Evidence::new("scheduler", sched.name()))
            .with(Evidence::new("flags", flags))
            .with(weight_evidence(d)),
    );
}

fn quiescent_template(f: &DirectorFacts, s: &Service, r: &mut Report) {
    if !s.config.is_persistent() {
        return;
    }
    let Some(d) = weight_zero(s).next() else {
        return;
    };
    match f.sysctl.number(EXPIRE_QUIESCENT_TEMPLATE) {
        Ok(0) => r.findings.push(
            Finding::new(Code::QuiescentTemplateSticky, super::service_subject(s))
                .with(Evidence::new(
                    "persistence timeout",
                    format!("{} s", s.config.timeout),
                ))
                .with(weight_evidence(d))
                .with(Evidence::new(EXPIRE_QUIESCENT_TEMPLATE, "0")),
        ),
        Ok(_) => {}
        Err(e) => r.unchecked.push(Unchecked::new(
            &[Code::QuiescentTemplateSticky],
            EXPIRE_QUIESCENT_TEMPLATE,
            e,
        )),
    }
}

/// Whether `c` goes to a destination the table no longer has.
fn orphaned(table: &[Service], c: &Connection) -> bool {
    !table.iter().any(|s| {
        s.destinations
            .iter()
            .any(|d| d.addr.ip() == c.dest_addr && d.addr.port() == c.dest_port)
    })
}

fn removed_destinations(f: &DirectorFacts, table: &[Service], r: &mut Report) {
    let conns = match &f.conns {
        Ok(c) => c,
        Err(e) => {
            return r.unchecked.push(Unchecked::new(
                &[Code::DrainNeedsExpireNodest],
                "the connection table",
                e,
            ))
        }
    };
    let orphans: Vec<&Connection> = conns.iter().filter(|c| orphaned(table, c)).collect();
    let Some(first) = orphans.first() else { return };
    match f.sysctl.number(EXPIRE_NODEST_CONN) {
        Ok(0) => r.findings.push(
            Finding::new(
                Code::DrainNeedsExpireNodest,
                format!("{} {}:{}", first.protocol, first.dest_addr, first.dest_port),
            )
            .with(Evidence::new(
                "connection table",
                format!(
                    "{} connections to destinations no longer in the table, e.g. {} {}:{} -> {}:{} {}",
                    orphans.len(),
                    first.client_addr,
                    first.client_port,
                    first.virtual_addr,
                    first.virtual_port,
                    first.dest_addr,
                    first.state
                ),
            ))
            .with(Evidence::new(EXPIRE_NODEST_CONN, "0")),
        ),
        Ok(_) => {}
        Err(e) => r.unchecked.push(Unchecked::new(
            &[Code::DrainNeedsExpireNodest],
            EXPIRE_NODEST_CONN,
            e,
        )),
    }
}
