//! What rvsadmd does to the whole IPVS table rather than to its services:
//! empty it before the first write (`flush_at_start`), set the connection
//! timeouts (`timeouts`, at start and at each reload), empty it at stop
//! (`on_stop = "flush"`), and run the sync daemon (`sync_daemon`: master
//! and backup, started at start, restarted by a reload that changes it,
//! stopped at stop).

use super::Daemon;
use crate::events::Event;
use rvsadm::model::{Daemon as SyncDaemon, DaemonState, Timeouts};

impl Daemon {
    /// At start, before the first look at the table: empty it if asked,
    /// then set the timeouts.
    pub(super) fn prepare_table(&mut self) {
        if self.engine.config.flush_at_start {
            self.flush_table("start");
        }
        self.set_timeouts();
        if let Some(d) = self.engine.config.sync_daemon.clone() {
            // Those left by an earlier run that did not stop cleanly.
            self.stop_sync_daemons(&d, false);
            self.start_sync_daemons(&d);
        }
    }

    /// After a reload: the sync daemons follow the new settings (`old`:
    /// those in force before).
    pub(super) fn resync_daemons(&self, old: Option<SyncDaemon>) {
        let new = self.engine.config.sync_daemon.clone();
        if old == new {
            return;
        }
        if let Some(d) = &old {
            self.stop_sync_daemons(d, true);
        }
        if let Some(d) = &new {
            self.start_sync_daemons(d);
        }
    }

    /// At stop: the sync daemons go with rvsadmd.
    pub(super) fn stop_own_sync_daemons(&self) {
        if let Some(d) = &self.engine.config.sync_daemon {
            self.stop_sync_daemons(d, true);
        }
    }

    /// Start the master and the backup daemon with `d`'s settings.
    fn start_sync_daemons(&self, d: &SyncDaemon) {
        for state in [DaemonState::Master, DaemonState::Backup] {
            let one = SyncDaemon { state, ..d.clone() };
            match self.ipvs.start_daemon(&one) {
                Ok(()) => Event::SyncDaemon {
                    action: "started",
                    state: state_name(state),
                    interface: one.mcast_ifn.clone(),
                    sync_id: one.sync_id,
                }
                .emit(),
                Err(e) => table_write_failed("sync_daemon_start", e),
            }
        }
    }

    /// Stop the master and the backup daemon; a failure is said only when
    /// `said` (at start none may be running).
    fn stop_sync_daemons(&self, d: &SyncDaemon, said: bool) {
        for state in [DaemonState::Master, DaemonState::Backup] {
            let one = SyncDaemon { state, ..d.clone() };
            match self.ipvs.stop_daemon(&one) {
                Ok(()) if said => Event::SyncDaemon {
                    action: "stopped",
                    state: state_name(state),
                    interface: one.mcast_ifn.clone(),
                    sync_id: one.sync_id,
                }
                .emit(),
                Err(e) if said => table_write_failed("sync_daemon_stop", e),
                _ => {}
            }
        }
    }

    /// Empty the whole table; `when` is said in the event.
    pub(super) fn flush_table(&self, when: &'static str) -> bool {
        match self.ipvs.flush() {
            Ok(()) => {
                Event::Flushed { when }.emit();
                true
            }
            Err(e) => {
                table_write_failed("flush", e);
                false
            }
        }
    }

    /// Set the configuration's timeouts: a field at 0, or no timeouts at
    /// all after rvsadmd set some, gets back the kernel's value from
    /// before rvsadmd first set one (as keepalived does).
    pub(super) fn set_timeouts(&mut self) {
        let want = self.engine.config.timeouts;
        if want.is_none() && self.found_timeouts.is_none() {
            return;
        }
        let found = match self.found_timeouts {
            Some(t) => t,
            None => match self.ipvs.timeouts() {
                Ok(t) => *self.found_timeouts.insert(t),
                Err(e) => return table_write_failed("timeouts", e),
            },
        };
        let t = merged(want.unwrap_or_default(), found);
        match self.ipvs.set_timeouts(&t) {
            Ok(()) => Event::TimeoutsSet {
                tcp: t.tcp,
                tcp_fin: t.tcp_fin,
                udp: t.udp,
            }
            .emit(),
            Err(e) => table_write_failed("timeouts", e),
        }
    }
}

/// A write to the whole table (`what`: `flush`, `timeouts`,
/// `sync_daemon_start`, `sync_daemon_stop`) refused or not sent: said,
/// and rvsadmd goes on.
fn table_write_failed(what: &'static str, e: rvsadm::Error) {
    Event::TableWriteFailed {
        what,
        error: e.to_string(),
        code: e.code(),
    }
    .emit();
}

/// `master` or `backup`, as the events say.
fn state_name(s: DaemonState) -> &'static str {
    match s {
        DaemonState::Master => "master",
        _ => "backup",
    }
}

/// `want`, with each field at 0 taken from `found`.
fn merged(want: Timeouts, found: Timeouts) -> Timeouts {
    let or = |w: u32, f: u32| if w == 0 { f } else { w };
    Timeouts {
        tcp: or(want.tcp, found.tcp),
        tcp_fin: or(want.tcp_fin, found.tcp_fin),
        udp: or(want.udp, found.udp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_left_out_is_the_one_found() {
        let found = Timeouts {
            tcp: 900,
            tcp_fin: 120,
            udp: 300,
        };
        let want = Timeouts {
            tcp: 60,
            tcp_fin: 0,
            udp: 0,
        };
        assert_eq!(
            merged(want, found),
            Timeouts {
                tcp: 60,
                tcp_fin: 120,
                udp: 300
            }
        );
        assert_eq!(merged(Timeouts::default(), found), found);
    }
}
