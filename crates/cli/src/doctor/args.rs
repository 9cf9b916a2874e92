//! `rvsadm doctor`'s command line (clap): its parser, its `--help`, and
//! the model shell completions are made from.

use clap::{value_parser, Arg, ArgAction, Command, ValueHint};
use rvsadm_doctor::facts::Method;
use std::net::IpAddr;
use std::time::Duration;

/// What `rvsadm doctor` was asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DoctorArgs {
    /// JSON instead of text.
    pub json: bool,
    /// Indented JSON.
    pub pretty: bool,
    /// A desired state to judge with the table (`-S --json` or rules).
    pub desired: Option<String>,
    /// Judge this host as a real server instead of a director.
    pub real_server: Option<RealServerArgs>,
    /// Watch the table this long (`--live`).
    pub live: Option<Duration>,
}

/// `--real-server` and its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealServerArgs {
    /// The VIPs this host serves.
    pub vips: Vec<IpAddr>,
    /// How the director forwards to it.
    pub method: Method,
    /// The director's address on this host's network.
    pub director: Option<IpAddr>,
    /// Print the setup commands instead of judging.
    pub print_setup: bool,
}

/// A parse: run, or print help.
pub(super) enum Parsed {
    Run(DoctorArgs),
    Help(String),
}

const ABOUT: &str = "find out why an LVS does not work";

const AFTER: &str = "\
Reads this host's IPVS table, sysctls, kernel modules and configuration,
addresses and routes (in the current network namespace) and reports what
stops traffic: each finding has a stable code (docs/doctor.md), a
severity, the evidence read, its meaning and the fix. What could not be
checked (no privilege, no file) is said. With --real-server, judges this
host as a real server of the VIPs instead: the VIP on lo (DR) or the
tunnel device (TUN), ARP for the VIP, rp_filter on the tunnel, the way
back through the director (NAT).

Exit status: 0 nothing found; 1 warnings, or something not checked;
2 errors; 3 bad command line or --desired file.";

/// The command's model: parser, help and completions.
pub fn command() -> Command {
    Command::new("doctor")
        .bin_name("rvsadm doctor")
        .about(ABOUT)
        .after_help(AFTER)
        .disable_version_flag(true)
        .arg(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .help("print the report as JSON (docs/schema/doctor.schema.json)"),
        )
        .arg(
            Arg::new("pretty")
                .long("pretty")
                .action(ArgAction::SetTrue)
                .help("indented JSON (implies --json)"),
        )
        .arg(
            Arg::new("desired")
                .long("desired")
                .value_name("FILE")
                .value_hint(ValueHint::FilePath)
                .help("also judge the services of FILE (what `rvsadm apply` takes; - reads standard input): modules, routes, addresses"),
        )
        .arg(
            Arg::new("live")
                .long("live")
                .value_name("DURATION")
                .value_parser(parse_duration)
                .conflicts_with("real-server")
                .help("also watch the table this long (10s, 2m; a plain number is seconds): connections stuck in SYN_RECV, replies that bypass a NAT director, real servers that do not answer"),
        )
        .arg(
            Arg::new("real-server")
                .long("real-server")
                .action(ArgAction::SetTrue)
                .requires("vip")
                .conflicts_with("desired")
                .help("judge this host as a real server of --vip, not as a director"),
        )
        .arg(
            Arg::new("vip")
                .long("vip")
                .value_name("ADDR")
                .action(ArgAction::Append)
                .value_parser(value_parser!(IpAddr))
                .requires("real-server")
                .help("a virtual address this real server serves (repeat for more)"),
        )
        .arg(
            Arg::new("method")
                .long("method")
                .value_name("METHOD")
                .value_parser(["dr", "tun", "nat"])
                .default_value("dr")
                .help("how the director forwards to this real server"),
        )
        .arg(
            Arg::new("director")
                .long("director")
                .value_name("ADDR")
                .value_parser(value_parser!(IpAddr))
                .requires("real-server")
                .help("the director's address on this host's network (NAT: the default gateway it must be)"),
        )
        .arg(
            Arg::new("print-setup")
                .long("print-setup")
                .action(ArgAction::SetTrue)
                .requires("real-server")
                .help("print the commands that set this host up for --method, judge nothing"),
        )
}

/// Parse the words after `doctor`.
pub(super) fn parse(argv: &[String]) -> Result<Parsed, String> {
    let words = std::iter::once("rvsadm doctor".to_string()).chain(argv.iter().cloned());
    let m = match command().try_get_matches_from(words) {
        Ok(m) => m,
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => {
            return Ok(Parsed::Help(command().render_help().to_string()))
        }
        Err(e) => return Err(crate::clap_message::first_line(&e.to_string())),
    };
    let pretty = m.get_flag("pretty");
    let real_server = m.get_flag("real-server").then(|| RealServerArgs {
        vips: m
            .get_many::<IpAddr>("vip")
            .into_iter()
            .flatten()
            .copied()
            .collect(),
        method: m
            .get_one::<String>("method")
            .and_then(|s| Method::from_name(s))
            .unwrap_or(Method::Dr),
        director: m.get_one::<IpAddr>("director").copied(),
        print_setup: m.get_flag("print-setup"),
    });
    Ok(Parsed::Run(DoctorArgs {
        json: m.get_flag("json") || pretty,
        pretty,
        desired: m.get_one::<String>("desired").cloned(),
        real_server,
        live: m.get_one::<Duration>("live").copied(),
    }))
}

/// `10s`, `2m`, `1.5s`, `30` (seconds): more than 0, at most an hour.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let (num, unit) = match s.strip_suffix('m') {
        Some(n) => (n, 60.0),
        None => (s.strip_suffix('s').unwrap_or(s), 1.0),
    };
    let secs = num
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
        .map(|v| v * unit)
        .filter(|v| *v <= 3600.0)
        .ok_or_else(|| format!("`{s}` is not a duration from 0 to 1 hour (10s, 2m, 30)"))?;
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(words: &[&str]) -> Result<DoctorArgs, String> {
        match parse(&words.iter().map(|w| w.to_string()).collect::<Vec<_>>())? {
            Parsed::Run(a) => Ok(a),
            Parsed::Help(_) => Err("help".into()),
        }
    }

    #[test]
    fn flags_parse_and_unknown_ones_are_named() {
        assert_eq!(p(&[]).unwrap(), DoctorArgs::default());
        let a = p(&["--pretty", "--desired", "x.json"]).unwrap();
        assert!(a.json && a.pretty);
        assert_eq!(a.desired.as_deref(), Some("x.json"));
        let e = p(&["--frobnicate"]).unwrap_err();
        assert!(e.contains("--frobnicate"), "{e}");
        assert_eq!(p(&["--help"]).unwrap_err(), "help");
    }

    #[test]
    fn live_durations() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        for bad in ["", "0", "-1s", "2h", "61m", "NaN", "x"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(
            p(&["--live", "5s"]).unwrap().live,
            Some(Duration::from_secs(5))
        );
        assert!(p(&["--live", "soon"]).unwrap_err().contains("soon"));
    }

    #[test]
    fn real_server_options_need_each_other() {
        let a = p(&[
            "--real-server",
            "--vip",
            "192.0.2.10",
            "--vip",
            "2001:db8::10",
            "--method",
            "tun",
        ])
        .unwrap();
        let rs = a.real_server.unwrap();
        assert_eq!(rs.vips.len(), 2);
        assert_eq!(rs.method, Method::Tun);
        assert!(p(&["--real-server"]).unwrap_err().contains("--vip"));
        assert!(p(&["--vip", "192.0.2.10"])
            .unwrap_err()
            .contains("--real-server"));
        assert!(p(&["--real-server", "--vip", "x"])
            .unwrap_err()
            .contains("'x'"));
        assert!(
            p(&["--real-server", "--vip", "192.0.2.10", "--method", "gre"])
                .unwrap_err()
                .contains("gre")
        );
        assert!(p(&["--real-server", "--vip", "192.0.2.10", "--desired", "f"]).is_err());
    }
}
