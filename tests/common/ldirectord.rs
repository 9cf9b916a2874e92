//! Debian's ldirectord 4.12 as the oracle of the ldirectord differential
//! tests (`tests/diff_ldirectord*.rs`): how it is started and how its log
//! says which checks it did.

use super::settle::CheckLog;
use std::path::{Path, PathBuf};
use std::process::Command;

/// ldirectord running `cf` in the foreground: `-d` (no pid file, every
/// check and ipvsadm call logged), its output not buffered by Perl.
pub fn command(cf: &Path) -> Command {
    let mut c = Command::new("/usr/sbin/ldirectord");
    c.arg("-d").arg(cf).arg("start").env("PERLIO", "perlio");
    c
}

/// ldirectord's checks as `-d` logs them (`DEBUG2: Checking connect: real
/// server=... (virtual=...)`), one key per check done.
pub fn checks(log: PathBuf) -> CheckLog {
    Box::new(move || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.strip_prefix("DEBUG2: Checking "))
            .map(str::to_string)
            .collect()
    })
}
