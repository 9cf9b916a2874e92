//! IPVS's sync daemon as keepalived 2.2.7 reads `lvs_sync_daemon IFNAME
//! [inst NAME | NAME [ID]] [id N] [maxlen N] [port N] [ttl N] [group
//! ADDR]` in `global_defs` (and a VRRP instance's deprecated
//! `lvs_sync_daemon_interface`). With a VRRP instance, keepalived's VRRP
//! process starts and stops the daemon with the instance's state and its
//! checker leaves it alone: a note. Without one, the checker stops any
//! master and backup daemon at start and starts both (sync id 0 unless
//! given), and stops them at its own stop: rvsadmd does the same.

use super::values::{address, unsigned};
use super::{note, Lvs, Statement};
use crate::config::keepalived::Note;
use crate::config::{MAX_INTERFACE_LEN, MAX_SYNC_MAXLEN};
use rvsadm::model::{Daemon, DaemonState};

/// The options that take a value after the interface.
const OPTIONS: [&str; 6] = ["inst", "id", "maxlen", "port", "ttl", "group"];

/// Read a global `lvs_sync_daemon` into `out`: a note when a VRRP instance
/// runs it, else the daemon keepalived's checker runs.
pub fn global(g: &Statement, out: &mut Lvs) {
    if out.table.sync_daemon.is_some() || out.vrrp_sync_daemon {
        return note(
            &mut out.notes,
            g,
            "lvs_sync_daemon is already given: keepalived ignores this one, and so does rvsadmd"
                .into(),
        );
    }
    let Some(ifname) = g.args.first() else {
        return note(
            &mut out.notes,
            g,
            "lvs_sync_daemon needs an interface: keepalived ignores the line, and so does rvsadmd"
                .into(),
        );
    };
    if ifname.len() > MAX_INTERFACE_LEN {
        return note(&mut out.notes, g, format!("lvs_sync_daemon interface `{ifname}` is longer than {MAX_INTERFACE_LEN} bytes: keepalived ignores the line, and so does rvsadmd"));
    }
    let mut d = Daemon::new(DaemonState::Master, ifname.clone());
    match options(g, &mut d, &mut out.notes) {
        Some(name) => {
            out.vrrp_sync_daemon = true;
            note(
                &mut out.notes,
                g,
                vrrp_owned(&format!("VRRP instance `{name}`")),
            );
        }
        None => out.table.sync_daemon = Some(d),
    }
}

/// Read the words after the interface into `d`; the VRRP instance named,
/// if any.
fn options(g: &Statement, d: &mut Daemon, notes: &mut Vec<Note>) -> Option<String> {
    let mut instance = None;
    let mut i = 1;
    while i < g.args.len() {
        let w = g.args[i].as_str();
        let value = g.args.get(i + 1).map(String::as_str);
        if !OPTIONS.contains(&w) {
            // keepalived's older `IF INSTANCE [ID]`.
            match i {
                1 => instance = Some(w.to_string()),
                2 => set(notes, g, "id", w, 0, 255, |v| d.sync_id = v as u32),
                _ => note(notes, g, format!("lvs_sync_daemon: unknown option `{w}`: keepalived skips it, and so does rvsadmd")),
            }
            i += 1;
            continue;
        }
        let Some(v) = value else {
            note(
                notes,
                g,
                format!(
                    "lvs_sync_daemon {w} has no value: keepalived ignores it, and so does rvsadmd"
                ),
            );
            break;
        };
        match w {
            "inst" => instance = instance.or(Some(v.to_string())),
            "id" => set(notes, g, w, v, 0, 255, |n| d.sync_id = n as u32),
            "maxlen" => set(notes, g, w, v, 1, u64::from(MAX_SYNC_MAXLEN), |n| d.sync_maxlen = Some(n as u16)),
            "port" => set(notes, g, w, v, 1, 65535, |n| d.mcast_port = Some(n as u16)),
            "ttl" => set(notes, g, w, v, 1, 255, |n| d.mcast_ttl = Some(n as u8)),
            _ => match address(v) {
                Ok(a) if a.is_multicast() => d.mcast_group = Some(a),
                _ => note(notes, g, format!("lvs_sync_daemon group `{v}` is not a multicast address: keepalived uses its default, and so does rvsadmd")),
            },
        }
        i += 2;
    }
    instance
}

/// Option `what` = `value` within `min..=max` given to `put`, else a note.
fn set(
    notes: &mut Vec<Note>,
    g: &Statement,
    what: &str,
    value: &str,
    min: u64,
    max: u64,
    put: impl FnOnce(u64),
) {
    match unsigned(value, min, max) {
        Ok(n) => put(n),
        Err(why) => note(
            notes,
            g,
            format!("lvs_sync_daemon {what}: {why}; keepalived ignores it, and so does rvsadmd"),
        ),
    }
}

/// The note for a sync daemon keepalived's VRRP process runs (`whose`).
fn vrrp_owned(whose: &str) -> String {
    format!("IPVS's sync daemon for {whose}: keepalived's VRRP process starts and stops it with the instance's state, not its checker; keep running `keepalived --vrrp` beside rvsadmd")
}

/// A VRRP instance's `lvs_sync_daemon_interface` (deprecated, still
/// obeyed): keepalived's VRRP process runs IPVS's sync daemon with it.
pub fn in_vrrp_instance(s: &Statement, out: &mut Lvs) {
    for k in s.block.as_deref().unwrap_or_default() {
        if k.keyword == "lvs_sync_daemon_interface" {
            let name = s.args.first().map_or("", String::as_str);
            note(
                &mut out.notes,
                k,
                vrrp_owned(&format!("VRRP instance `{name}`")),
            );
        }
    }
}
