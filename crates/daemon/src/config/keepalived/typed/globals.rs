//! The `global_defs` keywords that act on the whole IPVS table, as
//! keepalived 2.2.7 reads them: `lvs_flush` (empty the table when the
//! checker starts, not on a reload), `lvs_flush_on_stop` (older spelling
//! `lvs_flush_onstop`; alone: empty the whole table at stop; `VS`: delete
//! its virtual servers, what keepalived does anyway) and `lvs_timeouts
//! [tcp N] [tcpfin N] [udp N]` (set at start and at each reload; one left
//! out keeps the value the kernel had before keepalived first set one).

use super::values::unsigned;
use super::{note, Statement};
use crate::config::keepalived::Note;
use crate::config::MAX_TIMEOUT_SECS;
use rvsadm::model::{Daemon, Timeouts};

/// What `global_defs` says about the whole table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableGlobals {
    /// `lvs_flush`.
    pub flush: bool,
    /// `lvs_flush_on_stop` without `VS`: empty the whole table at stop.
    pub flush_on_stop: bool,
    /// `lvs_timeouts`, 0 for a timeout left out.
    pub timeouts: Option<Timeouts>,
    /// `lvs_sync_daemon` without a VRRP instance: the master's settings
    /// (the backup's are the same), run by keepalived's checker.
    pub sync_daemon: Option<Daemon>,
}

impl TableGlobals {
    /// Take `g` if it is one of this module's keywords; `false` if not.
    pub fn read(&mut self, g: &Statement, notes: &mut Vec<Note>) -> bool {
        match g.keyword.as_str() {
            "lvs_flush" => self.flush = true,
            "lvs_flush_on_stop" | "lvs_flush_onstop" => self.flush_on_stop(g, notes),
            "lvs_timeouts" => self.timeouts(g, notes),
            _ => return false,
        }
        true
    }

    fn flush_on_stop(&mut self, g: &Statement, notes: &mut Vec<Note>) {
        match g.args.first().map(String::as_str) {
            None => self.flush_on_stop = true,
            Some("VS") => note(
                notes,
                g,
                "lvs_flush_on_stop VS: the virtual servers are deleted at stop, as without it".into(),
            ),
            Some(w) => note(
                notes,
                g,
                format!("unknown lvs_flush_on_stop type `{w}`: keepalived ignores the line, and so does rvsadmd"),
            ),
        }
    }

    fn timeouts(&mut self, g: &Statement, notes: &mut Vec<Note>) {
        if g.args.len() < 2 {
            note(notes, g, "lvs_timeouts needs at least one option: keepalived ignores the line, and so does rvsadmd".into());
            return;
        }
        let mut t = self.timeouts.unwrap_or_default();
        let mut words = g.args.iter();
        while let Some(w) = words.next() {
            let field = match w.as_str() {
                "tcp" => &mut t.tcp,
                "tcpfin" => &mut t.tcp_fin,
                "udp" => &mut t.udp,
                _ => {
                    note(notes, g, format!("unknown lvs_timeouts option `{w}`: keepalived skips it, and so does rvsadmd"));
                    continue;
                }
            };
            match words
                .next()
                .map(|v| unsigned(v, 0, u64::from(MAX_TIMEOUT_SECS)))
            {
                Some(Ok(v)) => *field = v as u32,
                Some(Err(why)) => note(
                    notes,
                    g,
                    format!("lvs_timeouts {w}: {why}; keepalived ignores it, and so does rvsadmd"),
                ),
                None => note(
                    notes,
                    g,
                    format!(
                        "lvs_timeouts {w} has no value: keepalived ignores it, and so does rvsadmd"
                    ),
                ),
            }
        }
        self.timeouts = Some(t);
    }
}
