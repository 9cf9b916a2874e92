//! Reads of destinations without their counters, by the kernel's older
//! `getsockopt` interface where it can give them whole ([`crate::sockopt`]),
//! by netlink for the rest.

use super::{lock, Ipvs};
use crate::error::Result;
use crate::model::{Destination, ServiceKey, Stats};
use crate::sockopt::{DestCounts, Sockopt};
use std::sync::MutexGuard;

/// How [`Ipvs::without_stats`] learns each service's count of destinations.
#[derive(Clone, Copy)]
pub(super) enum Counting<'a> {
    /// From a count taken before (`None`: service by service).
    Given(Option<&'a DestCounts>),
    /// For many keys, counted at once before the reads and again after,
    /// taking nothing whose count moved; for a few, service by service.
    Bracket,
}

/// From this many keys on, and when the keys are at least one in
/// [`COUNT_ALL_SHARE`] of the table's services,
/// [`Ipvs::destinations_without_stats_of`] counts every service's
/// destinations at once (two calls that copy every IPv4 service) rather
/// than one call per key.
const COUNT_ALL_FROM: usize = 16;
const COUNT_ALL_SHARE: usize = 4;

/// The state of the `getsockopt` path ([`crate::sockopt`]).
pub(super) enum Legacy {
    /// Not needed yet.
    Unopened,
    Open(Sockopt),
    /// The kernel refused it once: netlink only from then on.
    Off,
}

impl Ipvs {
    /// The destinations of many services, like [`Ipvs::destinations_of`],
    /// but without their counters and rates: every destination's
    /// `status.stats` is zero (connection counts are there). Every other field is as the kernel has it.
    ///
    /// For that the kernel has a cheaper way than a netlink dump, its older
    /// `getsockopt` interface (no message built or parsed), which is used
    /// for IPv4 services: for many keys (16 or more, and at least a quarter
    /// of the table's services), one call counts every IPv4 service's
    /// destinations, one call per service reads them, and one more call
    /// counts again (a service whose count moved in between is read by
    /// netlink); for fewer, two calls per service; whatever it cannot give
    /// whole (IPv6 services, tunnel destinations, destinations of the other
    /// family) is read by netlink dumps as in [`Ipvs::destinations_of`].
    /// Listings that print no counters (`rvsadm -Ln`, `-Sn`) use this.
    ///
    /// ```no_run
    /// # fn main() -> rvsadm::Result<()> {
    /// let ipvs = rvsadm::Ipvs::connect()?;
    /// let keys: Vec<_> = ipvs.services()?.iter().map(|s| s.key).collect();
    /// for (key, dests) in keys.iter().zip(ipvs.destinations_without_stats_of(&keys)?) {
    ///     let weights: u64 = dests.iter().map(|d| u64::from(d.config.weight.get())).sum();
    ///     println!("{key}: total weight {weights}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn destinations_without_stats_of(
        &self,
        keys: &[ServiceKey],
    ) -> Result<Vec<Vec<Destination>>> {
        self.without_stats(keys, Counting::Bracket)
    }

    /// The kernel's count of destinations of every IPv4 service, in one
    /// `getsockopt` call, for a listing that reads its services'
    /// destinations in parts by a [`super::DestinationReader`];
    /// `None` when that interface is refused or the answer may not hold
    /// every service.
    pub(super) fn dest_counts(&self) -> Option<DestCounts> {
        let mut legacy = self.legacy_open();
        let Legacy::Open(s) = &mut *legacy else {
            return None;
        };
        match s.dest_counts(usize::MAX) {
            Ok(c) => c,
            Err(_) => {
                *legacy = Legacy::Off;
                None
            }
        }
    }

    /// The `getsockopt` path, opened on first need.
    fn legacy_open(&self) -> MutexGuard<'_, Legacy> {
        let mut legacy = lock(&self.legacy);
        if matches!(*legacy, Legacy::Unopened) {
            *legacy = match self.lock().in_netns(|| Ok(Sockopt::open()?)) {
                Ok(s) => Legacy::Open(s),
                Err(_) => Legacy::Off,
            };
        }
        legacy
    }

    /// What the `getsockopt` path gives whole of `keys`' destinations
    /// (`None` for the rest).
    fn without_stats_legacy(
        &self,
        keys: &[ServiceKey],
        counting: Counting<'_>,
    ) -> Vec<Option<Vec<Destination>>> {
        let mut out: Vec<Option<Vec<Destination>>> = vec![None; keys.len()];
        let mut legacy = self.legacy_open();
        let Legacy::Open(s) = &mut *legacy else {
            return out;
        };
        // Counting all services at once pays when the keys are a good part
        // of the table: the answer copies every IPv4 service, where
        // counting each key is a call of its own.
        let most = keys.len().saturating_mul(COUNT_ALL_SHARE);
        let mut refused = false;
        let before = match counting {
            Counting::Given(_) => None,
            Counting::Bracket if keys.len() < COUNT_ALL_FROM => None,
            Counting::Bracket => s.dest_counts(most).unwrap_or_else(|_| {
                refused = true;
                None
            }),
        };
        let counts = match counting {
            Counting::Given(c) => c,
            Counting::Bracket => before.as_ref(),
        };
        if !refused {
            for (slot, key) in out.iter_mut().zip(keys) {
                let got = match counts.and_then(|c| c.get(key)) {
                    Some(n) => s.destinations_counted(key, n),
                    None => s.destinations(key),
                };
                match got {
                    Ok(d) => *slot = d,
                    Err(_) => {
                        refused = true;
                        break;
                    }
                }
            }
        }
        if let (Some(before), false) = (&before, refused) {
            // Counted again: what moved in between is read by netlink.
            match s.dest_counts(usize::MAX) {
                Ok(Some(after)) => {
                    for (slot, key) in out.iter_mut().zip(keys) {
                        if before.get(key) != after.get(key) {
                            *slot = None;
                        }
                    }
                }
                Ok(None) => out.iter_mut().for_each(|d| *d = None),
                Err(_) => {
                    out.iter_mut().for_each(|d| *d = None);
                    refused = true;
                }
            }
        }
        if refused {
            *legacy = Legacy::Off;
        }
        out
    }

    pub(super) fn without_stats(
        &self,
        keys: &[ServiceKey],
        counting: Counting<'_>,
    ) -> Result<Vec<Vec<Destination>>> {
        let out = self.without_stats_legacy(keys, counting);
        // The rest by netlink, in one run of dumps.
        let rest: Vec<ServiceKey> = keys
            .iter()
            .zip(&out)
            .filter(|(_, d)| d.is_none())
            .map(|(k, _)| *k)
            .collect();
        let mut fetched = if rest.is_empty() {
            Vec::new()
        } else {
            self.destinations_of(&rest)?
        }
        .into_iter();
        Ok(out
            .into_iter()
            .map(|d| {
                d.unwrap_or_else(|| {
                    let mut d = fetched.next().unwrap_or_default();
                    for d in &mut d {
                        d.status.stats = Stats::default();
                    }
                    d
                })
            })
            .collect())
    }
}
