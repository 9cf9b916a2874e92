//! What `rvsadmd run` reports: one typed [`Event`] per happening, written
//! as one JSON line on standard output with its name (`"event"`) and a
//! `"time"` (seconds since the epoch, to the millisecond).
//!
//! A new event is a new variant here (its fields are its JSON keys), a
//! line in man/rvsadmd.8's list, and a test if something reads it.

use crate::state::Rejected;
use serde::Serialize;
use serde_json::{json, Value};
use std::io::Write;

/// One event of `rvsadmd run`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A remark on the configuration read (a directive without effect...).
    Note {
        /// The remark.
        note: String,
    },
    /// The checks are running.
    Started {
        /// Services owned.
        services: usize,
        /// Distinct checks started.
        checks: usize,
    },
    /// The health of one of a destination's checks changed.
    Health {
        /// The service ([`crate::service::format`]).
        service: String,
        /// `ADDR:PORT`.
        destination: String,
        /// The destination's, from all its checks: `up`, `down`,
        /// `unknown`.
        health: &'static str,
        /// The kind of the check that changed (`tcp`, `http` ...).
        check: &'static str,
        /// The result that changed it, in words.
        reason: String,
    },
    /// What a destination's feedback agent says changed (its weight,
    /// connection limit, admin state or health).
    Agent {
        /// The service.
        service: String,
        /// `ADDR:PORT`.
        destination: String,
        /// The agent's admin state: `ready`, `drain`, `maint`.
        admin: &'static str,
        /// The agent's health: `up`, `down`, `fail`, `stopped`.
        health: &'static str,
        /// Its weight factor (`75%`, `weight:N`; `100%` until it says one).
        weight: String,
        /// Its connection limit, if it said one.
        maxconn: Option<u32>,
        /// The line that changed it.
        line: String,
    },
    /// The depool floor began (`kept`) or stopped keeping a failed
    /// destination in the table.
    DepoolFloor {
        /// The service.
        service: String,
        /// `ADDR:PORT`.
        destination: String,
        /// Kept in now (`false`: let go, or no longer failed).
        kept: bool,
        /// Its checks' health now.
        health: &'static str,
    },
    /// A destination's checks say up now, after saying down (or after
    /// its first decision): the moment keepalived runs `notify_up`.
    DestinationUp {
        /// The service.
        service: String,
        /// `ADDR:PORT`.
        destination: String,
    },
    /// A destination's checks say down now, after saying up, or at its
    /// first result: the moment keepalived runs `notify_down`.
    DestinationDown {
        /// The service.
        service: String,
        /// `ADDR:PORT`.
        destination: String,
    },
    /// A service gained its quorum (also at its first decision with
    /// it): the moment keepalived runs `quorum_up`.
    QuorumGained {
        /// The service.
        service: String,
        /// The weight of its destinations up.
        weight: u64,
    },
    /// A service lost its quorum (also at its first decision without it
    /// when it has a fallback): the moment keepalived runs `quorum_down`.
    QuorumLost {
        /// The service.
        service: String,
        /// The weight of its destinations up.
        weight: u64,
    },
    /// A hook's command failed: it could not start, ended with another
    /// code than 0 or by a signal, or ran past its timeout and was killed
    /// (its whole process group).
    HookFailed {
        /// The hook: its place among the configuration's hooks, from 1.
        hook: usize,
        /// The event it was run for.
        trigger: String,
        /// Why.
        error: String,
    },
    /// A hook was not run: it had run its `rate_limit` of times within
    /// the period already.
    HookDropped {
        /// The hook: its place among the configuration's hooks, from 1.
        hook: usize,
        /// The event it was not run for.
        trigger: String,
        /// Runs of this hook dropped so far (since the start or the
        /// reload that last changed the hooks).
        dropped: u64,
    },
    /// A line could not be written to the notify FIFO (keepalived's
    /// `lvs_notify_fifo`), or the FIFO could not be made or opened, or
    /// its script started; rvsadmd goes on.
    NotifyFifoFailed {
        /// The FIFO.
        file: String,
        /// Why.
        error: String,
    },
    /// A program was started (keepalived's `quorum_up`, `quorum_down`,
    /// `notify_up`, `notify_down`): not waited for.
    ScriptRun {
        /// Which: `quorum_up`, `quorum_down`, `notify_up`, `notify_down`.
        script: &'static str,
        /// The service.
        service: String,
        /// The destination, for `notify_up` and `notify_down`.
        #[serde(skip_serializing_if = "Option::is_none")]
        destination: Option<String>,
        /// The program and its arguments.
        argv: Vec<String>,
    },
    /// A program could not be started.
    ScriptFailed {
        /// Which.
        script: &'static str,
        /// The service.
        service: String,
        /// The destination, for `notify_up` and `notify_down`.
        #[serde(skip_serializing_if = "Option::is_none")]
        destination: Option<String>,
        /// The program and its arguments.
        argv: Vec<String>,
        /// Why.
        error: String,
    },
    /// A change made by hand, now kept.
    Override {
        /// The service.
        service: String,
        /// The destination; absent when the service was deleted by hand.
        #[serde(skip_serializing_if = "Option::is_none")]
        destination: Option<String>,
        /// What is kept.
        kept: String,
    },
    /// `rvsadmd drain`.
    Drain {
        /// The service.
        service: String,
        /// The destination.
        destination: String,
    },
    /// `rvsadmd ready` (no destination: the whole service).
    Ready {
        /// The service.
        service: String,
        /// The destination, or `null`.
        destination: Option<String>,
    },
    /// One change the kernel accepted (as ipvsadm arguments).
    Change {
        /// The change.
        change: String,
    },
    /// One change the kernel refused.
    ChangeFailed {
        /// The change.
        change: String,
        /// The kernel's error.
        error: String,
        /// Its stable code.
        code: &'static str,
        /// When it is tried again.
        retry: &'static str,
    },
    /// A batch of changes was sent.
    Batch {
        /// Changes sent.
        changes: usize,
        /// Changes refused.
        failed: usize,
        /// How long the batch took.
        ms: f64,
    },
    /// The table could not be read.
    ReadFailed {
        /// Why.
        error: String,
        /// The stable code, when the library gave one.
        #[serde(skip_serializing_if = "Option::is_none")]
        code: Option<&'static str>,
    },
    /// No plan could be made.
    PlanFailed {
        /// Why.
        error: String,
    },
    /// A batch could not be sent at all.
    WriteFailed {
        /// Why.
        error: String,
        /// The changes it held, when known.
        #[serde(skip_serializing_if = "Option::is_none")]
        changes: Option<usize>,
    },
    /// The state file could not be written.
    StateNotSaved {
        /// The file.
        file: String,
        /// Why.
        error: String,
    },
    /// An entry of the state file did not read: not used, kept aside in
    /// the file.
    StateEntryRejected {
        /// The file.
        file: String,
        /// The entry, its list and why.
        #[serde(flatten)]
        rejected: Rejected,
    },
    /// A connection to the control socket could not be accepted (the
    /// socket goes on listening).
    ControlAcceptFailed {
        /// Why.
        error: String,
    },
    /// The configuration file's content changed on disk and its
    /// `callback` (ldirectord's) was started, not waited for.
    ConfigChanged {
        /// The file.
        file: String,
        /// The program and its arguments (the file last).
        argv: Vec<String>,
        /// Why it could not be started.
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    /// A line could not be written to a service's `monitor_file`
    /// (ldirectord's `monitorfile`; ldirectord dies of it, rvsadmd goes
    /// on).
    MonitorFileFailed {
        /// The file.
        file: String,
        /// Why.
        error: String,
    },
    /// The configuration was read again.
    Reloaded {
        /// Services owned now.
        services: usize,
    },
    /// Fleet mode: etcd became reachable or unreachable (nothing is
    /// written to the kernel because of it).
    FleetStore {
        /// Whether it is reachable now.
        reachable: bool,
        /// Why not.
        error: Option<String>,
    },
    /// A new configuration was refused; the old one stays.
    ReloadRefused {
        /// Why.
        error: String,
    },
    /// `on_stop = "remove"`: the owned services could not be deleted.
    StopRemoveFailed {
        /// Why.
        error: String,
        /// Services it was to delete.
        services: usize,
    },
    /// The whole IPVS table was emptied (`flush_at_start`, `on_stop =
    /// "flush"`).
    Flushed {
        /// `start` or `stop`.
        when: &'static str,
    },
    /// IPVS's connection timeouts were set (`timeouts`), in seconds.
    TimeoutsSet {
        /// Established TCP.
        tcp: u32,
        /// TCP after a FIN.
        tcp_fin: u32,
        /// UDP.
        udp: u32,
    },
    /// A sync daemon was started or stopped (`sync_daemon`).
    SyncDaemon {
        /// `started` or `stopped`.
        action: &'static str,
        /// `master` or `backup`.
        state: &'static str,
        /// Its multicast interface.
        interface: String,
        /// Its sync id.
        sync_id: u32,
    },
    /// A write to the whole table (`flush`, `timeouts`,
    /// `sync_daemon_start`, `sync_daemon_stop`) was refused or could not
    /// be sent; rvsadmd goes on.
    TableWriteFailed {
        /// What: `flush`, `timeouts`, `sync_daemon_start`,
        /// `sync_daemon_stop`.
        what: &'static str,
        /// Why.
        error: String,
        /// Its stable code.
        code: &'static str,
    },
    /// rvsadmd stops.
    Stopped {
        /// Services deleted at stop (`on_stop = "remove"`).
        removed_services: usize,
    },
}

impl Event {
    /// The event as its JSON line's object, with `time` (seconds since
    /// the epoch) added.
    pub fn to_json(&self, now: f64) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or_else(|e| json!({"error": e.to_string()}));
        if let Value::Object(m) = &mut v {
            m.insert("time".into(), json!((now * 1000.0).round() / 1000.0));
        }
        v
    }

    /// Write the event as one JSON line on standard output, and hand
    /// the same document to the listener, if one is set ([`listen`]).
    pub fn emit(&self) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let doc = self.to_json(now);
        {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{doc}");
            let _ = out.flush();
        }
        if let Ok(l) = LISTENER.lock() {
            if let Some(f) = l.as_ref() {
                f(doc);
            }
        }
    }
}

/// What each emitted event's document is handed to (`rvsadmd run`'s
/// hooks). It must not emit events itself.
pub type Listener = Box<dyn Fn(Value) + Send>;

static LISTENER: std::sync::Mutex<Option<Listener>> = std::sync::Mutex::new(None);

/// Hand every event emitted from now on to `f` as well (`None`: to
/// nothing more).
pub fn listen(f: Option<Listener>) {
    if let Ok(mut l) = LISTENER.lock() {
        *l = f;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_their_keys() {
        let v = Event::Ready {
            service: "tcp:192.0.2.1:80".into(),
            destination: None,
        }
        .to_json(12.3456);
        assert_eq!(
            v.to_string(),
            r#"{"destination":null,"event":"ready","service":"tcp:192.0.2.1:80","time":12.346}"#
        );
        let v = Event::Override {
            service: "fwmark:7".into(),
            destination: None,
            kept: "deleted by hand".into(),
        }
        .to_json(1.0);
        assert_eq!(
            v.to_string(),
            r#"{"event":"override","kept":"deleted by hand","service":"fwmark:7","time":1.0}"#
        );
        let v = Event::Stopped {
            removed_services: 0,
        }
        .to_json(1.0);
        assert_eq!(v["event"], "stopped");
        let v = Event::ReadFailed {
            error: "x".into(),
            code: None,
        }
        .to_json(1.0);
        assert!(v.get("code").is_none(), "{v}");
        let v = Event::StateEntryRejected {
            file: "s.json".into(),
            rejected: Rejected {
                list: "overrides".into(),
                entry: json!({"weight": 3000000000u64}),
                reason: "too big".into(),
            },
        }
        .to_json(1.0);
        assert_eq!(v["event"], "state_entry_rejected");
        assert_eq!(v["list"], "overrides");
        assert_eq!(v["entry"]["weight"], 3000000000u64);
    }
}
