//! The watch's rules, as pure functions of what etcd said: where to
//! start, what a response asks for, when a quiet watch is stale, how long
//! to wait before trying again.
//!
//! 1. **Start.** With no applied revision (a first start without a state
//!    file), list the whole desired range and watch from the list's
//!    revision + 1. With an applied revision `r` (kept in memory, or in
//!    the state file across a restart), watch from `r + 1`: the watch
//!    replays every change since, so nothing between is missed.
//! 2. **Compaction.** etcd cancels a watch whose start revision it has
//!    compacted away (`canceled` with `compact_revision`): the changes
//!    between are gone, so list the whole range again (a re-list) and
//!    watch from its revision + 1. Never watch from that start again.
//! 3. **Events.** A response's events are applied together, in order;
//!    the applied revision becomes the highest revision among them. One
//!    watch started at `r + 1` sends each event from `r + 1` on exactly
//!    once, in revision order (etcd's watch guarantee), so every event it
//!    sends is new: none is filtered. A new watch (rule 1) starts after
//!    the applied revision again, so no event is taken twice across
//!    watches either.
//! 4. **Progress.** A response without events is a progress
//!    notification: a sign of life (it keeps the watch from being taken
//!    as stale) and nothing more: it never moves the applied revision.
//!    etcd 3.4 (Debian's) answers a progress request with the store's
//!    current revision even while a resumed watch is still replaying
//!    older events (etcd issue #15220): taking that revision as applied
//!    would skip the replayed events, and the director would never
//!    converge. The applied revision moves with events only.
//! 5. **Stale watch.** A progress request is sent every
//!    [`PROGRESS_EVERY`], the first one a period after the watch starts
//!    (not at once, while a resumed watch replays); a watch from which nothing at all (events or
//!    progress) came for [`STALE_AFTER`] is taken as dead (a partition
//!    that kept the TCP connection open): reconnect, resuming at rule 1.
//! 6. **Reconnect with backoff.** After a failure, wait [`Backoff`]
//!    (200 ms, doubling to 10 s) before trying again; a watch created
//!    sets it back to 200 ms.
//! 7. **etcd down.** While it is unreachable, nothing is applied: the
//!    director keeps its last applied state (no kernel write comes from
//!    the store's absence), and says since when it is unreachable.

use crate::desired::Change;
use std::time::Duration;

/// How often a progress notification is asked for.
pub const PROGRESS_EVERY: Duration = Duration::from_secs(5);

/// A watch silent for this long is taken as dead.
pub const STALE_AFTER: Duration = Duration::from_secs(15);

/// Where following starts (rule 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// List the whole range, then watch from the list's revision + 1.
    List,
    /// Watch from this revision.
    WatchFrom(i64),
}

/// Where to start with `applied` the last applied revision (0: none).
pub fn start(applied: i64) -> Start {
    if applied > 0 {
        Start::WatchFrom(applied + 1)
    } else {
        Start::List
    }
}

/// A watch response, as far as the rules read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    /// The answer to the watch's creation.
    pub created: bool,
    /// The watch was cancelled.
    pub canceled: bool,
    /// Set when the start revision was compacted.
    pub compact_revision: i64,
    /// Why it was cancelled.
    pub cancel_reason: String,
    /// The store's revision in the header.
    pub header_revision: i64,
    /// Each event's change and revision.
    pub events: Vec<(Change, i64)>,
}

/// What a response asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The watch is set up: nothing to apply (a sign of life).
    Created,
    /// Apply these changes; the applied revision becomes `revision`.
    Apply {
        /// The changes not applied yet, in order.
        changes: Vec<Change>,
        /// The highest revision among the events.
        revision: i64,
    },
    /// A progress notification: a sign of life only (rule 4).
    Progress,
    /// The start revision was compacted: list again (rule 2).
    Relist {
        /// The oldest revision etcd still has.
        compacted: i64,
    },
    /// The watch is over for another reason: reconnect.
    Reconnect(String),
}

/// The step for `reply`, with `applied` the last applied revision.
pub fn step(reply: Reply, applied: i64) -> Step {
    if reply.compact_revision > 0 {
        return Step::Relist {
            compacted: reply.compact_revision,
        };
    }
    if reply.canceled {
        let why = if reply.cancel_reason.is_empty() {
            "the watch was cancelled by etcd".to_string()
        } else {
            format!("the watch was cancelled by etcd: {}", reply.cancel_reason)
        };
        return Step::Reconnect(why);
    }
    if reply.created {
        return Step::Created;
    }
    if reply.events.is_empty() {
        return Step::Progress;
    }
    // Every event of one watch is new (rule 3): none is filtered.
    let revision = reply
        .events
        .iter()
        .map(|(_, r)| *r)
        .max()
        .unwrap_or(applied)
        .max(applied);
    let changes = reply.events.into_iter().map(|(c, _)| c).collect();
    Step::Apply { changes, revision }
}

/// Whether a watch last heard from `quiet` ago is stale (rule 5).
pub fn stale(quiet: Duration) -> bool {
    quiet >= STALE_AFTER
}

/// The wait before the next try (rule 6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    next: Duration,
}

impl Backoff {
    /// The first wait.
    pub const FIRST: Duration = Duration::from_millis(200);
    /// The longest wait.
    pub const MOST: Duration = Duration::from_secs(10);

    /// The wait to take now; the one after is twice as long, up to
    /// [`Backoff::MOST`].
    pub fn take(&mut self) -> Duration {
        let now = self.next;
        self.next = (self.next * 2).min(Self::MOST);
        now
    }

    /// Back to the first wait (a watch was created).
    pub fn reset(&mut self) {
        self.next = Self::FIRST;
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { next: Self::FIRST }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(k: &str) -> Change {
        Change::Put(k.into(), "v".into())
    }

    #[test]
    fn a_start_resumes_after_the_applied_revision_or_lists() {
        assert_eq!(start(0), Start::List);
        assert_eq!(start(41), Start::WatchFrom(42));
    }

    #[test]
    fn compaction_asks_for_a_relist_even_when_cancelled() {
        let r = Reply {
            canceled: true,
            compact_revision: 90,
            cancel_reason: "mvcc: required revision has been compacted".into(),
            ..Reply::default()
        };
        assert_eq!(step(r, 10), Step::Relist { compacted: 90 });
    }

    #[test]
    fn another_cancel_reconnects_and_says_why() {
        let r = Reply {
            canceled: true,
            cancel_reason: "permission denied".into(),
            ..Reply::default()
        };
        match step(r, 10) {
            Step::Reconnect(why) => assert!(why.contains("permission denied"), "{why}"),
            s => panic!("{s:?}"),
        }
    }

    #[test]
    fn events_apply_in_order_and_move_the_revision_to_the_highest() {
        let r = Reply {
            header_revision: 60,
            events: vec![(put("a"), 11), (put("b"), 11), (put("c"), 12)],
            ..Reply::default()
        };
        assert_eq!(
            step(r, 10),
            Step::Apply {
                changes: vec![put("a"), put("b"), put("c")],
                revision: 12
            }
        );
    }

    #[test]
    fn progress_ahead_of_replayed_events_skips_none_of_them() {
        // etcd 3.4 answers a progress request with its current revision
        // while the resumed watch still replays 3..=60.
        let progress = Reply {
            header_revision: 60,
            ..Reply::default()
        };
        assert_eq!(step(progress, 2), Step::Progress);
        let replayed = Reply {
            header_revision: 60,
            events: vec![(put("a"), 3), (put("b"), 60)],
            ..Reply::default()
        };
        assert_eq!(
            step(replayed, 2),
            Step::Apply {
                changes: vec![put("a"), put("b")],
                revision: 60
            }
        );
    }

    #[test]
    fn a_reply_without_events_is_progress_only() {
        let r = Reply {
            header_revision: 77,
            ..Reply::default()
        };
        assert_eq!(step(r, 10), Step::Progress);
        let c = Reply {
            created: true,
            header_revision: 5,
            ..Reply::default()
        };
        assert_eq!(step(c, 10), Step::Created);
    }

    #[test]
    fn a_quiet_watch_is_stale_after_its_deadline() {
        assert!(!stale(PROGRESS_EVERY));
        assert!(stale(STALE_AFTER));
    }

    #[test]
    fn backoff_doubles_to_its_ceiling_and_resets() {
        let mut b = Backoff::default();
        let waits: Vec<_> = (0..8).map(|_| b.take()).collect();
        assert_eq!(waits[0], Backoff::FIRST);
        assert_eq!(waits[1], Backoff::FIRST * 2);
        assert_eq!(*waits.last().unwrap(), Backoff::MOST);
        b.reset();
        assert_eq!(b.take(), Backoff::FIRST);
    }
}
