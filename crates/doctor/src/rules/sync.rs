//! Connection-synchronisation daemons: `sync_daemon_mismatch`.

use crate::code::Code;
use crate::facts::DirectorFacts;
use crate::finding::{Evidence, Finding, Report, Unchecked};
use rvsadm::{Daemon, DaemonState, SYNC_DEFAULT_GROUP, SYNC_DEFAULT_PORT};

pub(super) fn check(f: &DirectorFacts, r: &mut Report) {
    let daemons = match &f.daemons {
        Ok(d) => d,
        Err(e) => {
            if f.table.is_ok() {
                r.unchecked.push(Unchecked::new(
                    &[Code::SyncDaemonMismatch],
                    "sync daemons",
                    e,
                ));
            }
            return;
        }
    };
    for d in daemons {
        interface(f, d, r);
    }
    pair(daemons, r);
}

fn subject(d: &Daemon) -> String {
    let role = match d.state {
        DaemonState::Master => "master",
        DaemonState::Backup => "backup",
        _ => "sync",
    };
    format!("{role} sync daemon (syncid {}, {})", d.sync_id, d.mcast_ifn)
}

fn interface(f: &DirectorFacts, d: &Daemon, r: &mut Report) {
    let Ok(links) = &f.links else { return };
    let why = match links.iter().find(|l| l.name == d.mcast_ifn) {
        None => "no such interface",
        Some(l) if !l.up => "down",
        Some(_) => return,
    };
    r.findings.push(
        Finding::new(Code::SyncDaemonMismatch, subject(d))
            .with(Evidence::new(format!("interface {}", d.mcast_ifn), why)),
    );
}

fn group(d: &Daemon) -> String {
    d.mcast_group.unwrap_or(SYNC_DEFAULT_GROUP).to_string()
}

fn pair(daemons: &[Daemon], r: &mut Report) {
    let by = |s: DaemonState| daemons.iter().find(|d| d.state == s);
    let (Some(m), Some(b)) = (by(DaemonState::Master), by(DaemonState::Backup)) else {
        return;
    };
    let port = |d: &Daemon| d.mcast_port.unwrap_or(SYNC_DEFAULT_PORT);
    let differs = m.sync_id != b.sync_id || group(m) != group(b) || port(m) != port(b);
    if differs {
        let describe =
            |d: &Daemon| format!("syncid {}, group {}, port {}", d.sync_id, group(d), port(d));
        r.findings.push(
            Finding::new(Code::SyncDaemonMismatch, "master and backup sync daemons")
                .with(Evidence::new("master sync daemon", describe(m)))
                .with(Evidence::new("backup sync daemon", describe(b))),
        );
    }
}
