//! Where in its interval each check starts (pure: no clock, no I/O).
//!
//! An interval is cut into start slots (10 ms, or a twentieth of a shorter
//! interval). A check's preferred slot follows from its id's number by
//! Fibonacci hashing (the fractional part of `number x 0.618...`), which
//! spreads the ids 1, 2, 3 ... of a configuration evenly over the
//! interval and lets the ids a reload adds fall into the gaps. No slot
//! takes more than its share, `ceil(checks at this interval / slots)`: a
//! check whose preferred slot is full takes the next one with room. A
//! placement is kept for as long as its check is configured, so a reload
//! moves no unchanged check, and the same file places every check in the
//! same slot at every start. A check that ended within its slot starts
//! again one interval after its start; one that ran longer, its interval
//! less one slot after its end, at the first slot start from then
//! (`following`).

use crate::engine::CheckId;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

/// The slot check starts are gathered in, for checks at `interval`.
pub(super) fn slot_of(interval: Duration) -> Duration {
    Duration::from_millis(10).min(interval / 20)
}

/// How many start slots an interval has (at least one).
pub(super) fn slots_in(interval: Duration) -> usize {
    let slot = slot_of(interval).as_nanos();
    if slot == 0 {
        return 1;
    }
    usize::try_from(interval.as_nanos() / slot)
        .unwrap_or(usize::MAX)
        .max(1)
}

/// How many of `interval`'s start slots start within `within` of its
/// start (at least one).
pub(super) fn slots_within(interval: Duration, within: Duration) -> usize {
    let slot = slot_of(interval).as_nanos();
    if slot == 0 {
        return 1;
    }
    usize::try_from(within.as_nanos().div_ceil(slot))
        .unwrap_or(usize::MAX)
        .max(1)
}

/// The slot id `number` prefers among `slots`: `frac(number x 1/phi)`
/// scaled to the slots (Fibonacci hashing).
pub(super) fn preferred(number: u64, slots: usize) -> usize {
    const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15; // 2^64 / phi
    let frac = number.wrapping_mul(GOLDEN);
    let s = (u128::from(frac) * slots as u128) >> 64;
    usize::try_from(s).unwrap_or(0)
}

/// The checks' start slots, per interval.
#[derive(Debug, Default)]
pub(super) struct Phases {
    /// Per interval: how many placed checks start in each slot.
    load: HashMap<Duration, Vec<usize>>,
    /// Each placed check: its interval and slot.
    placed: HashMap<CheckId, (Duration, usize)>,
}

impl Phases {
    /// Forget the placements of the checks not in `keep` (a reload removed
    /// them); the others stay where they are.
    pub(super) fn retain(&mut self, keep: &HashSet<CheckId>) {
        let load = &mut self.load;
        self.placed.retain(|id, (interval, slot)| {
            let kept = keep.contains(id);
            if !kept {
                if let Some(n) = load.get_mut(interval).and_then(|l| l.get_mut(*slot)) {
                    *n = n.saturating_sub(1);
                }
            }
            kept
        });
    }

    /// The offset of check `id`'s starts from the start of its
    /// interval: where it was placed before, else a slot placed now, among
    /// `count` checks configured at `interval`, in the slots that start
    /// within `within` of the interval's start (all when `None`).
    pub(super) fn place(
        &mut self,
        id: CheckId,
        interval: Duration,
        count: usize,
        within: Option<Duration>,
    ) -> Duration {
        let slots = slots_in(interval);
        let usable = within.map_or(slots, |w| slots_within(interval, w).min(slots));
        let slot = match self.placed.get(&id) {
            Some((i, s)) if *i == interval => *s,
            _ => {
                let load = self.load.entry(interval).or_insert_with(|| vec![0; slots]);
                let share = count.max(1).div_ceil(usable);
                let first = preferred(id.number(), usable);
                let s = (0..usable)
                    .map(|k| (first + k) % usable)
                    .find(|s| load[*s] < share)
                    .unwrap_or(first);
                load[s] += 1;
                self.placed.insert(id, (interval, s));
                s
            }
        };
        slot_of(interval) * u32::try_from(slot).unwrap_or(u32::MAX)
    }

    /// How many placed checks at `interval` start in each slot.
    #[cfg(test)]
    pub(super) fn load(&self, interval: Duration) -> &[usize] {
        self.load.get(&interval).map_or(&[], Vec::as_slice)
    }
}

/// The first start at or after `since` (both from the schedule's epoch)
/// of a check at `phase` in `interval`: starts are `phase + k x interval`,
/// so every check keeps its slot whenever it is (re)started.
pub(super) fn first_start(phase: Duration, interval: Duration, since: Duration) -> Duration {
    if interval.is_zero() {
        return since.max(phase);
    }
    if since <= phase {
        return phase;
    }
    let behind = (since - phase).as_nanos();
    let k = behind.div_ceil(interval.as_nanos());
    phase + interval * u32::try_from(k).unwrap_or(u32::MAX)
}

/// The start after one at `start` that ended at `ended`: one interval
/// later when the check ended within its slot; else its interval less one
/// slot after it ended, at the first slot start from then (its slot
/// moves). A check that takes long is so checked less often, as
/// keepalived's and ldirectord's are (they count their interval from the
/// end of a check): checks that slow down because their server is
/// overloaded slow down with it instead of adding to the load.
pub(super) fn following(start: Duration, interval: Duration, ended: Duration) -> Duration {
    let next = start + interval;
    if interval.is_zero() {
        return ended.max(next);
    }
    let earliest = (ended + interval).saturating_sub(slot_of(interval));
    if earliest <= next {
        return next;
    }
    to_slot_start(earliest, interval)
}

/// The first slot start (a multiple of `interval`'s slot from the epoch)
/// at or after `at`.
fn to_slot_start(at: Duration, interval: Duration) -> Duration {
    let slot = slot_of(interval).as_nanos();
    if slot == 0 {
        return at;
    }
    let k = at.as_nanos().div_ceil(slot);
    Duration::from_nanos(u64::try_from(k * slot).unwrap_or(u64::MAX))
}

/// The retry of a check at `interval` whose failure ended at `ended`:
/// `retry` later, at the first slot start (a multiple of its slot from the
/// epoch) at or after that, so that retries too wake the runtime once per
/// slot.
pub(super) fn retry_start(ended: Duration, retry: Duration, interval: Duration) -> Duration {
    to_slot_start(ended + retry, interval)
}
