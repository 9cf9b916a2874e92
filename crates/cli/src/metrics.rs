//! `rvsadm metrics`: the IPVS families (crate `rvsadm-metrics`) printed
//! once, for node_exporter's textfile collector or a cron job, without
//! rvsadmd (an extension; ipvsadm has no such command).
//!
//! Exit status: 0 printed; 1 the table could not be read; 2 bad command
//! line.

use clap::{Arg, ArgAction, Command};
use rvsadm_metrics::{encode, Format, IpvsFamilies, Registry};
use std::io::Write;

const ABOUT: &str = "print the IPVS table's Prometheus metrics once";

const AFTER: &str = "\
Reads every service and destination of the IPVS table (in the current
network namespace) with its counters and prints them in the Prometheus
text format (0.0.4), or OpenMetrics with --openmetrics: the kernel's
counters as they are, its rate estimates, connections and weights
(the families are listed in rvsadm(8), METRICS). For node_exporter's
textfile collector, write to a temporary file and rename it into the
collector's directory.

Exit status: 0 printed; 1 the table could not be read; 2 bad command line.";

/// The command's model: parser, help and completions.
pub fn command() -> Command {
    Command::new("metrics")
        .bin_name("rvsadm metrics")
        .about(ABOUT)
        .after_help(AFTER)
        .disable_version_flag(true)
        .arg(
            Arg::new("openmetrics")
                .long("openmetrics")
                .action(ArgAction::SetTrue)
                .help("print OpenMetrics text instead of the Prometheus text format"),
        )
}

/// Run `rvsadm metrics` with `argv` (the words after `metrics`).
pub fn main(argv: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let words = std::iter::once("rvsadm metrics".to_string()).chain(argv.iter().cloned());
    let format = match command().try_get_matches_from(words) {
        Ok(m) if m.get_flag("openmetrics") => Format::OpenMetrics,
        Ok(_) => Format::Prometheus,
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => {
            let _ = write!(out, "{}", command().render_help());
            return 0;
        }
        Err(e) => {
            let _ = write!(err, "{}", e.render());
            return 2;
        }
    };
    let services = match rvsadm::Ipvs::connect().and_then(|ipvs| {
        ipvs.set_timeout(crate::REPLY_TIMEOUT);
        ipvs.services_with_destinations()
    }) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "rvsadm metrics: {e} ({})", e.code());
            return 1;
        }
    };
    let mut registry = Registry::default();
    registry.register_collector(Box::new(IpvsFamilies::new(&services)));
    match encode(&registry, format) {
        Ok(text) => match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => 0,
            Err(e) => {
                let _ = writeln!(err, "rvsadm metrics: cannot write: {e}");
                1
            }
        },
        Err(e) => {
            let _ = writeln!(err, "rvsadm metrics: {e} ({})", e.code());
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> (i32, String, String) {
        let argv: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let rc = main(&argv, &mut out, &mut err);
        let s = |b: Vec<u8>| String::from_utf8(b).unwrap();
        (rc, s(out), s(err))
    }

    #[test]
    fn help_and_bad_words() {
        let (rc, out, _) = run(&["--help"]);
        assert_eq!(rc, 0);
        assert!(out.contains("--openmetrics"), "{out}");
        assert!(out.contains("Usage: rvsadm metrics"), "{out}");
        let (rc, _, err) = run(&["--bogus"]);
        assert_eq!(rc, 2);
        assert!(err.contains("--bogus"), "{err}");
    }
}
