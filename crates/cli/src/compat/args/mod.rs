//! ipvsadm 1.31's command line: argv in, a typed [`Command`] or ipvsadm's
//! exact error ([`Failure`]) out.
//!
//! # Why a hand-written tokenizer, not clap
//!
//! ipvsadm parses with popt, and its behaviour on bad input is part of the
//! drop-in contract: which word is blamed (`-Lq: unknown option`), when an
//! optional value is taken (`-p 600` but not `-p -1`), what `-s=rr`,
//! `-n=x` or `-pt` mean, that the first option must be a command, and that
//! every value is validated the moment it is met, in argv order. clap can be
//! used as a pure lexer, but its notion of optional values, `=` inside short
//! clusters and error order differ in small ways that would each need a
//! workaround, and none of its own messages may ever show. A popt-compatible
//! tokenizer is about a hundred lines ([`Tokenizer`], in `tokenizer.rs`) and mirrors the rules
//! directly, so that is what this module uses. clap stays for the new UI.
//!
//! # Flow of [`parse`]
//!
//! 1. No argument at all: list everything, like `-L`.
//! 2. The first option must be a command, else the "Try ..." hint (exit
//!    255). `-h` and `-v` answer at once.
//! 3. Every further option is applied in argv order ([`OPTIONS`] holds the
//!    popt table); its value is checked right away, a second command is
//!    ``invalid option `X'``, a repeated option is `multiple '%s' options
//!    specified`, a popt error is `WORD: reason` (exit 255).
//! 4. Then the `--set` values, `unexpected argument`, the scheduler flags,
//!    the command/option matrix ([`super::matrix`]) and the per-command
//!    checks, in ipvsadm's order.
//!
//! # Extending
//!
//! A new option is an [`Opt`] variant and its [`OPTIONS`] row (names,
//! value, the command it starts or the matrix column it sets, help,
//! completion hint): the tokenizer, the "multiple options" and matrix
//! checks, `--completions` and the manual page's test follow from the row.
//! What the value means is an arm in `State::apply`; a new matrix column is
//! an [`super::matrix::OptCol`] and its row of [`super::matrix::COLUMNS`]. An
//! rvsadm extension is a row of [`Scope::Extension`]: ipvsadm rejects
//! unknown options, so no valid ipvsadm command line changes meaning. The
//! `-h` text is ipvsadm's, byte for byte; a test checks it against the
//! rows.
//!
//! # Deliberate difference
//!
//! ipvsadm crashes (SIGSEGV, exit 139) on a `-b` value made only of commas
//! (`-b ,`). We report ``invalid scheduler flag `,'`` with exit 2 instead.

//!
//! # Layout
//!
//! | file | what |
//! |---|---|
//! | `command.rs` | the typed result ([`Command`], [`ListSpec`], [`Listing`]) |
//! | `table.rs` | the option table ([`OPTIONS`]): ipvsadm's popt rows and the extensions |
//! | `tokenizer.rs` | popt's option reader ([`Tokenizer`]) |
//! | `state.rs` | ipvsadm's option semantics and the checks after the walk |
//! | this file | [`parse`], the flow above |
//!
//! [`Failure`] lives in [`super::failure`] (re-exported here).

mod command;
mod state;
mod table;
mod tokenizer;

pub use super::failure::Failure;
pub use command::{Command, ListSpec, Listing};
pub use table::{
    extension_flag, ipvsadm_options, long_name, short_option, ArgKind, Hint, Opt, OptSpec, Scope,
    OPTIONS,
};
pub use tokenizer::{Blame, Event, PoptError, Tokenizer};

use super::help;
use super::matrix::Cmd;
use rvsadm::{DaemonState, Timeouts};
use state::{number, State};

/// Parse an ipvsadm command line (`argv[0]` included).
///
/// `in_restore` is true for the lines of `-R` input: there a `-R` is the
/// "Try ..." hint.
///
/// ```
/// use rvsadm_cli::compat::args::{parse, Command, Failure};
/// let argv = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
/// assert!(matches!(parse(&argv("ipvsadm -Ln"), false), Ok(Command::List(_))));
/// assert_eq!(
///     parse(&argv("ipvsadm -L -n -n"), false),
///     Err(Failure::fail("multiple 'numeric' options specified"))
/// );
/// ```
pub fn parse(argv: &[String], in_restore: bool) -> Result<Command, Failure> {
    let argv0 = argv.first().map_or("", String::as_str);
    let words = argv.get(1..).unwrap_or(&[]);
    if words.is_empty() {
        return Ok(Command::List(ListSpec::default()));
    }
    let mut tok = Tokenizer::new(words);

    // The first option must be a command.
    let first = match tok.next() {
        Some(Ok(ev)) => ev,
        _ => return Err(Failure::tryhelp(argv0)),
    };
    let cmd = match first.spec.id {
        Opt::Help => return Ok(Command::Help(help::usage(argv0))),
        Opt::Version => return Ok(Command::Version(help::version())),
        _ => first.spec.starts.ok_or_else(|| Failure::tryhelp(argv0))?,
    };
    let mut state = State::new(cmd);
    match (cmd, first.value.unwrap_or("")) {
        (Cmd::StartDaemon | Cmd::StopDaemon, "master") => state.daemon_state = DaemonState::Master,
        (Cmd::StartDaemon | Cmd::StopDaemon, "backup") => state.daemon_state = DaemonState::Backup,
        (Cmd::StartDaemon, _) => {
            return Err(Failure::fail("illegal start-daemon parameter specified"))
        }
        (Cmd::StopDaemon, _) => return Err(Failure::fail("illegal start_daemon specified")),
        _ => {}
    }

    // The other options, in argv order.
    for ev in tok.by_ref() {
        let ev = ev.map_err(|(e, word)| Failure::popt(word, e.text()))?;
        if ev.spec.starts.is_some() || matches!(ev.spec.id, Opt::Help | Opt::Version) {
            return Err(Failure::fail(format!("invalid option `{}'", ev.word)));
        }
        state.apply(ev.spec, ev.value)?;
    }

    // Positional words: the --set values, then nothing may be left.
    let mut rest = tok.positionals.as_slice();
    let mut timeouts = Timeouts::default();
    if cmd == Cmd::Set {
        let [tcp, tcpfin, udp, tail @ ..] = rest else {
            return Err(Failure::fail("--set option requires 3 timeout values"));
        };
        let t = |v: &str| -> Result<u32, Failure> {
            let n = number(
                v,
                0,
                2_678_400,
                &format!("invalid timeout value `{v}' specified"),
            )?;
            Ok(u32::try_from(n).unwrap_or(0))
        };
        timeouts = Timeouts {
            tcp: t(tcp)?,
            tcp_fin: t(tcpfin)?,
            udp: t(udp)?,
        };
        rest = tail;
    }
    if let Some(extra) = rest.first() {
        return Err(Failure::fail(format!("unexpected argument {extra}")));
    }
    state.apply_sched_flags()?;
    state.finish(argv0, in_restore, timeouts)
}
