//! The rows of the answer to `status`, and the state-file entries set
//! aside that it reports.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One line of `rvsadmd status`. Its fields are in the order of their
/// JSON keys (alphabetical: see [`crate::answer`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusRow {
    /// `ready`, `drained` (the operator's admin state).
    pub admin: String,
    /// What its feedback agent said (`None`: it has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentRow>,
    /// The checks (`tcp`, `http`, `tcp+http` ...; `-`: none).
    pub check: String,
    /// The configured weight.
    pub configured: u32,
    /// `10.0.0.1:80`.
    pub destination: String,
    /// The weight the checks, the agent and the admin states want
    /// (before a change by hand kept; `None`: out of the table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<u32>,
    /// Failed, but kept in the table by the service's depool floor.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub floor: bool,
    /// `up`, `down`, `unknown`; `fallback` for the fallback server.
    pub health: String,
    /// The newest result, in words.
    pub last: Option<String>,
    /// Its duration in milliseconds.
    pub latency_ms: Option<f64>,
    /// A change by hand being kept: `weight N`, `deleted`.
    #[serde(rename = "override", default, skip_serializing_if = "Option::is_none")]
    pub override_: Option<String>,
    /// Its slow-start factor in percent while it ramps (`None`: not
    /// ramping).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ramp: Option<u32>,
    /// `tcp:192.0.2.1:80` ([`crate::service::format`]: what
    /// `rvsadmd drain` and `ready` take).
    pub service: String,
    /// Since when the health is what it is (seconds since the epoch).
    pub since: f64,
    /// The weight in the table (`None`: not in it).
    pub weight: Option<u32>,
}

/// The agent's part of a `status` row: each factor it puts in the
/// weight. Fields in the order of their JSON keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentRow {
    /// The agent's admin state: `ready`, `drain`, `maint`.
    pub admin: String,
    /// Whether its newest question was answered.
    pub answered: bool,
    /// The agent's health: `up`, `down`, `fail`, `stopped`.
    pub health: String,
    /// Its newest answer's line, or why there was none.
    pub last: Option<String>,
    /// The connection limit it asked for (the upper threshold).
    pub maxconn: Option<u32>,
    /// Its weight factor in percent (`None` with an absolute weight).
    pub percent: Option<u32>,
    /// The agent's port (0: read from a file).
    pub port: u16,
    /// The reason it gave (`#...`).
    pub reason: Option<String>,
    /// The absolute weight it asked for (`weight:N`).
    pub weight: Option<u32>,
}

/// A state-file entry that did not read, kept aside as it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rejected {
    /// The list it was in: `drained`, `overrides` or `deleted_services`.
    pub list: String,
    /// The entry, as the file had it.
    pub entry: Value,
    /// Why it was not used.
    pub reason: String,
}
