//! The `rvsadm` command line (feature `cli`). Not a stable library API.
//!
//! argv → [`compat::args::parse`] (ipvsadm's rules) → one library call
//! ([`compat::run`]) → ipvsadm's output ([`compat::render`]); with `--json`,
//! the same parse and library calls render JSON documents ([`json`]).
//! `rvsadm apply` ([`apply`]), `rvsadm doctor` ([`doctor`]), `rvsadm
//! metrics` ([`metrics`]) and `rvsadm top` ([`top`]) are extensions with
//! their own options.

pub mod apply;
mod clap_message;
pub mod compat;
pub mod completions;
pub mod doctor;
pub mod json;
pub mod metrics;
pub mod top;

use compat::args::{extension_flag, long_name, Opt};
use std::io::{Read, Write};

/// How long the command line waits for the kernel's answer to one request
/// (the library's default is 5 s). ipvsadm waits as long as it takes, and
/// the kernel may take long: adding a service with a scheduler not loaded
/// yet runs `modprobe` before it answers, holding every IPVS request of the
/// host meanwhile (seen at 2.2 s per module in a loaded VM). A bound stays
/// so that a kernel that never answers is still told.
pub const REPLY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Code and number of a command-line usage error.
pub const USAGE: (u16, &str) = (50, "usage");

/// The stable `(number, code)` pairs only the command line has (the
/// library's are [`rvsadm::CODES`]); `docs/errors.md` lists both.
pub const CLI_CODES: &[(u16, &str)] = &[USAGE];

/// Run the command line `argv` (argv\[0\] included) and return the exit
/// status.
pub fn main(
    argv: &[String],
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    if let Some(shell) = completions_request(argv) {
        return match completions::script(shell) {
            Some(text) => match out.write_all(&text).and_then(|()| out.flush()) {
                Ok(()) => 0,
                Err(_) => 1,
            },
            None => {
                let _ = writeln!(
                    err,
                    "--completions: unknown shell `{shell}' (bash, zsh, fish)"
                );
                2
            }
        };
    }
    if let Some(rest) = argv
        .get(1..)
        .filter(|r| r.first().is_some_and(|w| w == long_name(Opt::Apply)))
    {
        return apply::main(rest.get(1..).unwrap_or(&[]), stdin, out, err);
    }
    if let Some(rest) = argv
        .get(1..)
        .filter(|r| r.first().is_some_and(|w| w == long_name(Opt::Doctor)))
    {
        return doctor::main(rest.get(1..).unwrap_or(&[]), stdin, out, err);
    }
    if let Some(rest) = argv
        .get(1..)
        .filter(|r| r.first().is_some_and(|w| w == long_name(Opt::Metrics)))
    {
        return metrics::main(rest.get(1..).unwrap_or(&[]), out, err);
    }
    if let Some(rest) = argv
        .get(1..)
        .filter(|r| r.first().is_some_and(|w| w == long_name(Opt::Top)))
    {
        return top::main(rest.get(1..).unwrap_or(&[]), out, err);
    }
    let (argv, flags) = json::extract(argv);
    if flags.json {
        let code = json::main(&argv, flags, stdin, out, err);
        // With --json a lost output is an error a program can act on.
        return match out.flush() {
            Ok(()) => code,
            Err(e) => json::report(err, &rvsadm::Error::Io(e), 1),
        };
    }
    let mut io = compat::run::Io { out, err };
    let code = compat::run::main(&argv, stdin, &mut io);
    // Like ipvsadm (stdio), a failed final write of the text output is
    // not reported.
    let _ = out.flush();
    code
}

/// `rvsadm --completions SHELL` (an extension: ipvsadm rejects it).
fn completions_request(argv: &[String]) -> Option<&str> {
    match argv {
        [_, flag, shell] if extension_flag(flag) == Some(Opt::Completions) => Some(shell),
        [_, flag] => flag
            .strip_prefix("--")?
            .strip_prefix(long_name(Opt::Completions))?
            .strip_prefix('='),
        _ => None,
    }
}
