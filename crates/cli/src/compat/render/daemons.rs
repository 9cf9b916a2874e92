//! `--daemon`: the sync daemon lines.

use rvsadm::model::Daemon;
use std::io::{self, Write};

/// `--daemon`: one line per running daemon (`master` if the state has bit
/// 1, else `backup` if it has bit 2, else the entry is skipped); optional
/// fields print only when known and nonzero (the group when known).
pub fn write_daemons<W: Write + ?Sized>(w: &mut W, daemons: &[Daemon]) -> io::Result<()> {
    for d in daemons {
        let state = d.state.to_raw();
        let kind = if state & 1 != 0 {
            "master"
        } else if state & 2 != 0 {
            "backup"
        } else {
            continue;
        };
        write!(
            w,
            "{kind} sync daemon (mcast={}, syncid={}",
            d.mcast_ifn, d.sync_id as i32
        )?;
        if let Some(m) = d.sync_maxlen.filter(|m| *m != 0) {
            write!(w, ", maxlen={m}")?;
        }
        if let Some(g) = d.mcast_group {
            write!(w, ", group={g}")?;
        }
        if let Some(p) = d.mcast_port.filter(|p| *p != 0) {
            write!(w, ", port={p}")?;
        }
        if let Some(t) = d.mcast_ttl.filter(|t| *t != 0) {
            write!(w, ", ttl={t}")?;
        }
        w.write_all(b")\n")?;
    }
    Ok(())
}
