//! Traffic counters and rate estimates.

use serde::{Deserialize, Serialize};

/// Counters and rates of a service or destination.
///
/// Always 64-bit: read from the kernel's `STATS64` nest, or widened from the
/// 32-bit `STATS` nest on kernels that lack it.
///
/// ```
/// let s = rvsadm::Stats { conns: 5_000_000_000, ..Default::default() };
/// assert!(s.conns > u64::from(u32::MAX));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Stats {
    /// Connections scheduled.
    pub conns: u64,
    /// Incoming packets.
    pub inpkts: u64,
    /// Outgoing packets.
    pub outpkts: u64,
    /// Incoming bytes.
    pub inbytes: u64,
    /// Outgoing bytes.
    pub outbytes: u64,
    /// Connections per second.
    pub cps: u64,
    /// Incoming packets per second.
    pub inpps: u64,
    /// Outgoing packets per second.
    pub outpps: u64,
    /// Incoming bytes per second.
    pub inbps: u64,
    /// Outgoing bytes per second.
    pub outbps: u64,
}
