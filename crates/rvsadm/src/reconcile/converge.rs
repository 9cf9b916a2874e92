//! Applying a plan: one pipelined batch, drains, and a re-read of what
//! was touched.

use super::planner::plan_checked;
use super::{Options, Plan};
use crate::error::{Error, Result};
use crate::model::{Change, DesiredState, ServiceKey, Snapshot};
use crate::Ipvs;
use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

/// How [`converge`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplyOptions {
    /// What the plan may do.
    pub plan: Options,
    /// How long to wait for draining destinations to lose their
    /// connections; zero: set them to weight 0 and leave them pending (a
    /// later run finishes them).
    pub drain_wait: Duration,
    /// How often to look at draining destinations.
    pub poll: Duration,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            plan: Options::default(),
            drain_wait: Duration::ZERO,
            poll: Duration::from_secs(1),
        }
    }
}

/// What became of one step or pending removal.
#[derive(Debug)]
pub enum Outcome {
    /// The kernel accepted it.
    Applied,
    /// The kernel (or the socket) refused it; the rest went on.
    Failed(Error),
    /// A removal still waiting for connections to end (the destination
    /// stays at weight 0).
    Pending,
}

/// Where a drain stands, for progress reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Removals still waiting.
    pub waiting: usize,
    /// Their active plus inactive connections.
    pub conns: u64,
    /// Time left to wait.
    pub left: Duration,
}

/// The result of [`converge`].
#[derive(Debug)]
pub struct Report {
    /// What was planned.
    pub plan: Plan,
    /// One outcome per [`Plan::steps`].
    pub steps: Vec<Outcome>,
    /// One outcome per [`Plan::pending`].
    pub pending: Vec<Outcome>,
    /// What a plan made from the table as re-read after applying still
    /// finds (see [`verify`]); empty steps mean it converged.
    pub remaining: Plan,
    /// How many changes were sent to the kernel (0 when the table was
    /// already the desired state).
    pub sent: usize,
}

impl Report {
    /// Whether any step or removal failed.
    pub fn failed(&self) -> bool {
        self.steps
            .iter()
            .chain(&self.pending)
            .any(|o| matches!(o, Outcome::Failed(_)))
    }

    /// Whether the table, re-read, is the desired state but for drains
    /// still pending.
    pub fn converged(&self) -> bool {
        self.remaining.steps.is_empty()
    }
}

/// Take the live table to `desired`: snapshot, [`plan`](super::plan), send the plan as
/// one pipelined batch ([`Ipvs::apply_batch`]), wait up to
/// `opts.drain_wait` for draining destinations (calling `progress` at each
/// look), delete those that emptied, then re-read what was touched and
/// plan again ([`verify`]).
///
/// The outer `Err` means nothing was changed: the desired state is
/// invalid ([`Error::InvalidDocument`]) or the table could not be read.
/// Failures of single changes are in the [`Report`].
///
/// ```no_run
/// # fn main() -> rvsadm::Result<()> {
/// use rvsadm::reconcile::{converge, ApplyOptions};
/// let ipvs = rvsadm::Ipvs::connect()?;
/// let want = ipvs.snapshot()?.to_desired(); // or a document, a config file ...
/// let report = converge(&ipvs, &want, &ApplyOptions::default(), &mut |_| {})?;
/// assert!(report.plan.is_empty() && report.converged());
/// # Ok(()) }
/// ```
pub fn converge(
    ipvs: &Ipvs,
    desired: &DesiredState,
    opts: &ApplyOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Report> {
    desired.check()?;
    let live = ipvs.snapshot_without_stats()?;
    converge_checked(ipvs, desired, live, opts, progress)
}

/// [`converge`] from a snapshot the caller has read already
/// ([`Ipvs::snapshot_without_stats`] or [`Ipvs::snapshot`]), for a caller
/// that reads the table while it does something else (the command line
/// reads it while it parses the desired state). The snapshot should be
/// fresh: the plan is made against it, and a change someone made since is
/// found only by the re-read of what was touched.
///
/// ```no_run
/// # fn main() -> rvsadm::Result<()> {
/// use rvsadm::reconcile::{converge_from, ApplyOptions};
/// let ipvs = rvsadm::Ipvs::connect()?;
/// let want = ipvs.snapshot()?.to_desired();
/// let live = ipvs.snapshot_without_stats()?;
/// let report = converge_from(&ipvs, &want, live, &ApplyOptions::default(), &mut |_| {})?;
/// assert!(report.converged());
/// # Ok(()) }
/// ```
pub fn converge_from(
    ipvs: &Ipvs,
    desired: &DesiredState,
    live: Snapshot,
    opts: &ApplyOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Report> {
    desired.check()?;
    converge_checked(ipvs, desired, live, opts, progress)
}

fn converge_checked(
    ipvs: &Ipvs,
    desired: &DesiredState,
    live: Snapshot,
    opts: &ApplyOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Report> {
    let planned = plan_checked(desired, &live, &opts.plan);
    let changes = planned.changes();
    let steps = if changes.is_empty() {
        Vec::new()
    } else {
        outcomes(ipvs.apply_batch(&changes)?)
    };
    let pending = drain(ipvs, &planned, opts, progress);
    let sent = changes.len()
        + pending
            .iter()
            .filter(|o| !matches!(o, Outcome::Pending))
            .count();
    let remaining = reread_and_plan(ipvs, desired, &opts.plan, &live, &planned)?;
    Ok(Report {
        plan: planned,
        steps,
        pending,
        remaining,
        sent,
    })
}

impl From<Result<()>> for Outcome {
    /// The outcome of one result of [`Ipvs::apply_batch`].
    fn from(r: Result<()>) -> Self {
        match r {
            Ok(()) => Outcome::Applied,
            Err(e) => Outcome::Failed(e),
        }
    }
}

fn outcomes(results: Vec<Result<()>>) -> Vec<Outcome> {
    results.into_iter().map(Outcome::from).collect()
}

/// Wait for the plan's pending removals and send each once its
/// destinations have no connection left (or are gone).
fn drain(
    ipvs: &Ipvs,
    planned: &Plan,
    opts: &ApplyOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Vec<Outcome> {
    let mut out: Vec<Outcome> = planned.pending.iter().map(|_| Outcome::Pending).collect();
    if planned.pending.is_empty() || opts.drain_wait.is_zero() {
        return out;
    }
    let deadline = Instant::now() + opts.drain_wait;
    loop {
        let waiting: Vec<usize> = (0..out.len())
            .filter(|i| matches!(out.get(*i), Some(Outcome::Pending)))
            .collect();
        let keys: Vec<ServiceKey> = waiting
            .iter()
            .filter_map(|i| planned.pending.get(*i))
            .map(|p| p.service)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        // A failed read ends the wait: what is left stays pending.
        let Ok(lists) = ipvs.destinations_without_stats_of(&keys) else {
            return out;
        };
        let conns: HashMap<(ServiceKey, std::net::SocketAddr), u64> = keys
            .iter()
            .zip(&lists)
            .flat_map(|(k, ds)| ds.iter().map(move |d| ((*k, d.addr), d.status.conns())))
            .collect();
        let left_of = |i: &usize| -> u64 {
            planned.pending.get(*i).map_or(0, |p| {
                p.dests
                    .iter()
                    .map(|a| conns.get(&(p.service, *a)).copied().unwrap_or(0))
                    .sum()
            })
        };
        let (ready, busy): (Vec<usize>, Vec<usize>) = waiting.iter().partition(|i| left_of(i) == 0);
        if !ready.is_empty() {
            let changes: Vec<Change> = ready
                .iter()
                .filter_map(|i| planned.pending.get(*i))
                .map(|p| p.change.clone())
                .collect();
            let results = match ipvs.apply_batch(&changes) {
                Ok(r) => outcomes(r),
                // Nothing was sent: each removal reports why.
                Err(e) => changes
                    .iter()
                    .map(|_| Outcome::Failed(Error::Io(std::io::Error::other(e.to_string()))))
                    .collect(),
            };
            for (i, r) in ready.iter().zip(results) {
                if let Some(slot) = out.get_mut(*i) {
                    *slot = r;
                }
            }
        }
        let now = Instant::now();
        if busy.is_empty() || now >= deadline {
            return out;
        }
        let left = deadline - now;
        progress(&Progress {
            waiting: busy.len(),
            conns: busy.iter().map(left_of).sum(),
            left,
        });
        std::thread::sleep(opts.poll.min(left));
    }
}

/// Re-read what `planned` touched (its services, and the timeouts or
/// daemons if it changed them), put it in place of the old values of
/// `live`, and plan again: the plan returned is what is still missing
/// (empty steps: converged; pending removals are drains not finished).
///
/// Only what was touched is read again, so a change someone else made
/// meanwhile to another service is not seen.
pub fn verify(
    ipvs: &Ipvs,
    desired: &DesiredState,
    opts: &Options,
    live: &Snapshot,
    planned: &Plan,
) -> Result<Plan> {
    desired.check()?;
    reread_and_plan(ipvs, desired, opts, live, planned)
}

/// [`verify`] for a desired state that passed [`DesiredState::check`].
///
/// Only the services the plan touched are planned again: the others had
/// no step, nothing was sent for them, and the same inputs give the same
/// (empty) plan for them. So a re-read costs what was touched, not the
/// table.
fn reread_and_plan(
    ipvs: &Ipvs,
    desired: &DesiredState,
    opts: &Options,
    live: &Snapshot,
    planned: &Plan,
) -> Result<Plan> {
    // Nothing sent, nothing waiting: nothing to read again, and the same
    // inputs give the same plan.
    if planned.is_empty() {
        return Ok(planned.clone());
    }
    let mut touched: BTreeSet<ServiceKey> = planned
        .steps
        .iter()
        .filter_map(|s| s.change.service().copied())
        .collect();
    touched.extend(planned.pending.iter().map(|p| p.service));
    let keys: Vec<ServiceKey> = touched.iter().copied().collect();
    let mut now = ipvs.snapshot_of(&keys)?;
    let steps = &planned.steps;
    now.timeouts = if steps
        .iter()
        .any(|s| matches!(s.change, Change::SetTimeouts(_)))
    {
        ipvs.timeouts()?
    } else {
        live.timeouts
    };
    now.daemons = if steps
        .iter()
        .any(|s| matches!(s.change, Change::StartDaemon(_) | Change::StopDaemon(_)))
    {
        ipvs.daemons()?
    } else {
        live.daemons.clone()
    };
    let part = DesiredState {
        services: desired
            .services
            .iter()
            .filter(|s| touched.contains(&s.key))
            .cloned()
            .collect(),
        timeouts: desired.timeouts,
        daemons: desired.daemons.clone(),
    };
    Ok(plan_checked(&part, &now, opts))
}
