//! The decisions, without I/O: check results, admin state and what the
//! table holds in; the desired state of the owned services out (which
//! [`rvsadm::reconcile::plan`] turns into changes).
//!
//! - [`agents`]: what each destination's feedback agent said, apart
//!   from its checks and the operator's drain; the weight it makes;
//! - [`checks`]: the distinct checks, each under a [`CheckId`], with its
//!   health; each destination's checks and their verdict;
//! - [`mirror`]: the one copy of the kernel's table kept in step with
//!   the daemon's own writes;
//! - `decide.rs`: the desired state; `status.rs`: the rows of `status`;
//! - [`ramp`]: slow start, its curve and steps and which destinations
//!   ramp; [`depool`]: the depool floor, which failed destinations stay
//!   in; `serving.rs`: both told each destination's state;
//! - [`quorum`]: each service's quorum across decisions, and the programs
//!   its changes and its destinations' run ([`fallback_command`] the
//!   rule of ldirectord's `fallbackcommand`).

pub mod agents;
pub mod checks;
mod decide;
pub mod depool;
pub mod fallback_command;
pub mod mirror;
pub mod quorum;
pub mod ramp;
mod serving;
mod status;

pub use checks::{CheckId, Checked};
pub use mirror::Mirror;
pub use quorum::{ScriptRun, Transition};
pub use status::{AgentRow, StatusRow};

use crate::config::{Check, Config, Format, Manual, Virtual};
use crate::health::{Outcome, Verdict};
use checks::Checks;
use rvsadm::model::{ServiceKey, Snapshot, Weight};
use rvsadm::reconcile::{Outcome as StepOutcome, Step};
use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::time::Instant;

/// A destination of a service.
pub type DestKey = (ServiceKey, SocketAddr);

/// What an operator set by hand and `rvsadmd` keeps (policy
/// [`Manual::Adopt`]) until `rvsadmd ready`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Override {
    /// A weight set by hand.
    Weight(Weight),
    /// Deleted by hand.
    Deleted,
}

/// The admin state of a destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admin {
    /// In service as its checks say.
    Ready,
    /// Weight 0 whatever its checks say (`rvsadmd drain`).
    Drained,
}

/// Everything `rvsadmd` decides from.
#[derive(Debug)]
pub struct Engine {
    /// The configuration in force.
    pub config: Config,
    /// The distinct checks and their health.
    checks: Checks,
    /// Drained destinations.
    pub drained: BTreeSet<DestKey>,
    /// Changes by hand being kept.
    pub overrides: HashMap<DestKey, Override>,
    /// The owned services as the kernel holds them, as far as known.
    pub kernel: Mirror,
    /// The last decision for each destination (policy `ignore` writes only
    /// when it changes).
    decided: HashMap<DestKey, Option<Weight>>,
    /// Services deleted by hand, kept deleted under `adopt`.
    deleted_services: BTreeSet<ServiceKey>,
    /// Services whose destinations' health changed since the last
    /// [`Engine::take_changed`].
    changed: BTreeSet<ServiceKey>,
    /// The services' quorums and the programs their changes run.
    quorums: quorum::Quorums,
    /// What the destinations' feedback agents said.
    agents: agents::Agents,
    /// Destinations (real or fallback) a reload took out of the
    /// configuration: removed from the table even where foreign
    /// destinations are kept, until the kernel is seen without them.
    released: BTreeSet<DestKey>,
    /// Slow start: the ramping destinations.
    ramps: ramp::Ramps,
    /// The depool floor: the failed destinations kept in.
    depool: depool::Depool,
    /// The time decisions are made at ([`Engine::at`]).
    now: Instant,
}

impl Engine {
    /// An engine for `config`, knowing nothing yet.
    pub fn new(config: Config) -> Self {
        let mut checks = Checks::default();
        checks.configure(&config);
        let mut agents = agents::Agents::default();
        agents.configure(&config);
        Engine {
            config,
            checks,
            drained: BTreeSet::new(),
            overrides: HashMap::new(),
            kernel: Mirror::default(),
            decided: HashMap::new(),
            deleted_services: BTreeSet::new(),
            changed: BTreeSet::new(),
            quorums: quorum::Quorums::default(),
            released: BTreeSet::new(),
            agents,
            ramps: ramp::Ramps::default(),
            depool: depool::Depool::default(),
            now: Instant::now(),
        }
    }

    /// The distinct checks of the configuration (one probe each, however
    /// many destinations share it), in the order of their first use.
    pub fn checks(&self) -> Vec<(CheckId, Check)> {
        self.checks
            .list()
            .map(|(id, c)| (id, c.check.clone()))
            .collect()
    }

    /// The check `id`: its health and the destinations it decides for
    /// (`None`: a reload removed it).
    pub fn check(&self, id: CheckId) -> Option<&Checked> {
        self.checks.get(id)
    }

    /// What the checks of a configured destination say together.
    pub fn verdict(&self, dest: &DestKey) -> Verdict {
        self.checks.verdict(dest)
    }

    /// The weight the last decision asked for a destination (`None`
    /// inside: out of the table); `None` before its first decision.
    pub fn decision(&self, dest: &DestKey) -> Option<Option<Weight>> {
        self.decided.get(dest).copied()
    }

    /// Take a new configuration (a reload): checks that did not change
    /// keep their health, admin state and overrides of destinations still
    /// configured stay; the table is read again before the next decision.
    pub fn reconfigure(&mut self, config: Config) {
        self.quorums.reconfigure(&self.config, &config);
        self.ramps.reconfigure(&self.config, &config);
        let before: BTreeSet<DestKey> = placed(&self.config).collect();
        self.config = config;
        let now: BTreeSet<DestKey> = placed(&self.config).collect();
        self.released.extend(before.difference(&now));
        self.released.retain(|d| !now.contains(d));
        self.checks.configure(&self.config);
        self.agents.configure(&self.config);
        let restart = self.config.format == Format::Ldirectord;
        if restart {
            // ldirectord starts over on a reload: every real is judged
            // again from the table and its next result.
            self.checks.reset_health();
            self.decided.clear();
        }
        self.forget_unconfigured();
        let dests: BTreeSet<DestKey> = self.managed().collect();
        self.quorums.forget(&dests, restart);
        self.kernel.stale();
    }

    /// Drop drains, overrides and decisions of destinations the
    /// configuration no longer names.
    pub fn forget_unconfigured(&mut self) {
        let dests: BTreeSet<DestKey> = self.managed().collect();
        self.drained.retain(|d| dests.contains(d));
        self.overrides.retain(|d, _| dests.contains(d));
        self.decided.retain(|d, _| dests.contains(d));
        self.depool.forget(&dests);
        let services: BTreeSet<ServiceKey> =
            self.config.services.iter().map(Virtual::key).collect();
        self.deleted_services.retain(|k| services.contains(k));
    }

    /// The programs the decisions so far asked to run (quorum gained or
    /// lost, a destination up or down), in order; run them after the
    /// table is written.
    pub fn take_scripts(&mut self) -> Vec<ScriptRun> {
        self.quorums.take_runs()
    }

    /// The destinations that went up or down and the services that gained
    /// or lost quorum since the last call, in order (told as events, to
    /// the hooks and to the notify FIFO after the table is written).
    pub fn take_transitions(&mut self) -> Vec<Transition> {
        self.quorums.take_transitions()
    }

    /// Set the clock decisions are made at (slow start's ramps start and
    /// step by it); the run loop sets it before each decision.
    pub fn at(&mut self, now: Instant) {
        self.now = now;
    }

    /// When the next step of a slow-start ramp is due (`None`: no ramp
    /// going).
    pub fn next_ramp_step(&self) -> Option<Instant> {
        self.ramps.next_step(&self.config, self.now)
    }

    /// A ramp's step is due: the services with a ramp going are to be
    /// decided again ([`Engine::take_changed`]).
    pub fn ramp_due(&mut self) {
        self.changed.extend(self.ramps.services());
    }

    /// The destinations the depool floor began (`true`) or stopped
    /// keeping in since the last call, in order (told as events).
    pub fn take_floor_changes(&mut self) -> Vec<(DestKey, bool)> {
        self.depool.take_changes()
    }

    /// How many failed destinations the depool floor keeps in now.
    pub fn floor_kept(&self) -> usize {
        self.depool.count()
    }

    /// Whether the depool floor keeps the failed destination `k` in.
    pub fn kept_by_floor(&self, k: &DestKey) -> bool {
        self.depool.kept(k)
    }

    /// The slow-start factor of `k` in percent while it ramps (`None`:
    /// not ramping).
    pub fn ramp_of(&self, k: &DestKey) -> Option<u32> {
        // Most destinations do not ramp: no search of the configuration.
        if !self.ramps.ramping(k) {
            return None;
        }
        let v = self.config.services.iter().find(|v| v.key() == k.0)?;
        let r = v.reals.iter().find(|r| r.dest.addr == k.1)?;
        self.ramps
            .factor(k, r.slow_start.as_ref(), &v.config.scheduler, self.now)
    }

    /// Services deleted by hand and kept deleted until `rvsadmd ready`.
    pub fn deleted_services(&self) -> &BTreeSet<ServiceKey> {
        &self.deleted_services
    }

    /// Keep a service deleted (by hand, restored from the state file).
    pub fn keep_deleted(&mut self, key: ServiceKey) {
        self.deleted_services.insert(key);
    }

    /// Every configured destination.
    fn managed(&self) -> impl Iterator<Item = DestKey> + '_ {
        self.config
            .services
            .iter()
            .flat_map(|v| v.dests().map(move |d| (v.key(), d.addr)))
    }

    /// Record a result of check `id`; returns whether a decision may have
    /// changed (the services it changed are then in
    /// [`Engine::take_changed`]).
    pub fn record(&mut self, id: CheckId, o: Outcome) -> bool {
        match self.checks.record(id, o) {
            Some(users) => {
                self.changed.extend(users.iter().map(|d| d.0));
                true
            }
            None => false,
        }
    }

    /// The feedback agents of the configuration (one per address and
    /// way of asking), to be asked at their intervals.
    pub fn agents(&self) -> Vec<agents::AgentKey> {
        self.agents.keys()
    }

    /// What the agent of `dest` said (`None`: it has no agent).
    pub fn agent_of(&self, dest: &DestKey) -> Option<&agents::AgentState> {
        self.agents.of_dest(dest)
    }

    /// The destinations agent `key` speaks for, in configuration order.
    pub fn agent_users(&self, key: &agents::AgentKey) -> Vec<DestKey> {
        self.agents.users(key).to_vec()
    }

    /// Record an answer of agent `key` (or the failure to get one);
    /// returns whether a decision may have changed (as
    /// [`Engine::record`]).
    pub fn record_agent(
        &mut self,
        key: &agents::AgentKey,
        got: Result<crate::probe::agent::Answer, String>,
    ) -> bool {
        match self.agents.record(key, got) {
            Some(users) => {
                self.changed.extend(users.iter().map(|d| d.0));
                true
            }
            None => false,
        }
    }

    /// The services whose destinations' health changed since the last
    /// call: what a decision on check results alone has to look at.
    pub fn take_changed(&mut self) -> BTreeSet<ServiceKey> {
        std::mem::take(&mut self.changed)
    }

    /// Take the owned services as just read: compared with the table as
    /// known, a difference is a change made by hand (under `adopt`, kept
    /// as an override; a service gone is kept deleted but under
    /// `revert`). The read is then the table decided from.
    pub fn observe(&mut self, live: Snapshot) {
        for v in &self.config.services {
            let key = v.key();
            let Some(s) = live.service(&key) else {
                // Deleted by hand: kept deleted (adopt), or not looked at
                // (ignore) until `rvsadmd ready`; put back under revert.
                if self.kernel.holds(&key) && v.manual != Manual::Revert {
                    self.deleted_services.insert(key);
                }
                continue;
            };
            if v.manual != Manual::Adopt {
                continue;
            }
            for d in v.dests() {
                let k = (key, d.addr);
                let now = s
                    .destinations
                    .iter()
                    .find(|x| x.addr == d.addr)
                    .map(|x| x.config.weight);
                match self.kernel.weight(&k) {
                    Some(known) if known != now => {
                        let kept = now.map_or(Override::Deleted, Override::Weight);
                        self.overrides.insert(k, kept);
                    }
                    _ => {}
                }
            }
        }
        self.released.retain(|(key, addr)| {
            live.service(key)
                .is_some_and(|s| s.destinations.iter().any(|x| x.addr == *addr))
        });
        self.kernel.replace(live);
    }

    /// Whether a reload took `dest` out of the configuration and the
    /// kernel may still hold it (see [`Engine::reconfigure`]).
    pub fn released(&self, dest: &DestKey) -> bool {
        self.released.contains(dest)
    }

    /// Clear admin state and overrides of one destination (or of every
    /// destination of the service with `dest` `None`): checks decide
    /// again. The service is to be decided again
    /// ([`Engine::take_changed`]).
    pub fn ready(&mut self, key: ServiceKey, dest: Option<SocketAddr>) {
        let hit = |d: &DestKey| d.0 == key && dest.is_none_or(|a| a == d.1);
        self.drained.retain(|d| !hit(d));
        self.overrides.retain(|d, _| !hit(d));
        self.deleted_services.remove(&key);
        self.changed.insert(key);
    }

    /// Drain a destination: weight 0 whatever its checks say. The service
    /// is to be decided again ([`Engine::take_changed`]).
    pub fn drain(&mut self, key: ServiceKey, dest: SocketAddr) {
        self.drained.insert((key, dest));
        self.changed.insert(key);
    }

    /// Take note of what a batch did: the changes the kernel accepted go
    /// into the table as known (so that the next look does not take them
    /// for changes by hand); after a refusal it is read again before the
    /// next decision.
    pub fn written(&mut self, steps: &[Step], outcomes: &[StepOutcome]) {
        for (s, o) in steps.iter().zip(outcomes) {
            match o {
                StepOutcome::Applied => self.kernel.record(&s.change),
                _ => self.kernel.stale(),
            }
        }
    }
}

/// Every destination `config` puts in the table: its real servers and
/// fallbacks.
fn placed(config: &Config) -> impl Iterator<Item = DestKey> + '_ {
    config.services.iter().flat_map(|v| {
        let key = v.key();
        v.dests()
            .map(|d| d.addr)
            .chain(v.fallback.map(|f| f.addr))
            .map(move |a| (key, a))
    })
}

#[cfg(test)]
mod quorum_tests;
#[cfg(test)]
mod tests;
