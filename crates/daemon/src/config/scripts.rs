//! The programs run when something changes (keepalived's `quorum_up`,
//! `quorum_down`, `notify_up`, `notify_down`), and the quorum of a
//! service: the weight of its destinations up that keeps its fallback out.

use super::RunAs;

/// A program run (without a shell, without waiting for it) when
/// something changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Script {
    /// The program and its arguments.
    pub argv: Vec<String>,
    /// Run as this user (and group) instead of rvsadmd's own.
    pub run_as: Option<RunAs>,
}

/// When a service has quorum, what replaces its destinations without it,
/// and the programs run when it changes (keepalived's rule, see
/// [`crate::engine`]'s `quorum`): quorum is gained when the weight of the
/// destinations up reaches `quorum + hysteresis`, lost when it falls
/// below `quorum - hysteresis` (or to 0), and kept in between.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quorum {
    /// The weight of the destinations up that makes quorum (at least 1;
    /// default 1: any destination up at a weight above 0).
    pub quorum: u64,
    /// How far above the quorum the weight must rise to gain it, and below
    /// it fall to lose it (less than `quorum`; default 0).
    pub hysteresis: u64,
    /// Run when quorum is gained (and at start with quorum).
    pub up: Option<Script>,
    /// Run when quorum is lost (and at start without it when there is a
    /// fallback).
    pub down: Option<Script>,
    /// At stop, run `down` and the `notify_down` of each destination up
    /// (keepalived's `omega`; native `scripts_at_stop`).
    pub at_stop: bool,
}

impl Default for Quorum {
    fn default() -> Self {
        Quorum {
            quorum: 1,
            hysteresis: 0,
            up: None,
            down: None,
            at_stop: false,
        }
    }
}

impl Quorum {
    /// Whether this is the default: quorum 1, no hysteresis, no programs.
    pub fn is_default(&self) -> bool {
        *self == Quorum::default()
    }
}
