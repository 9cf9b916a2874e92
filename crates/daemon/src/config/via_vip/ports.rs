//! The source ports of checks through the VIP (`[daemon]
//! vip_check_ports`): each such check sends from a port of its own, so
//! that any IPVS connection entry the kernel finds for its addresses and
//! ports is one of its own earlier checks, to the same real server.

use std::fmt;
use std::ops::RangeInclusive;

/// A range of local ports, both ends in it (written `LOW-HIGH`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    /// The first port (at least 1).
    pub low: u16,
    /// The last port (at least `low`).
    pub high: u16,
}

/// The default of [`crate::config::Config::vip_check_ports`]: above
/// Linux's default `ip_local_port_range` (32768-60999), so that no
/// socket the kernel gives a port to takes one of them.
pub const DEFAULT_VIP_CHECK_PORTS: PortRange = PortRange {
    low: 61000,
    high: 65000,
};

impl PortRange {
    /// `LOW-HIGH`, two ports from 1 to 65535, LOW not above HIGH.
    ///
    /// ```
    /// use rvsadmd::config::via_vip::PortRange;
    /// let r = PortRange::parse("61000-65000").unwrap();
    /// assert_eq!((r.len(), r.contains(61000), r.contains(65001)), (4001, true, false));
    /// assert!(PortRange::parse("0-10").is_err());
    /// assert!(PortRange::parse("20-10").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "`{s}` is not a range of ports: write LOW-HIGH, two ports from 1 to 65535 (61000-65000)"
            )
        };
        let (l, h) = s.trim().split_once('-').ok_or_else(bad)?;
        let port = |p: &str| p.trim().parse::<u16>().ok().filter(|p| *p > 0);
        let (low, high) = port(l).zip(port(h)).ok_or_else(bad)?;
        if low > high {
            return Err(format!(
                "`{s}`: the first port is above the last (write {high}-{low})"
            ));
        }
        Ok(PortRange { low, high })
    }

    /// How many ports the range holds.
    pub fn len(self) -> u64 {
        u64::from(self.high - self.low) + 1
    }

    /// Whether the range holds no port (never: at least one).
    pub fn is_empty(self) -> bool {
        false
    }

    /// Whether `port` is one of the range's.
    pub fn contains(self, port: u16) -> bool {
        (self.low..=self.high).contains(&port)
    }

    /// The ports of the range, in order.
    pub fn ports(self) -> RangeInclusive<u16> {
        self.low..=self.high
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.low, self.high)
    }
}
