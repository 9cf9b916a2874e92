//! A service's `quorum`, `hysteresis`, `quorum_up` and `quorum_down`, a
//! destination's `notify_up` and `notify_down`: read and written.

use super::doc::{DestToml, ScriptDoc, ServiceToml};
use crate::config::{Quorum, RunAs, Script};

/// A script table: `{ argv = [...], user = "...", group = "..." }`.
fn script_of(d: &ScriptDoc, path: &str) -> Result<Script, String> {
    if d.argv.first().is_none_or(String::is_empty) {
        return Err(format!("{path}.argv: give the program and its arguments"));
    }
    let run_as = match (&d.user, &d.group) {
        (None, None) => None,
        (None, Some(_)) => return Err(format!("{path}: `group` needs `user`")),
        (Some(u), g) => Some(RunAs::lookup(u, g.as_deref()).map_err(|e| format!("{path}: {e}"))?),
    };
    Ok(Script {
        argv: d.argv.clone(),
        run_as,
    })
}

fn maybe(d: &Option<ScriptDoc>, path: String) -> Result<Option<Script>, String> {
    d.as_ref().map(|d| script_of(d, &path)).transpose()
}

/// The quorum of service table `s` (at `path`): `quorum` at least 1,
/// `hysteresis` below it.
pub(super) fn quorum_of(s: &ServiceToml, path: &str) -> Result<Quorum, String> {
    let quorum = s.quorum.unwrap_or(1);
    let hysteresis = s.hysteresis.unwrap_or(0);
    if quorum == 0 {
        return Err(format!(
            "{path}.quorum: 0 could never be lost: give 1 or more"
        ));
    }
    if hysteresis >= quorum {
        return Err(format!(
            "{path}.hysteresis: {hysteresis} is not below the quorum {quorum}: give at most {}",
            quorum - 1
        ));
    }
    if s.fallback.is_none() && quorum > 1 && s.quorum_up.is_none() && s.quorum_down.is_none() {
        return Err(format!(
            "{path}.quorum: without a fallback or a quorum_up/quorum_down program it changes nothing: add one, or remove it"
        ));
    }
    Ok(Quorum {
        quorum,
        hysteresis,
        up: maybe(&s.quorum_up, format!("{path}.quorum_up"))?,
        down: maybe(&s.quorum_down, format!("{path}.quorum_down"))?,
        at_stop: s.scripts_at_stop,
    })
}

/// The `notify_up` and `notify_down` of destination table `d`.
pub(super) fn notify_of(
    d: &DestToml,
    path: &str,
) -> Result<(Option<Script>, Option<Script>), String> {
    Ok((
        maybe(&d.notify_up, format!("{path}.notify_up"))?,
        maybe(&d.notify_down, format!("{path}.notify_down"))?,
    ))
}

/// `name = { argv = [...], user = ... }` as a line.
pub(super) fn script_line(name: &str, s: &Script, q: fn(&str) -> String) -> String {
    let argv: Vec<String> = s.argv.iter().map(|a| q(a)).collect();
    let mut f = vec![format!("argv = [{}]", argv.join(", "))];
    if let Some(r) = &s.run_as {
        f.push(format!("user = {}", q(&r.user)));
        if let Some(g) = &r.group {
            f.push(format!("group = {}", q(g)));
        }
    }
    format!("{name} = {{ {} }}\n", f.join(", "))
}

/// A service's quorum lines (none when it is the default).
pub(super) fn quorum_lines(qr: &Quorum, q: fn(&str) -> String) -> String {
    let mut out = String::new();
    if qr.quorum != 1 {
        out.push_str(&format!("quorum = {}\n", qr.quorum));
    }
    if qr.hysteresis != 0 {
        out.push_str(&format!("hysteresis = {}\n", qr.hysteresis));
    }
    for (name, s) in [("quorum_up", &qr.up), ("quorum_down", &qr.down)] {
        if let Some(s) = s {
            out.push_str(&script_line(name, s, q));
        }
    }
    if qr.at_stop {
        out.push_str("scripts_at_stop = true\n");
    }
    out
}
