//! The typed IPVS model: plain Rust values for everything the kernel's
//! `IPVS` generic-netlink family knows about.
//!
//! These types carry no netlink machinery and do no I/O; the `netlink`
//! module translates them to and from wire attributes, and [`crate::conn`]
//! reads [`Connection`]s from `/proc`. Of the crate's modules, the model
//! uses only [`crate::error`] (a desired state's check returns an
//! [`Error`](crate::Error), a [`Change`] names its [`Op`](crate::Op)). All of them serialize with
//! serde (the `--json` output of the `rvsadm` binary is built from them).

mod change;
mod conn;
mod daemon;
mod dest;
mod ipvsadm_args;
mod service;
mod state;
mod stats;

pub use change::Change;
pub use conn::Connection;
pub use daemon::{
    Daemon, DaemonState, SYNC_DEFAULT_GROUP, SYNC_DEFAULT_MAXLEN, SYNC_DEFAULT_PORT,
    SYNC_DEFAULT_TTL,
};
pub use dest::{
    DestConfig, DestSpec, DestStatus, Destination, ForwardMethod, Tunnel, TunnelFlags, TunnelType,
    Weight,
};
pub use service::{
    Netmask, Protocol, Scheduler, Service, ServiceConfig, ServiceFlags, ServiceKey, ServiceSpec,
    DEFAULT_PERSISTENT_TIMEOUT,
};
pub use state::{DesiredState, Snapshot};
pub use stats::Stats;

use serde::{Deserialize, Serialize};

/// A netlink attribute this crate does not know, kept as the kernel sent it
/// (a newer kernel may add attributes; they are carried, never dropped).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UnknownAttr {
    /// The attribute type number within its nest.
    pub kind: u16,
    /// The payload bytes.
    pub payload: Vec<u8>,
}

/// IPVS protocol timeouts in seconds, as `ipvsadm --set` writes them.
///
/// On write, `0` means "leave this value unchanged".
///
/// ```
/// let t = rvsadm::Timeouts { tcp: 900, tcp_fin: 120, udp: 300 };
/// assert_eq!(t.tcp, 900);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Timeouts {
    /// Established TCP connections.
    pub tcp: u32,
    /// TCP connections after a FIN was received.
    pub tcp_fin: u32,
    /// UDP "connections".
    pub udp: u32,
}

/// Global IPVS information (`IPVS_CMD_GET_INFO`).
///
/// ```
/// let info = rvsadm::Info { version: 0x010201, conn_tab_size: 4096 };
/// assert_eq!(info.version_string(), "1.2.1");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Info {
    /// The IPVS version code, `0x00MMmmpp` (major, minor, patch).
    pub version: u32,
    /// Size of the connection hash table.
    pub conn_tab_size: u32,
}

impl Info {
    /// The version as `(major, minor, patch)`.
    pub fn version_triple(&self) -> (u8, u8, u8) {
        (
            (self.version >> 16) as u8,
            (self.version >> 8) as u8,
            self.version as u8,
        )
    }

    /// The version as `"major.minor.patch"`.
    pub fn version_string(&self) -> String {
        let (a, b, c) = self.version_triple();
        format!("{a}.{b}.{c}")
    }
}

/// Address family of a service, destination or multicast group.
///
/// Values the kernel may send that we do not know are kept in `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Family {
    /// IPv4 (`AF_INET`, 2).
    Inet,
    /// IPv6 (`AF_INET6`, 10).
    Inet6,
    /// Any other `AF_*` value.
    #[serde(untagged)]
    Other(u16),
}

impl Family {
    /// The `AF_*` number.
    pub fn to_raw(self) -> u16 {
        match self {
            Family::Inet => 2,
            Family::Inet6 => 10,
            Family::Other(v) => v,
        }
    }

    /// From an `AF_*` number.
    pub fn from_raw(v: u16) -> Self {
        match v {
            2 => Family::Inet,
            10 => Family::Inet6,
            v => Family::Other(v),
        }
    }

    /// The family of an address.
    pub fn of(addr: &std::net::IpAddr) -> Self {
        match addr {
            std::net::IpAddr::V4(_) => Family::Inet,
            std::net::IpAddr::V6(_) => Family::Inet6,
        }
    }
}
