//! The [`Ipvs`] handle: every IPVS operation over one netlink socket (plus
//! one for bulk destination dumps, and an IPv4 socket for the kernel's
//! older `getsockopt` interface, used by
//! [`Ipvs::destinations_without_stats_of`]).
//!
//! `listing.rs`: a listing of the whole table, a part at a time
//! ([`Ipvs::services_as`], [`DestinationReader`]); `snapshot.rs`: the
//! table, or some of its services, at one moment ([`Ipvs::snapshot`],
//! [`Ipvs::snapshot_without_stats`], [`Ipvs::snapshot_of`]);
//! `without_stats.rs`: the `getsockopt` path of reads without counters;
//! `proc_table.rs` and `brief.rs`: the read of `/proc/net/ip_vs` for
//! listings without counters ([`Ipvs::brief_reader`]).

use crate::error::{Error, Op, Result};
use crate::model::{
    Change, Daemon, DestConfig, DestSpec, Destination, Info, Service, ServiceConfig, ServiceKey,
    Timeouts, Weight,
};
use crate::netlink::attr::{malformed, DecodeError};
use crate::netlink::codec::{self, Request};
use crate::netlink::socket::{Transport, DEFAULT_TIMEOUT};
use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

mod brief;
mod listing;
mod proc_table;
mod snapshot;
mod without_stats;

use listing::drop_repeats_by;
pub use listing::DestinationReader;
#[cfg(fuzzing)]
pub use proc_table::fuzz_proc_table;
use without_stats::Legacy;

/// A connection to the kernel's IPVS table of the calling thread's network
/// namespace.
///
/// [`Ipvs::connect`] opens **one** `NETLINK_GENERIC` socket and resolves the
/// `IPVS` family once; every request reuses that socket
/// ([`Ipvs::destinations_of`] adds one of its own, kept for later, and
/// [`Ipvs::destinations_without_stats_of`] an IPv4 socket for the kernel's
/// `getsockopt` interface).
/// Replies are matched by sequence number (stale ones are discarded) and
/// every receive has a timeout ([`Ipvs::set_timeout`], 5 s by default), so a lost reply is an
/// [`Error::Timeout`], never a hang.
///
/// `Ipvs` is `Send + Sync`: the socket state sits behind a [`Mutex`], so
/// threads sharing one handle (e.g. in an `Arc`) take turns, one request (or
/// one dump, or one [`Ipvs::apply_batch`] batch) at a time. The kernel allows only
/// one dump at a time per socket anyway; for parallel requests open one
/// handle per thread.
///
/// The namespace is fixed when the handle is made: a handle created in a
/// network namespace keeps working on that namespace from any thread (the
/// sockets it opens later, to replace one after a timeout or for bulk
/// destination dumps, are opened in that namespace too). For that the handle keeps a
/// descriptor of its namespace (`/proc/thread-self/ns/net`) open beside its
/// socket; entering the namespace from another thread needs the right to
/// (`CAP_SYS_ADMIN` over it), else that later socket fails with
/// [`Error::Io`].
///
/// ```no_run
/// # fn main() -> rvsadm::Result<()> {
/// let ipvs = rvsadm::Ipvs::connect()?;
/// let info = ipvs.info()?;
/// println!("IP Virtual Server version {} (size={})", info.version_string(), info.conn_tab_size);
/// # Ok(()) }
/// ```
pub struct Ipvs {
    inner: Mutex<Transport>,
    /// The socket of [`Ipvs::destinations_of`], opened on first need and
    /// kept.
    dumper: Mutex<Option<Transport>>,
    /// The socket of [`Ipvs::destinations_without_stats_of`]'s fast path.
    legacy: Mutex<Legacy>,
}

impl std::fmt::Debug for Ipvs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ipvs").finish_non_exhaustive()
    }
}

/// Lock a transport. A panic while holding the lock cannot leave it in a
/// state worse than "replies pending", which the sequence check handles;
/// keep going.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Run a read on `t`; should a reply have come truncated (the transport has
/// raised its receive size since), run it once more: reads have no effect,
/// and `f` starts its result afresh.
fn read_on<T>(t: &mut Transport, mut f: impl FnMut(&mut Transport) -> Result<T>) -> Result<T> {
    t.take_truncated();
    match f(t) {
        Err(_) if t.take_truncated() => f(t),
        r => r,
    }
}

/// The destinations of `keys`, one dump each on `t`.
fn dests_on(t: &mut Transport, keys: &[ServiceKey]) -> Result<Vec<Vec<Destination>>> {
    let op = Op::ListDests;
    let reqs: Vec<Request> = keys.iter().map(Request::list_dests).collect();
    read_on(t, |t| {
        let mut out: Vec<Vec<Destination>> = vec![Vec::new(); keys.len()];
        let results = t.dumps(&reqs, &mut |i, _, a| {
            let fam = keys
                .get(i)
                .map(|k| k.family())
                .unwrap_or(crate::Family::Inet);
            let d = codec::decode_dest_msg(a, fam).map_err(malformed(op))?;
            if let Some(v) = out.get_mut(i) {
                v.push(d);
            }
            Ok(())
        })?;
        results.into_iter().collect::<Result<Vec<()>>>()?;
        Ok(out)
    })
}

impl Ipvs {
    /// Open the netlink socket and resolve the `IPVS` family.
    ///
    /// Errors: [`Error::IpvsUnavailable`] when the kernel has no IPVS (load
    /// it with `modprobe ip_vs`), [`Error::PermissionDenied`], [`Error::Io`].
    /// No IPVS request is sent yet.
    pub fn connect() -> Result<Ipvs> {
        Ok(Ipvs {
            inner: Mutex::new(Transport::connect(DEFAULT_TIMEOUT)?),
            dumper: Mutex::new(None),
            legacy: Mutex::new(Legacy::Unopened),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Transport> {
        lock(&self.inner)
    }

    /// Set the receive timeout for every later request (default 5 s).
    pub fn set_timeout(&self, d: Duration) {
        // Setting SO_RCVTIMEO on an open socket does not fail in practice;
        // if it did, the previous timeout stays in force.
        let _ = self.lock().set_timeout(d);
        if let Some(t) = lock(&self.dumper).as_mut() {
            let _ = t.set_timeout(d);
        }
    }

    /// A read whose reply is one message, decoded with `decode`; `missing`
    /// is the error when no message comes.
    fn read_one<T>(
        &self,
        req: &Request,
        decode: fn(&[u8]) -> std::result::Result<T, DecodeError>,
        missing: impl Fn() -> Error,
    ) -> Result<T> {
        self.read(|t| {
            let mut out = None;
            t.request(req, &mut |_, a| {
                out = Some(decode(a).map_err(malformed(req.op))?);
                Ok(())
            })?;
            out.ok_or_else(&missing)
        })
    }

    /// Run a read on the main socket (see [`read_on`]).
    fn read<T>(&self, f: impl FnMut(&mut Transport) -> Result<T>) -> Result<T> {
        read_on(&mut self.lock(), f)
    }

    /// Run one change and wait for its acknowledgement.
    pub fn exec(&self, c: &Change) -> Result<()> {
        self.lock()
            .request(&codec::encode_change(c), &mut |_, _| Ok(()))
    }

    /// IPVS version and connection-table size (`GET_INFO`).
    pub fn info(&self) -> Result<Info> {
        let op = Op::GetInfo;
        self.read_one(&Request::get_info(), codec::decode_info, || {
            DecodeError::new("no info in the reply").malformed(op)
        })
    }

    /// Every service, with counters, without destinations (one dump).
    pub fn services(&self) -> Result<Vec<Service>> {
        let mut out: Vec<Service> = Vec::new();
        self.for_each_service(|s| out.push(s))?;
        drop_repeats_by(&mut out, |s| s.key);
        Ok(out)
    }

    /// Stream the service dump: each service goes to `f` as soon as it is
    /// decoded, and nothing is kept (for tables too large to hold twice).
    ///
    /// Unlike [`Ipvs::services`], a service can come twice: the kernel
    /// resumes a multi-part dump by position in its service hash table,
    /// which all network namespaces share, so a change elsewhere between two
    /// parts can repeat one. On an error, `f` may have seen part of the
    /// table.
    ///
    /// ```no_run
    /// # fn main() -> rvsadm::Result<()> {
    /// let ipvs = rvsadm::Ipvs::connect()?;
    /// let mut persistent = 0;
    /// ipvs.for_each_service(|s| persistent += usize::from(s.is_persistent()))?;
    /// println!("{persistent} persistent services");
    /// # Ok(()) }
    /// ```
    pub fn for_each_service(&self, mut f: impl FnMut(Service)) -> Result<()> {
        let op = Op::ListServices;
        // No read again on a truncated reply (see `read_on`): this socket's
        // receive size is already the largest the kernel sends.
        self.lock().request(&Request::list_services(), &mut |_, a| {
            f(codec::decode_service_msg(a).map_err(malformed(op))?);
            Ok(())
        })
    }

    /// Every service with its destinations: one service dump, then one
    /// destination dump per service (the kernel runs one dump at a time per
    /// socket).
    pub fn services_with_destinations(&self) -> Result<Vec<Service>> {
        let mut svcs = self.services()?;
        let keys: Vec<ServiceKey> = svcs.iter().map(|s| s.key).collect();
        for (s, d) in svcs.iter_mut().zip(self.destinations_of(&keys)?) {
            s.destinations = d;
        }
        Ok(svcs)
    }

    /// The destinations of many services, in the order of `keys`: one
    /// `GET_DEST` dump per service (the kernel has no dump of all
    /// destinations), each costing one `send` and one `recvmmsg`, with no
    /// family lookup or socket setup in between. They run on a socket of
    /// their own (opened on first use and kept), whose small receive size
    /// keeps the kernel from allocating and clearing 32 KiB per dump.
    ///
    /// They run one after the other: the kernel holds one lock over all
    /// generic netlink requests of the family, so dumps on several sockets
    /// and threads were measured no faster, only busier.
    /// A service that does not exist has no destinations (as the kernel
    /// reports it).
    ///
    /// ```no_run
    /// # fn main() -> rvsadm::Result<()> {
    /// let ipvs = rvsadm::Ipvs::connect()?;
    /// let keys: Vec<_> = ipvs.services()?.iter().map(|s| s.key).collect();
    /// for (key, dests) in keys.iter().zip(ipvs.destinations_of(&keys)?) {
    ///     println!("{key}: {} destinations", dests.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn destinations_of(&self, keys: &[ServiceKey]) -> Result<Vec<Vec<Destination>>> {
        let mut dumper = lock(&self.dumper);
        if dumper.is_none() {
            *dumper = Some(self.lock().sibling()?);
        }
        match dumper.as_mut() {
            Some(t) => dests_on(t, keys),
            None => dests_on(&mut self.lock(), keys),
        }
    }

    /// [`Error::NoSuchService`] if it does not exist.
    pub fn service(&self, key: &ServiceKey) -> Result<Service> {
        let op = Op::GetService;
        self.read_one(
            &Request::get_service(key),
            codec::decode_service_msg,
            || Error::NoSuchService { op },
        )
    }

    /// The destinations of a service (a `GET_DEST` dump). The kernel returns
    /// an empty list for a service that does not exist.
    pub fn destinations(&self, key: &ServiceKey) -> Result<Vec<Destination>> {
        let fam = key.family();
        self.read(|t| {
            t.dump_all(&Request::list_dests(key), |a| {
                codec::decode_dest_msg(a, fam)
            })
        })
    }

    /// Add a service (`NEW_SERVICE`); its destinations, if any, are not
    /// added.
    pub fn add_service(&self, s: &Service) -> Result<()> {
        self.exec(&Change::AddService(s.clone()))
    }

    /// Replace a service's configuration (`SET_SERVICE`): scheduler, flags,
    /// persistence timeout, netmask and persistence engine all take the
    /// values in `s.config` (a `None` engine clears the kernel's). Unknown
    /// attributes `s` carries are sent back. To change one field and keep
    /// the others, use [`Ipvs::update_service`].
    pub fn edit_service(&self, s: &Service) -> Result<()> {
        self.exec(&Change::EditService(s.clone()))
    }

    /// Read a service, let `f` change its configuration, and write it back
    /// if it changed (nothing is sent otherwise). Returns the configuration
    /// now in force. Fields `f` does not touch keep the kernel's values,
    /// attributes this crate does not know included.
    ///
    /// The read and the write are two requests: a change someone else
    /// makes in between is overwritten.
    ///
    /// ```no_run
    /// # fn main() -> rvsadm::Result<()> {
    /// let ipvs = rvsadm::Ipvs::connect()?;
    /// let key = rvsadm::ServiceKey::tcp("192.0.2.1:80".parse().unwrap());
    /// ipvs.update_service(&key, |c| c.scheduler = rvsadm::Scheduler::Rr)?;
    /// # Ok(()) }
    /// ```
    pub fn update_service(
        &self,
        key: &ServiceKey,
        f: impl FnOnce(&mut ServiceConfig),
    ) -> Result<ServiceConfig> {
        let live = self.service(key)?;
        let mut c = live.config.clone();
        f(&mut c);
        if c != live.config {
            self.exec(&Change::edit_service_from(&live, c.clone()))?;
        }
        Ok(c)
    }

    /// Delete a service and its destinations (`DEL_SERVICE`).
    pub fn delete_service(&self, key: &ServiceKey) -> Result<()> {
        self.exec(&Change::DeleteService(*key))
    }

    /// Delete every service (`FLUSH`).
    pub fn flush(&self) -> Result<()> {
        self.exec(&Change::Flush)
    }

    /// Add a destination to a service (`NEW_DEST`).
    ///
    /// The kernel keeps deleted destinations for a while; adding one back
    /// revives it, with its connections.
    pub fn add_destination(&self, svc: &ServiceKey, d: &DestSpec) -> Result<()> {
        self.exec(&Change::AddDestination(*svc, *d))
    }

    /// Replace the configuration of the destination at `addr`
    /// (`SET_DEST`): forwarding method, weight, thresholds and tunnel
    /// parameters all take the values in `config`. To change one field and
    /// keep the others, use [`Ipvs::update_destination`] or
    /// [`Ipvs::set_weight`].
    pub fn edit_destination(
        &self,
        svc: &ServiceKey,
        addr: SocketAddr,
        config: &DestConfig,
    ) -> Result<()> {
        self.exec(&Change::edit_destination(*svc, addr, *config))
    }

    /// Read the destination at `addr`, let `f` change its configuration,
    /// and write it back if it changed (nothing is sent otherwise). Returns
    /// the configuration now in force. Fields `f` does not touch keep the
    /// kernel's values, attributes this crate does not know included.
    ///
    /// Errors: [`Error::NoSuchDestination`] when the service has no
    /// destination at `addr` (or there is no such service: the kernel
    /// lists no destinations for it). The read and the write are two
    /// requests: a change someone else makes in between is overwritten.
    ///
    /// ```no_run
    /// # fn main() -> rvsadm::Result<()> {
    /// let ipvs = rvsadm::Ipvs::connect()?;
    /// let key = rvsadm::ServiceKey::tcp("192.0.2.1:80".parse().unwrap());
    /// // Raise the thresholds; forwarding method and weight stay as they are.
    /// ipvs.update_destination(&key, "10.0.0.2:80".parse().unwrap(), |c| {
    ///     c.upper_threshold = 1000;
    ///     c.lower_threshold = 800;
    /// })?;
    /// # Ok(()) }
    /// ```
    pub fn update_destination(
        &self,
        svc: &ServiceKey,
        addr: SocketAddr,
        f: impl FnOnce(&mut DestConfig),
    ) -> Result<DestConfig> {
        let live = self
            .destinations(svc)?
            .into_iter()
            .find(|d| d.addr == addr)
            .ok_or(Error::NoSuchDestination {
                op: crate::Op::EditDest,
            })?;
        let mut c = live.config;
        f(&mut c);
        if c != live.config {
            self.exec(&Change::edit_destination_from(*svc, &live, c))?;
        }
        Ok(c)
    }

    /// Set the weight of the destination at `addr`, keeping everything
    /// else it has (forwarding method, thresholds, tunnel): weight 0
    /// quiesces it (no new connections; existing ones go on).
    ///
    /// ```no_run
    /// # fn main() -> rvsadm::Result<()> {
    /// let ipvs = rvsadm::Ipvs::connect()?;
    /// let key = rvsadm::ServiceKey::tcp("192.0.2.1:80".parse().unwrap());
    /// ipvs.set_weight(&key, "10.0.0.2:80".parse().unwrap(), rvsadm::Weight::ZERO)?;
    /// # Ok(()) }
    /// ```
    pub fn set_weight(&self, svc: &ServiceKey, addr: SocketAddr, w: Weight) -> Result<()> {
        self.update_destination(svc, addr, |c| c.weight = w)
            .map(|_| ())
    }

    /// Remove the destination at `addr` from a service (`DEL_DEST`).
    /// Connections to it stop (see `expire_nodest_conn` in the kernel's
    /// IPVS sysctl documentation); to let them finish, set its weight to 0
    /// first and delete it once [`Destination::status`] shows none.
    pub fn delete_destination(&self, svc: &ServiceKey, addr: SocketAddr) -> Result<()> {
        self.exec(&Change::DeleteDestination(*svc, addr))
    }

    /// Zero the counters of one service (and its destinations), or of
    /// everything with `None`.
    pub fn zero(&self, svc: Option<&ServiceKey>) -> Result<()> {
        self.exec(&Change::Zero(svc.copied()))
    }

    /// The TCP, TCP-FIN and UDP timeouts (`GET_CONFIG`).
    pub fn timeouts(&self) -> Result<Timeouts> {
        let op = Op::GetTimeouts;
        self.read_one(&Request::get_timeouts(), codec::decode_timeouts, || {
            DecodeError::new("no timeouts in the reply").malformed(op)
        })
    }

    /// Set the timeouts; a `0` keeps the current value.
    pub fn set_timeouts(&self, t: &Timeouts) -> Result<()> {
        self.exec(&Change::SetTimeouts(*t))
    }

    /// The running sync daemons (at most one master and one backup).
    pub fn daemons(&self) -> Result<Vec<Daemon>> {
        self.read(|t| t.dump_all(&Request::list_daemons(), codec::decode_daemon_msg))
    }

    /// Start a sync daemon; `None` fields take the kernel's defaults.
    pub fn start_daemon(&self, d: &Daemon) -> Result<()> {
        self.exec(&Change::StartDaemon(d.clone()))
    }

    /// Stop the sync daemon in `d.state` (the kernel looks at the state
    /// only; the interface name and sync id are sent as given, as ipvsadm
    /// does).
    pub fn stop_daemon(&self, d: &Daemon) -> Result<()> {
        self.exec(&Change::StopDaemon(d.clone()))
    }

    /// Send many changes at once, pipelined: many requests per `sendmsg`,
    /// acknowledgements matched by sequence number. Returns one result per
    /// change, in order; a failing change does not stop the later ones
    /// (the kernel handles each request on its own), exactly as if they
    /// had been sent one by one. There is no transaction: what succeeded
    /// stays.
    ///
    /// The outer `Err` means nothing could be sent. A change whose
    /// acknowledgement was lost reports [`Error::Unconfirmed`].
    ///
    /// ```no_run
    /// use rvsadm::{Change, DestConfig, ForwardMethod, Ipvs, Service, ServiceKey};
    /// # fn main() -> rvsadm::Result<()> {
    /// let ipvs = Ipvs::connect()?;
    /// let key = ServiceKey::tcp("192.0.2.1:80".parse().unwrap());
    /// let results = ipvs.apply_batch(&[
    ///     Change::AddService(Service::new(key)),
    ///     Change::add_destination(key, "10.0.0.1:80".parse().unwrap(), DestConfig::new(ForwardMethod::Masq)),
    /// ])?;
    /// for r in results { r?; }
    /// # Ok(()) }
    /// ```
    pub fn apply_batch(&self, changes: &[Change]) -> Result<Vec<Result<()>>> {
        let reqs: Vec<Request> = changes.iter().map(codec::encode_change).collect();
        self.lock().batch(&reqs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reply the decoder cannot read becomes `malformed_reply`, naming
    /// the request and what was wrong.
    #[test]
    fn undecodable_replies_are_malformed_reply_errors() {
        for bytes in [&b""[..], &[4, 0, 1, 0], &[0xff; 9]] {
            let e = codec::decode_service_msg(bytes)
                .map_err(malformed(Op::ListServices))
                .unwrap_err();
            assert_eq!(e.code(), "malformed_reply", "{e}");
            assert_eq!(e.number(), 4);
            assert_eq!(e.op(), Some(Op::ListServices));
        }
    }

    #[test]
    fn a_truncated_read_runs_again_whole() {
        // Slots smaller than the kernel's dump skbs (nlctrl, on any host):
        // the first run is cut short, the second gets everything.
        let whole = Transport::controller(DEFAULT_TIMEOUT, 8192)
            .count_families()
            .unwrap();
        let mut t = Transport::controller(DEFAULT_TIMEOUT, 256);
        let mut runs = 0;
        let n = read_on(&mut t, |t| {
            runs += 1;
            t.count_families()
        })
        .unwrap();
        assert_eq!((runs, n), (2, whole));
        // An ordinary failure is not run again.
        let mut runs = 0;
        let e = read_on(&mut t, |_| -> Result<()> {
            runs += 1;
            Err(Error::NoSuchService { op: Op::GetService })
        })
        .unwrap_err();
        assert_eq!((runs, e.code()), (1, "no_such_service"));
    }

    #[test]
    fn handle_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Ipvs>();
        check::<Change>();
    }
}
