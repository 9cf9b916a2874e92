//! The text rendering of what `rvsadm apply` shows.

use super::report::{Line, Shown};
use rvsadm::json::ChangeResult::{Failed, Pending, Planned};
use rvsadm::reconcile::{Action, Before};
use rvsadm::{Change, Daemon, DestConfig, ForwardMethod, ServiceConfig, ServiceFlags, ServiceKey};
use std::io::Write;

pub(super) fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

pub(super) fn write_text(out: &mut dyn Write, s: &Shown) -> std::io::Result<()> {
    for l in &s.lines {
        let mark = if l.result() == Pending || (l.conns.is_some() && l.result() == Planned) {
            '-'
        } else {
            l.action.mark()
        };
        write!(out, "{mark} {}", describe(l))?;
        write!(out, "  [ipvsadm {}]", l.change.ipvsadm_args())?;
        match (l.result(), l.error_text()) {
            (Failed, Some(e)) => write!(out, "  FAILED: {e}")?,
            (Pending, _) => write!(out, "  (pending: connections left)")?,
            _ => {}
        }
        writeln!(out)?;
    }
    for n in &s.notes {
        writeln!(out, "note: {n}")?;
    }
    let add = s.count(|l| l.action == Action::Add);
    let edit = s.count(|l| l.action == Action::Edit);
    let del = s.count(|l| l.action == Action::Delete);
    let drain = s.count(|l| l.action == Action::Drain);
    let failed = s.count(|l| l.result() == Failed);
    let pending = s.count(|l| l.result() == Pending || (s.dry_run && l.conns.is_some()));
    if s.lines.is_empty() {
        return writeln!(out, "No changes: the table is the desired state.");
    }
    let verb = if s.dry_run { "Plan" } else { "Applied" };
    write!(
        out,
        "{verb}: {add} to add, {edit} to change, {del} to delete, {drain} to drain"
    )?;
    if s.dry_run {
        if pending > 0 {
            write!(out, " ({pending} deletions wait for connections to end)")?;
        }
        writeln!(out, "; nothing changed (--dry-run).")
    } else {
        write!(out, "; {failed} failed, {pending} pending")?;
        if s.converged {
            writeln!(out, "; the table is the desired state.")
        } else if failed > 0 {
            writeln!(
                out,
                "; the rest applied, and the table differs from the desired state where changes failed."
            )
        } else {
            writeln!(
                out,
                "; the table re-read still differs in {} (changed meanwhile? run apply again).",
                plural(s.unconverged, "place")
            )
        }
    }
}

/// How a service is named in plans: `tcp 192.0.2.1:80`, `fwmark 7`.
fn svc_text(k: &ServiceKey) -> String {
    k.to_string()
}

fn fwd_text(f: ForwardMethod) -> String {
    f.name()
        .map_or_else(|| format!("forward {}", f.to_raw()), str::to_string)
}

fn dest_text(c: &DestConfig) -> String {
    let mut s = format!("{} weight {}", fwd_text(c.forward), c.weight);
    if c.upper_threshold != 0 || c.lower_threshold != 0 {
        s += &format!(" thresholds {}/{}", c.upper_threshold, c.lower_threshold);
    }
    if c.forward == ForwardMethod::Tunnel {
        s += &format!(" tunnel {:?}", c.tunnel.kind).to_lowercase();
        if c.tunnel.port != 0 {
            s += &format!(":{}", c.tunnel.port);
        }
    }
    s
}

fn svc_cfg_text(c: &ServiceConfig) -> String {
    let mut s = format!("scheduler {}", c.scheduler);
    if c.is_persistent() {
        s += &format!(" persistent {}", c.timeout);
    }
    if let Some(pe) = &c.pe_name {
        s += &format!(" pe {pe}");
    }
    let names: Vec<String> = c
        .flags
        .names(&c.scheduler)
        .into_iter()
        .filter(|n| n != "persistent")
        .collect();
    if !names.is_empty() {
        s += &format!(" flags {}", names.join(","));
    }
    s
}

/// The fields that differ, `name old -> new`, comma-separated.
fn dest_diff(a: &DestConfig, b: &DestConfig) -> String {
    let mut v = Vec::new();
    if a.forward != b.forward {
        v.push(format!(
            "{} -> {}",
            fwd_text(a.forward),
            fwd_text(b.forward)
        ));
    }
    if a.weight != b.weight {
        v.push(format!("weight {} -> {}", a.weight, b.weight));
    }
    if (a.upper_threshold, a.lower_threshold) != (b.upper_threshold, b.lower_threshold) {
        v.push(format!(
            "thresholds {}/{} -> {}/{}",
            a.upper_threshold, a.lower_threshold, b.upper_threshold, b.lower_threshold
        ));
    }
    if a.tunnel != b.tunnel && b.forward == ForwardMethod::Tunnel {
        v.push(
            format!(
                "tunnel {:?}:{} -> {:?}:{}",
                a.tunnel.kind, a.tunnel.port, b.tunnel.kind, b.tunnel.port
            )
            .to_lowercase(),
        );
    }
    v.join(", ")
}

fn svc_diff(a: &ServiceConfig, b: &ServiceConfig) -> String {
    let mut v = Vec::new();
    if a.scheduler != b.scheduler {
        v.push(format!("scheduler {} -> {}", a.scheduler, b.scheduler));
    }
    let pers = |c: &ServiceConfig| {
        if c.is_persistent() {
            c.timeout.to_string()
        } else {
            "off".into()
        }
    };
    if pers(a) != pers(b) {
        v.push(format!("persistent {} -> {}", pers(a), pers(b)));
    } else if a.timeout != b.timeout {
        v.push(format!("timeout {} -> {}", a.timeout, b.timeout));
    }
    if a.netmask != b.netmask {
        v.push(format!("netmask {:?} -> {:?}", a.netmask, b.netmask));
    }
    if a.pe_name != b.pe_name {
        let pe = |c: &ServiceConfig| c.pe_name.clone().unwrap_or_else(|| "none".into());
        v.push(format!("pe {} -> {}", pe(a), pe(b)));
    }
    let rest = |c: &ServiceConfig| c.flags - ServiceFlags::PERSISTENT;
    if rest(a) != rest(b) {
        let names = |c: &ServiceConfig| {
            let n = rest(c).names(&c.scheduler);
            if n.is_empty() {
                "none".to_string()
            } else {
                n.join(",")
            }
        };
        v.push(format!("flags {} -> {}", names(a), names(b)));
    }
    v.join(", ")
}

fn describe(l: &Line) -> String {
    let before_dest = match &l.before {
        Some(Before::Destination(c)) => Some(c),
        _ => None,
    };
    match &l.change {
        Change::AddService(s) => {
            format!("service {}: {}", svc_text(&s.key), svc_cfg_text(&s.config))
        }
        Change::EditService(s) => match &l.before {
            Some(Before::Service(c)) => {
                format!("service {}: {}", svc_text(&s.key), svc_diff(c, &s.config))
            }
            _ => format!("service {}: {}", svc_text(&s.key), svc_cfg_text(&s.config)),
        },
        Change::DeleteService(k) => match l.conns {
            Some(n) => format!("service {} once drained ({n} connections)", svc_text(k)),
            None => format!("service {}", svc_text(k)),
        },
        Change::AddDestination(k, d) => {
            format!(
                "destination {} -> {}: {}",
                svc_text(k),
                d.addr,
                dest_text(&d.config)
            )
        }
        Change::EditDestination(k, d) => {
            let what = if l.action == Action::Drain {
                "drain "
            } else {
                ""
            };
            let change =
                before_dest.map_or_else(|| dest_text(&d.config), |c| dest_diff(c, &d.config));
            format!("{what}destination {} -> {}: {change}", svc_text(k), d.addr)
        }
        Change::DeleteDestination(k, a) => match l.conns {
            Some(n) => format!(
                "destination {} -> {a} once drained ({n} connections)",
                svc_text(k)
            ),
            None => format!("destination {} -> {a}", svc_text(k)),
        },
        Change::SetTimeouts(t) => {
            let was = match &l.before {
                Some(Before::Timeouts(b)) => format!(" (were {} {} {})", b.tcp, b.tcp_fin, b.udp),
                _ => String::new(),
            };
            format!(
                "timeouts tcp {} tcpfin {} udp {} (0: unchanged){was}",
                t.tcp, t.tcp_fin, t.udp
            )
        }
        Change::StartDaemon(d) => format!("sync daemon {}", daemon_text(d)),
        Change::StopDaemon(d) => format!("sync daemon {}", daemon_text(d)),
        // Flush, zero, and any change a later library adds: its debug form.
        _ => format!("{:?}", l.change),
    }
}

fn daemon_text(d: &Daemon) -> String {
    let state = match d.state {
        rvsadm::DaemonState::Master => "master".to_string(),
        rvsadm::DaemonState::Backup => "backup".to_string(),
        other => format!("state {}", other.to_raw()),
    };
    format!("{state} on {} syncid {}", d.mcast_ifn, d.sync_id)
}
