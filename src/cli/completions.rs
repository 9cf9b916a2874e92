//! Shell completions (bash, zsh, fish), generated from the same
//! definitions the parser uses: the option table
//! ([`super::compat::args::OPTIONS`]) and the descriptions of the `-h`
//! text. `rvsadm --completions SHELL` prints the script; `--completions` is
//! an extension (ipvsadm rejects it).

use super::compat::args::{ArgKind, Opt, OPTIONS};
use super::compat::help;
use crate::Scheduler;
use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command, ValueHint};
use clap_complete::Shell;

/// The description of `--long` in ipvsadm's help text, if it has one.
fn description(usage: &str, long: &str) -> Option<String> {
    let flag = format!("--{long}");
    usage.lines().find_map(|line| {
        let t = line.trim_start();
        let first = t.split([' ', '|']).next()?;
        if first != flag {
            return None;
        }
        let chunks: Vec<&str> = t
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let last = *chunks.last()?;
        (last != first).then(|| last.trim_end_matches(',').to_string())
    })
}

/// The completion model of the command line.
pub fn command() -> Command {
    let usage = help::usage("rvsadm");
    let mut cmd = Command::new("rvsadm")
        .about("administer Linux IPVS; a drop-in for ipvsadm 1.31")
        .disable_help_flag(true)
        .disable_version_flag(true);
    for spec in OPTIONS {
        let id = match (spec.long, spec.short) {
            (Some(l), _) => l.to_string(),
            (None, Some(s)) => s.to_string(),
            (None, None) => continue,
        };
        let mut arg = Arg::new(id.clone());
        if let Some(l) = spec.long {
            arg = arg.long(l);
            if let Some(d) = description(&usage, l) {
                arg = arg.help(d);
            }
        }
        if let Some(s) = spec.short {
            arg = arg.short(s);
        }
        arg = match spec.arg {
            ArgKind::None => arg.action(ArgAction::SetTrue),
            ArgKind::Required => arg.num_args(1).action(ArgAction::Append),
            ArgKind::Optional => arg.num_args(0..=1).action(ArgAction::Append),
        };
        arg = match spec.id {
            Opt::Scheduler => arg.value_parser(PossibleValuesParser::new(
                Scheduler::known()
                    .map(|s| s.name().to_string())
                    .collect::<Vec<_>>(),
            )),
            Opt::TunType => arg.value_parser(["ipip", "gue", "gre"]),
            Opt::StartDaemon | Opt::StopDaemon => arg.value_parser(["master", "backup"]),
            Opt::Pe => arg.value_parser(["sip"]),
            Opt::TcpService | Opt::UdpService | Opt::SctpService | Opt::RealServer => {
                arg.value_hint(ValueHint::Hostname)
            }
            Opt::McastInterface => arg.value_hint(ValueHint::Other),
            _ => arg,
        };
        cmd = cmd.arg(arg);
    }
    cmd.arg(
        Arg::new("json")
            .long("json")
            .action(ArgAction::SetTrue)
            .help("machine-readable output and errors (docs/schema/)"),
    )
    .arg(
        Arg::new("pretty")
            .long("pretty")
            .action(ArgAction::SetTrue)
            .help("indented JSON (implies --json)"),
    )
    .arg(
        Arg::new("completions")
            .long("completions")
            .num_args(1)
            .value_parser(["bash", "zsh", "fish"])
            .help("print a shell completion script"),
    )
}

/// The completion script for `shell` (`bash`, `zsh` or `fish`).
pub fn script(shell: &str) -> Option<Vec<u8>> {
    let shell = match shell {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        _ => return None,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command(), "rvsadm", &mut out);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_come_from_the_help_text() {
        let usage = help::usage("rvsadm");
        assert_eq!(
            description(&usage, "add-service").as_deref(),
            Some("add virtual service with options")
        );
        assert_eq!(
            description(&usage, "weight").as_deref(),
            Some("capacity of real server")
        );
    }

    #[test]
    fn every_shell_gets_every_long_option() {
        for shell in ["bash", "zsh", "fish"] {
            let text = String::from_utf8(script(shell).unwrap()).unwrap();
            for spec in OPTIONS {
                if let Some(l) = spec.long {
                    assert!(text.contains(l), "{shell} completion lacks --{l}");
                }
            }
            assert!(text.contains("wlc"), "{shell}: scheduler names");
        }
        assert!(script("tcsh").is_none());
    }
}
