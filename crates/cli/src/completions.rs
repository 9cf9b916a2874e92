//! Shell completions (bash, zsh, fish), generated from the option table
//! the parser uses ([`super::compat::args::OPTIONS`]: names, values, help,
//! hints). `rvsadm --completions SHELL` prints the script; `--completions`
//! is an extension (ipvsadm rejects it).

use super::compat::args::{ArgKind, Hint, Scope, OPTIONS};
use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command, ValueHint};
use clap_complete::Shell;
use rvsadm::Scheduler;

/// The completion model of the command line: every row of the option
/// table except subcommand words, in table order.
pub fn command() -> Command {
    let mut cmd = Command::new("rvsadm")
        .about("administer Linux IPVS; a drop-in for ipvsadm 1.31")
        .disable_help_flag(true)
        .disable_version_flag(true)
        // clap's `help` feature (for rvsadmd) would add a `help` command
        // that rvsadm does not have.
        .disable_help_subcommand(true);
    for spec in OPTIONS.iter().filter(|o| o.scope != Scope::Subcommand) {
        let id = match (spec.long, spec.short) {
            (Some(l), _) => l.to_string(),
            (None, Some(s)) => s.to_string(),
            (None, None) => continue,
        };
        let mut arg = Arg::new(id.clone());
        if let Some(l) = spec.long {
            arg = arg.long(l);
            if let Some(d) = spec.help {
                arg = arg.help(d);
            }
        }
        if let Some(s) = spec.short {
            arg = arg.short(s);
        }
        // popt takes an ipvsadm option more than once (the "multiple"
        // error comes later); an extension once.
        let repeats = spec.scope == Scope::Ipvsadm;
        arg = match spec.arg {
            ArgKind::None => arg.action(ArgAction::SetTrue),
            ArgKind::Required if repeats => arg.num_args(1).action(ArgAction::Append),
            ArgKind::Required => arg.num_args(1),
            ArgKind::Optional => arg.num_args(0..=1).action(ArgAction::Append),
        };
        arg = match spec.hint {
            Hint::Schedulers => arg.value_parser(PossibleValuesParser::new(
                Scheduler::known()
                    .map(|s| s.name().to_string())
                    .collect::<Vec<_>>(),
            )),
            Hint::Values(words) => arg.value_parser(words.to_vec()),
            Hint::Hostname => arg.value_hint(ValueHint::Hostname),
            Hint::Other => arg.value_hint(ValueHint::Other),
            Hint::None => arg,
        };
        cmd = cmd.arg(arg);
    }
    cmd.subcommand(apply())
        .subcommand(super::doctor::command())
        .subcommand(super::metrics::command())
        .subcommand(super::top::command())
}

/// `rvsadm apply`'s flags (its table, [`super::apply::FLAGS`]) and FILE.
fn apply() -> Command {
    use super::apply::{FlagId, FlagValue, FILE_HELP, FLAGS};
    let about = OPTIONS
        .iter()
        .find(|o| o.scope == Scope::Subcommand && o.long == Some("apply"))
        .and_then(|o| o.help)
        .unwrap_or_default();
    let mut cmd = Command::new("apply").about(about).arg(
        Arg::new("FILE")
            .value_hint(ValueHint::FilePath)
            .help(FILE_HELP),
    );
    // `-h`/`--help` is left to clap, which does not offer a subcommand's
    // help flag: the scripts stay as they were.
    for f in FLAGS.iter().filter(|f| f.id != FlagId::Help) {
        let arg = Arg::new(f.long).long(f.long).help(f.help);
        cmd = cmd.arg(match f.value {
            FlagValue::None => arg.action(ArgAction::SetTrue),
            FlagValue::Optional(_) => arg
                .num_args(0..=1)
                .require_equals(true)
                .value_hint(ValueHint::Other),
            FlagValue::OneOf(words) => arg.num_args(1).value_parser(words.to_vec()),
        });
    }
    cmd
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
    fn every_shell_gets_every_long_option() {
        for shell in ["bash", "zsh", "fish"] {
            let text = String::from_utf8(script(shell).unwrap()).unwrap();
            for spec in OPTIONS.iter().filter(|o| o.scope != Scope::Subcommand) {
                if let Some(l) = spec.long {
                    assert!(text.contains(l), "{shell} completion lacks --{l}");
                }
            }
            assert!(text.contains("wlc"), "{shell}: scheduler names");
            assert!(
                text.contains("apply") && text.contains("dry-run"),
                "{shell}: apply"
            );
        }
        assert!(script("tcsh").is_none());
    }
}
