//! `rvsadmd`, the health-check controller (feature `daemon`): it checks
//! each destination of the services it owns and keeps their weights in
//! the kernel's table what the checks, the admin state and the policies
//! say.
//!
//! The pipeline, one module each:
//! - [`config`]: the model every format is read into, one reader each
//!   ([`config::native`] reads `rvsadmd.toml`, [`config::ldirectord`]
//!   reads `ldirectord.cf`);
//! - [`probe`]: one check (TCP connect, HTTP or HTTPS ([`probe::tls`]), a
//!   program, SMTP, DNS, UDP, ping, a file), bounded by its timeout;
//!   [`health`]: results to up or down with rise and fall;
//! - [`engine`]: health, drains and changes by hand to the desired state
//!   of the owned services (pure), with the one mirror of the kernel
//!   table ([`engine::Mirror`]);
//! - [`run`]: the loop: checks in parallel, the desired state planned
//!   against the table by [`rvsadm::reconcile::plan`] and sent as one
//!   pipelined batch; [`control`]: the control socket (typed requests and
//!   answers); [`state`]: the
//!   admin state file; [`notify`]: systemd's readiness messages;
//!   [`service`]: the one text form of a service;
//! - [`fleet`]: fleet mode, the services and drains of many directors in
//!   etcd (the etcd side is the crate `rvsadm-fleet`).

pub mod cli;
pub mod config;
pub mod control;
pub mod engine;
pub mod events;
pub mod fleet;
pub mod health;
pub mod metrics;
pub mod notify;
pub mod probe;
pub mod run;
pub mod service;
pub mod state;
