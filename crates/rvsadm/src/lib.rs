//! # rvsadm
//!
//! A typed Rust library for Linux IPVS (the kernel's layer-4 load balancer),
//! speaking the `IPVS` generic-netlink family directly. It is the library
//! under `rvsadm`, a drop-in replacement for `ipvsadm` 1.31, and `rvsadmd`,
//! a health-check controller.
//!
//! Architecture:
//! - [`error`]: one error enum with stable codes (the bottom layer: it
//!   imports nothing else of the crate);
//! - [`model`]: plain values (services, destinations, daemons, stats ...),
//!   no I/O;
//! - [`conn`]: the reader of the connection table (`/proc/net/ip_vs_conn`);
//! - [`Ipvs`]: the handle, one netlink socket for every operation, with
//!   safe partial edits ([`Ipvs::set_weight`], [`Ipvs::update_destination`])
//!   and pipelined batches ([`Ipvs::apply_batch`]);
//! - [`reconcile`]: a desired state and a snapshot in, a plan of the fewest
//!   changes out (pure), then applied, drained and verified;
//! - `netlink` (private): the wire codec and the socket transport;
//! - `sockopt` (private): the kernel's older `getsockopt` interface, the
//!   cheap way to read IPv4 destinations without their counters;
//! - [`json`]: the documents of `--json` output and input.
//!
//! The `rvsadm` command line (crate `rvsadm-cli`) and the `rvsadmd`
//! health-check controller (crate `rvsadmd`) are built on this crate's
//! public API alone; this crate pulls in no command-line or daemon crate.
//!
//! # Example
//!
//! Add a web service with two real servers, then list the table with its
//! counters (needs `CAP_NET_ADMIN` and the `ip_vs` module):
//!
//! ```no_run
//! use rvsadm::{DestConfig, DestSpec, ForwardMethod, Ipvs, Scheduler, Service, ServiceKey};
//!
//! fn main() -> rvsadm::Result<()> {
//!     let ipvs = Ipvs::connect()?; // one netlink socket for everything below
//!
//!     let key = ServiceKey::tcp("192.0.2.1:80".parse().unwrap());
//!     ipvs.add_service(&Service::new(key).with_scheduler(Scheduler::Rr))?;
//!     for rs in ["10.0.0.1:80", "10.0.0.2:80"] {
//!         let d = DestSpec::new(rs.parse().unwrap(), DestConfig::new(ForwardMethod::Masq));
//!         ipvs.add_destination(&key, &d)?;
//!     }
//!
//!     for svc in ipvs.services_with_destinations()? {
//!         println!("{} {} conns={} inbytes={}",
//!             svc.key, svc.config.scheduler, svc.stats.conns, svc.stats.inbytes);
//!         for d in &svc.destinations {
//!             println!("  -> {} weight={} active={} inpkts={}",
//!                 d.addr, d.config.weight, d.status.active_conns, d.status.stats.inpkts);
//!         }
//!     }
//!     Ok(())
//! }
//! ```
//!
//! Errors are one enum, [`Error`], with stable codes and ipvsadm's exact
//! messages; many changes at once go through [`Ipvs::apply_batch`].

#![warn(missing_docs)]

pub mod conn;
pub mod error;
mod handle;
pub mod json;
pub mod model;
mod netlink;
pub mod reconcile;
mod sockopt;

pub use conn::{ConnectionTable, PROC_IP_VS_CONN, PROC_THREAD_IP_VS_CONN};
pub use error::{ConnError, Error, Op, Result, CODES};
pub use handle::{DestinationReader, Ipvs};

#[cfg(fuzzing)]
#[doc(hidden)]
pub use handle::fuzz_proc_table;
pub use model::*;
#[cfg(fuzzing)]
#[doc(hidden)]
pub use netlink::fuzz_decode;
