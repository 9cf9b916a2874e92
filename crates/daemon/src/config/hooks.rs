//! Event hooks (native `[[hooks]]`): commands run when an event of
//! `rvsadmd run` happens; and the notify FIFO (keepalived's
//! `lvs_notify_fifo`, native `notify_fifo`).

use super::Script;
use rvsadm::model::ServiceKey;
use std::path::PathBuf;
use std::time::Duration;

/// The events a hook may run on: each an event of `rvsadmd run`
/// ([`crate::events::Event`]), by the name of its JSON line.
pub const HOOK_EVENTS: [&str; 9] = [
    "destination_up",
    "destination_down",
    "drain",
    "ready",
    "quorum_gained",
    "quorum_lost",
    "reloaded",
    "reload_refused",
    "change_failed",
];

/// A hook's timeout when none is given.
pub const DEFAULT_HOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// A hook's rate limit when none is given: 10 runs a minute.
pub const DEFAULT_RATE_LIMIT: RateLimit = RateLimit {
    runs: 10,
    per: Duration::from_secs(60),
};

/// At most `runs` starts of a hook within any `per`; the events beyond
/// are dropped (and told as `hook_dropped`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Starts allowed within `per` (at least 1).
    pub runs: u32,
    /// The period (above 0).
    pub per: Duration,
}

/// A command run on events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    /// The events it runs on, names of [`HOOK_EVENTS`].
    pub on: Vec<String>,
    /// The program and its arguments (no shell).
    pub command: Vec<String>,
    /// Killed (its whole process group) when it runs longer.
    pub timeout: Duration,
    /// How often it may start.
    pub rate_limit: RateLimit,
}

/// Where keepalived's `lvs_notify_fifo` lines go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyFifo {
    /// The FIFO (made, mode 0600, when it does not exist).
    pub path: PathBuf,
    /// Started once at start with the FIFO's path as its last argument
    /// (keepalived's `lvs_notify_fifo_script`), to read it.
    pub script: Option<Script>,
    /// keepalived's `virtual_server group NAME` blocks: the name and the
    /// services the block made, in order. Such a block writes its lines
    /// once, as `[NAME]:0`, when its first service changes (its services
    /// share their reals and checks, so they change together).
    pub groups: Vec<(String, Vec<ServiceKey>)>,
}
