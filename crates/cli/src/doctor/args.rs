//! `rvsadm doctor`'s command line (clap): its parser, its `--help`, and
//! the model shell completions are made from.

use clap::{Arg, ArgAction, Command, ValueHint};

/// What `rvsadm doctor` was asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DoctorArgs {
    /// JSON instead of text.
    pub json: bool,
    /// Indented JSON.
    pub pretty: bool,
    /// A desired state to judge with the table (`-S --json` or rules).
    pub desired: Option<String>,
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
checked (no privilege, no file) is said.

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
}

/// Parse the words after `doctor`.
pub(super) fn parse(argv: &[String]) -> Result<Parsed, String> {
    let words = std::iter::once("rvsadm doctor".to_string()).chain(argv.iter().cloned());
    let m = match command().try_get_matches_from(words) {
        Ok(m) => m,
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => {
            return Ok(Parsed::Help(command().render_help().to_string()))
        }
        Err(e) => return Err(first_line(&e.to_string())),
    };
    let pretty = m.get_flag("pretty");
    Ok(Parsed::Run(DoctorArgs {
        json: m.get_flag("json") || pretty,
        pretty,
        desired: m.get_one::<String>("desired").cloned(),
    }))
}

/// clap's message without its `error: ` prefix and usage lines.
fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or_default();
    line.strip_prefix("error: ").unwrap_or(line).to_string()
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
}
