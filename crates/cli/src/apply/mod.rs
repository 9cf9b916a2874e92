//! `rvsadm apply`: converge the table to a desired state (an extension;
//! ipvsadm has no such command).
//!
//! Input: the lossless JSON document of `rvsadm -S --json`, or ipvsadm
//! rules text (`-A` and `-a` lines, as `ipvsadm -S` writes them), told
//! apart by content unless `--format` says. The plan is made by
//! [`rvsadm::reconcile::plan`] and applied by [`rvsadm::reconcile::converge`].
//!
//! Exit status: 0 the table is the desired state (with `--dry-run`: nothing
//! to do); 1 with `--dry-run`: changes pending; 2 nothing changed (bad
//! command line, bad document, IPVS not usable); 3 some changes failed (the
//! rest applied) or the table did not end as planned; 4 converged but for
//! drains still pending.
//!
//! The rooms: `flags` (the one table of the command line's flags:
//! [`FLAGS`]), `args` (its parser, [`parse`], and its [`help`]),
//! `input` (the desired state from a file: [`detect`], [`parse_rules`]),
//! `run` (read, plan, apply, exit status: [`main`]), `report` (what is
//! shown: one line per change), `text` and `json` (the two renderings of
//! it).

mod args;
mod flags;
mod input;
mod json;
mod report;
mod run;
mod text;

pub use args::{help, parse, wants_json, ApplyArgs, Format};
pub use flags::{flag_named, Flag, FlagId, FlagValue, FILE_HELP, FLAGS};
pub use input::{detect, parse_rules, read_desired};
pub use run::main;

use rvsadm::Error;
use std::time::Duration;

/// Exit: converged (or, dry run, nothing to do).
pub const EXIT_OK: i32 = 0;
/// Exit (dry run): changes pending.
pub const EXIT_PENDING_CHANGES: i32 = 1;
/// Exit: nothing changed (usage, document, IPVS).
pub const EXIT_NOTHING_DONE: i32 = 2;
/// Exit: some changes failed, or the table did not converge.
pub const EXIT_FAILED: i32 = 3;
/// Exit: converged except drains still pending.
pub const EXIT_DRAINING: i32 = 4;

/// `--drain` without a value: wait this long.
pub const DEFAULT_DRAIN: Duration = Duration::from_secs(60);

/// What went wrong before anything changed: the message, and whether it
/// was the command line (`usage`) or the input.
#[derive(Debug)]
enum Refusal {
    Usage(String),
    Error(Error),
}
