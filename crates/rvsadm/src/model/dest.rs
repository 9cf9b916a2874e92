//! Real servers (destinations) of a virtual service: identity (address and
//! port), configuration ([`DestConfig`], what a desired state holds) and
//! live status ([`DestStatus`], what only the kernel knows).

use super::{Family, Stats};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::SocketAddr;

/// How packets are forwarded to a destination (`IP_VS_CONN_F_FWD_MASK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ForwardMethod {
    /// NAT (`-m`, 0).
    Masq,
    /// Local node (1).
    Local,
    /// IP tunnelling (`-i`, 2).
    Tunnel,
    /// Direct routing (`-g`, 3; ipvsadm's default).
    #[default]
    Route,
    /// Cache bypass (4).
    Bypass,
    /// A method this crate does not know.
    #[serde(untagged)]
    Other(u32),
}

impl ForwardMethod {
    /// The kernel's number.
    pub fn to_raw(self) -> u32 {
        match self {
            ForwardMethod::Masq => 0,
            ForwardMethod::Local => 1,
            ForwardMethod::Tunnel => 2,
            ForwardMethod::Route => 3,
            ForwardMethod::Bypass => 4,
            ForwardMethod::Other(v) => v,
        }
    }

    /// From the kernel's number.
    pub fn from_raw(v: u32) -> Self {
        match v {
            0 => ForwardMethod::Masq,
            1 => ForwardMethod::Local,
            2 => ForwardMethod::Tunnel,
            3 => ForwardMethod::Route,
            4 => ForwardMethod::Bypass,
            v => ForwardMethod::Other(v),
        }
    }

    /// The lowercase name (`masq`, `route`, ...), as the JSON documents
    /// spell it; `None` for a method this crate does not know.
    pub fn name(self) -> Option<&'static str> {
        match self {
            ForwardMethod::Masq => Some("masq"),
            ForwardMethod::Local => Some("local"),
            ForwardMethod::Tunnel => Some("tunnel"),
            ForwardMethod::Route => Some("route"),
            ForwardMethod::Bypass => Some("bypass"),
            ForwardMethod::Other(_) => None,
        }
    }
}

/// Encapsulation used by a tunnelling destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum TunnelType {
    /// IP-in-IP (0, the default).
    #[default]
    Ipip,
    /// Generic UDP encapsulation (1).
    Gue,
    /// GRE (2).
    Gre,
    /// A type this crate does not know.
    #[serde(untagged)]
    Other(u8),
}

impl TunnelType {
    /// The kernel's number.
    pub fn to_raw(self) -> u8 {
        match self {
            TunnelType::Ipip => 0,
            TunnelType::Gue => 1,
            TunnelType::Gre => 2,
            TunnelType::Other(v) => v,
        }
    }

    /// From the kernel's number.
    pub fn from_raw(v: u8) -> Self {
        match v {
            0 => TunnelType::Ipip,
            1 => TunnelType::Gue,
            2 => TunnelType::Gre,
            v => TunnelType::Other(v),
        }
    }
}

bitflags::bitflags! {
    /// Tunnel checksum flags (`IP_VS_TUNNEL_ENCAP_FLAG_*`), a bit set.
    ///
    /// No bit is "no checksum" ([`TunnelFlags::NOCSUM`]); bits this crate
    /// does not know are kept as the kernel sent them.
    ///
    /// ```
    /// use rvsadm::TunnelFlags;
    /// let f = TunnelFlags::CSUM | TunnelFlags::REMCSUM;
    /// assert!(f.contains(TunnelFlags::REMCSUM));
    /// assert_eq!((f - TunnelFlags::CSUM).bits(), 2);
    /// assert!(TunnelFlags::NOCSUM.is_empty());
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
    pub struct TunnelFlags: u16 {
        /// Checksum (`--tun-csum`).
        const CSUM = 1;
        /// Remote checksum offload (`--tun-remcsum`).
        const REMCSUM = 2;
        // Bits a newer kernel may define.
        const _ = !0;
    }
}

impl TunnelFlags {
    /// No checksum (`--tun-nocsum`): no bit set.
    pub const NOCSUM: Self = Self::empty();
}

impl Serialize for TunnelFlags {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u16(self.bits())
    }
}

impl<'de> Deserialize<'de> for TunnelFlags {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::from_bits_retain(u16::deserialize(d)?))
    }
}

/// A destination's weight: 0 to 2147483647 (the kernel keeps an `int` and
/// refuses negative values). 0 sends no new connections to the
/// destination ("quiesced"); existing ones go on.
///
/// ```
/// use rvsadm::Weight;
/// assert_eq!(Weight::new(3).unwrap().get(), 3);
/// assert!(Weight::new(1 << 31).is_none());
/// assert_eq!(Weight::from(7u16), Weight::new(7).unwrap());
/// assert!(Weight::ZERO.is_zero());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Weight(u32);

impl Weight {
    /// Weight 0: no new connections.
    pub const ZERO: Weight = Weight(0);
    /// Weight 1, ipvsadm's default.
    pub const ONE: Weight = Weight(1);
    /// The largest weight the kernel accepts, 2147483647.
    pub const MAX: Weight = Weight(i32::MAX as u32);

    /// A weight, if `w` is at most [`Weight::MAX`].
    pub const fn new(w: u32) -> Option<Weight> {
        if w <= i32::MAX as u32 {
            Some(Weight(w))
        } else {
            None
        }
    }

    /// The value.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// Whether this is weight 0.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl Default for Weight {
    /// ipvsadm's default weight, 1.
    fn default() -> Self {
        Weight::ONE
    }
}

impl From<u16> for Weight {
    fn from(w: u16) -> Self {
        Weight(u32::from(w))
    }
}

impl TryFrom<i64> for Weight {
    type Error = std::num::TryFromIntError;
    fn try_from(w: i64) -> Result<Self, Self::Error> {
        let w = i32::try_from(w)?;
        Ok(Weight(u32::try_from(w)?))
    }
}

impl TryFrom<u32> for Weight {
    type Error = std::num::TryFromIntError;
    fn try_from(w: u32) -> Result<Self, Self::Error> {
        Ok(Weight(u32::try_from(i32::try_from(w)?)?))
    }
}

impl From<Weight> for u32 {
    fn from(w: Weight) -> u32 {
        w.0
    }
}

impl fmt::Display for Weight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for Weight {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.0)
    }
}

impl<'de> Deserialize<'de> for Weight {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = i64::deserialize(d)?;
        Weight::try_from(v)
            .map_err(|_| serde::de::Error::custom("a weight must be 0 to 2147483647"))
    }
}

/// Tunnel parameters of a destination. The kernel keeps them for every
/// destination; they take effect with [`ForwardMethod::Tunnel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Tunnel {
    /// Encapsulation (IPIP by default).
    pub kind: TunnelType,
    /// Destination port of the encapsulation (GUE needs one), host order.
    pub port: u16,
    /// Checksum flags.
    pub flags: TunnelFlags,
}

/// What can be configured on a destination: everything a desired state
/// says about it, and what the kernel can change in place
/// (`SET_DEST`). Compared with `==`; live counters are not part of it.
///
/// The default is ipvsadm's for `-a`: direct routing, weight 1, no
/// thresholds, IPIP tunnel parameters unused. Say the forwarding method
/// you mean with [`DestConfig::new`].
///
/// ```
/// use rvsadm::{DestConfig, ForwardMethod, Weight};
/// let c = DestConfig::new(ForwardMethod::Masq).with_weight(Weight::from(3u16));
/// assert_eq!(c.weight.get(), 3);
/// assert_ne!(c, DestConfig::default()); // default: route, weight 1
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DestConfig {
    /// Forwarding method.
    pub forward: ForwardMethod,
    /// Weight.
    pub weight: Weight,
    /// Upper connection threshold (0 = none).
    pub upper_threshold: u32,
    /// Lower connection threshold (0 = none); the kernel refuses a lower
    /// threshold above the upper one, even when the upper one is 0.
    pub lower_threshold: u32,
    /// Tunnel parameters.
    pub tunnel: Tunnel,
}

impl DestConfig {
    /// Weight 1 and no thresholds, forwarding by `forward`.
    pub fn new(forward: ForwardMethod) -> Self {
        DestConfig {
            forward,
            ..DestConfig::default()
        }
    }

    /// Set the forwarding method.
    pub fn with_forward(mut self, f: ForwardMethod) -> Self {
        self.forward = f;
        self
    }

    /// Set the weight.
    pub fn with_weight(mut self, w: Weight) -> Self {
        self.weight = w;
        self
    }

    /// Set the upper and lower connection thresholds.
    pub fn with_thresholds(mut self, upper: u32, lower: u32) -> Self {
        self.upper_threshold = upper;
        self.lower_threshold = lower;
        self
    }

    /// Tunnel with the given encapsulation, port and checksum flags (sets
    /// the forwarding method to [`ForwardMethod::Tunnel`]).
    pub fn with_tunnel(mut self, kind: TunnelType, port: u16, flags: TunnelFlags) -> Self {
        self.forward = ForwardMethod::Tunnel;
        self.tunnel = Tunnel { kind, port, flags };
        self
    }
}

/// What the kernel reports about a destination's traffic (read only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DestStatus {
    /// Active connections.
    pub active_conns: u32,
    /// Inactive connections (for UDP: every entry not yet expired).
    pub inactive_conns: u32,
    /// Persistent connection templates.
    pub persist_conns: u32,
    /// Counters and rates.
    pub stats: Stats,
}

impl DestStatus {
    /// Active plus inactive connections: what must reach 0 before a
    /// destination can be removed without cutting anyone off.
    pub fn conns(&self) -> u64 {
        u64::from(self.active_conns) + u64::from(self.inactive_conns)
    }
}

/// A destination in a desired state: its identity and configuration.
///
/// ```
/// use rvsadm::{DestConfig, DestSpec, ForwardMethod};
/// let d = DestSpec::new("10.0.0.2:80".parse().unwrap(), DestConfig::new(ForwardMethod::Masq));
/// assert_eq!(d.addr.port(), 80);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DestSpec {
    /// Address and port (the address family may differ from the
    /// service's for tunnels).
    pub addr: SocketAddr,
    /// Configuration.
    pub config: DestConfig,
}

impl DestSpec {
    /// A destination at `addr` with `config`.
    pub fn new(addr: SocketAddr, config: DestConfig) -> Self {
        DestSpec { addr, config }
    }

    /// The address family.
    pub fn family(&self) -> Family {
        Family::of(&self.addr.ip())
    }
}

/// A real server behind a virtual service, as the kernel has it:
/// identity, configuration and live status.
///
/// ```
/// use rvsadm::{DestConfig, Destination, ForwardMethod, Weight};
/// let d = Destination::new(
///     "10.0.0.2:80".parse().unwrap(),
///     DestConfig::new(ForwardMethod::Masq).with_weight(Weight::from(3u16)),
/// );
/// assert_eq!(d.config.weight.get(), 3);
/// assert_eq!(d.status.conns(), 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destination {
    /// Address and port: what names the destination within its service.
    pub addr: SocketAddr,
    /// Configuration.
    pub config: DestConfig,
    /// Live status (zero on destinations not read from the kernel).
    #[serde(default)]
    pub status: DestStatus,
    /// Attributes of the kernel's `DEST` nest this crate does not know.
    /// They are sent back on an edit made from this value (a newer
    /// kernel's setting is kept, not reset), never on an add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<super::UnknownAttr>,
}

impl Destination {
    /// A destination with `config` and no status.
    pub fn new(addr: SocketAddr, config: DestConfig) -> Self {
        Destination {
            addr,
            config,
            status: DestStatus::default(),
            unknown: Vec::new(),
        }
    }

    /// The address family.
    pub fn family(&self) -> Family {
        Family::of(&self.addr.ip())
    }

    /// Identity and configuration, as a desired state holds them.
    pub fn spec(&self) -> DestSpec {
        DestSpec::new(self.addr, self.config)
    }
}

impl From<DestSpec> for Destination {
    fn from(d: DestSpec) -> Self {
        Destination::new(d.addr, d.config)
    }
}
