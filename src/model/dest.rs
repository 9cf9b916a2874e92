//! Real servers (destinations) of a virtual service.

use super::{Family, Stats};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};

/// How packets are forwarded to a destination (`IP_VS_CONN_F_FWD_MASK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
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
}

/// Encapsulation used by a tunnelling destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
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

/// Tunnel checksum flags (`IP_VS_TUNNEL_ENCAP_FLAG_*`).
///
/// `0` is "no checksum", bit 0 is "checksum", bit 1 is "remote checksum
/// offload".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct TunnelFlags(pub u16);

impl TunnelFlags {
    /// No checksum (`--tun-nocsum`).
    pub const NOCSUM: Self = Self(0);
    /// Checksum (`--tun-csum`).
    pub const CSUM: Self = Self(1);
    /// Remote checksum offload (`--tun-remcsum`).
    pub const REMCSUM: Self = Self(2);
}

/// A real server behind a virtual service.
///
/// [`Destination::new`] gives ipvsadm's defaults: direct routing, weight 1,
/// no thresholds, IPIP tunnel parameters unused.
///
/// ```
/// use rvsadm::{Destination, ForwardMethod};
/// let d = Destination::new("10.0.0.2:80".parse().unwrap())
///     .with_forward(ForwardMethod::Masq)
///     .with_weight(3);
/// assert_eq!(d.weight, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destination {
    /// Address (its family may differ from the service's for tunnels).
    pub addr: IpAddr,
    /// Port.
    pub port: u16,
    /// Forwarding method.
    pub forward: ForwardMethod,
    /// Weight (the kernel rejects negative weights).
    pub weight: i32,
    /// Upper connection threshold (0 = none).
    pub upper_threshold: u32,
    /// Lower connection threshold (0 = none).
    pub lower_threshold: u32,
    /// Tunnel encapsulation (meaningful with [`ForwardMethod::Tunnel`]).
    pub tun_type: TunnelType,
    /// Tunnel destination port (GUE), host order here.
    pub tun_port: u16,
    /// Tunnel checksum flags.
    pub tun_flags: TunnelFlags,
    /// Active connections (read only).
    #[serde(default)]
    pub active_conns: u32,
    /// Inactive connections (read only).
    #[serde(default)]
    pub inactive_conns: u32,
    /// Persistent connection templates (read only).
    #[serde(default)]
    pub persist_conns: u32,
    /// Counters and rates (read only).
    #[serde(default)]
    pub stats: Stats,
    /// Attributes of the kernel's `DEST` nest this crate does not know.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<super::UnknownAttr>,
}

impl Destination {
    /// A destination with ipvsadm's defaults.
    pub fn new(sa: SocketAddr) -> Self {
        Destination {
            addr: sa.ip(),
            port: sa.port(),
            forward: ForwardMethod::Route,
            weight: 1,
            upper_threshold: 0,
            lower_threshold: 0,
            tun_type: TunnelType::Ipip,
            tun_port: 0,
            tun_flags: TunnelFlags::NOCSUM,
            active_conns: 0,
            inactive_conns: 0,
            persist_conns: 0,
            stats: Stats::default(),
            unknown: Vec::new(),
        }
    }

    /// The address family.
    pub fn family(&self) -> Family {
        Family::of(&self.addr)
    }

    /// Address and port.
    pub fn socket_addr(&self) -> SocketAddr {
        SocketAddr::new(self.addr, self.port)
    }

    /// Set the forwarding method.
    pub fn with_forward(mut self, f: ForwardMethod) -> Self {
        self.forward = f;
        self
    }

    /// Set the weight.
    pub fn with_weight(mut self, w: i32) -> Self {
        self.weight = w;
        self
    }

    /// Set the upper and lower connection thresholds.
    pub fn with_thresholds(mut self, upper: u32, lower: u32) -> Self {
        self.upper_threshold = upper;
        self.lower_threshold = lower;
        self
    }

    /// Tunnel with the given encapsulation, port and checksum flags.
    pub fn with_tunnel(mut self, t: TunnelType, port: u16, flags: TunnelFlags) -> Self {
        self.forward = ForwardMethod::Tunnel;
        self.tun_type = t;
        self.tun_port = port;
        self.tun_flags = flags;
        self
    }
}
