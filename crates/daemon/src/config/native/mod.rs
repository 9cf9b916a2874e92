//! The native configuration, `rvsadmd.toml`.
//!
//! Services and destinations have the fields of the desired-state document
//! of `rvsadm apply` (`rvsadm -S --json`), with the family taken from the
//! address; each may add a `check`, a service `on_failure`, `manual`,
//! `fallback`, `quorum`, `hysteresis`, `quorum_up` and `quorum_down`, a
//! destination `notify_up` and `notify_down`. A `check` table is merged field by field: `[defaults]`,
//! then the service's, then the destination's. A destination may give
//! `checks = [ {...}, ... ]` instead (each merged the same way; all must
//! pass; `[]`: none, always up).
//!
//! ```toml
//! [daemon]
//! state_file = "/var/lib/rvsadmd/state.json"
//! control_socket = "/run/rvsadmd.sock"
//! on_stop = "keep"                 # or "remove"
//! max_checks_in_flight_per_address = 4
//! metrics_listen = "127.0.0.1:9310"  # /metrics over HTTP (off when left out)
//!
//! [defaults]
//! check = { type = "tcp", interval = "2s", timeout = "1s", rise = 2, fall = 3 }
//!
//! [[services]]
//! protocol = "tcp"
//! address = "192.0.2.10"
//! port = 80
//! scheduler = "wlc"
//! check = { type = "http", path = "/health", status = ["200-299"], expect = "OK" }
//! fallback = { address = "127.0.0.1", port = 80, forward = "masq" }
//!
//! [[services.destinations]]
//! address = "10.0.0.1"
//! port = 80
//! forward = "masq"
//! weight = 10
//! ```

mod agent;
mod check;
#[cfg(test)]
mod check_tests;
mod doc;
mod hooks;
mod kinds;
mod lines;
mod scripts;
mod service;
mod weights;
mod write;

pub use write::{not_written, service_to_toml, to_toml};

use super::validate::{check_whole, Patterns};
use super::{
    Config, ConfigError, Format, OnChange, OnStop, DEFAULT_MAX_CHECKS_IN_FLIGHT_PER_ADDRESS,
};
use doc::{FileDoc, OnStopDoc};
use lines::Lines;
use service::{virtual_of, Source};
use std::path::Path;

/// Read `rvsadmd.toml` from its text; `file` names it in errors.
///
/// ```
/// use rvsadmd::config::native::parse;
/// let cfg = parse(std::path::Path::new("x.toml"), r#"
/// [[services]]
/// protocol = "tcp"
/// address = "192.0.2.10"
/// port = 80
/// [[services.destinations]]
/// address = "10.0.0.1"
/// port = 80
/// "#).unwrap();
/// assert_eq!(cfg.services[0].reals.len(), 1);
/// assert!(parse(std::path::Path::new("x.toml"), "[[services]]\nport = 80\n").is_err());
/// ```
pub fn parse(file: &Path, text: &str) -> Result<Config, ConfigError> {
    let lines = Lines::new(text);
    let doc: FileDoc = toml::from_str(text).map_err(|e| {
        ConfigError::new(
            file,
            e.span().map_or(0, |s| lines.of(s.start)),
            e.message().trim_end().to_string(),
        )
    })?;
    let from = Source {
        file,
        lines: &lines,
        defaults: &doc.defaults,
    };
    let mut patterns = Patterns::default();
    let services = doc
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| virtual_of(&from, i, s, &mut patterns))
        .collect::<Result<Vec<_>, _>>()?;
    let max_checks_in_flight_per_address = match &doc.daemon.max_checks_in_flight_per_address {
        None => DEFAULT_MAX_CHECKS_IN_FLIGHT_PER_ADDRESS,
        Some(n) => u32::try_from(*n.get_ref())
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                ConfigError::new(
                    file,
                    lines.of(n.span().start),
                    format!(
                        "max_checks_in_flight_per_address = {}: must be a whole number from 1 to {} \
                         (the checks in flight at once to one real-server address)",
                        n.get_ref(),
                        u32::MAX
                    ),
                )
            })?,
    };
    let notify_fifo = hooks::notify_fifo_of(&doc.daemon, file)?;
    let timeouts = doc
        .daemon
        .timeouts
        .map(|t| timeouts(&t, file, &lines))
        .transpose()?;
    let sync_daemon = doc
        .daemon
        .sync_daemon
        .map(|d| sync_daemon(&d, file, &lines))
        .transpose()?;
    let cfg = Config {
        services,
        on_stop: match doc.daemon.on_stop {
            Some(OnStopDoc::Remove) => OnStop::Remove,
            Some(OnStopDoc::Flush) => OnStop::Flush,
            _ => OnStop::Keep,
        },
        state_file: doc.daemon.state_file.map(Into::into),
        control_socket: doc.daemon.control_socket.map(Into::into),
        metrics_listen: doc
            .daemon
            .metrics_listen
            .as_ref()
            .map(|a| metrics_listen(a, file, &lines))
            .transpose()?,
        max_checks_in_flight_per_address,
        flush_at_start: doc.daemon.flush_at_start,
        timeouts,
        sync_daemon,
        on_change: doc
            .daemon
            .reload_on_change
            .as_ref()
            .map(|d| reload_on_change(d, file, &lines))
            .transpose()?,
        hooks: hooks::hooks_of(&doc.hooks, file, &lines)?,
        notify_fifo,
        vip_check_marks: doc
            .daemon
            .vip_check_marks
            .as_ref()
            .map(|m| vip_check_marks(m, file, &lines))
            .transpose()?
            .unwrap_or(super::via_vip::DEFAULT_VIP_CHECK_MARKS),
        vip_check_ports: doc
            .daemon
            .vip_check_ports
            .as_ref()
            .map(|m| vip_check_ports(m, file, &lines))
            .transpose()?
            .unwrap_or(super::via_vip::DEFAULT_VIP_CHECK_PORTS),
        format: Format::Native,
        notes: Vec::new(),
    };
    check_whole(&cfg)?;
    Ok(cfg)
}

/// `metrics_listen = "ADDR:PORT"`: where `/metrics` is served.
fn metrics_listen(
    a: &toml::Spanned<String>,
    file: &Path,
    lines: &Lines,
) -> Result<std::net::SocketAddr, ConfigError> {
    a.get_ref().parse().map_err(|_| {
        ConfigError::new(
            file,
            lines.of(a.span().start),
            format!(
                "metrics_listen: `{}` is not an address and port (127.0.0.1:9310, [::1]:9310)",
                a.get_ref()
            ),
        )
    })
}

/// `vip_check_marks = "VALUE/BITS"`: the marks of the fwmark services
/// of checks through the VIP.
fn vip_check_marks(
    m: &toml::Spanned<String>,
    file: &Path,
    lines: &Lines,
) -> Result<super::via_vip::MarkRange, ConfigError> {
    super::via_vip::MarkRange::parse(m.get_ref()).map_err(|e| {
        ConfigError::new(
            file,
            lines.of(m.span().start),
            format!("vip_check_marks: {e}"),
        )
    })
}

/// `vip_check_ports = "LOW-HIGH"`: the source ports of checks through
/// the VIP.
fn vip_check_ports(
    m: &toml::Spanned<String>,
    file: &Path,
    lines: &Lines,
) -> Result<super::via_vip::PortRange, ConfigError> {
    super::via_vip::PortRange::parse(m.get_ref()).map_err(|e| {
        ConfigError::new(
            file,
            lines.of(m.span().start),
            format!("vip_check_ports: {e}"),
        )
    })
}

/// `reload_on_change = DURATION`: the file looked at this often (at
/// least 1 s), reloaded when its content changed.
fn reload_on_change(
    d: &toml::Spanned<doc::DurationDoc>,
    file: &Path,
    lines: &Lines,
) -> Result<OnChange, ConfigError> {
    let bad = |m: String| ConfigError::new(file, lines.of(d.span().start), m);
    let every = check::duration_of(d.get_ref(), "reload_on_change").map_err(bad)?;
    if every < std::time::Duration::from_secs(1) {
        return Err(bad(
            "reload_on_change: give 1s or more (how often the file is looked at)".into(),
        ));
    }
    Ok(OnChange {
        callback: None,
        reload: true,
        file: file.to_path_buf(),
        every,
    })
}

/// `timeouts`: each in seconds, 0 (or left out) for "as before rvsadmd".
fn timeouts(
    t: &toml::Spanned<doc::TimeoutsDoc>,
    file: &Path,
    lines: &Lines,
) -> Result<rvsadm::model::Timeouts, ConfigError> {
    let line = lines.of(t.span().start);
    let secs = |name: &str, v: Option<i64>| {
        let v = v.unwrap_or(0);
        u32::try_from(v)
            .ok()
            .filter(|s| *s <= super::MAX_TIMEOUT_SECS)
            .ok_or_else(|| {
                ConfigError::new(
                    file,
                    line,
                    format!(
                        "timeouts: {name} = {v}: must be a whole number of seconds from 0 to {} (0: the kernel's value as rvsadmd found it)",
                        super::MAX_TIMEOUT_SECS
                    ),
                )
            })
    };
    let d = t.get_ref();
    Ok(rvsadm::model::Timeouts {
        tcp: secs("tcp", d.tcp)?,
        tcp_fin: secs("tcp_fin", d.tcp_fin)?,
        udp: secs("udp", d.udp)?,
    })
}

/// `sync_daemon`: an interface the kernel takes, each number in its range.
fn sync_daemon(
    d: &toml::Spanned<doc::SyncDaemonDoc>,
    file: &Path,
    lines: &Lines,
) -> Result<rvsadm::model::Daemon, ConfigError> {
    let line = lines.of(d.span().start);
    let err = |m: String| ConfigError::new(file, line, format!("sync_daemon: {m}"));
    let num = |name: &str, v: Option<i64>, min: i64, max: i64| match v {
        Some(n) if !(min..=max).contains(&n) => {
            Err(err(format!("{name} = {n}: give {min} to {max}")))
        }
        _ => Ok(v),
    };
    let s = d.get_ref();
    if s.interface.is_empty() || s.interface.len() > super::MAX_INTERFACE_LEN {
        return Err(err(format!(
            "interface `{}`: give an interface name of 1 to {} bytes",
            s.interface,
            super::MAX_INTERFACE_LEN
        )));
    }
    if s.group.is_some_and(|g| !g.is_multicast()) {
        return Err(err("group: give a multicast address".into()));
    }
    let mut out = rvsadm::model::Daemon::new(rvsadm::model::DaemonState::Master, &s.interface);
    out.sync_id = num("sync_id", s.sync_id, 0, 255)?.unwrap_or(0) as u32;
    out.sync_maxlen =
        num("maxlen", s.maxlen, 1, i64::from(super::MAX_SYNC_MAXLEN))?.map(|n| n as u16);
    out.mcast_port = num("port", s.port, 1, 65535)?.map(|n| n as u16);
    out.mcast_ttl = num("ttl", s.ttl, 1, 255)?.map(|n| n as u8);
    out.mcast_group = s.group;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Manual, OnFailure, Probe};

    fn p(text: &str) -> Result<Config, ConfigError> {
        parse(Path::new("t.toml"), text)
    }

    const BASE: &str = r#"
[defaults]
check = { interval = "2s", timeout = 1, fall = 3 }

[[services]]
protocol = "tcp"
address = "192.0.2.10"
port = 80
check = { type = "http", path = "/h", status = [200, "300-302"], expect = "OK" }

[[services.destinations]]
address = "10.0.0.1"
port = 80
forward = "masq"
weight = 10

[[services.destinations]]
address = "10.0.0.2"
port = 80
check = { type = "tcp", port = 81, path = "/x" }
"#;

    #[test]
    fn checks_merge_defaults_service_and_destination() {
        let e = p(BASE).unwrap_err();
        assert_eq!(e.at.line, 17, "{e}"); // the destination's table
        assert!(
            e.message.contains("`path` does not apply to a tcp check"),
            "{e}"
        );
        let cfg = p(&BASE.replace(", path = \"/x\"", "")).unwrap();
        let v = &cfg.services[0];
        assert_eq!(v.reals[0].dest.config.weight.get(), 10);
        let Probe::Http(h) = &v.reals[0].checks[0].probe else {
            panic!("{:?}", v.reals[0].checks[0])
        };
        assert_eq!(h.urls[0].status, vec![(200, 200), (300, 302)]);
        assert_eq!(h.urls[0].path, "/h");
        assert_eq!(v.reals[0].checks[0].fall, 3);
        assert_eq!(v.reals[0].checks[0].interval.as_secs(), 2);
        assert_eq!(
            v.reals[1].checks[0].probe,
            Probe::Tcp {
                target: "10.0.0.2:81".parse().unwrap(),
                close: crate::config::TcpClose::Reset,
            }
        );
        assert_eq!(v.manual, Manual::Adopt);
        assert_eq!(v.on_failure, OnFailure::Quiesce);
    }

    #[test]
    fn mistakes_name_their_line() {
        let e = p(
            "[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\nweigth = 3\n",
        )
        .unwrap_err();
        assert_eq!(e.at.line, 5, "{e}");
        assert!(e.message.contains("weigth"), "{e}");
        let e = p("[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\n[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\n").unwrap_err();
        assert_eq!(e.at.line, 5, "{e}");
        assert!(e.message.contains("duplicate service"), "{e}");
        let e = p("[[services]]\nfwmark = 0\n").unwrap_err();
        assert!(e.message.contains("fwmark"), "{e}");
        let e = p("[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\ncheck = { type = \"pigeon\" }\n[[services.destinations]]\naddress = \"10.0.0.1\"\nport = 80\n").unwrap_err();
        assert!(e.message.contains("unknown check type `pigeon`"), "{e}");
        assert_eq!(e.at.line, 6);
    }

    const TWO: &str = r#"
[[services]]
protocol = "tcp"
address = "192.0.2.10"
port = 80
check = { interval = "2s", fall = 3 }

[[services.destinations]]
address = "10.0.0.1"
port = 80
checks = [
    { type = "tcp", port = 81 },
    { type = "http", path = "/h", rise = 2 },
]

[[services.destinations]]
address = "10.0.0.2"
port = 80
checks = []

[[services.destinations]]
address = "10.0.0.3"
port = 80
"#;

    #[test]
    fn a_destination_may_have_several_checks_each_over_the_service_check() {
        let cfg = p(TWO).unwrap();
        let r = &cfg.services[0].reals;
        let [tcp, http] = &r[0].checks[..] else {
            panic!("{:?}", r[0].checks)
        };
        assert_eq!(
            tcp.probe,
            Probe::Tcp {
                target: "10.0.0.1:81".parse().unwrap(),
                close: crate::config::TcpClose::Reset,
            }
        );
        let Probe::Http(h) = &http.probe else {
            panic!("{http:?}")
        };
        assert_eq!((h.target.port(), h.urls[0].path.as_str()), (80, "/h"));
        assert_eq!((tcp.rise, http.rise), (1, 2));
        assert_eq!((tcp.fall, http.fall), (3, 3), "the service's timing");
        assert_eq!(tcp.interval.as_secs(), 2);
        assert!(r[1].checks.is_empty(), "`checks = []`: always up");
        assert_eq!(r[2].checks.len(), 1, "no key: the service's check");
    }

    #[test]
    fn check_and_checks_on_one_destination_is_an_error_naming_its_line() {
        let both = TWO.replace("checks = []", "check = { type = \"tcp\" }\nchecks = []");
        let e = p(&both).unwrap_err();
        assert_eq!(e.to_string().split(": ").next(), Some("t.toml:16"), "{e}");
        assert!(
            e.message
                .contains("`check` (one) or `checks` (a list), not both"),
            "{e}"
        );
        // A bad entry names its own line.
        let e = p(&TWO.replace("rise = 2", "rise = 0")).unwrap_err();
        assert_eq!(e.at.line, 13, "{e}");
        assert!(e.message.contains("destinations[0].checks[1]: rise"), "{e}");
        // `none` is never run: alone only.
        let e = p(&TWO.replace("type = \"tcp\", port = 81", "type = \"none\"")).unwrap_err();
        assert_eq!(e.at.line, 12, "{e}");
        assert!(e.message.contains("give it alone"), "{e}");
    }

    #[test]
    fn checks_in_flight_per_address_default_set_and_refused() {
        use crate::config::DEFAULT_MAX_CHECKS_IN_FLIGHT_PER_ADDRESS as DEFAULT;
        assert_eq!(p("").unwrap().max_checks_in_flight_per_address, DEFAULT);
        let cfg = p("[daemon]\nmax_checks_in_flight_per_address = 16\n").unwrap();
        assert_eq!(cfg.max_checks_in_flight_per_address, 16);
        let back = parse(Path::new("t.toml"), &crate::config::native::to_toml(&cfg)).unwrap();
        assert_eq!(back.max_checks_in_flight_per_address, 16);
        for bad in ["0", "-1", "4294967296"] {
            let e = p(&format!(
                "[daemon]\non_stop = \"keep\"\nmax_checks_in_flight_per_address = {bad}\n"
            ))
            .unwrap_err();
            assert_eq!(e.at.line, 3, "{e}");
            assert!(e.message.contains("from 1 to 4294967295"), "{e}");
        }
    }

    #[test]
    fn flush_timeouts_and_on_stop_flush_read_and_write_back() {
        let c = p("").unwrap();
        assert_eq!(
            (c.flush_at_start, c.timeouts, c.on_stop),
            (false, None, OnStop::Keep)
        );
        let text = "[daemon]\non_stop = \"flush\"\nflush_at_start = true\ntimeouts = { tcp = 60, udp = 30 }\n";
        let c = p(text).unwrap();
        let want = rvsadm::model::Timeouts {
            tcp: 60,
            tcp_fin: 0,
            udp: 30,
        };
        assert_eq!(
            (c.flush_at_start, c.timeouts, c.on_stop),
            (true, Some(want), OnStop::Flush)
        );
        let back = parse(Path::new("t.toml"), &crate::config::native::to_toml(&c)).unwrap();
        assert_eq!(
            (back.flush_at_start, back.timeouts, back.on_stop),
            (true, Some(want), OnStop::Flush)
        );
        for bad in ["tcp = -1", "udp = 2678401", "tcpfin = 3"] {
            let e = p(&format!("[daemon]\ntimeouts = {{ {bad} }}\n")).unwrap_err();
            assert_eq!(e.at.line, 2, "{bad}: {e}");
        }
    }

    #[test]
    fn a_sync_daemon_reads_writes_back_and_names_its_line() {
        let text = "[daemon]\nsync_daemon = { interface = \"eth1\", sync_id = 7, ttl = 2, group = \"239.1.1.1\" }\n";
        let c = p(text).unwrap();
        let d = c.sync_daemon.clone().unwrap();
        assert_eq!(
            (d.mcast_ifn.as_str(), d.sync_id, d.mcast_ttl, d.sync_maxlen),
            ("eth1", 7, Some(2), None)
        );
        let back = parse(Path::new("t.toml"), &crate::config::native::to_toml(&c)).unwrap();
        assert_eq!(back.sync_daemon, c.sync_daemon);
        for bad in [
            "interface = \"\"",
            "interface = \"eth1\", sync_id = 256",
            "interface = \"eth1\", group = \"10.0.0.1\"",
            "interface = \"eth1\", port = 0",
        ] {
            let e = p(&format!("[daemon]\nsync_daemon = {{ {bad} }}\n")).unwrap_err();
            assert_eq!(e.at.line, 2, "{bad}: {e}");
            assert!(e.message.starts_with("sync_daemon: "), "{bad}: {e}");
        }
    }

    #[test]
    fn a_fallback_among_the_destinations_is_refused() {
        let t = "[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\nfallback = { address = \"10.0.0.1\", port = 80 }\n[[services.destinations]]\naddress = \"10.0.0.1\"\nport = 80\n";
        let e = p(t).unwrap_err();
        assert!(e.message.contains("fallback 10.0.0.1:80"), "{e}");
        assert!(e.message.contains("duplicate destination"), "{e}");
    }
}

#[cfg(test)]
mod example {
    #[test]
    fn the_example_configuration_reads() {
        let text = include_str!("../../../../../contrib/rvsadmd.toml");
        let cfg = super::parse(std::path::Path::new("contrib/rvsadmd.toml"), text)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cfg.services.len(), 2);
        assert!(cfg.services[0].fallback.is_some());
        assert_eq!(cfg.hooks.len(), 1);
    }
}
