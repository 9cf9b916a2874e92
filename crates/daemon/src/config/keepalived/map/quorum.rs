//! keepalived's quorum (lowered to the real servers' total weight, the
//! hysteresis below the quorum, as keepalived lowers them with a warning)
//! and its notify scripts as rvsadmd's [`Quorum`] and [`Script`]s; who
//! runs a script that names no user ([`DefaultUser`], MISC_CHECK's too).

use super::not_yet;
use crate::config::keepalived::typed::{Lvs, NotifyScript, Unsupported, VirtualServer};
use crate::config::{ConfigError, NotifyFifo, Quorum, RunAs, Script};
use rvsadm::model::ServiceKey;

/// The user keepalived runs a script as when none is given (and no
/// `script_user`): `keepalived_script` when there is one, else its own.
const DEFAULT_SCRIPT_USER: &str = "keepalived_script";

/// Who runs a script that names no user (a notify script, a
/// MISC_CHECK): `script_user`, else `keepalived_script` if there is one,
/// else rvsadmd's own (`None`). The error (a `script_user` not on this
/// machine: keepalived then ignores those scripts) says why.
pub type DefaultUser = Result<Option<RunAs>, String>;

/// The [`DefaultUser`] of `lvs`.
pub fn default_user(lvs: &Lvs) -> DefaultUser {
    match &lvs.script_user {
        Some(u) => RunAs::lookup(&u.user, u.group.as_deref())
            .map(Some)
            .map_err(|e| format!("script_user at {}: {e}", u.at)),
        None => Ok(RunAs::lookup(DEFAULT_SCRIPT_USER, None).ok()),
    }
}

/// A real server's `notify_up` and `notify_down`.
pub type Notify = (Option<Script>, Option<Script>);

/// The quorum of `v` and each of its reals' notify scripts. `omega`
/// (given where `omega` is) runs `quorum_down` and the `notify_down` of the
/// reals up at shutdown ([`Quorum::at_stop`]); a note when there are no
/// scripts (it changes nothing).
pub fn with_scripts(
    v: &VirtualServer,
    lvs: &Lvs,
    default: &DefaultUser,
    omega: &[Unsupported],
    notes: &mut Vec<String>,
) -> Result<(Quorum, Vec<Notify>), ConfigError> {
    let scripts = v.quorum_up.is_some()
        || v.quorum_down.is_some()
        || v.reals
            .iter()
            .any(|r| r.notify_up.is_some() || r.notify_down.is_some());
    if let (Some(at), true) = (&lvs.script_security, scripts) {
        return Err(not_yet(
            at,
            "`enable_script_security` with notify scripts (it disables the scripts a user other than root could change)",
        ));
    }
    for u in omega.iter().filter(|_| !scripts) {
        notes.push(format!(
            "{}: `omega` runs keepalived's notify scripts at shutdown; there are none, so it changes nothing",
            u.at
        ));
    }
    let mut quorum = of(v, default, notes);
    quorum.at_stop = scripts && !omega.is_empty();
    let mut one = |s: &Option<NotifyScript>| s.as_ref().and_then(|s| script(s, default, notes));
    let notify = v
        .reals
        .iter()
        .map(|r| (one(&r.notify_up), one(&r.notify_down)))
        .collect();
    Ok((quorum, notify))
}

/// The quorum of `v`. Without a sorry server and scripts it changes
/// nothing: the default, with a note when it is not.
fn of(v: &VirtualServer, default: &DefaultUser, notes: &mut Vec<String>) -> Quorum {
    let total: u64 = v.reals.iter().map(|r| u64::from(r.weight(v))).sum();
    let written = u64::from(v.quorum);
    // A quorum of 0 (no weight at all) is never gained: as 1.
    let quorum = written.min(total).max(1);
    if written > total {
        notes.push(format!(
            "{}: quorum {written} exceeds the real servers' total weight {total}: keepalived lowers it to {total}, and so does rvsadmd",
            v.at
        ));
    }
    let hysteresis = u64::from(v.hysteresis).min(quorum - 1);
    if hysteresis < u64::from(v.hysteresis) {
        notes.push(format!(
            "{}: hysteresis {} is not below the quorum {quorum}: keepalived sets it to {hysteresis}, and so does rvsadmd",
            v.at, v.hysteresis
        ));
    }
    let up = v.quorum_up.as_ref().and_then(|s| script(s, default, notes));
    let down = v
        .quorum_down
        .as_ref()
        .and_then(|s| script(s, default, notes));
    if v.sorry.is_none() && up.is_none() && down.is_none() {
        if quorum != 1 || hysteresis != 0 {
            notes.push(format!(
                "{}: quorum {quorum} and hysteresis {hysteresis} only decide keepalived's sorry server and quorum scripts: without them they change nothing",
                v.at
            ));
        }
        return Quorum::default();
    }
    Quorum {
        quorum,
        hysteresis,
        up,
        down,
        // Set by `with_scripts` from `omega`.
        at_stop: false,
    }
}

/// A notify script as keepalived runs it: the command's words (no
/// shell), as its user (else the `default`: [`default_user`]). One whose
/// user or group is not on this machine is ignored, as keepalived ignores
/// it: a note and `None`.
pub fn script(s: &NotifyScript, default: &DefaultUser, notes: &mut Vec<String>) -> Option<Script> {
    let run_as = match &s.user {
        Some(u) => match RunAs::lookup(u, s.group.as_deref()) {
            Ok(r) => Some(r),
            Err(e) => {
                notes.push(format!("{}: {e}: keepalived ignores the script, and so does rvsadmd (create it or change the user)", s.at));
                return None;
            }
        },
        None => match default {
            Ok(r) => r.clone(),
            Err(e) => {
                notes.push(format!("{}: the script names no user and {e}: keepalived ignores it, and so does rvsadmd", s.at));
                return None;
            }
        },
    };
    Some(Script {
        argv: s.argv.clone(),
        run_as,
    })
}

/// `lvs_notify_fifo` and its `lvs_notify_fifo_script` (run as a notify
/// script is, with the FIFO's path added as its last argument, as
/// keepalived runs it); `groups`: the services each `virtual_server
/// group NAME` made, in order.
pub fn notify_fifo(
    lvs: &Lvs,
    groups: Vec<(String, Vec<ServiceKey>)>,
    notes: &mut Vec<String>,
) -> Option<NotifyFifo> {
    let path = lvs.notify_fifo.as_ref()?;
    let default = default_user(lvs);
    let script = lvs
        .notify_fifo_script
        .as_ref()
        .and_then(|s| script(s, &default, notes));
    Some(NotifyFifo {
        path: path.into(),
        script,
        groups,
    })
}
