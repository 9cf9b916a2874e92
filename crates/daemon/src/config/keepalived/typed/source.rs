//! A checker's (or an SMTP_CHECK host's) `bindto`, `bind_port`,
//! `bind_if` and `fwmark`, as keepalived 2.2.7 reads them (`co_srcip`,
//! `co_srcport`, `co_srcif` and `co_fwmark` handlers), into
//! [`Source`]; and what keepalived then does not apply, as notes
//! ([`unapplied`]) that the mapping follows ([`applied`]).

use super::values::{address, unsigned};
use super::{ignored, note, CheckerKind};
use crate::config::keepalived::{Note, Statement};
use crate::config::{Source, MAX_INTERFACE_LEN};

/// Read `k` into `src` if it is one of the four: `true` when it was.
pub fn option(src: &mut Source, k: &Statement, notes: &mut Vec<Note>) -> bool {
    let w = k.args.first().map_or("", String::as_str);
    let r = match k.keyword.as_str() {
        "bindto" => address(w).map(|a| src.address = Some(a)),
        "bind_port" => unsigned(w, 1, 65535)
            .map(|p| src.port = Some(p as u16))
            .map_err(|_| format!("`{w}` is not a port (1-65535)")),
        "bind_if" if w.is_empty() || w.len() > MAX_INTERFACE_LEN => Err(format!(
            "interface name `{w}` is empty or longer than {MAX_INTERFACE_LEN} bytes"
        )),
        "bind_if" => {
            src.interface = Some(w.to_string());
            Ok(())
        }
        // 0 is no mark (keepalived sets none).
        "fwmark" => {
            unsigned(w, 0, u64::from(u32::MAX)).map(|m| src.mark = (m != 0).then_some(m as u32))
        }
        _ => return false,
    };
    if let Err(why) = r {
        ignored(notes, k, &why);
    }
    true
}

/// Notes on what keepalived 2.2.7 reads from `src` in checker `s` of
/// type `kind` but does not apply: a `bind_port` without `bindto` (it
/// binds only to an address), every option of PING_CHECK (it pings
/// without them), `bind_if` of UDP_CHECK (its UDP socket takes only the
/// mark and the bind).
pub fn unapplied(src: &Source, kind: &CheckerKind, s: &Statement, notes: &mut Vec<Note>) {
    if matches!(kind, CheckerKind::Ping) && !src.is_default() {
        note(notes, s, "PING_CHECK: keepalived 2.2.7 reads `bindto`, `bind_port`, `bind_if` and `fwmark` but pings without them, and so does rvsadmd".into());
        return;
    }
    if src.port.is_some() && src.address.is_none() {
        note(notes, s, "`bind_port` without `bindto`: keepalived 2.2.7 binds only to a `bindto` address, so it ignores the port, and so does rvsadmd".into());
    }
    if matches!(kind, CheckerKind::Udp(_)) && src.interface.is_some() {
        note(notes, s, "UDP_CHECK: keepalived 2.2.7 does not bind its UDP socket to the `bind_if` interface, and neither does rvsadmd".into());
    }
}

/// What of `src` keepalived applies to a checker of type `kind` (see
/// [`unapplied`]).
pub fn applied(src: &Source, kind: &CheckerKind) -> Source {
    if matches!(kind, CheckerKind::Ping) {
        return Source::default();
    }
    Source {
        address: src.address,
        port: src.port.filter(|_| src.address.is_some()),
        interface: src
            .interface
            .clone()
            .filter(|_| !matches!(kind, CheckerKind::Udp(_))),
        mark: src.mark,
        via_vip: None,
    }
}
