//! One entry of the IPVS connection table, as a plain value.
//!
//! The reader of `/proc/net/ip_vs_conn` ([`crate::conn::ConnectionTable`])
//! is not part of the model: it does I/O, and lives in [`crate::conn`].

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// One connection entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Connection {
    /// Protocol name as the kernel prints it (`TCP`, `UDP`, `SCTP`, ...).
    pub protocol: String,
    /// Client address.
    pub client_addr: IpAddr,
    /// Client port.
    pub client_port: u16,
    /// Virtual address.
    pub virtual_addr: IpAddr,
    /// Virtual port.
    pub virtual_port: u16,
    /// Destination (real server) address.
    pub dest_addr: IpAddr,
    /// Destination port.
    pub dest_port: u16,
    /// Protocol state (`ESTABLISHED`, `NONE`, ...).
    pub state: String,
    /// Seconds until the entry expires.
    pub expires: u64,
    /// Persistence engine name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pe_name: Option<String>,
    /// Persistence engine data, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pe_data: Option<String>,
}
