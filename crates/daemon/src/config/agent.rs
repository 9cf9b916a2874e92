//! A destination's feedback agent (HAProxy's `agent-check`): where it
//! listens and how often it is asked.

use std::time::Duration;

/// How a destination's agent is asked: a TCP connection to its address
/// at `port`, `send` written, one line read ([`crate::probe::agent`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgentCheck {
    /// The agent's TCP port on the destination's address.
    pub port: u16,
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
