//! `rvsadm top`'s command line (clap): its parser, its `--help`, and the
//! model shell completions are made from.

use clap::{value_parser, Arg, Command, ValueHint};
use std::path::PathBuf;
use std::time::Duration;

/// What `rvsadm top` was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopArgs {
    /// Time between refreshes.
    pub interval: Duration,
    /// Stop after this many refreshes (text mode: frames printed; default 1).
    pub iterations: Option<u64>,
    /// rvsadmd's control socket.
    pub socket: PathBuf,
}

/// A parse: run, or print help.
pub(super) enum Parsed {
    Run(TopArgs),
    Help(String),
}

const ABOUT: &str = "a live view of the table: connections, rates, weights, health";

const AFTER: &str = "\
Shows every service and its destinations with their active and inactive
connections, their rates (connections, packets and bytes per second: the
difference of the kernel's counters between two reads, over the time
between them) and weights, refreshed every --interval; with rvsadmd
running, each destination's health and admin state from its control
socket (without it, those columns say n/a).

Keys: q or Ctrl-C quit; p or space pause; / filter on the text of a
service or destination (enter keeps it, esc clears it); 1-9 sort by that
column, again to turn the order round, r to turn it round; up/down (j/k)
select a service, enter shows its detail with its rate history as charts,
esc goes back.

When standard output is not a terminal, prints --iterations tables (1 by
default) as plain text, each after one interval (rates need two reads),
and exits.

Exit status: 0 done; 1 the table could not be read (text mode) or the
terminal could not be used; 2 bad command line.";

/// The command's model: parser, help and completions.
pub fn command() -> Command {
    Command::new("top")
        .bin_name("rvsadm top")
        .about(ABOUT)
        .after_help(AFTER)
        .disable_version_flag(true)
        .arg(
            Arg::new("interval")
                .long("interval")
                .value_name("SECONDS")
                .value_parser(parse_interval)
                .help("time between refreshes, 0.1 to 3600 (default 1)"),
        )
        .arg(
            Arg::new("iterations")
                .long("iterations")
                .value_name("N")
                .value_parser(value_parser!(u64).range(1..))
                .help("stop after N refreshes (without a terminal: N tables printed; default 1)"),
        )
        .arg(
            Arg::new("socket")
                .long("socket")
                .value_name("PATH")
                .value_hint(ValueHint::FilePath)
                .help(format!(
                    "rvsadmd's control socket [default: {}]",
                    rvsadm_control::DEFAULT_SOCKET
                )),
        )
}

/// Parse the words after `top`.
pub(super) fn parse(argv: &[String]) -> Result<Parsed, String> {
    let words = std::iter::once("rvsadm top".to_string()).chain(argv.iter().cloned());
    let m = match command().try_get_matches_from(words) {
        Ok(m) => m,
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => {
            return Ok(Parsed::Help(command().render_help().to_string()))
        }
        Err(e) => return Err(crate::clap_message::first_line(&e.to_string())),
    };
    Ok(Parsed::Run(TopArgs {
        interval: m
            .get_one::<Duration>("interval")
            .copied()
            .unwrap_or(Duration::from_secs(1)),
        iterations: m.get_one::<u64>("iterations").copied(),
        socket: m
            .get_one::<String>("socket")
            .map_or_else(|| rvsadm_control::DEFAULT_SOCKET.into(), PathBuf::from),
    }))
}

/// Seconds, 0.1 to 3600.
fn parse_interval(s: &str) -> Result<Duration, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| (0.1..=3600.0).contains(v))
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("`{s}` is not a number of seconds from 0.1 to 3600"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(words: &[&str]) -> Result<TopArgs, String> {
        match parse(&words.iter().map(|w| w.to_string()).collect::<Vec<_>>())? {
            Parsed::Run(a) => Ok(a),
            Parsed::Help(_) => Err("help".into()),
        }
    }

    #[test]
    fn options_and_defaults() {
        let a = p(&[]).unwrap();
        assert_eq!(a.interval, Duration::from_secs(1));
        assert_eq!(a.iterations, None);
        assert_eq!(a.socket, PathBuf::from("/run/rvsadmd.sock"));
        let a = p(&[
            "--interval",
            "0.5",
            "--iterations",
            "3",
            "--socket",
            "/tmp/s",
        ])
        .unwrap();
        assert_eq!(a.interval, Duration::from_millis(500));
        assert_eq!(a.iterations, Some(3));
        assert_eq!(a.socket, PathBuf::from("/tmp/s"));
        for bad in [
            &["--interval", "0"][..],
            &["--interval", "x"],
            &["--iterations", "0"],
            &["--frob"],
        ] {
            assert!(p(bad).is_err(), "{bad:?}");
        }
        assert!(p(&["--interval", "NaN"]).unwrap_err().contains("NaN"));
        assert_eq!(p(&["--help"]).unwrap_err(), "help");
    }
}
