//! The depool floor (Wikimedia PyBal's `depool-threshold`): a service
//! keeps at least its floor's part of its destinations in the table, so
//! that a storm of failures, or a broken check, cannot empty it.
//!
//! A destination *fails* when its checks say down or its agent says
//! `down`, `fail` or `stopped`; one drained (by the operator or its
//! agent) or in its agent's `maint` is out by an admin's word: it has
//! not failed, is not kept in, and is not in service either. With `n`
//! destinations and floor `f`, `ceil(f × n)` must be in service: while
//! fewer are (neither failed nor out by an admin's word), that many of
//! the failed are kept in at their weight. Which are let out is
//! the order of failing: the first to fail go out first (those that
//! failed at one decision in configuration order), the ones failed
//! since are kept in. So when a destination recovers, the earliest
//! failed of those kept in goes out in its place, and those still kept
//! in go out in the order they failed as more recover.
//!
//! The floor comes before the quorum: a destination kept in is in the
//! table at its weight, and counts toward the service's quorum as any
//! other in it.

use super::DestKey;
use crate::config::{DepoolFloor, Virtual};
use std::collections::{BTreeSet, HashMap};

/// The failed destinations the floor keeps in, of a service of `n`
/// destinations of which `serving` are in service: the latest to fail
/// of `failed_in_order` (earliest failed first), as many as `serving`
/// falls short of `floor.of(n)`.
///
/// ```
/// use rvsadmd::config::DepoolFloor;
/// use rvsadmd::engine::depool::kept_in;
/// let failed = ["a", "b", "c", "d", "e", "f", "g", "h"];
/// // 10 destinations, 8 failed, 2 in service, floor 50%: 3 kept in.
/// assert_eq!(kept_in(DepoolFloor(50), 10, 2, &failed), ["f", "g", "h"]);
/// assert!(kept_in(DepoolFloor(50), 10, 5, &failed[..5]).is_empty());
/// // 4 drained: 6 destinations, 2 failed, 4 in service: 1 kept in.
/// assert_eq!(kept_in(DepoolFloor(50), 10, 4, &failed[..2]), ["b"]);
/// ```
pub fn kept_in<T>(floor: DepoolFloor, n: usize, serving: usize, failed_in_order: &[T]) -> &[T] {
    let keep = floor.of(n).saturating_sub(serving);
    let from = failed_in_order.len().saturating_sub(keep);
    &failed_in_order[from..]
}

/// The failed destinations, in the order they failed, and those the
/// floor keeps in.
#[derive(Debug, Default)]
pub(super) struct Depool {
    /// Each failed destination's place in the order of failing.
    order: HashMap<DestKey, u64>,
    /// The next place.
    next: u64,
    /// The destinations kept in.
    kept: BTreeSet<DestKey>,
    /// Destinations the floor began (`true`) or stopped keeping in,
    /// since the last [`Depool::take_changes`].
    changes: Vec<(DestKey, bool)>,
}

impl Depool {
    /// Take the failed destinations of `v` (`failed` says which) and
    /// those out by an admin's word (`admin_out`), and decide which
    /// failed ones the floor keeps in.
    pub(super) fn observe(
        &mut self,
        v: &Virtual,
        failed: impl Fn(&DestKey) -> bool,
        admin_out: impl Fn(&DestKey) -> bool,
    ) {
        let key = v.key();
        let mut down = Vec::new();
        let mut serving = 0;
        for r in &v.reals {
            let k = (key, r.dest.addr);
            serving += usize::from(!failed(&k) && !admin_out(&k));
            if failed(&k) {
                let next = &mut self.next;
                let at = *self.order.entry(k).or_insert_with(|| {
                    *next += 1;
                    *next
                });
                down.push((at, k));
            } else {
                self.order.remove(&k);
            }
        }
        down.sort();
        let down: Vec<DestKey> = down.into_iter().map(|(_, k)| k).collect();
        let keep: BTreeSet<DestKey> = match v.depool_floor {
            Some(f) => kept_in(f, v.reals.len(), serving, &down)
                .iter()
                .copied()
                .collect(),
            None => BTreeSet::new(),
        };
        let before: BTreeSet<DestKey> = self.kept.iter().filter(|k| k.0 == key).copied().collect();
        for k in &down {
            if keep.contains(k) && !before.contains(k) {
                self.changes.push((*k, true));
            }
        }
        for k in before.difference(&keep) {
            self.changes.push((*k, false));
        }
        self.kept.retain(|k| k.0 != key);
        self.kept.extend(keep);
    }

    /// Whether the floor keeps `k` in.
    pub(super) fn kept(&self, k: &DestKey) -> bool {
        self.kept.contains(k)
    }

    /// How many destinations the floor keeps in now.
    pub(super) fn count(&self) -> usize {
        self.kept.len()
    }

    /// The destinations the floor began (`true`) or stopped keeping in
    /// since the last call, in order.
    pub(super) fn take_changes(&mut self) -> Vec<(DestKey, bool)> {
        std::mem::take(&mut self.changes)
    }

    /// Forget the destinations not in `dests`.
    pub(super) fn forget(&mut self, dests: &BTreeSet<DestKey>) {
        self.order.retain(|k, _| dests.contains(k));
        self.kept.retain(|k| dests.contains(k));
    }
}

#[cfg(test)]
mod tests;
