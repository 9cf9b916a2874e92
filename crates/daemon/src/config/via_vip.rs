//! Checks through the VIP (native `via_vip`): a check that reaches a
//! direct-routing or tunnelled real server the way the load-balanced
//! traffic does, so that a real server without the VIP on its loopback
//! fails it.
//!
//! The mechanism (Seesaw's): each real server with such a check gets a
//! fwmark service of its own, owned by rvsadmd, whose one destination is
//! that server with the service's forwarding method; the check's socket
//! carries the service's mark (`SO_MARK`) and connects to the VIP, and
//! IPVS's hook on locally sent packets forwards it to that server alone.
//! The marks come from [`Config::vip_check_marks`].
//!
//! IPVS looks a packet up in its connection table (by protocol,
//! addresses and ports, not by mark) before it schedules by mark: a
//! check sent from a port an earlier check to another real server used
//! (the entry stays two minutes after a close, five for UDP) would go to
//! that server. So each check through the VIP sends from a port of its
//! own ([`Config::vip_check_ports`], see [`PortRange`]), bound with
//! `SO_REUSEADDR` and closed by a reset ([`crate::probe`]): any entry
//! found is that of an earlier check to the same server.
//!
//! [`check`] refuses what cannot work (read by every format); [`expand`]
//! adds the fwmark services, gives the marks and ports (kept across
//! reloads) and points the checks at the VIP (at start and at each
//! reload, on the configuration the daemon runs).

use super::{Config, ConfigError, Manual, OnFailure, OnStop, Quorum, Real, Virtual};
use rvsadm::model::{DestConfig, DestSpec, ForwardMethod, ServiceConfig, ServiceKey, Weight};
use std::fmt;
use std::net::SocketAddr;

/// A range of firewall marks: those whose top `bits` bits are those of
/// `first` (written `0x7a000000/16`, as an address prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkRange {
    /// The first mark (its low `32 - bits` bits are 0).
    pub first: u32,
    /// How many top bits every mark of the range shares (1 to 32).
    pub bits: u8,
}

/// The default of [`Config::vip_check_marks`]: 65,536 marks from
/// 0x7a000000 (2046820352, as `ipvsadm -Ln` prints it).
pub const DEFAULT_VIP_CHECK_MARKS: MarkRange = MarkRange {
    first: 0x7a00_0000,
    bits: 16,
};

impl MarkRange {
    /// `VALUE/BITS`, VALUE in hex (`0x...`) or decimal; refused: low bits
    /// set below the prefix, a range holding mark 0 (no mark).
    ///
    /// ```
    /// use rvsadmd::config::via_vip::MarkRange;
    /// let r = MarkRange::parse("0x7a000000/16").unwrap();
    /// assert_eq!((r.len(), r.nth(1)), (65536, Some(0x7a00_0001)));
    /// assert!(MarkRange::parse("0x7a000001/16").is_err());
    /// assert!(MarkRange::parse("0/8").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "`{s}` is not a range of marks: write VALUE/BITS, the marks whose top BITS bits are VALUE's (0x7a000000/16)"
            )
        };
        let (v, b) = s.trim().split_once('/').ok_or_else(bad)?;
        let first = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
            Some(hex) => u32::from_str_radix(hex, 16),
            None => v.parse(),
        }
        .map_err(|_| bad())?;
        let bits: u8 = b
            .parse()
            .ok()
            .filter(|b| (1..=32).contains(b))
            .ok_or_else(bad)?;
        let r = MarkRange { first, bits };
        if first & !r.mask() != 0 {
            return Err(format!(
                "`{s}`: {first:#x} has bits set below the top {bits} (write {:#x}/{bits})",
                first & r.mask()
            ));
        }
        if r.contains(0) {
            return Err(format!(
                "`{s}` holds mark 0, which is no mark: choose a VALUE above 0"
            ));
        }
        Ok(r)
    }

    /// The bits every mark of the range shares.
    fn mask(self) -> u32 {
        u32::MAX.checked_shl(32 - u32::from(self.bits)).unwrap_or(0)
    }

    /// How many marks the range holds.
    pub fn len(self) -> u64 {
        1u64 << (32 - u32::from(self.bits))
    }

    /// Whether the range holds no mark (never: at least one).
    pub fn is_empty(self) -> bool {
        false
    }

    /// Whether `mark` is one of the range's.
    pub fn contains(self, mark: u32) -> bool {
        mark & self.mask() == self.first
    }

    /// The `i`-th mark of the range (`None` past its end).
    pub fn nth(self, i: u64) -> Option<u32> {
        (i < self.len()).then_some(self.first | i as u32)
    }
}

impl fmt::Display for MarkRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}/{}", self.first, self.bits)
    }
}

/// Whether any check of `r` goes through the VIP.
pub fn through_vip(r: &Real) -> bool {
    r.checks.iter().any(|c| c.source.via_vip.is_some())
}

/// What a configuration with checks through the VIP must satisfy: each
/// such check's service has an IPv4 address (the VIP), its real server
/// forwards by direct routing or tunnelling, no service of the
/// configuration uses a mark of `vip_check_marks`, the range holds a
/// mark for each real server and `vip_check_ports` a port for each
/// check. Nothing to satisfy without such checks.
pub fn check(cfg: &Config) -> Result<(), ConfigError> {
    for v in &cfg.services {
        for r in v.reals.iter().filter(|r| through_vip(r)) {
            let err = |m: String| ConfigError {
                at: v.at.clone(),
                message: format!("destination {}: {m}", r.dest.addr),
            };
            match v.key {
                ServiceKey::Addr { addr, .. } if addr.is_ipv4() => {}
                ServiceKey::Addr { .. } => {
                    return Err(err("`via_vip`: checks through the VIP are for IPv4 services only (IPv6 has no `accept_local` for the replies from the VIP)".into()));
                }
                ServiceKey::Fwmark { .. } => {
                    return Err(err("`via_vip`: a fwmark service has no VIP to connect to; give the check to a service with an address".into()));
                }
            }
            if !matches!(
                r.dest.config.forward,
                ForwardMethod::Route | ForwardMethod::Tunnel
            ) {
                return Err(err(format!(
                    "`via_vip` needs `forward = \"route\"` or `\"tunnel\"` (the destination forwards by {}: its own address is the one its traffic goes to, check that)",
                    r.dest.config.forward.name().unwrap_or("another method")
                )));
            }
        }
    }
    let (reals, checks) = assign::ids(cfg);
    if reals.is_empty() {
        return Ok(());
    }
    let range = cfg.vip_check_marks;
    if let Some(v) = cfg
        .services
        .iter()
        .find(|v| matches!(v.key, ServiceKey::Fwmark { mark, .. } if range.contains(mark)))
    {
        return Err(ConfigError {
            at: v.at.clone(),
            message: format!(
                "service {}: its mark is in vip_check_marks ({range}), which rvsadmd gives to the fwmark services of checks through the VIP: choose another mark, or set vip_check_marks to a range no service uses",
                v.key
            ),
        });
    }
    let at = || {
        cfg.services
            .first()
            .map(|v| v.at.clone())
            .unwrap_or_default()
    };
    if reals.len() as u64 > range.len() {
        return Err(ConfigError {
            at: at(),
            message: format!(
                "{} destinations have checks through the VIP but vip_check_marks ({range}) holds {} marks: give a wider range",
                reals.len(),
                range.len()
            ),
        });
    }
    let ports = cfg.vip_check_ports;
    if checks.len() as u64 > ports.len() {
        return Err(ConfigError {
            at: at(),
            message: format!(
                "{} checks go through the VIP but vip_check_ports ({ports}) holds {} ports: give a wider range (each such check sends from a port of its own)",
                checks.len(),
                ports.len()
            ),
        });
    }
    Ok(())
}

/// `cfg` as rvsadmd runs it: for each destination with checks through the
/// VIP, a mark of `vip_check_marks` and a fwmark service of that mark
/// with the destination alone in it (weight 1, never checked, deleted at
/// stop); each of its checks through the VIP pointed at the VIP, with the
/// mark on its socket and a source port of `vip_check_ports` of its own.
/// The marks and ports `prev` (the configuration running, as expanded)
/// gave are kept (see the module `assign`). A configuration [`check`] refuses is not
/// expanded past the marks and ports it has.
pub fn expand(mut cfg: Config, prev: Option<&Config>) -> Config {
    let (reals, checks) = assign::ids(&cfg);
    let (old_marks, old_ports) = prev.map(assign::given).unwrap_or_default();
    let (range, pr) = (cfg.vip_check_marks, cfg.vip_check_ports);
    let marks = assign::allot(
        &reals,
        &old_marks,
        |m| range.contains(m),
        (0..range.len()).filter_map(|i| range.nth(i)),
    );
    let ports = assign::allot(&checks, &old_ports, |p| pr.contains(p), pr.ports());
    let mut owned = Vec::new();
    for v in &mut cfg.services {
        let ServiceKey::Addr { addr: vip, .. } = v.key else {
            continue;
        };
        for i in 0..v.reals.len() {
            let id = (v.key, v.reals[i].dest.addr);
            let Some(&mark) = marks.get(&id) else {
                continue;
            };
            let via = v.reals[i].checks.iter_mut();
            for (n, c) in via.filter(|c| c.source.via_vip.is_some()).enumerate() {
                c.source.mark = Some(mark);
                c.source.port = ports.get(&(id.0, id.1, n)).copied();
                if let Some(t) = c.probe.target_mut() {
                    *t = SocketAddr::new(vip, t.port());
                }
            }
            owned.push(owned_service(v, &v.reals[i], mark));
        }
    }
    cfg.services.extend(owned);
    cfg
}

/// The fwmark service of `mark` for real server `r` of `v`: `r` alone,
/// forwarded as `v` forwards to it, at weight 1 whatever its health (no
/// slow start, no depool floor), put back as it was after a change by
/// hand (`manual = "revert"`: never an override, nothing in the state
/// file).
fn owned_service(v: &Virtual, r: &Real, mark: u32) -> Virtual {
    let family = v.key.family();
    let dest = DestSpec {
        addr: r.dest.addr,
        config: DestConfig {
            weight: Weight::ONE,
            upper_threshold: 0,
            lower_threshold: 0,
            ..r.dest.config
        },
    };
    // Built from copies, so that what a later field of a destination or
    // service means is the configured one's unless set here.
    let mut real = r.clone();
    real.dest = dest;
    real.checks = Vec::new();
    real.agent = None;
    real.notify_up = None;
    real.notify_down = None;
    real.monitor_as = None;
    real.slow_start = None;
    let mut owned = v.clone();
    owned.key = ServiceKey::Fwmark { mark, family };
    owned.config = ServiceConfig::new(family);
    owned.reals = vec![real];
    owned.fallback = None;
    owned.quorum = Quorum::default();
    owned.fallback_idle = OnFailure::Remove;
    owned.on_failure = OnFailure::Quiesce;
    owned.on_stop = Some(OnStop::Remove);
    owned.fallback_command = None;
    owned.monitor_file = None;
    owned.keep_foreign = false;
    // A change by hand is put back: a deleted service would let the
    // marked checks fall through to the VIP's own service, and pass on
    // any of its reals.
    owned.manual = Manual::Revert;
    owned.depool_floor = None;
    owned.check_only = true;
    owned
}

mod assign;
mod ports;
pub use ports::{PortRange, DEFAULT_VIP_CHECK_PORTS};

#[cfg(test)]
mod tests;
