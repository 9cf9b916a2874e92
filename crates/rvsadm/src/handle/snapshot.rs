//! The table at one moment: whole ([`Ipvs::snapshot`], with or without
//! counters) or only some of its services ([`Ipvs::snapshot_of`]).

use super::Ipvs;
use crate::error::{Error, Result};
use crate::model::{Service, ServiceKey, Snapshot};
use std::collections::HashSet;

impl Ipvs {
    /// The whole live table: every service with its destinations
    /// (configuration and status), the timeouts and the sync daemons.
    /// See [`Snapshot`] for what "at one moment" can mean without
    /// transactions; [`Snapshot::to_desired`] turns it into a desired
    /// state.
    ///
    /// ```no_run
    /// # fn main() -> rvsadm::Result<()> {
    /// let ipvs = rvsadm::Ipvs::connect()?;
    /// let snap = ipvs.snapshot()?;
    /// let plan = rvsadm::reconcile::plan(&snap.to_desired(), &snap, &Default::default())?;
    /// assert!(plan.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn snapshot(&self) -> Result<Snapshot> {
        Ok(Snapshot {
            services: self.services_with_destinations()?,
            timeouts: self.timeouts()?,
            daemons: self.daemons()?,
        })
    }

    /// Like [`Ipvs::snapshot`], without counters and rates (the
    /// connection counts are there): what [`crate::reconcile::converge`]
    /// reads. Destinations come by the cheaper path of
    /// [`Ipvs::destinations_without_stats_of`].
    pub fn snapshot_without_stats(&self) -> Result<Snapshot> {
        Ok(Snapshot {
            services: self.with_destinations_without_stats(self.services()?)?,
            timeouts: self.timeouts()?,
            daemons: self.daemons()?,
        })
    }

    /// Only the services of `keys`, each with its destinations without
    /// counters, as [`Ipvs::snapshot_without_stats`] reads them: what a
    /// controller reads of the services it owns, or
    /// [`crate::reconcile::verify`] of the services a plan touched, without
    /// paying for the rest of the table.
    ///
    /// - Each service is read by its key (`GET_SERVICE`, one request each,
    ///   counters included), not picked out of a dump of the whole table:
    ///   the cost is that of `keys`, whatever the table's size.
    /// - A key with no service in the kernel is left out (no error); the
    ///   services come in the order of `keys`, a key given twice once.
    /// - Destinations come by the path of
    ///   [`Ipvs::destinations_without_stats_of`] (the kernel's `getsockopt`
    ///   interface where it can give them whole, netlink for the rest): every
    ///   destination's `status.stats` is zero, its connection counts are
    ///   there.
    /// - The timeouts and sync daemons are **not** read: the snapshot's are
    ///   the defaults. Plan it against a desired state that leaves them out
    ///   (`timeouts: None`, `daemons: None`), or read them
    ///   ([`Ipvs::timeouts`], [`Ipvs::daemons`]) and set them.
    ///
    /// As for [`Ipvs::snapshot`], there is no transaction: a service
    /// deleted between its read and its destinations' shows with no
    /// destinations.
    ///
    /// ```no_run
    /// use rvsadm::reconcile::{plan, Options};
    /// use rvsadm::{DesiredState, Ipvs, Service, ServiceKey};
    /// # fn main() -> rvsadm::Result<()> {
    /// let ipvs = Ipvs::connect()?;
    /// let mine = [ServiceKey::tcp("192.0.2.1:80".parse().unwrap())];
    /// let live = ipvs.snapshot_of(&mine)?;
    /// // The desired state of the owned services only: no timeouts, no daemons.
    /// let desired = DesiredState {
    ///     services: vec![Service::new(mine[0]).spec()],
    ///     ..DesiredState::default()
    /// };
    /// for step in plan(&desired, &live, &Options::default())?.steps {
    ///     println!("{:?}", step.change);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn snapshot_of(&self, keys: &[ServiceKey]) -> Result<Snapshot> {
        let mut seen = HashSet::with_capacity(keys.len());
        let mut services = Vec::with_capacity(keys.len());
        for key in keys.iter().filter(|k| seen.insert(**k)) {
            match self.service(key) {
                Ok(s) => services.push(s),
                Err(Error::NoSuchService { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Snapshot {
            services: self.with_destinations_without_stats(services)?,
            ..Snapshot::default()
        })
    }

    /// `services`, each given its destinations without counters (one
    /// [`Ipvs::destinations_without_stats_of`] for all).
    fn with_destinations_without_stats(&self, mut services: Vec<Service>) -> Result<Vec<Service>> {
        let keys: Vec<ServiceKey> = services.iter().map(|s| s.key).collect();
        for (s, d) in services
            .iter_mut()
            .zip(self.destinations_without_stats_of(&keys)?)
        {
            s.destinations = d;
        }
        Ok(services)
    }
}
