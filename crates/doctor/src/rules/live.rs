//! What `--live` saw: `nat_return_path`, `real_not_answering`.
//!
//! A destination whose connections stay in `SYN_RECV` while packets keep
//! coming in for it got no answer the director saw. Under masquerading
//! the answer must come back through the director: if nothing went out
//! to clients while the director itself can connect to the server, the
//! server answers by another way (`nat_return_path`); if the director
//! cannot connect either, the server does not answer (`real_not_answering`).
//! Under direct routing and tunnelling answers never pass the director,
//! so only the second can be told.

use crate::code::Code;
use crate::facts::{DirectorFacts, LiveSample, SYN_RECV};
use crate::finding::{Evidence, Finding, Report, Unchecked};
use rvsadm::{Destination, ForwardMethod, Service};
use std::net::SocketAddr;

pub(super) fn check(f: &DirectorFacts, r: &mut Report) {
    let live = match &f.live {
        None => return,
        Some(Ok(l)) => l,
        Some(Err(e)) => {
            return r.unchecked.push(Unchecked::new(
                &[Code::NatReturnPath, Code::RealNotAnswering],
                "live sample",
                e,
            ))
        }
    };
    r.examined.push(Evidence::new(
        "live sample",
        format!("{} s", live.duration.as_secs_f64()),
    ));
    for s in &live.after {
        for d in &s.destinations {
            destination(live, s, d, r);
        }
    }
}

/// The same destination at the start of the sample.
fn before<'a>(live: &'a LiveSample, s: &Service, d: &Destination) -> Option<&'a Destination> {
    live.before
        .iter()
        .find(|b| b.key == s.key)?
        .destinations
        .iter()
        .find(|b| b.addr == d.addr)
}

fn destination(live: &LiveSample, s: &Service, d: &Destination, r: &mut Report) {
    let stuck = live
        .conns
        .iter()
        .filter(|c| {
            c.state == SYN_RECV && c.dest_addr == d.addr.ip() && c.dest_port == d.addr.port()
        })
        .count();
    let Some(b) = before(live, s, d) else { return };
    let (now, then) = (&d.status.stats, &b.status.stats);
    let inpkts = now.inpkts.saturating_sub(then.inpkts);
    let outpkts = now.outpkts.saturating_sub(then.outpkts);
    if stuck == 0 || inpkts == 0 {
        return;
    }
    let masq = d.config.forward == ForwardMethod::Masq;
    if masq && outpkts > 0 {
        return;
    }
    let Some(probe) = live
        .probes
        .get(&SocketAddr::new(d.addr.ip(), d.addr.port()))
    else {
        return;
    };
    let code = match (probe, masq) {
        (Ok(()), true) => Code::NatReturnPath,
        (Ok(()), false) => return,
        (Err(_), _) => Code::RealNotAnswering,
    };
    let secs = live.duration.as_secs_f64();
    let mut finding = Finding::new(code, super::dest_subject(s, d))
        .with(Evidence::new(
            "connection table",
            format!("{stuck} connections in {SYN_RECV}"),
        ))
        .with(Evidence::new(
            format!("packets in {secs} s"),
            format!("{inpkts} in, {outpkts} out"),
        ));
    finding = finding.with(Evidence::new(
        format!("the director's own TCP connection to {}", d.addr),
        match probe {
            Ok(()) => "accepted".to_string(),
            Err(e) => e.clone(),
        },
    ));
    r.findings.push(finding);
}
