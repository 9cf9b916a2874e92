//! Virtual services: the key that names one, its scheduler and flags.

use super::{DestSpec, Destination, Family, Stats};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

/// ipvsadm's default persistence timeout in seconds (`-p` without a value).
pub const DEFAULT_PERSISTENT_TIMEOUT: u32 = 360;

/// Transport protocol of an address-keyed service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Protocol {
    /// TCP (6).
    Tcp,
    /// UDP (17).
    Udp,
    /// SCTP (132).
    Sctp,
    /// Any other IP protocol number the kernel reports.
    #[serde(untagged)]
    Other(u16),
}

impl Protocol {
    /// The IP protocol number.
    pub fn to_raw(self) -> u16 {
        match self {
            Protocol::Tcp => 6,
            Protocol::Udp => 17,
            Protocol::Sctp => 132,
            Protocol::Other(v) => v,
        }
    }

    /// From an IP protocol number.
    pub fn from_raw(v: u16) -> Self {
        match v {
            6 => Protocol::Tcp,
            17 => Protocol::Udp,
            132 => Protocol::Sctp,
            v => Protocol::Other(v),
        }
    }

    /// Lower-case name (`tcp`, `udp`, `sctp`), as `getservbyname` wants it.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Protocol::Tcp => Some("tcp"),
            Protocol::Udp => Some("udp"),
            Protocol::Sctp => Some("sctp"),
            Protocol::Other(_) => None,
        }
    }
}

/// What identifies a virtual service in the kernel.
///
/// ```
/// use rvsadm::{ServiceKey, Protocol, Family};
/// let web: ServiceKey = ServiceKey::tcp("192.0.2.1:80".parse().unwrap());
/// assert_eq!(web.family(), Family::Inet);
/// let mark = ServiceKey::Fwmark { mark: 7, family: Family::Inet6 };
/// assert_eq!(mark.family(), Family::Inet6);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ServiceKey {
    /// A protocol, virtual address and port.
    Addr {
        /// Transport protocol.
        protocol: Protocol,
        /// Virtual IP address.
        addr: IpAddr,
        /// Virtual port (host order here; big-endian on the wire).
        port: u16,
    },
    /// A firewall mark and the address family it applies to.
    Fwmark {
        /// The mark (1..=u32::MAX).
        mark: u32,
        /// Address family.
        family: Family,
    },
}

impl ServiceKey {
    /// A TCP service.
    pub fn tcp(sa: std::net::SocketAddr) -> Self {
        ServiceKey::Addr {
            protocol: Protocol::Tcp,
            addr: sa.ip(),
            port: sa.port(),
        }
    }

    /// A UDP service.
    pub fn udp(sa: std::net::SocketAddr) -> Self {
        ServiceKey::Addr {
            protocol: Protocol::Udp,
            addr: sa.ip(),
            port: sa.port(),
        }
    }

    /// An SCTP service.
    pub fn sctp(sa: std::net::SocketAddr) -> Self {
        ServiceKey::Addr {
            protocol: Protocol::Sctp,
            addr: sa.ip(),
            port: sa.port(),
        }
    }

    /// An IPv4 firewall-mark service.
    pub fn fwmark(mark: u32) -> Self {
        ServiceKey::Fwmark {
            mark,
            family: Family::Inet,
        }
    }

    /// The address family.
    pub fn family(&self) -> Family {
        match self {
            ServiceKey::Addr { addr, .. } => Family::of(addr),
            ServiceKey::Fwmark { family, .. } => *family,
        }
    }

    /// The protocol (`None` for fwmark services).
    pub fn protocol(&self) -> Option<Protocol> {
        match self {
            ServiceKey::Addr { protocol, .. } => Some(*protocol),
            ServiceKey::Fwmark { .. } => None,
        }
    }

    /// The virtual port (0 for fwmark services).
    pub fn port(&self) -> u16 {
        match self {
            ServiceKey::Addr { port, .. } => *port,
            ServiceKey::Fwmark { .. } => 0,
        }
    }
}

impl fmt::Display for ServiceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServiceKey::Addr {
                protocol,
                addr: IpAddr::V6(a),
                port,
            } => {
                write!(f, "{} [{a}]:{port}", protocol.name().unwrap_or("?"))
            }
            ServiceKey::Addr {
                protocol,
                addr,
                port,
            } => {
                write!(f, "{} {addr}:{port}", protocol.name().unwrap_or("?"))
            }
            ServiceKey::Fwmark {
                mark,
                family: Family::Inet6,
            } => write!(f, "fwmark {mark} ipv6"),
            ServiceKey::Fwmark { mark, .. } => write!(f, "fwmark {mark}"),
        }
    }
}

/// A scheduling algorithm.
///
/// The kernel names schedulers by string; the 13 it ships are variants here,
/// anything else (a scheduler added later) is kept verbatim in `Other`.
///
/// ```
/// use rvsadm::Scheduler;
/// assert_eq!(Scheduler::from_name("wlc"), Scheduler::Wlc);
/// assert_eq!(Scheduler::from_name("twos").name(), "twos");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Scheduler {
    /// Round robin.
    Rr,
    /// Weighted round robin.
    Wrr,
    /// Least connection.
    Lc,
    /// Weighted least connection (ipvsadm's default).
    #[default]
    Wlc,
    /// Locality-based least connection.
    Lblc,
    /// Locality-based least connection with replication.
    Lblcr,
    /// Destination hashing.
    Dh,
    /// Source hashing.
    Sh,
    /// Shortest expected delay.
    Sed,
    /// Never queue.
    Nq,
    /// Weighted failover.
    Fo,
    /// Weighted overflow.
    Ovf,
    /// Maglev hashing.
    Mh,
    /// Any other scheduler name (including the kernel's `none`).
    Other(String),
}

const SCHEDULER_NAMES: [(&str, Scheduler); 13] = [
    ("rr", Scheduler::Rr),
    ("wrr", Scheduler::Wrr),
    ("lc", Scheduler::Lc),
    ("wlc", Scheduler::Wlc),
    ("lblc", Scheduler::Lblc),
    ("lblcr", Scheduler::Lblcr),
    ("dh", Scheduler::Dh),
    ("sh", Scheduler::Sh),
    ("sed", Scheduler::Sed),
    ("nq", Scheduler::Nq),
    ("fo", Scheduler::Fo),
    ("ovf", Scheduler::Ovf),
    ("mh", Scheduler::Mh),
];

impl Scheduler {
    /// From the kernel's name.
    pub fn from_name(name: &str) -> Self {
        SCHEDULER_NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| Scheduler::Other(name.to_string()))
    }

    /// The kernel's name.
    pub fn name(&self) -> &str {
        match self {
            Scheduler::Other(s) => s,
            known => SCHEDULER_NAMES
                .iter()
                .find(|(_, s)| s == known)
                .map(|(n, _)| *n)
                .unwrap_or(""),
        }
    }

    /// The 13 schedulers Linux ships, in ipvsadm's help order.
    pub fn known() -> impl Iterator<Item = Scheduler> {
        SCHEDULER_NAMES.iter().map(|(_, s)| s.clone())
    }
}

impl fmt::Display for Scheduler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Scheduler {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Scheduler {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Scheduler::from_name(&s))
    }
}

bitflags::bitflags! {
    /// Service flags (`IP_VS_SVC_F_*`), a bit set. Bits this crate does not
    /// know are kept as the kernel sent them.
    ///
    /// ```
    /// use rvsadm::ServiceFlags;
    /// let f = ServiceFlags::PERSISTENT | ServiceFlags::ONEPACKET;
    /// assert!(f.contains(ServiceFlags::PERSISTENT));
    /// assert_eq!(f.bits(), 0x5);
    /// assert_eq!(f - ServiceFlags::PERSISTENT, ServiceFlags::ONEPACKET);
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct ServiceFlags: u32 {
        /// Persistent service.
        const PERSISTENT = 0x0001;
        /// Hashed entry: set by the kernel for every service in its table,
        /// never part of a configuration (see [`Service::kernel_flags`]).
        const HASHED = 0x0002;
        /// One-packet scheduling (UDP).
        const ONEPACKET = 0x0004;
        /// Scheduler flag 1 (`sh-fallback`, `mh-fallback`).
        const SCHED1 = 0x0008;
        /// Scheduler flag 2 (`sh-port`, `mh-port`).
        const SCHED2 = 0x0010;
        /// Scheduler flag 3.
        const SCHED3 = 0x0020;
        /// All three scheduler flags.
        const SCHED_MASK = 0x0038;
        // Bits a newer kernel may define.
        const _ = !0;
    }
}

impl ServiceFlags {
    /// The bits the kernel sets for its own bookkeeping ([`Self::HASHED`]):
    /// they are reported but cannot be configured.
    pub const KERNEL: Self = Self::HASHED;

    /// ipvsadm's names of the scheduler flags (`-b`): the bit, its name,
    /// and the scheduler the name belongs to (`None`: any scheduler). The
    /// one table that every reader and writer of these names uses; each
    /// scheduler's names are in bit order.
    pub const SCHED_FLAG_NAMES: &'static [(Self, &'static str, Option<&'static str>)] = &[
        (Self::SCHED1, "flag-1", None),
        (Self::SCHED2, "flag-2", None),
        (Self::SCHED3, "flag-3", None),
        (Self::SCHED1, "sh-fallback", Some("sh")),
        (Self::SCHED2, "sh-port", Some("sh")),
        (Self::SCHED1, "mh-fallback", Some("mh")),
        (Self::SCHED2, "mh-port", Some("mh")),
    ];

    /// The name of the scheduler flag `bit` for `sched`: the scheduler's
    /// own (`sh-port`), else the generic one (`flag-2`); `None` for a bit
    /// that is not one scheduler flag.
    pub fn sched_flag_name(bit: Self, sched: &Scheduler) -> Option<&'static str> {
        let with = |owner: Option<&str>| {
            Self::SCHED_FLAG_NAMES
                .iter()
                .find(|(b, _, o)| *b == bit && *o == owner)
                .map(|(_, n, _)| *n)
        };
        with(Some(sched.name())).or_else(|| with(None))
    }

    /// Names of the set flags, scheduler flags named for `sched` as ipvsadm
    /// does (`sh-fallback`, `mh-port`, otherwise `flag-1`..`flag-3`; see
    /// [`Self::SCHED_FLAG_NAMES`]). Bits without a name are reported as
    /// `0x..`.
    pub fn names(self, sched: &Scheduler) -> Vec<String> {
        let sched_name = |bit| Self::sched_flag_name(bit, sched).unwrap_or_default();
        let (f1, f2, f3) = (
            sched_name(Self::SCHED1),
            sched_name(Self::SCHED2),
            sched_name(Self::SCHED3),
        );
        let table: [(Self, &str); 6] = [
            (Self::PERSISTENT, "persistent"),
            (Self::HASHED, "hashed"),
            (Self::ONEPACKET, "ops"),
            (Self::SCHED1, f1),
            (Self::SCHED2, f2),
            (Self::SCHED3, f3),
        ];
        let mut out: Vec<String> = table
            .iter()
            .filter(|(b, _)| self.contains(*b))
            .map(|(_, n)| n.to_string())
            .collect();
        let rest = self.bits() & !0x3f;
        if rest != 0 {
            out.push(format!("{rest:#x}"));
        }
        out
    }
}

impl Serialize for ServiceFlags {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.bits())
    }
}

impl<'de> Deserialize<'de> for ServiceFlags {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::from_bits_retain(u32::deserialize(d)?))
    }
}

/// Persistence granularity of a service.
///
/// IPv4 services carry a mask (any 32-bit value, ipvsadm's `-M 24` gives
/// `0.0.0.24`); IPv6 services carry a prefix length.
///
/// ```
/// use rvsadm::Netmask;
/// assert_eq!(Netmask::V4("255.255.255.0".parse().unwrap()).to_raw(), 0xffffff00);
/// assert_eq!(Netmask::V6Prefix(64).to_raw(), 64);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Netmask {
    /// IPv4 netmask.
    V4(Ipv4Addr),
    /// IPv6 prefix length (1..=128 accepted by the kernel).
    V6Prefix(u32),
}

impl Netmask {
    /// The default for a family: `/32` (255.255.255.255) or `/128`.
    pub fn default_for(family: Family) -> Self {
        match family {
            Family::Inet6 => Netmask::V6Prefix(128),
            _ => Netmask::V4(Ipv4Addr::BROADCAST),
        }
    }

    /// The mask as a number: for IPv4 the mask bits, most significant
    /// first (`255.255.255.0` is `0xffffff00`); for IPv6 the prefix length.
    pub fn to_raw(self) -> u32 {
        match self {
            Netmask::V4(a) => u32::from(a),
            Netmask::V6Prefix(p) => p,
        }
    }

    /// Whether this is the default for `family`.
    pub fn is_default_for(self, family: Family) -> bool {
        self == Self::default_for(family)
    }
}

/// What can be configured on a service: everything a desired state says
/// about it besides its destinations, and what the kernel can change in
/// place (`SET_SERVICE`). Compared with `==`.
///
/// The flags never hold [`ServiceFlags::KERNEL`] bits (the decoder moves
/// them to [`Service::kernel_flags`], the encoder never sends them).
///
/// ```
/// use rvsadm::{Family, Scheduler, ServiceConfig};
/// let c = ServiceConfig::new(Family::Inet).with_scheduler(Scheduler::Rr).with_persistence(600);
/// assert!(c.is_persistent());
/// assert_eq!(ServiceConfig::new(Family::Inet).scheduler, Scheduler::Wlc);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ServiceConfig {
    /// Scheduling algorithm.
    pub scheduler: Scheduler,
    /// Flags.
    pub flags: ServiceFlags,
    /// Persistence timeout in seconds (meaningful with [`ServiceFlags::PERSISTENT`]).
    pub timeout: u32,
    /// Persistence granularity.
    pub netmask: Netmask,
    /// Persistence engine (e.g. `sip`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pe_name: Option<String>,
}

impl ServiceConfig {
    /// ipvsadm's defaults for a service of `family`: scheduler `wlc`, no
    /// flags, no persistence, netmask /32 or /128, no persistence engine.
    pub fn new(family: Family) -> Self {
        ServiceConfig {
            scheduler: Scheduler::Wlc,
            flags: ServiceFlags::empty(),
            timeout: 0,
            netmask: Netmask::default_for(family),
            pe_name: None,
        }
    }

    /// Set the scheduler.
    pub fn with_scheduler(mut self, s: Scheduler) -> Self {
        self.scheduler = s;
        self
    }

    /// Make the service persistent with this timeout (seconds).
    pub fn with_persistence(mut self, timeout: u32) -> Self {
        self.flags.insert(ServiceFlags::PERSISTENT);
        self.timeout = timeout;
        self
    }

    /// Set the persistence netmask.
    pub fn with_netmask(mut self, m: Netmask) -> Self {
        self.netmask = m;
        self
    }

    /// Add flags (kernel bookkeeping bits are left out).
    pub fn with_flags(mut self, f: ServiceFlags) -> Self {
        self.flags.insert(f - ServiceFlags::KERNEL);
        self
    }

    /// Set the persistence engine.
    pub fn with_pe(mut self, pe: impl Into<String>) -> Self {
        self.pe_name = Some(pe.into());
        self
    }

    /// Whether the service is persistent.
    pub fn is_persistent(&self) -> bool {
        self.flags.contains(ServiceFlags::PERSISTENT)
    }
}

/// A virtual service as the kernel has it: key, configuration, counters,
/// and (when listed with them) its destinations.
///
/// Build one to add with [`Service::new`] (ipvsadm's defaults, see
/// [`ServiceConfig::new`]) and the `with_*` methods.
///
/// ```
/// use rvsadm::{Service, ServiceKey, Scheduler};
/// let svc = Service::new(ServiceKey::tcp("192.0.2.1:443".parse().unwrap()))
///     .with_scheduler(Scheduler::Rr)
///     .with_persistence(600);
/// assert!(svc.config.is_persistent());
/// assert_eq!(svc.config.timeout, 600);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// What names the service.
    pub key: ServiceKey,
    /// Configuration.
    pub config: ServiceConfig,
    /// Flags the kernel set for itself ([`ServiceFlags::KERNEL`]).
    #[serde(default)]
    pub kernel_flags: ServiceFlags,
    /// Counters and rates (zero on services not read from the kernel).
    #[serde(default)]
    pub stats: Stats,
    /// Destinations, when the service was listed with them.
    #[serde(default)]
    pub destinations: Vec<Destination>,
    /// Attributes of the kernel's `SERVICE` nest this crate does not know.
    /// They are sent back on an edit made from this value, never on an
    /// add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<super::UnknownAttr>,
}

impl Service {
    /// A service with ipvsadm's defaults.
    pub fn new(key: ServiceKey) -> Self {
        Service {
            config: ServiceConfig::new(key.family()),
            key,
            kernel_flags: ServiceFlags::empty(),
            stats: Stats::default(),
            destinations: Vec::new(),
            unknown: Vec::new(),
        }
    }

    /// Set the configuration.
    pub fn with_config(mut self, c: ServiceConfig) -> Self {
        self.config = c;
        self
    }

    /// Set the scheduler.
    pub fn with_scheduler(mut self, s: Scheduler) -> Self {
        self.config.scheduler = s;
        self
    }

    /// Make the service persistent with this timeout (seconds).
    pub fn with_persistence(mut self, timeout: u32) -> Self {
        self.config = self.config.with_persistence(timeout);
        self
    }

    /// Set the persistence netmask.
    pub fn with_netmask(mut self, m: Netmask) -> Self {
        self.config.netmask = m;
        self
    }

    /// Add flags.
    pub fn with_flags(mut self, f: ServiceFlags) -> Self {
        self.config = self.config.with_flags(f);
        self
    }

    /// Set the persistence engine.
    pub fn with_pe(mut self, pe: impl Into<String>) -> Self {
        self.config.pe_name = Some(pe.into());
        self
    }

    /// Whether the service is persistent.
    pub fn is_persistent(&self) -> bool {
        self.config.is_persistent()
    }

    /// The configured flags with the kernel's own bits, as the kernel
    /// reports them.
    pub fn all_flags(&self) -> ServiceFlags {
        self.config.flags | self.kernel_flags
    }

    /// Key, configuration and destinations, as a desired state holds them.
    pub fn spec(&self) -> ServiceSpec {
        ServiceSpec {
            key: self.key,
            config: self.config.clone(),
            destinations: self.destinations.iter().map(Destination::spec).collect(),
        }
    }
}

/// A service in a desired state: key, configuration and destinations.
///
/// ```
/// use rvsadm::{DestConfig, DestSpec, ForwardMethod, ServiceKey, ServiceSpec};
/// let s = ServiceSpec::new(ServiceKey::tcp("192.0.2.1:80".parse().unwrap()))
///     .with_destination(DestSpec::new("10.0.0.2:80".parse().unwrap(), DestConfig::new(ForwardMethod::Masq)));
/// assert_eq!(s.destinations.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSpec {
    /// What names the service.
    pub key: ServiceKey,
    /// Configuration.
    pub config: ServiceConfig,
    /// Destinations, each address at most once.
    #[serde(default)]
    pub destinations: Vec<DestSpec>,
}

impl ServiceSpec {
    /// A service with ipvsadm's defaults and no destinations.
    pub fn new(key: ServiceKey) -> Self {
        ServiceSpec {
            config: ServiceConfig::new(key.family()),
            key,
            destinations: Vec::new(),
        }
    }

    /// Set the configuration.
    pub fn with_config(mut self, c: ServiceConfig) -> Self {
        self.config = c;
        self
    }

    /// Add a destination.
    pub fn with_destination(mut self, d: DestSpec) -> Self {
        self.destinations.push(d);
        self
    }
}
