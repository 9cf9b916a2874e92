//! `ldirectord.cf`, read by ldirectord's own rules (Debian's ldirectord
//! 4.12), into the same model as `rvsadmd.toml`.
//!
//! What ldirectord does, and rvsadmd with this file:
//! - a line starting with `virtual=` / `virtual6=` opens a section; the
//!   lines after it indented by 4 or more spaces (a tab counts 4) belong
//!   to it, comment lines are skipped wherever they start, and the first
//!   other line (a blank one too) ends it (`lines`); each value is read by
//!   its directive's own rule, and what ldirectord refuses is refused with
//!   its message at its line (`syntax`, `global`, `real`, and [`parse`]'s
//!   checks when a section ends);
//! - reals name `gate`, `masq` or `ipip` (there is no default), weight 1
//!   unless given, `l:N`/`u:N` thresholds (searched for as ldirectord
//!   does, `real`), and may carry their own
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
//!   `cleanstop = yes` (stop deletes the service);
//! - a fallback has weight 1 and forwards by `gate` unless told; it is in
//!   the table exactly while no real of its service is up.
//!
//! What rvsadmd does not do is an error naming the line (`execute`);
//! what has no effect on the table (`logfile`, `emailalert` ...) is
//! listed in [`Config::notes`]. `cleanstop`, `fallbackcommand` and
//! `monitorfile` are each virtual's own, else the global one (not for
//! `monitorfile`); `autoreload` and `callback` watch the file.
//!
//! The reader's rooms: `lines` (which line belongs where), `syntax` (what
//! ldirectord refuses in a section's line), `global` (the global
//! directives), `section` (a virtual section: `service` its
//! identity and configuration, `real` its reals and fallback, `check` how
//! they are checked), `words` (the values' words).

mod check;
mod checktype;
mod global;
mod lines;
mod real;
mod section;
mod service;
mod syntax;
mod words;

use super::validate::{check_whole, Patterns};
use super::{Config, ConfigError, Format, OnStop, DEFAULT_MAX_CHECKS_IN_FLIGHT_PER_ADDRESS};
use global::Globals;
use lines::{Lexer, Line, Section};
use real::{reals_of, resolve_fallback};
use rvsadm::model::ServiceKey;
use section::virtual_of;
use service::{key_of, named, port_of, port_written, Named};
use std::collections::HashSet;
use std::path::Path;
use syntax::{check_item, Head};

/// The error of the two at the earlier line.
fn first(e: ConfigError, other: Option<ConfigError>) -> ConfigError {
    match other {
        Some(o) if o.at.line < e.at.line => o,
        _ => e,
    }
}

/// What ldirectord resolves when a section ends, in its order (its own
/// fallback, the virtual's address, the reals), and a virtual written
/// twice: refused at line `n`, the line that ended the section.
fn resolve(
    s: &Section,
    n: usize,
    file: &Path,
    seen: &mut HashSet<ServiceKey>,
) -> Result<(), ConfigError> {
    if let Some(i) = s.get("fallback").or(s.get("fallback6")) {
        let written = port_written(s);
        let proto = match &written {
            Some(p) => service::protocol_name(s, p),
            None => "fwm",
        };
        resolve_fallback(&i.value, s.v6, written.as_deref(), proto)
            .map_err(|m| ConfigError::new(file, i.line, m))?;
    }
    let key = key_of(s, file, &mut Vec::new());
    let key = key?;
    for i in s
        .items
        .iter()
        .filter(|i| i.key == "real" || i.key == "real6")
    {
        reals_of(i, s.v6, key, port_of(key)).map_err(|m| ConfigError::new(file, i.line, m))?;
    }
    if !seen.insert(key) {
        return Err(ConfigError::new(file, n, "duplicate virtual server".into()));
    }
    Ok(())
}

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
    let mut open: Option<(Section, Head)> = None;
    let mut seen = HashSet::new();
    for line in Lexer::new(file, text) {
        match line? {
            Line::Open(item) => {
                let v6 = item.key == "virtual6";
                let named =
                    named(&item.value, v6).map_err(|m| ConfigError::new(file, item.line, m))?;
                let fwmark = matches!(named, Named::Mark(_));
                open = Some((Section::opened_by(item), Head { v6, fwmark }));
            }
            Line::InSection(item) => {
                if let Some((s, head)) = open.as_mut() {
                    check_item(&item, *head).map_err(|m| ConfigError::new(file, item.line, m))?;
                    s.items.push(item);
                }
            }
            Line::Close(n) => {
                if let Some((s, _)) = open.take() {
                    resolve(&s, n, file, &mut seen)?;
                    sections.push(s);
                }
            }
            Line::Global(item) => g.take(&item, file, &mut notes)?,
        }
    }
    // ldirectord's rules passed: now what rvsadmd does not do, the
    // first in the file
    let mut patterns = Patterns::default();
    let mut services = Vec::with_capacity(sections.len());
    for s in &sections {
        match virtual_of(s, &g, file, &mut notes, &mut patterns) {
            Ok(v) => services.push(v),
            Err(e) => return Err(first(e, g.not_done)),
        }
    }
    if let Some(e) = g.not_done {
        return Err(e);
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
        metrics_listen: None,
        max_checks_in_flight_per_address: DEFAULT_MAX_CHECKS_IN_FLIGHT_PER_ADDRESS,
        flush_at_start: false,
        timeouts: None,
        sync_daemon: None,
        on_change: g.on_change(file),
        hooks: Vec::new(),
        notify_fifo: None,
        vip_check_marks: crate::config::via_vip::DEFAULT_VIP_CHECK_MARKS,
        vip_check_ports: crate::config::via_vip::DEFAULT_VIP_CHECK_PORTS,
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
        assert_eq!(e.message, "invalid address for real server (wrong format)");
        assert_eq!(e.at.line, 2);
        let e = p("virtual=192.0.2.1:80\n    real=10.0.0.1:80 tun\n").unwrap_err();
        assert_eq!(e.message, "forward method must be gate, masq or ipip");
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
            ("fork=maybe\n", "fork must be 'yes' or 'no'"),
            ("maintenancedir=\n", "maintenance directory not specified"),
            ("callback=/bin/x\n", "Unknown command"),
            (
                "virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n    checktype=pong\n",
                "a positive number",
            ),
            (
                "virtual=192.0.2.1:80\n    bogus=1\n",
                "Unknown command \"    bogus=1\"",
            ),
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

    #[test]
    fn fork_keeps_each_virtuals_own_checkinterval() {
        let t = |fork: &str| {
            format!("checkinterval=7\nfork={fork}\nvirtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n    checkinterval=3\nvirtual=192.0.2.2:80\n    real=10.0.0.1:80 masq\n")
        };
        let secs = |c: &Config, i: usize| c.services[i].reals[0].checks[0].interval.as_secs();
        let c = p(&t("yes")).unwrap();
        assert_eq!((secs(&c, 0), secs(&c, 1)), (3, 7));
        assert!(c.notes.is_empty(), "{:?}", c.notes);
        let c = p(&t("no")).unwrap();
        assert_eq!((secs(&c, 0), secs(&c, 1)), (7, 7));
        assert!(
            c.notes[0].contains("ignored without fork = yes"),
            "{:?}",
            c.notes
        );
    }

    #[test]
    fn ping_combined_and_external_perl_checks() {
        let sec = |ct: &str, port: u16| {
            let c = p(&format!("checktimeout=4\nnegotiatetimeout=9\nvirtual=192.0.2.1:{port}\n    real=10.0.0.1:{port} masq\n    protocol=tcp\n    checktype={ct}\n    checkcommand=/x.pl\n")).unwrap();
            c.services[0].reals[0].checks[0].clone()
        };
        let ping = sec("ping", 80);
        assert_eq!(
            ping.probe,
            Probe::Ping {
                target: "10.0.0.1".parse().unwrap()
            }
        );
        assert_eq!(ping.timeout.as_secs(), 4);
        let two = sec("2", 80);
        let Probe::Combined(c) = &two.probe else {
            panic!("{two:?}")
        };
        assert_eq!(
            (
                c.connects,
                c.connect_timeout.as_secs(),
                two.timeout.as_secs()
            ),
            (2, 4, 9)
        );
        assert_eq!(c.connect, "10.0.0.1:80".parse().unwrap());
        assert!(matches!(*c.negotiate, Probe::Http(_)));
        // connect on a udp virtual is a ping, as in ldirectord
        let c = p("virtual=192.0.2.1:53\n    real=10.0.0.1:53 masq\n    protocol=udp\n    checktype=connect\n    checkcount=3\n").unwrap();
        assert!(
            c.notes[0].contains("checkcount: no effect"),
            "{:?}",
            c.notes
        );
        assert!(matches!(
            c.services[0].reals[0].checks[0].probe,
            Probe::Ping { .. }
        ));
        if checktype::perl_in(&std::env::var("PATH").unwrap_or_default()).is_some() {
            let Probe::Exec { argv, .. } = sec("external-perl", 80).probe else {
                panic!()
            };
            assert_eq!(argv[0], "perl");
            assert_eq!(&argv[1..], ["/x.pl", "192.0.2.1", "80", "10.0.0.1", "80"]);
        }
    }

    #[test]
    fn maintenancedir_and_callback_reach_the_checks_and_the_config() {
        let c = p("maintenancedir=/nonexistent/m\ncallback=\"/bin/cb -x\"\nfork=yes\nvirtual=192.0.2.1:80\n    real=10.0.0.1:8080 gate\n").unwrap();
        let m = c.services[0].reals[0].checks[0]
            .maintenance
            .clone()
            .unwrap();
        assert_eq!(
            (m.dir.to_str(), m.server.to_string(), m.port),
            (Some("/nonexistent/m"), "10.0.0.1".into(), 8080)
        );
        assert!(
            c.notes[0].contains("maintenance directory does not exist"),
            "{:?}",
            c.notes
        );
        let o = c.on_change.unwrap();
        assert_eq!(
            (o.callback, o.reload, o.file, o.every.as_secs()),
            (
                Some(vec!["/bin/cb".to_string(), "-x".into()]),
                false,
                Path::new("ld.cf").to_path_buf(),
                1
            )
        );
        let c = p("checkinterval=4\ncallback=\"/bin/cb\"\n").unwrap();
        assert_eq!(c.on_change.unwrap().every.as_secs(), 4);
    }

    /// The error of `t`: its line and message.
    fn refused(t: &str) -> (usize, String) {
        let e = p(t).unwrap_err();
        (e.at.line, e.message)
    }

    #[test]
    fn a_comment_line_in_the_first_column_keeps_the_section_open() {
        let c = p("virtual=192.0.2.1:80\n    real=10.0.0.1:80 gate\n#        real=10.0.0.3:80 gate\n    real=10.0.0.2:80 gate\n    service=none\n")
            .unwrap();
        assert_eq!(c.services[0].reals.len(), 2);
        assert!(matches!(c.services[0].reals[1].checks[0].probe, Probe::Up));
    }

    #[test]
    fn comments_after_global_values_are_refused_as_by_ldirectord() {
        assert_eq!(
            refused("autoreload = yes   # reload on change\n"),
            (1, "autoreload must be 'yes' or 'no'".into())
        );
        assert_eq!(
            refused("checktimeout=3\nfallback = 127.0.0.1:80  # sorry server\n"),
            (2, "forward method must be gate, masq or ipip".into())
        );
        // a number's comment is harmless: ldirectord reads the first digits
        p("checktimeout = 3 # seconds\n").unwrap();
        // in a section the comment is cut off, but the blanks before it stay
        assert_eq!(
            refused("virtual=192.0.2.1:80\n    real=10.0.0.1:80 gate\n    quiescent=no # x\n"),
            (3, "quiescent must be 'yes' or 'no'".into())
        );
        assert_eq!(
            refused("  checktimeout=3\n"),
            (1, "Unknown command   checktimeout=3".into())
        );
    }

    #[test]
    fn real_lines_and_services_as_ldirectord_reads_them() {
        let c =
            p("virtual=192.0.2.1:8080\n    real=10.0.0.1:8080 gate -w 1\n    checktype=connect\n")
                .unwrap();
        assert_eq!(c.services[0].reals[0].dest.config.weight.get(), 1);
        let (line, m) =
            refused("virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n    service=bogus\n");
        assert_eq!(line, 3);
        assert!(m.starts_with("service must be dns, ftp, http"), "{m}");
        // A mysql check's credentials are read (no longer refused).
        let c = p("virtual=192.0.2.1:3306\n    real=10.0.0.1:3306 gate\n    login=\"u\"\n    passwd=\"p\"\n    request=\"SELECT 1\"\n")
            .unwrap();
        assert_eq!(c.services.len(), 1);
    }

    #[test]
    fn external_perl_runs_the_script_by_perl() {
        let c = p("virtual=192.0.2.1:12201\n    real=10.0.0.2:12201 masq\n    protocol=udp\n    checkcommand=/usr/local/bin/check\n    checktype=external-perl\n").unwrap();
        let Probe::Exec { argv, .. } = &c.services[0].reals[0].checks[0].probe else {
            panic!()
        };
        assert_eq!(
            argv,
            &[
                "perl",
                "/usr/local/bin/check",
                "192.0.2.1",
                "12201",
                "10.0.0.2",
                "12201"
            ]
        );
    }

    #[test]
    fn ldirectords_refusal_comes_before_what_rvsadmd_does_not_do() {
        // execute (line 1) is rvsadmd's refusal, the bad timeout (line 2)
        // ldirectord's: a file ldirectord refuses is refused where it does
        assert_eq!(
            refused("execute=other.cf\nchecktimeout=x\n"),
            (2, "invalid check timeout value".into())
        );
        let (line, m) =
            refused("execute=other.cf\nvirtual=192.0.2.1:80\n    real=10.0.0.1:80 gate\n");
        assert_eq!(line, 1);
        assert!(m.starts_with("execute is not supported"), "{m}");
        // a real written twice: the first stays, as ldirectord's second add fails
        let c = p("virtual=192.0.2.1:80\n    real=10.0.0.1:80 gate 2\n    real=10.0.0.1:80 gate 5\n    service=none\n").unwrap();
        assert_eq!(c.services[0].reals.len(), 1);
        assert_eq!(c.services[0].reals[0].dest.config.weight.get(), 2);
        assert!(
            c.notes[0].contains("ld.cf:3: real 10.0.0.1:80"),
            "{:?}",
            c.notes
        );
        assert_eq!(
            refused("virtual=192.0.2.1:80\n    real=10.0.0.1:80 gate\n    monitorfile=/nonexistent-dir/m\n"),
            (3, "unable to open monitorfile /nonexistent-dir/m: No such file or directory".into())
        );
    }

    #[test]
    fn duplicates_are_refused_at_the_line_that_ended_the_section() {
        let t = "virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n\nvirtual=192.0.2.1:http\n    real=10.0.0.1:80 masq\n";
        assert_eq!(refused(t), (5, "duplicate virtual server".into()));
        let t = "virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\nvirtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n\n# end\n";
        assert_eq!(refused(t), (5, "duplicate virtual server".into()));
    }

    #[test]
    fn reader_level_keys() {
        let c = p("readdquiescent=yes\nvirtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n    scheduler=sh\n    schedflags=sh-port,sh-fallback\n    monitorfile=/dev/null\n    service=none\n").unwrap();
        let f = c.services[0].config.flags;
        assert!(
            f.contains(rvsadm::model::ServiceFlags::SCHED1 | rvsadm::model::ServiceFlags::SCHED2)
        );
        assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
        let (line, m) =
            refused("virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n    schedflags=mh-port\n");
        assert_eq!(line, 3);
        assert!(m.contains("mh-port"), "{m}");
        // virtuals with their own cleanstop: each its own, else the global
        let c = p(
            "virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n    cleanstop=no\n    service=none\nvirtual=192.0.2.1:81\n    real=10.0.0.1:81 masq\n",
        )
        .unwrap();
        assert_eq!(c.on_stop, OnStop::Remove);
        assert_eq!(
            (
                c.services[0].on_stop(c.on_stop),
                c.services[1].on_stop(c.on_stop)
            ),
            (OnStop::Keep, OnStop::Remove)
        );
        let c = p(
            "cleanstop=no\nvirtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n    cleanstop=yes\n    service=none\nvirtual=192.0.2.1:81\n    real=10.0.0.1:81 masq\n",
        )
        .unwrap();
        assert_eq!(
            (
                c.services[0].on_stop(c.on_stop),
                c.services[1].on_stop(c.on_stop)
            ),
            (OnStop::Remove, OnStop::Keep)
        );
        let c = p(
            "virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n    cleanstop=no\n    service=none\n",
        )
        .unwrap();
        assert_eq!(c.services[0].on_stop(c.on_stop), OnStop::Keep);
    }

    #[test]
    fn fallbackcommand_is_each_virtuals_else_the_global_one() {
        let c = p("fallbackcommand = \"/g.sh\" x\nvirtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n    fallbackcommand=\"/v.sh -q\"\n    service=none\nvirtual=7\n    real=10.0.0.1:0 gate\n").unwrap();
        assert_eq!(c.services[0].fallback_command.as_deref(), Some("/v.sh -q"));
        // the global value as written: the shell takes its quotes off
        assert_eq!(
            c.services[1].fallback_command.as_deref(),
            Some("\"/g.sh\" x")
        );
        assert_eq!(
            p("virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n")
                .unwrap()
                .services[0]
                .fallback_command,
            None
        );
        assert_eq!(
            refused("fallbackcommand=\n"),
            (1, "invalid fallback command".into())
        );
    }

    #[test]
    fn autoreload_watches_the_file_and_reloads() {
        let c = p("autoreload = yes\ncheckinterval = 3\n").unwrap();
        let o = c.on_change.unwrap();
        assert_eq!((o.reload, o.callback, o.every.as_secs()), (true, None, 3));
        assert!(c.notes.is_empty(), "{:?}", c.notes);
        assert_eq!(p("autoreload = no\n").unwrap().on_change, None);
    }

    #[test]
    fn monitorfile_names_each_real_by_ldirectords_id() {
        let f = std::env::temp_dir().join(format!("rvsadmd-ld-monitor-{}", std::process::id()));
        let t = format!("virtual=192.0.2.1:80\n    real=10.0.0.1:8080 masq 2\n    real=10.0.0.2:80 gate \"/a.html\", \"o:k\"\n    monitorfile=\"{}\"\n    checktype=connect\nvirtual=192.0.2.1:81\n    real=10.0.0.1:81 masq\n    request=\"h\"\n", f.display());
        let c = p(&t).unwrap();
        let v = &c.services[0];
        assert_eq!(v.monitor_file.as_deref(), Some(f.as_path()));
        let m = v.reals[0].monitor_as.clone().unwrap();
        assert_eq!(m.name, "connect tcp 10.0.0.1 8080 2 masq / ");
        assert_eq!((m.up, m.down, m.reason), (true, true, false));
        let m = v.reals[1].monitor_as.clone().unwrap();
        assert_eq!(m.name, "connect tcp 10.0.0.2 80 1 gate /a.html o k");
        assert_eq!(c.services[1].monitor_file, None);
        assert_eq!(c.services[1].reals[0].monitor_as, None);
        let c = p(&format!(
            "virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n    monitorfile={}\n",
            f.display()
        ))
        .unwrap();
        let m = c.services[0].reals[0].monitor_as.clone().unwrap();
        assert_eq!(m.name, "negotiate http tcp 10.0.0.1 80 1 masq / ");
        assert!(m.reason);
        let _ = std::fs::remove_file(&f);
    }
}
