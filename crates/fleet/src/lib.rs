//! rvsadmd's fleet mode: many directors, one desired state and one set of
//! drains in etcd.
//!
//! - [`settings`]: the `[fleet]` table and its command-line overrides;
//! - [`keys`]: the key layout under the cluster's prefix;
//! - [`desired`]: the desired state a director follows (services' native
//!   TOML and drains at a revision), kept on disk ([`durable`]);
//! - [`put`]: `fleet put`'s compare-and-swap plan (pure);
//! - [`watch`]: the watch's rules (pure): resume, re-list on compaction,
//!   progress, staleness, backoff;
//! - [`store`]: the calls to etcd (`etcd-client`);
//! - [`follow`]: the task that follows etcd by those rules;
//! - [`status`]: what each director publishes, and where they disagree.
//!
//! It knows no type of the daemon's: services travel as their text form
//! and their native TOML, which rvsadmd reads.

#![warn(missing_docs)]

pub mod desired;
pub mod durable;
mod error;
pub mod follow;
pub mod keys;
pub mod put;
pub mod settings;
pub mod status;
pub mod store;
pub mod watch;

pub use desired::{Change, Desired};
pub use error::Error;
pub use settings::{Raw, Settings};
