//! Converge the kernel's table to a desired state: a pure [`plan`] of the
//! fewest changes, and [`converge`], which sends it as one pipelined
//! batch, lets removed destinations drain, and re-reads what it touched.
//!
//! The rules the plan follows:
//! - it never flushes, and never deletes and re-adds what the kernel can
//!   edit in place (a service's scheduler, flags, persistence timeout,
//!   netmask and persistence engine; a destination's weight, thresholds,
//!   forwarding method and tunnel parameters);
//! - identity (a service's protocol, address, port, fwmark or family, a
//!   destination's address and port) cannot be edited: a new identity is
//!   an add of the new object, and the old one is removed after it;
//! - a new service's destinations come right behind it; additions and
//!   weight raises come before weight cuts and removals, so a live service
//!   whose desired total weight is above 0 never reaches 0 in between;
//! - the kernel's own flag bits (`hashed`) are never a difference; a
//!   timeout of 0 cannot be set (the kernel reads 0 as "unchanged") and is
//!   reported in [`Plan::notes`]; a sync daemon cannot be edited, so a
//!   changed one is stopped and started again; stops come first and starts
//!   last, around the destinations of the other address family that a
//!   running daemon would refuse;
//! - the services the desired state names are owned: their destinations
//!   that it does not list are removed. Other services are left alone
//!   unless [`Options::prune`] is set;
//! - with [`Options::drain`], a destination to remove that still has
//!   connections is first set to weight 0 and deleted once its active and
//!   inactive connections reach 0 ([`Plan::pending`]). For UDP, "inactive"
//!   counts every entry not yet expired, so a UDP destination drains once
//!   its clients have been quiet for the UDP timeout (300 s by default); a
//!   client that keeps sending keeps its entry, so the drain time decides.
//!
//! There is no transaction in IPVS: a change that fails leaves the others
//! applied, and each change is reported on its own.
//!
//! ```
//! use rvsadm::reconcile::{plan, Action, Options};
//! use rvsadm::{DestConfig, DestSpec, DesiredState, ForwardMethod, ServiceKey, ServiceSpec, Snapshot};
//!
//! let key = ServiceKey::tcp("192.0.2.1:80".parse().unwrap());
//! let want = DesiredState {
//!     services: vec![ServiceSpec::new(key).with_destination(DestSpec::new(
//!         "10.0.0.2:80".parse().unwrap(),
//!         DestConfig::new(ForwardMethod::Masq),
//!     ))],
//!     ..DesiredState::default()
//! };
//! let p = plan(&want, &Snapshot::default(), &Options::default()).unwrap();
//! let actions: Vec<Action> = p.steps.iter().map(|s| s.action).collect();
//! assert_eq!(actions, [Action::Add, Action::Add]); // the service, then its destination
//! ```

mod converge;
mod planner;
#[cfg(test)]
mod sim;
#[cfg(test)]
mod tests;

pub use converge::{converge, converge_from, verify, ApplyOptions, Outcome, Progress, Report};
pub use planner::plan;

use crate::model::{Change, Daemon, DestConfig, ServiceConfig, ServiceKey, Timeouts};
use std::net::SocketAddr;

/// What a plan may do beyond converging the services it names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Delete live services the desired state does not name.
    pub prune: bool,
    /// Remove destinations gracefully: weight 0 first, delete once they
    /// have no connection ([`Plan::pending`]).
    pub drain: bool,
}

/// What a step does, in the words of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Create (`+`).
    Add,
    /// Change in place (`~`).
    Edit,
    /// Remove (`-`).
    Delete,
    /// Set a destination's weight to 0 so it can be removed once idle.
    Drain,
}

impl Action {
    /// The JSON name: `add`, `edit`, `delete`, `drain`.
    pub fn name(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Edit => "edit",
            Action::Delete => "delete",
            Action::Drain => "drain",
        }
    }

    /// The mark of a plan line: `+`, `~`, `-` (a drain is an edit).
    pub fn mark(self) -> char {
        match self {
            Action::Add => '+',
            Action::Edit | Action::Drain => '~',
            Action::Delete => '-',
        }
    }
}

/// What a step is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Object {
    /// A virtual service.
    Service,
    /// A destination of a service.
    Destination,
    /// The protocol timeouts.
    Timeouts,
    /// A sync daemon.
    Daemon,
}

impl Object {
    /// The JSON name: `service`, `destination`, `timeouts`, `daemon`.
    pub fn name(self) -> &'static str {
        match self {
            Object::Service => "service",
            Object::Destination => "destination",
            Object::Timeouts => "timeouts",
            Object::Daemon => "daemon",
        }
    }
}

/// What the kernel had before a step, for plans people read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Before {
    /// A service's configuration.
    Service(ServiceConfig),
    /// A destination's configuration.
    Destination(DestConfig),
    /// The timeouts.
    Timeouts(Timeouts),
    /// A running daemon.
    Daemon(Daemon),
}

/// One change of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What it does.
    pub action: Action,
    /// The request that does it.
    pub change: Change,
    /// What the kernel had before (edits, drains and deletions).
    pub before: Option<Before>,
}

impl Step {
    /// What the step is about.
    pub fn object(&self) -> Object {
        match &self.change {
            Change::AddService(_)
            | Change::EditService(_)
            | Change::DeleteService(_)
            | Change::Flush
            | Change::Zero(_) => Object::Service,
            Change::AddDestination(..)
            | Change::EditDestination(..)
            | Change::DeleteDestination(..) => Object::Destination,
            Change::SetTimeouts(_) => Object::Timeouts,
            Change::StartDaemon(_) | Change::StopDaemon(_) => Object::Daemon,
        }
    }
}

/// A removal that waits for connections to end: a destination (or every
/// destination of a service being pruned) at weight 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The deletion to send once nothing is left.
    pub change: Change,
    /// The service.
    pub service: ServiceKey,
    /// The destinations whose connections must end.
    pub dests: Vec<SocketAddr>,
    /// Their active plus inactive connections when the plan was made.
    pub conns: u64,
}

/// The changes that take a live table to a desired state, in the order to
/// send them, and the removals that wait for a drain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The changes, in order.
    pub steps: Vec<Step>,
    /// Removals waiting for connections to end (with [`Options::drain`]).
    pub pending: Vec<Pending>,
    /// Differences the plan cannot remove, for people to read (a timeout
    /// of 0, ...).
    pub notes: Vec<String>,
}

impl Plan {
    /// Nothing to change and nothing waiting: the table is the desired
    /// state (notes aside).
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty() && self.pending.is_empty()
    }

    /// The requests of the steps, in order.
    pub fn changes(&self) -> Vec<Change> {
        self.steps.iter().map(|s| s.change.clone()).collect()
    }
}
