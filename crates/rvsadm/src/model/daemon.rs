//! Connection synchronisation daemons.

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Role of a sync daemon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum DaemonState {
    /// Sends connection updates (1).
    Master,
    /// Receives them (2).
    Backup,
    /// A value this crate does not know.
    #[serde(untagged)]
    Other(u32),
}

impl DaemonState {
    /// The kernel's number.
    pub fn to_raw(self) -> u32 {
        match self {
            DaemonState::Master => 1,
            DaemonState::Backup => 2,
            DaemonState::Other(v) => v,
        }
    }

    /// From the kernel's number.
    pub fn from_raw(v: u32) -> Self {
        match v {
            1 => DaemonState::Master,
            2 => DaemonState::Backup,
            v => DaemonState::Other(v),
        }
    }
}

/// The kernel's multicast group for a sync daemon started without one.
pub const SYNC_DEFAULT_GROUP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(224, 0, 0, 81));
/// The kernel's UDP port for a sync daemon started without one.
pub const SYNC_DEFAULT_PORT: u16 = 8848;
/// The kernel's multicast TTL for a sync daemon started without one.
pub const SYNC_DEFAULT_TTL: u8 = 1;
/// The sync message length the kernel uses on an Ethernet link (MTU 1500)
/// when none is given: it derives the default from the interface's MTU,
/// so this is the usual value, not a fixed one.
pub const SYNC_DEFAULT_MAXLEN: u16 = 1472;

/// A sync daemon, as started or as listed.
///
/// Optional fields left `None` on start take the kernel's defaults
/// ([`SYNC_DEFAULT_GROUP`], [`SYNC_DEFAULT_PORT`], [`SYNC_DEFAULT_TTL`],
/// max length from the MTU: [`SYNC_DEFAULT_MAXLEN`] on Ethernet); listings
/// from modern kernels fill them all.
///
/// ```
/// use rvsadm::{Daemon, DaemonState};
/// let d = Daemon::new(DaemonState::Master, "eth0").with_sync_id(9);
/// assert_eq!(d.sync_id, 9);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Daemon {
    /// Master or backup.
    pub state: DaemonState,
    /// Multicast interface.
    pub mcast_ifn: String,
    /// Sync id (0..=255).
    pub sync_id: u32,
    /// Maximum sync message length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_maxlen: Option<u16>,
    /// Multicast group (IPv4 or IPv6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mcast_group: Option<IpAddr>,
    /// Multicast UDP port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mcast_port: Option<u16>,
    /// Multicast TTL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mcast_ttl: Option<u8>,
}

impl Daemon {
    /// A daemon on `ifname` with sync id 0 and kernel defaults otherwise.
    pub fn new(state: DaemonState, ifname: impl Into<String>) -> Self {
        Daemon {
            state,
            mcast_ifn: ifname.into(),
            sync_id: 0,
            sync_maxlen: None,
            mcast_group: None,
            mcast_port: None,
            mcast_ttl: None,
        }
    }

    /// Set the sync id.
    pub fn with_sync_id(mut self, id: u32) -> Self {
        self.sync_id = id;
        self
    }
}
