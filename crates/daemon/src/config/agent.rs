//! A destination's feedback agent (HAProxy's `agent-check`): where it
//! listens and how often it is asked.

use std::time::Duration;

/// How a destination's agent is asked: a TCP connection to its address
/// at `port`, `send` written, one line read ([`crate::probe::agent`]);
/// or, with `file`, the first line of that file read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgentCheck {
    /// The agent's TCP port on the destination's address (0 with `file`).
    pub port: u16,
    /// A file whose first line is read as an agent's reply, in place of
    /// asking over TCP.
    pub file: Option<std::path::PathBuf>,
    /// How often it is asked (HAProxy's `agent-inter`, 2 s).
    pub interval: Duration,
    /// How long one question may take (the interval unless given).
    pub timeout: Duration,
    /// Written once connected (HAProxy's `agent-send`), if given.
    pub send: Option<String>,
}

impl AgentCheck {
    /// How often an agent is asked unless told: HAProxy's default.
    pub const INTERVAL: Duration = Duration::from_secs(2);
}
