//! # rvsadm
//!
//! A typed Rust library for Linux IPVS (the kernel's layer-4 load balancer),
//! speaking the `IPVS` generic-netlink family directly, plus the `rvsadm`
//! command-line tool, a drop-in replacement for `ipvsadm` 1.31.
//!
//! Architecture:
//! - [`model`]: plain values (services, destinations, daemons, stats ...);
//! - `netlink`: the wire codec and the socket handle;
//! - [`error`]: one error enum with stable codes;
//! - `cli` (feature `cli`, on by default): the `rvsadm` command line.

#![warn(missing_docs)]

pub mod error;
mod handle;
pub mod json;
pub mod model;
mod netlink;

#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;

pub use error::{Error, Op, Result};
pub use handle::{Ipvs, Operation};
pub use model::*;
