//! `ldirectord.cf`, read by ldirectord's own rules (Debian's ldirectord
//! 4.12), into the same model as `rvsadmd.toml`.
//!
//! What ldirectord does, and rvsadmd with this file:
//! - a line starting with `virtual=` / `virtual6=` opens a section; the
//!   lines after it indented by 4 or more spaces (a tab counts 4) belong
//!   to it, and the first other line (a blank one too) ends it (`lines`);
//! - reals name `gate`, `masq` or `ipip` (there is no default), weight 1
//!   unless given, `l:N`/`u:N` thresholds, and may carry their own
//!   `"request", "receive"`; `a->b` ranges of IPv4 addresses; a gate or
//!   ipip real of an address-port service is at the service's port in the
//!   table (ipvsadm and the kernel put it there), its check keeps the port
//!   written;
//! - defaults: `scheduler = wrr`, `protocol = tcp` (udp for port 53),
//!   `checktype = negotiate` with the service guessed from the port (80
//!   http; a port it does not know, or a fwmark, is service `none`: always
//!   up), `checkinterval = 10`, `checktimeout = 5`, `negotiatetimeout =
//!   30` (each falls back on the other when only one is set),
//!   `failurecount = 1`, `quiescent = no` (a failed real is deleted),
//!   `cleanstop = yes` (stop deletes the services);
//! - a fallback has weight 1 and forwards by `gate` unless told; it is in
//!   the table exactly while no real of its service is up.
//!
//! What rvsadmd does not do is an error naming the line (checks other
//! than connect, HTTP and HTTPS negotiate, external, on and off; `fork = yes`;
//! `maintenancedir`; `fallbackcommand`; `callback`; `execute`); what has
//! no effect on the table (`logfile`, `emailalert` ...) is listed in
//! [`Config::notes`].
//!
//! The reader's rooms: `lines` (which line belongs where), `global` (the
//! global directives), `section` (a virtual section: `service` its
//! identity and configuration, `real` its reals and fallback, `check` how
//! they are checked), `words` (the values' words).

mod check;
mod global;
mod lines;
mod real;
mod section;
mod service;
mod words;

use super::validate::{check_whole, Patterns};
use super::{Config, ConfigError, Format, OnStop, DEFAULT_MAX_CHECKS_IN_FLIGHT_PER_ADDRESS};
use global::Globals;
use lines::{Lexer, Line, Section};
use section::virtual_of;
use std::path::Path;

/// Read an `ldirectord.cf` from its text; `file` names it in errors.
///
/// ```
/// use rvsadmd::config::ldirectord::parse;
/// let cfg = parse(std::path::Path::new("ld.cf"), "\
/// checkinterval=2
/// virtual=192.0.2.10:80
///     real=10.0.0.1:80 masq 3
///     real=10.0.0.2:80 masq
///     checktype=connect
/// ").unwrap();
/// assert_eq!(cfg.services[0].reals.len(), 2);
/// assert!(parse(std::path::Path::new("ld.cf"), "virtual=192.0.2.10:80\n    real=10.0.0.1:80\n").is_err());
/// ```
pub fn parse(file: &Path, text: &str) -> Result<Config, ConfigError> {
    let mut g = Globals::default();
    let mut notes = Vec::new();
    let mut sections: Vec<Section> = Vec::new();
    for line in Lexer::new(file, text) {
        match line? {
            Line::Open(item) => sections.push(Section::opened_by(item)),
            Line::InSection(item) => {
                if let Some(s) = sections.last_mut() {
                    s.items.push(item);
                }
            }
            Line::Global(item) => g.take(&item, file, &mut notes)?,
        }
    }
    let mut patterns = Patterns::default();
    let mut services = Vec::with_capacity(sections.len());
    for s in &sections {
        services.push(virtual_of(s, &g, file, &mut notes, &mut patterns)?);
    }
    let cfg = Config {
        services,
        on_stop: if g.cleanstop() {
            OnStop::Remove
        } else {
            OnStop::Keep
        },
        state_file: None,
        control_socket: None,
        max_checks_in_flight_per_address: DEFAULT_MAX_CHECKS_IN_FLIGHT_PER_ADDRESS,
        flush_at_start: false,
        timeouts: None,
        sync_daemon: None,
        format: Format::Ldirectord,
        notes,
    };
    check_whole(&cfg)?;
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Expect, OnFailure, Pattern, Probe};
    use rvsadm::model::{ForwardMethod, ServiceKey};

    fn p(t: &str) -> Result<Config, ConfigError> {
        parse(Path::new("ld.cf"), t)
    }

    #[test]
    fn defaults_are_ldirectords() {
        let c = p("virtual=192.0.2.1:80\n\treal=10.0.0.1:80 masq\n\treal=10.0.0.2:8080 gate 5\n")
            .unwrap();
        let v = &c.services[0];
        assert_eq!(v.config.scheduler.name(), "wrr");
        assert_eq!(v.on_failure, OnFailure::Remove);
        assert_eq!(c.on_stop, OnStop::Remove);
        // gate: in the table at the virtual's port, checked at its own
        assert_eq!(v.reals[1].dest.addr, "10.0.0.2:80".parse().unwrap());
        assert_eq!(v.reals[1].dest.config.weight.get(), 5);
        let Probe::Http(h) = &v.reals[1].checks[0].probe else {
            panic!()
        };
        assert_eq!(h.target, "10.0.0.2:8080".parse().unwrap());
        assert_eq!(h.urls[0].path, "/");
        assert_eq!(v.reals[1].checks[0].timeout.as_secs(), 30);
        assert_eq!(v.reals[1].checks[0].interval.as_secs(), 10);
    }

    #[test]
    fn sections_end_at_a_blank_line() {
        let e = p("virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n\n    real=10.0.0.2:80 masq\n")
            .unwrap_err();
        assert_eq!(e.at.line, 4, "{e}");
        let e = p("virtual=192.0.2.1:80\n    real=10.0.0.1:80\n").unwrap_err();
        assert!(e.message.contains("gate, masq or ipip"), "{e}");
        assert_eq!(e.at.line, 2);
    }

    #[test]
    fn checks_timeouts_and_fallbacks() {
        let c = p("checktimeout=3\nfallback=127.0.0.1:80 masq\nquiescent=yes\nvirtual=192.0.2.1:8080\n    real=10.0.0.1:8080 masq 2 \"/ok\", \"fine\"\n    checktype=connect\n    real=10.0.0.2->10.0.0.4:8080 masq\n").unwrap();
        let v = &c.services[0];
        assert_eq!(v.reals.len(), 4);
        assert_eq!(v.reals[0].checks[0].timeout.as_secs(), 3);
        assert!(matches!(v.reals[0].checks[0].probe, Probe::Tcp { .. }));
        assert_eq!(v.on_failure, OnFailure::Quiesce);
        let f = v.fallback.unwrap();
        assert_eq!(f.addr, "127.0.0.1:80".parse().unwrap());
        assert_eq!(f.config.forward, ForwardMethod::Masq);
        assert_eq!(f.config.weight.get(), 1);
        let c = p("virtual=192.0.2.1:80\n    real=10.0.0.1:80  masq  2  \"/a\", \"two  spaces\"\n")
            .unwrap();
        let Probe::Http(h) = &c.services[0].reals[0].checks[0].probe else {
            panic!()
        };
        assert_eq!(
            h.urls[0].expect,
            Some(Expect::Regex(Pattern::new("two  spaces").unwrap()))
        );
        assert_eq!(c.services[0].reals[0].dest.config.weight.get(), 2);
        let c = p("virtual=192.0.2.1:81\n    real=10.0.0.1:81 masq\n").unwrap();
        assert_eq!(c.services[0].reals[0].checks[0].probe, Probe::Up); // service none
        let c = p(
            "virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq \"/h\", \"ok\"\n    receive=\"x\"\n",
        )
        .unwrap();
        let Probe::Http(h) = &c.services[0].reals[0].checks[0].probe else {
            panic!()
        };
        assert_eq!(
            (h.urls[0].path.as_str(), h.urls[0].expect.clone()),
            ("/h", Some(Expect::Regex(Pattern::new("ok").unwrap())))
        );
    }

    #[test]
    fn what_rvsadmd_does_not_do_is_refused() {
        for (t, want) in [
            ("virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n    service=gopher\n", "gopher"),
            ("fork=yes\n", "fork"),
            ("maintenancedir=/x\n", "maintenancedir"),
            ("virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n    checktype=ping\n", "ping"),
            ("virtual=192.0.2.1:80\n    bogus=1\n", "unknown directive"),
            ("virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\nvirtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n", "duplicate service"),
        ] {
            let e = p(t).unwrap_err();
            assert!(e.message.contains(want), "{t:?}: {e}");
        }
        let c = p("logfile=\"/var/log/x\"\nvirtual=10\n    real=10.0.0.1:0 gate\n").unwrap();
        assert_eq!(c.notes.len(), 1);
        assert!(matches!(
            c.services[0].key(),
            ServiceKey::Fwmark { mark: 10, .. }
        ));
    }
}
