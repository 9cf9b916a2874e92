//! A listing of the whole table, a part at a time: the services in the
//! caller's own (smaller) form, then their destinations read in chunks, so
//! that memory stays bounded and output can stream (`rvsadm -Ln` on a table
//! of 100,000 destinations holds one chunk of them at a time).

use super::brief::Brief;
use super::without_stats::Counting;
use super::Ipvs;
use crate::error::Result;
use crate::model::{Destination, Service, ServiceKey};
use crate::sockopt::DestCounts;

impl Ipvs {
    /// Every service, each turned by `f` into the caller's own form as soon
    /// as it is decoded (so a listing of a large table keeps only what it
    /// needs), in the kernel's order, with the repeats a multi-part dump can
    /// hold dropped (the first of each stays; see [`Ipvs::for_each_service`]);
    /// `key_of` tells a repeat by its service key.
    ///
    /// ```no_run
    /// # fn main() -> rvsadm::Result<()> {
    /// let ipvs = rvsadm::Ipvs::connect()?;
    /// // Keep the key and the scheduler only.
    /// let all = ipvs.services_as(|s| (s.key, s.config.scheduler), |(k, _)| *k)?;
    /// for (key, scheduler) in &all {
    ///     println!("{key} {scheduler}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn services_as<T>(
        &self,
        mut f: impl FnMut(Service) -> T,
        key_of: impl Fn(&T) -> ServiceKey,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.for_each_service(|s| out.push(f(s)))?;
        drop_repeats_by(&mut out, key_of);
        Ok(out)
    }

    /// A reader of the destinations of many services in parts, for a
    /// listing of the whole table: with counters (`with_stats`), each part
    /// is [`Ipvs::destinations_of`]; without, the kernel's count of every
    /// IPv4 service's destinations is taken **once**, here, and each part
    /// reads by the `getsockopt` path with it (one call per IPv4 service
    /// instead of two, as [`Ipvs::destinations_without_stats_of`] would
    /// need for each part).
    ///
    /// A service whose count has changed since is seen to (its answer has
    /// room for one more than the count, and fewer or more entries are not
    /// whole) and read afresh, service by service or by netlink, except in
    /// one case: destinations of the other family (IPv6 tunnel destinations
    /// of an IPv4 service, which that interface does not show) added since
    /// while as many of the service's own family went (the listing then
    /// shows the service as it was before those changes, less the removed
    /// ones). A listing of many services is not one moment anyway.
    ///
    /// ```no_run
    /// # fn main() -> rvsadm::Result<()> {
    /// let ipvs = rvsadm::Ipvs::connect()?;
    /// let keys = ipvs.services_as(|s| s.key, |k| *k)?;
    /// let reader = ipvs.destination_reader(false);
    /// for part in keys.chunks(256) {
    ///     for (key, dests) in part.iter().zip(reader.read(part)?) {
    ///         println!("{key}: {} destinations", dests.len());
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn destination_reader(&self, with_stats: bool) -> DestinationReader<'_> {
        DestinationReader {
            ipvs: self,
            counts: if with_stats { None } else { self.dest_counts() },
            with_stats,
            brief: None,
        }
    }

    /// A reader for a listing that prints no counters, thresholds or
    /// persistent-connection counts (`rvsadm -Ln`, `-Sn`), made with `keys`,
    /// **every** service of a service dump just taken: it reads
    /// `/proc/net/ip_vs` once, the kernel's text listing of the whole
    /// table, and checks that it names exactly those services (each as
    /// often as `keys` does, nothing else; read again once if not, then
    /// left aside).
    ///
    /// Each destination it reads has its address (and so its family),
    /// port, forwarding method, weight, active and inactive connection
    /// counts as the kernel has them; its thresholds, tunnel parameters,
    /// persistent-connection count and counters are **zero** (the file has
    /// none of them), and a forwarding method the kernel numbers 4 to 7
    /// ([`crate::ForwardMethod::Bypass`], [`crate::ForwardMethod::Other`],
    /// which only this library sets) reads as
    /// [`crate::ForwardMethod::Masq`]. What the file cannot give whole
    /// (a service with a tunnel destination, fwmark services whose mark both
    /// families use, or every service when the check fails) is read as
    /// [`Ipvs::destination_reader`] without counters reads it, exactly.
    ///
    /// Cost: a few hundred `read` calls where [`Ipvs::destination_reader`]
    /// makes one `getsockopt` call per IPv4 service, but more kernel time
    /// on a large table: the kernel formats the text, and resumes the file
    /// for every page of it by walking its service table from the start.
    /// Measured under emulation at 5,000 services of 4 destinations: about
    /// twice the system time of `destination_reader(false)`, so `rvsadm
    /// -Ln` keeps that one. It pays where a system call costs much more
    /// than the kernel's work behind it.
    ///
    /// ```no_run
    /// # fn main() -> rvsadm::Result<()> {
    /// let ipvs = rvsadm::Ipvs::connect()?;
    /// let keys = ipvs.services_as(|s| s.key, |k| *k)?;
    /// let reader = ipvs.brief_reader(&keys);
    /// for part in keys.chunks(256) {
    ///     for (key, dests) in part.iter().zip(reader.read(part)?) {
    ///         println!("{key}: {} destinations", dests.len());
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn brief_reader(&self, keys: &[ServiceKey]) -> DestinationReader<'_> {
        match self.brief(keys) {
            Some(b) => DestinationReader {
                ipvs: self,
                counts: None,
                with_stats: false,
                brief: Some(b),
            },
            None => self.destination_reader(false),
        }
    }
}

/// Reads the destinations of a listing's services in parts; made by
/// [`Ipvs::destination_reader`].
pub struct DestinationReader<'a> {
    ipvs: &'a Ipvs,
    /// Every IPv4 service's count of destinations, taken when the reader was
    /// made (`None` with counters, or when the `getsockopt` interface is
    /// refused or its answer may not hold every service).
    counts: Option<DestCounts>,
    with_stats: bool,
    /// What `/proc/net/ip_vs` gave whole ([`Ipvs::brief_reader`]).
    brief: Option<Brief>,
}

impl std::fmt::Debug for DestinationReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DestinationReader")
            .field("with_stats", &self.with_stats)
            .field("counted", &self.counts.is_some())
            .field("brief", &self.brief.is_some())
            .finish()
    }
}

impl DestinationReader<'_> {
    /// The destinations of `keys`, in their order (a service that does not
    /// exist has none); without counters, every destination's
    /// `status.stats` is zero (connection counts are there).
    pub fn read(&self, keys: &[ServiceKey]) -> Result<Vec<Vec<Destination>>> {
        if self.with_stats {
            return self.ipvs.destinations_of(keys);
        }
        let Some(brief) = &self.brief else {
            return self
                .ipvs
                .without_stats(keys, Counting::Given(self.counts.as_ref()));
        };
        // What the file did not give whole, read the exact way, in one go.
        let rest: Vec<ServiceKey> = keys
            .iter()
            .filter(|k| !brief.contains_key(k))
            .copied()
            .collect();
        let mut exact = if rest.is_empty() {
            Vec::new()
        } else {
            self.ipvs.without_stats(&rest, Counting::Given(None))?
        }
        .into_iter();
        Ok(keys
            .iter()
            .map(|k| match brief.get(k) {
                Some(d) => d.iter().map(|d| d.to_destination()).collect(),
                None => exact.next().unwrap_or_default(),
            })
            .collect())
    }
}

/// Keep the first of the items with the same service key, in their order
/// (sorting indices costs a word per item, a hash set several).
pub(super) fn drop_repeats_by<T>(v: &mut Vec<T>, key_of: impl Fn(&T) -> ServiceKey) {
    let key = |i: &usize| v.get(*i).map(&key_of);
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_unstable_by(|a, b| key(a).cmp(&key(b)).then(a.cmp(b)));
    let mut repeat = vec![false; v.len()];
    for w in idx.windows(2) {
        if let [a, b] = *w {
            if key(&a) == key(&b) {
                if let Some(r) = repeat.get_mut(b) {
                    *r = true;
                }
            }
        }
    }
    if repeat.contains(&true) {
        let mut flags = repeat.into_iter();
        v.retain(|_| !flags.next().unwrap_or(false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_services_keep_their_first_place() {
        let k = |p: u16| ServiceKey::tcp(std::net::SocketAddr::from(([10, 0, 0, 1], p)));
        let mut v: Vec<Service> = [5, 3, 5, 1, 3, 3, 9]
            .iter()
            .map(|p| Service::new(k(*p)))
            .collect();
        v[2].config.timeout = 7; // a later repeat: dropped, the first one stays
        drop_repeats_by(&mut v, |s| s.key);
        let ports: Vec<ServiceKey> = v.iter().map(|s| s.key).collect();
        assert_eq!(ports, [k(5), k(3), k(1), k(9)]);
        assert_eq!(v[0].config.timeout, 0);
        let mut none: Vec<Service> = Vec::new();
        drop_repeats_by(&mut none, |s| s.key);
        assert!(none.is_empty());
    }
}
