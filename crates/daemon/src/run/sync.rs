//! Reading the table, taking note of changes made by hand, and sending
//! what differs from the desired state as one batch.

use super::Daemon;
use crate::config::Config;
use crate::events::Event;
use crate::service;
use rvsadm::model::{Change, ServiceKey, Snapshot};
use rvsadm::reconcile::{self, Action, Options, Outcome as StepOutcome, Plan, Step};
use rvsadm::Ipvs;
use std::collections::BTreeSet;
use std::time::Instant;

/// The services a configuration owns.
pub(super) fn owned_keys(cfg: &Config) -> BTreeSet<ServiceKey> {
    cfg.services.iter().map(|v| v.key()).collect()
}

/// The owned services as the kernel has them (without counters): each
/// read by its key ([`Ipvs::snapshot_of`]), not picked out of a dump of
/// the whole table. The cost is that of the services rvsadmd owns, and a
/// multi-part dump, which the kernel resumes by a position in a hash table
/// that every network namespace shares, cannot miss or repeat an owned
/// service while other namespaces change theirs.
fn read_owned(ipvs: &Ipvs, owned: &BTreeSet<ServiceKey>) -> rvsadm::Result<Snapshot> {
    let keys: Vec<ServiceKey> = owned.iter().copied().collect();
    ipvs.snapshot_of(&keys)
}

/// A read of the table that failed: why, and the library's code if any.
pub(super) struct ReadFailed {
    /// Why.
    pub(super) error: String,
    code: Option<&'static str>,
}

impl ReadFailed {
    /// Say it (a `read_failed` event).
    fn emit(self) {
        Event::ReadFailed {
            error: self.error,
            code: self.code,
        }
        .emit();
    }
}

impl Daemon {
    /// The owned services (and those a reload dropped) as the kernel has
    /// them now, read off the runtime's thread.
    pub(super) async fn read_now(&self) -> Result<Snapshot, ReadFailed> {
        let ipvs = self.ipvs.clone();
        let mut owned = owned_keys(&self.engine.config);
        owned.extend(self.dropped.iter().copied());
        match tokio::task::spawn_blocking(move || read_owned(&ipvs, &owned)).await {
            Ok(Ok(t)) => {
                self.metrics.table_read();
                Ok(t)
            }
            Ok(Err(e)) => Err(ReadFailed {
                error: e.to_string(),
                code: Some(e.code()),
            }),
            Err(e) => Err(ReadFailed {
                error: e.to_string(),
                code: None,
            }),
        }
    }

    /// Decide and send what differs as one batch. With `look`, or when
    /// the table as known is not fresh, the owned services are read first
    /// and changes made by hand taken note of; else the services whose
    /// health changed are decided from the table as known. The programs
    /// the decisions ask for run once the batch is sent.
    pub(super) async fn sync(&mut self, look: bool) {
        let changed = self.engine.take_changed();
        let only = if !look && self.engine.kernel.fresh().is_some() {
            Some(changed)
        } else {
            match self.read_now().await {
                Ok(live) => {
                    self.observe(live);
                    None
                }
                Err(e) => {
                    self.engine.kernel.stale();
                    e.emit();
                    return;
                }
            }
        };
        self.decide(only.as_ref()).await;
        self.run_scripts();
    }

    /// Take the table as read, with an event per new change made by hand
    /// (saved in the state file, so that a restart keeps them too).
    fn observe(&mut self, live: Snapshot) {
        let before = self.engine.overrides.clone();
        let deleted_before = self.engine.deleted_services().clone();
        self.engine.observe(live);
        let mut new = false;
        for (k, o) in &self.engine.overrides {
            if before.get(k) != Some(o) {
                new = true;
                Event::Override {
                    service: service::format(&k.0),
                    destination: Some(k.1.to_string()),
                    kept: format!("{o:?}"),
                }
                .emit();
            }
        }
        for k in self.engine.deleted_services().difference(&deleted_before) {
            new = true;
            Event::Override {
                service: service::format(k),
                destination: None,
                kept: "deleted by hand".into(),
            }
            .emit();
        }
        if new {
            self.save_state();
        }
    }

    /// Plan the desired state (of the services in `only`, or of all)
    /// against the table as known, send it, and keep the table as known
    /// in step with what the kernel accepted.
    async fn decide(&mut self, only: Option<&BTreeSet<ServiceKey>>) {
        let Some(plan) = self.plan(only) else {
            self.engine.kernel.stale();
            return;
        };
        if plan.steps.is_empty() {
            self.metrics.nothing_to_write();
            return;
        }
        let started = Instant::now();
        let Some(outcomes) = self.send(plan.changes()).await else {
            self.engine.kernel.stale();
            return;
        };
        report(&plan.steps, &outcomes, started);
        self.metrics.batch(&outcomes);
        self.engine.written(&plan.steps, &outcomes);
    }

    /// The plan, with the deletion of the services a reload dropped;
    /// `None` (said) when none can be made.
    fn plan(&mut self, only: Option<&BTreeSet<ServiceKey>>) -> Option<Plan> {
        self.engine.at(Instant::now());
        let desired = self.engine.desired(only);
        self.tell_floor();
        let live = self.engine.kernel.table();
        let mut plan = match reconcile::plan(&desired, live, &Options::default()) {
            Ok(p) => p,
            Err(e) => {
                Event::PlanFailed {
                    error: e.to_string(),
                }
                .emit();
                return None;
            }
        };
        for k in &self.dropped {
            if live.service(k).is_some() {
                plan.steps.push(Step {
                    action: Action::Delete,
                    change: Change::DeleteService(*k),
                    before: None,
                });
            }
        }
        self.dropped.clear();
        Some(plan)
    }

    /// Send `changes` as one batch, off the runtime's thread; `None`
    /// (said) when it could not be sent at all.
    async fn send(&self, changes: Vec<Change>) -> Option<Vec<StepOutcome>> {
        let ipvs = self.ipvs.clone();
        let n = changes.len();
        match tokio::task::spawn_blocking(move || ipvs.apply_batch(&changes)).await {
            Ok(Ok(r)) => Some(r.into_iter().map(StepOutcome::from).collect()),
            Ok(Err(e)) => {
                Event::WriteFailed {
                    error: e.to_string(),
                    changes: Some(n),
                }
                .emit();
                None
            }
            Err(e) => {
                Event::WriteFailed {
                    error: e.to_string(),
                    changes: None,
                }
                .emit();
                None
            }
        }
    }
}

/// An event per change sent (refused ones are tried again at the next
/// sync), then one for the batch.
fn report(steps: &[Step], outcomes: &[StepOutcome], started: Instant) {
    for (s, o) in steps.iter().zip(outcomes) {
        let what = s.change.ipvsadm_args();
        match o {
            StepOutcome::Failed(e) => Event::ChangeFailed {
                change: what,
                error: e.to_string(),
                code: e.code(),
                retry: "next sync",
            },
            _ => Event::Change { change: what },
        }
        .emit();
    }
    Event::Batch {
        changes: outcomes.len(),
        failed: outcomes
            .iter()
            .filter(|o| matches!(o, StepOutcome::Failed(_)))
            .count(),
        ms: started.elapsed().as_secs_f64() * 1e3,
    }
    .emit();
}
