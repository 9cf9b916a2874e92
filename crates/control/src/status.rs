//! The rows of the answer to `status`, and the state-file entries set
//! aside that it reports.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One line of `rvsadmd status`. Its fields are in the order of their
/// JSON keys (alphabetical: see [`crate::answer`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusRow {
    /// `ready`, `drained`.
    pub admin: String,
    /// The checks (`tcp`, `http`, `tcp+http` ...; `-`: none).
    pub check: String,
    /// The configured weight.
    pub configured: u32,
    /// `10.0.0.1:80`.
    pub destination: String,
    /// `up`, `down`, `unknown`; `fallback` for the fallback server.
    pub health: String,
    /// The newest result, in words.
    pub last: Option<String>,
    /// Its duration in milliseconds.
    pub latency_ms: Option<f64>,
    /// A change by hand being kept: `weight N`, `deleted`.
    #[serde(rename = "override", default, skip_serializing_if = "Option::is_none")]
    pub override_: Option<String>,
    /// `tcp:192.0.2.1:80` ([`crate::service::format`]: what
    /// `rvsadmd drain` and `ready` take).
    pub service: String,
    /// Since when the health is what it is (seconds since the epoch).
    pub since: f64,
    /// The weight in the table (`None`: not in it).
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
