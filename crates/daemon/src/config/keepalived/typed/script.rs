//! The notify scripts: `quorum_up`, `quorum_down` (virtual server),
//! `notify_up`, `notify_down` (real server), each `KEYWORD "COMMAND
//! [ARGS]" [USER [GROUP]]`.

use super::{ignored, note, NotifyScript};
use crate::config::keepalived::{Note, Statement};

/// Read script keyword `k` into `slot`: keepalived keeps the first one
/// given and ignores the others.
pub fn read(slot: &mut Option<NotifyScript>, k: &Statement, notes: &mut Vec<Note>) {
    if slot.is_some() {
        note(
            notes,
            k,
            format!(
                "`{}` is given twice: keepalived keeps the first, and so does rvsadmd",
                k.keyword
            ),
        );
        return;
    }
    let Some(command) = k.args.first() else {
        return ignored(notes, k, "the script is missing");
    };
    *slot = Some(NotifyScript {
        command: command.clone(),
        user: k.args.get(1).cloned(),
        group: k.args.get(2).cloned(),
        at: k.at.clone(),
    });
}
