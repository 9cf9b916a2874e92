//! The one copy of the kernel's table the daemon keeps.

use super::DestKey;
use rvsadm::model::{Change, ServiceKey, Snapshot, Weight};

/// The owned services as the kernel holds them, as far as `rvsadmd`
/// knows: the last read, with the changes the kernel accepted from it
/// since. Decisions on check results are made from it without reading;
/// a look for changes made by hand compares a new read with it.
#[derive(Debug, Default)]
pub struct Mirror {
    table: Snapshot,
    /// Whether `table` may be decided from without reading it again:
    /// `false` before the first read, and after a read or a write failed,
    /// a change was refused or the configuration changed.
    fresh: bool,
}

impl Mirror {
    /// The table to decide from, when it can be without reading.
    pub fn fresh(&self) -> Option<&Snapshot> {
        self.fresh.then_some(&self.table)
    }

    /// The table as known, fresh or not.
    pub fn table(&self) -> &Snapshot {
        &self.table
    }

    /// Read again before the next decision.
    pub fn stale(&mut self) {
        self.fresh = false;
    }

    /// Take `read` as the table.
    pub fn replace(&mut self, read: Snapshot) {
        self.fresh = true;
        self.table = read;
    }

    /// Take note of a change the kernel accepted.
    pub fn record(&mut self, change: &Change) {
        self.table.record(change);
    }

    /// Whether the table holds the service.
    pub fn holds(&self, key: &ServiceKey) -> bool {
        self.table.service(key).is_some()
    }

    /// What the table holds for a destination: `None` when it does not
    /// hold its service (nothing known), `Some(None)` when the service is
    /// there without it.
    pub fn weight(&self, dest: &DestKey) -> Option<Option<Weight>> {
        let s = self.table.service(&dest.0)?;
        Some(
            s.destinations
                .iter()
                .find(|x| x.addr == dest.1)
                .map(|x| x.config.weight),
        )
    }
}
