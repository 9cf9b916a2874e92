//! `monitor_file` (ldirectord's `monitorfile`): each check result of a
//! service's destinations appended to the file as ldirectord writes it,
//! `[TIME] [PID] NAME [up|down] MESSAGE`: the local time as Perl's
//! `localtime` writes it, rvsadmd's process id, the destination's name
//! ([`MonitorAs`]), its state and the message with `%`, `|`, CR and LF
//! written `%xx`. The file is opened, appended to and closed for each
//! line (it may be rotated at any time).

use super::schedule::MAINTENANCE;
use super::Daemon;
use crate::config::{Config, MonitorAs};
use crate::engine::{CheckId, DestKey};
use crate::events::Event;
use crate::health::Outcome;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The destinations whose results are written: the file and how, each
/// (looked up for every result; built at start and at each reload).
#[derive(Default)]
pub(super) struct Monitors(HashMap<DestKey, (PathBuf, MonitorAs)>);

impl Monitors {
    /// Those of `cfg`.
    pub(super) fn of(cfg: &Config) -> Self {
        let mut m = HashMap::new();
        for v in &cfg.services {
            let Some(file) = &v.monitor_file else {
                continue;
            };
            for r in &v.reals {
                let how = r
                    .monitor_as
                    .clone()
                    .unwrap_or_else(|| MonitorAs::plain(r.dest.addr));
                m.insert((v.key(), r.dest.addr), (file.clone(), how));
            }
        }
        Monitors(m)
    }
}

impl Daemon {
    /// Write result `o` of check `id` to the monitor files of the
    /// services whose destinations it checks.
    pub(super) fn monitor(&self, id: CheckId, o: &Outcome) {
        if self.monitors.0.is_empty() {
            return;
        }
        let Some(c) = self.engine.check(id) else {
            return;
        };
        for dest in &c.users {
            let Some((file, how)) = self.monitors.0.get(dest) else {
                continue;
            };
            let Some(line) = line_of(how, o, &now(), std::process::id()) else {
                continue;
            };
            if let Err(e) = append(file, &line) {
                Event::MonitorFileFailed {
                    file: file.display().to_string(),
                    error: e.to_string(),
                }
                .emit();
            }
        }
    }
}

/// The local time as Perl's scalar `localtime` writes it
/// (`Sun Dec  6 23:30:56 2026`).
fn now() -> String {
    jiff::ZonedDateTime::now()
        .strftime("%a %b %e %H:%M:%S %Y")
        .to_string()
}

/// The line of result `o` (`None`: not written, as ldirectord does not
/// log it).
fn line_of(how: &MonitorAs, o: &Outcome, time: &str, pid: u32) -> Option<String> {
    let maintenance = !o.ok && o.reason.starts_with(MAINTENANCE);
    let written = maintenance || if o.ok { how.up } else { how.down };
    if !written {
        return None;
    }
    let message = if maintenance {
        "Server in maintenance".to_string()
    } else if how.reason && !o.reason.is_empty() {
        escaped(&o.reason)
    } else {
        "-".to_string()
    };
    let state = if o.ok { "up" } else { "down" };
    Some(format!(
        "[{time}] [{pid}] {} [{state}] {message}\n",
        how.name
    ))
}

/// `%`, `|`, CR and LF as `%xx` (ldirectord's escape of its messages).
fn escaped(m: &str) -> String {
    let mut out = String::with_capacity(m.len());
    for c in m.chars() {
        match c {
            '%' | '|' | '\r' | '\n' => out.push_str(&format!("%{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Append `line` to `file` (made if missing), then close it.
fn append(file: &Path, line: &str) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(file)?
        .write_all(line.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn outcome(ok: bool, reason: &str) -> Outcome {
        Outcome {
            ok,
            weight: None,
            add: 0,
            latency: Duration::ZERO,
            reason: reason.into(),
        }
    }

    #[test]
    fn lines_are_ldirectords() {
        let how = MonitorAs {
            name: "connect tcp 10.0.0.1 80 1 masq / ".into(),
            up: true,
            down: false,
            reason: false,
        };
        let t = "Sun Dec  6 23:30:56 2026";
        assert_eq!(
            line_of(&how, &outcome(true, "connected"), t, 7).unwrap(),
            "[Sun Dec  6 23:30:56 2026] [7] connect tcp 10.0.0.1 80 1 masq /  [up] -\n"
        );
        // a down result of this check is not written, maintenance is
        assert_eq!(line_of(&how, &outcome(false, "refused"), t, 7), None);
        let m = outcome(false, &format!("{MAINTENANCE}file x of maintenancedir)"));
        assert!(line_of(&how, &m, t, 7)
            .unwrap()
            .ends_with("[down] Server in maintenance\n"));
        let plain = MonitorAs::plain("10.0.0.2:8080".parse().unwrap());
        assert_eq!(
            line_of(&plain, &outcome(false, "100% |bad\r\nx"), t, 9).unwrap(),
            format!("[{t}] [9] 10.0.0.2 8080 [down] 100%25 %7cbad%0d%0ax\n")
        );
    }

    #[test]
    fn the_time_is_perls_localtime() {
        let t = now();
        // `Www Mmm dd hh:mm:ss yyyy`, the day padded with a blank
        assert_eq!(t.len(), 24, "{t}");
        assert_eq!(&t[3..4], " ");
        assert_eq!(&t[13..14], ":");
    }

    #[test]
    fn each_destination_of_a_service_with_a_file_is_monitored() {
        let cfg = crate::config::native::parse(
            Path::new("m.toml"),
            "[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\nmonitor_file = \"/tmp/m.log\"\n[[services.destinations]]\naddress = \"10.0.0.1\"\nport = 8080\n[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 81\n[[services.destinations]]\naddress = \"10.0.0.1\"\nport = 81\n",
        )
        .unwrap();
        let m = Monitors::of(&cfg);
        assert_eq!(m.0.len(), 1);
        let (file, how) = &m.0[&(cfg.services[0].key(), "10.0.0.1:8080".parse().unwrap())];
        assert_eq!(file, Path::new("/tmp/m.log"));
        assert_eq!(how.name, "10.0.0.1 8080");
    }

    #[test]
    fn lines_are_appended() {
        let f = std::env::temp_dir().join(format!("rvsadmd-monitor-{}", std::process::id()));
        let _ = std::fs::remove_file(&f);
        append(&f, "a\n").unwrap();
        append(&f, "b\n").unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "a\nb\n");
        std::fs::remove_file(&f).unwrap();
    }
}
