//! The rules: each judges [`DirectorFacts`] (no I/O) and adds findings or
//! says what it could not check. One file per kind of cause: `kernel`
//! (IPVS itself, modules, kernel version), `paths` (addresses, routes,
//! forwarding, reverse-path filters), `drain` (weights, persistence,
//! removed destinations), `sync` (sync daemons); `real_server` judges
//! the other side ([`real_server`]).

mod drain;
mod kernel;
mod live;
mod paths;
mod real_server;
mod subject;
mod sync;

use crate::facts::DirectorFacts;
use crate::finding::{Evidence, Report};

pub use real_server::real_server;
pub use subject::{dest_subject, service_subject};

/// Judge a director.
pub fn director(f: &DirectorFacts) -> Report {
    let mut r = Report::default();
    examined(f, &mut r);
    kernel::check(f, &mut r);
    paths::check(f, &mut r);
    drain::check(f, &mut r);
    sync::check(f, &mut r);
    live::check(f, &mut r);
    r.finish()
}

fn examined(f: &DirectorFacts, r: &mut Report) {
    r.examined
        .push(Evidence::new("kernel", f.kernel.release.clone()));
    if let Ok(t) = &f.table {
        let dests: usize = t.iter().map(|s| s.destinations.len()).sum();
        r.examined.push(Evidence::new(
            "IPVS table",
            format!("{} services, {dests} destinations", t.len()),
        ));
    }
    if !f.desired.is_empty() {
        r.examined.push(Evidence::new(
            "desired state",
            format!("{} services", f.desired.len()),
        ));
    }
    if let Ok(d) = &f.daemons {
        r.examined
            .push(Evidence::new("sync daemons", d.len().to_string()));
    }
    if let Ok(c) = &f.conns {
        r.examined.push(Evidence::new(
            "connection table",
            format!("{} entries", c.len()),
        ));
    }
}

#[cfg(test)]
mod real_server_tests;
#[cfg(test)]
mod tests;
