//! A `real_server ADDR [PORT] { ... }` block: weight, forwarding,
//! thresholds, the cascading settings and its checkers. A real server
//! keepalived skips (a bad address) is a note and `None`.

use super::values::{address_port, forwarding, unsigned};
use super::vs::cascade;
use super::{checkers, ignored, note, rest, script, unknown, Cascade, RealServer};
use crate::config::keepalived::{Note, Statement};

/// Read real server `s`.
pub fn read(s: &Statement, notes: &mut Vec<Note>) -> Option<RealServer> {
    let (addr, port) = match address_port(&s.args) {
        Ok(x) => x,
        Err(why) => {
            note(
                notes,
                s,
                format!("real_server: {why}; keepalived skips it, and so does rvsadmd"),
            );
            return None;
        }
    };
    let mut r = RealServer {
        addr,
        port,
        at: s.at.clone(),
        weight: None,
        forwarding: None,
        uthreshold: 0,
        lthreshold: 0,
        cascade: Cascade::default(),
        virtualhost: None,
        checkers: Vec::new(),
        notify_up: None,
        notify_down: None,
    };
    for k in s.block.as_deref().unwrap_or_default() {
        if cascade(&mut r.cascade, k, notes, true) {
            continue;
        }
        if let Some(kind) = checkers::kind(&k.keyword) {
            if let Some(c) = checkers::read(kind, k, port, notes) {
                r.checkers.push(c);
            }
            continue;
        }
        let w = k.args.first().map(String::as_str).unwrap_or("");
        match k.keyword.as_str() {
            "weight" => match unsigned(w, 0, i32::MAX as u64) {
                Ok(n) => r.weight = Some(n as u32),
                Err(why) => ignored(notes, k, &why),
            },
            "lvs_method" => match forwarding(&k.args) {
                Ok(f) => r.forwarding = Some(f),
                Err(why) => ignored(notes, k, &why),
            },
            "uthreshold" => match unsigned(w, 0, u64::from(u32::MAX)) {
                Ok(n) => r.uthreshold = n as u32,
                Err(why) => ignored(notes, k, &why),
            },
            "lthreshold" => match unsigned(w, 0, u64::from(u32::MAX)) {
                Ok(n) => r.lthreshold = n as u32,
                Err(why) => ignored(notes, k, &why),
            },
            "virtualhost" if k.args.is_empty() => ignored(notes, k, "the name is missing"),
            "virtualhost" => r.virtualhost = Some(rest(k)),
            "notify_up" => script::read(&mut r.notify_up, k, notes),
            "notify_down" => script::read(&mut r.notify_down, k, notes),
            "smtp_alert" | "snmp_name" => note(
                notes,
                k,
                format!(
                    "`{}` is about keepalived's mail and SNMP: rvsadmd does not use it",
                    k.keyword
                ),
            ),
            other => unknown(notes, k, other),
        }
    }
    Some(r)
}
