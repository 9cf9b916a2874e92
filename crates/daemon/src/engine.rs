//! The decisions, without I/O: check results, admin state and what the
//! table holds in; the desired state of the owned services out (which
//! [`rvsadm::reconcile::plan`] turns into changes).

use super::config::{Check, Config, Format, Manual, OnFailure, Virtual};
use super::health::{Health, Outcome, State};
use rvsadm::model::{
    Change, DesiredState, DestConfig, DestSpec, Service, ServiceKey, ServiceSpec, Snapshot, Weight,
};
use rvsadm::reconcile::{Outcome as StepOutcome, Step};
use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;

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
    /// The health of each distinct check.
    pub health: HashMap<Check, Health>,
    /// The destinations each distinct check decides for.
    users: HashMap<Check, Vec<DestKey>>,
    /// Drained destinations.
    pub drained: BTreeSet<DestKey>,
    /// Changes by hand being kept.
    pub overrides: HashMap<DestKey, Override>,
    /// What the kernel is believed to hold for each managed destination
    /// (`None`: absent), from the last look or write.
    expected: HashMap<DestKey, Option<Weight>>,
    /// The last decision for each destination (policy `ignore` writes only
    /// when it changes).
    decided: HashMap<DestKey, Option<Weight>>,
    /// Owned services seen in the table (a service gone since was deleted
    /// by hand).
    seen: BTreeSet<ServiceKey>,
    /// Services deleted by hand, kept deleted under `adopt`.
    deleted_services: BTreeSet<ServiceKey>,
    /// Services whose destinations' health changed since the last
    /// [`Engine::take_changed`].
    changed: BTreeSet<ServiceKey>,
}

/// One line of `rvsadmd status`. Its fields are in the order of their
/// JSON keys (alphabetical: see [`crate::control::answer`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StatusRow {
    /// `ready`, `drained`.
    pub admin: String,
    /// The check (`tcp`, `http` ...).
    pub check: String,
    /// The configured weight.
    pub configured: u32,
    /// `10.0.0.1:80`.
    pub destination: String,
    /// `up`, `down`, `unknown`; `fallback` for the fallback server.
    pub health: String,
    /// The newest result, in words.
    pub last: Option<String>,
    /// Its duration in milliseconds.
    pub latency_ms: Option<f64>,
    /// A change by hand being kept: `weight N`, `deleted`.
    #[serde(rename = "override", default, skip_serializing_if = "Option::is_none")]
    pub override_: Option<String>,
    /// `tcp:192.0.2.1:80` ([`crate::service::format`]: what
    /// `rvsadmd drain` and `ready` take).
    pub service: String,
    /// Since when the health is what it is (seconds since the epoch).
    pub since: f64,
    /// The weight in the table (`None`: not in it).
    pub weight: Option<u32>,
}

impl Engine {
    /// An engine for `config`, knowing nothing yet.
    pub fn new(config: Config) -> Self {
        let mut e = Engine {
            config,
            health: HashMap::new(),
            users: HashMap::new(),
            drained: BTreeSet::new(),
            overrides: HashMap::new(),
            expected: HashMap::new(),
            decided: HashMap::new(),
            seen: BTreeSet::new(),
            deleted_services: BTreeSet::new(),
            changed: BTreeSet::new(),
        };
        e.sync_checks();
        e
    }

    /// The distinct checks of the configuration (one probe each, however
    /// many destinations share it).
    pub fn checks(&self) -> Vec<Check> {
        let mut out: Vec<Check> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for v in &self.config.services {
            for c in &v.checks {
                if seen.insert(c.clone()) {
                    out.push(c.clone());
                }
            }
        }
        out
    }

    fn sync_checks(&mut self) {
        let mut users: HashMap<Check, Vec<DestKey>> = HashMap::new();
        for v in &self.config.services {
            for (d, c) in v.spec.destinations.iter().zip(&v.checks) {
                users.entry(c.clone()).or_default().push((v.key(), d.addr));
            }
        }
        self.health.retain(|c, _| users.contains_key(c));
        for c in users.keys() {
            self.health.entry(c.clone()).or_default();
        }
        self.users = users;
    }

    /// The destinations `check` decides for (several when services share
    /// a real server checked the same way).
    pub fn destinations_of(&self, check: &Check) -> &[DestKey] {
        self.users.get(check).map_or(&[], Vec::as_slice)
    }

    /// Take a new configuration (a reload): checks that did not change
    /// keep their health, admin state and overrides of destinations still
    /// configured stay.
    pub fn reconfigure(&mut self, config: Config) {
        self.config = config;
        if self.config.format == Format::Ldirectord {
            // ldirectord starts over on a reload: every real is judged
            // again from the table and its next result.
            self.health.clear();
            self.decided.clear();
        }
        self.sync_checks();
        self.forget_unconfigured();
    }

    /// Drop drains, overrides and decisions of destinations the
    /// configuration no longer names.
    pub fn forget_unconfigured(&mut self) {
        let dests: BTreeSet<DestKey> = self.managed().collect();
        self.drained.retain(|d| dests.contains(d));
        self.overrides.retain(|d, _| dests.contains(d));
        self.decided.retain(|d, _| dests.contains(d));
        let services: BTreeSet<ServiceKey> =
            self.config.services.iter().map(Virtual::key).collect();
        self.deleted_services.retain(|k| services.contains(k));
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
            .flat_map(|v| v.spec.destinations.iter().map(move |d| (v.key(), d.addr)))
    }

    /// Record a check result; returns whether a decision may have changed
    /// (the services it changed are then in [`Engine::take_changed`]).
    pub fn record(&mut self, check: &Check, o: Outcome) -> bool {
        let changed = match self.health.get_mut(check) {
            Some(h) => h.record(o, check.rise, check.fall),
            None => false,
        };
        if changed {
            if let Some(users) = self.users.get(check) {
                self.changed.extend(users.iter().map(|d| d.0));
            }
        }
        changed
    }

    /// The services whose destinations' health changed since the last
    /// call: what a decision on check results alone has to look at.
    pub fn take_changed(&mut self) -> BTreeSet<ServiceKey> {
        std::mem::take(&mut self.changed)
    }

    /// Compare the table with what was expected and take note of changes
    /// made by hand (under `adopt`, as overrides). Call with the owned
    /// services as read, before [`Engine::desired`].
    pub fn observe(&mut self, live: &Snapshot) {
        let by_key: HashMap<ServiceKey, &Service> =
            live.services.iter().map(|s| (s.key, s)).collect();
        for v in &self.config.services {
            let key = v.key();
            let Some(s) = by_key.get(&key) else {
                // Deleted by hand: kept deleted (adopt), or not looked at
                // (ignore) until `rvsadmd ready`; put back under revert.
                if self.seen.remove(&key) && v.manual != Manual::Revert {
                    self.deleted_services.insert(key);
                }
                continue;
            };
            self.seen.insert(key);
            for d in &v.spec.destinations {
                let k = (key, d.addr);
                let now = s
                    .destinations
                    .iter()
                    .find(|x| x.addr == d.addr)
                    .map(|x| x.config.weight);
                match self.expected.get(&k) {
                    None => {}
                    Some(e) if *e == now => {}
                    Some(_) if v.manual == Manual::Adopt => {
                        self.overrides.insert(
                            k,
                            match now {
                                Some(w) => Override::Weight(w),
                                None => Override::Deleted,
                            },
                        );
                    }
                    Some(_) => {}
                }
                self.expected.insert(k, now);
            }
        }
    }

    /// Clear admin state and overrides of one destination (or of every
    /// destination of the service with `dest` `None`): checks decide
    /// again.
    pub fn ready(&mut self, key: ServiceKey, dest: Option<SocketAddr>) {
        let hit = |d: &DestKey| d.0 == key && dest.map_or(true, |a| a == d.1);
        self.drained.retain(|d| !hit(d));
        self.overrides.retain(|d, _| !hit(d));
        self.deleted_services.remove(&key);
    }

    /// Drain a destination: weight 0 whatever its checks say.
    pub fn drain(&mut self, key: ServiceKey, dest: SocketAddr) {
        self.drained.insert((key, dest));
    }

    /// What the checks and admin state want for one destination (`None`:
    /// absent), before overrides and policy.
    fn computed(
        &self,
        v: &Virtual,
        d: &DestSpec,
        c: &Check,
        live: Option<Weight>,
    ) -> Option<Weight> {
        let k = (v.key(), d.addr);
        let h = self.health.get(c);
        let state = h.map_or(State::Unknown, |h| h.state);
        let up_weight = h
            .and_then(|h| h.weight)
            .map(|w| Weight::new(w.min(Weight::MAX.get())).unwrap_or(d.config.weight))
            .unwrap_or(d.config.weight);
        if self.drained.contains(&k) {
            return Some(Weight::ZERO);
        }
        match state {
            State::Up => Some(up_weight),
            State::Down => match v.on_failure {
                OnFailure::Quiesce => Some(Weight::ZERO),
                OnFailure::Remove => None,
            },
            // No result yet: what the table has stays (ldirectord: a real
            // in it with a weight is up, at its configured weight); a
            // destination not there, or at weight 0, is down until its
            // first result.
            State::Unknown => match (live, v.on_failure) {
                (Some(w), _) if !w.is_zero() && self.config.format == Format::Ldirectord => {
                    Some(up_weight)
                }
                (Some(w), _) if self.config.format == Format::Native => Some(w),
                (_, OnFailure::Quiesce) => Some(Weight::ZERO),
                (_, OnFailure::Remove) => None,
            },
        }
    }

    /// The desired state of the owned services, given the table as read
    /// (`live`, the owned services); of those in `only` when it is given
    /// (planned without pruning, the others are left as they are). Also
    /// remembers the decisions (for policy `ignore`).
    pub fn desired(
        &mut self,
        live: &Snapshot,
        only: Option<&BTreeSet<ServiceKey>>,
    ) -> DesiredState {
        let by_key: HashMap<ServiceKey, &Service> =
            live.services.iter().map(|s| (s.key, s)).collect();
        let mut services = Vec::new();
        let mut decided = Vec::new();
        for v in &self.config.services {
            let key = v.key();
            if self.deleted_services.contains(&key) || only.is_some_and(|o| !o.contains(&key)) {
                continue;
            }
            let live_s = by_key.get(&key).copied();
            let live_dest =
                |a: &SocketAddr| live_s.and_then(|s| s.destinations.iter().find(|x| x.addr == *a));
            let mut spec = ServiceSpec::new(key).with_config(v.spec.config.clone());
            // Up by what is put in the table, and by the checks alone
            // (under `ignore` the fallback follows the checks, as in
            // ldirectord: a real drained by hand does not bring it in).
            let mut any_up = false;
            let mut any_up_checked = false;
            for (d, c) in v.spec.destinations.iter().zip(&v.checks) {
                let k = (key, d.addr);
                let live_w = live_dest(&d.addr).map(|x| x.config.weight);
                let mut want = self.computed(v, d, c, live_w);
                decided.push((k, want));
                if want.is_some_and(|w| !w.is_zero()) {
                    any_up_checked = true;
                }
                match v.manual {
                    Manual::Adopt => match self.overrides.get(&k) {
                        Some(Override::Weight(w)) => want = Some(*w),
                        Some(Override::Deleted) => want = None,
                        None => {}
                    },
                    Manual::Ignore => {
                        if self.decided.get(&k) == Some(&want) {
                            want = live_w;
                        }
                    }
                    Manual::Revert => {}
                }
                if want.is_some_and(|w| !w.is_zero()) {
                    any_up = true;
                }
                if let Some(w) = want {
                    let mut cfg: DestConfig = d.config;
                    cfg.weight = w;
                    spec.destinations.push(DestSpec::new(d.addr, cfg));
                }
            }
            if v.manual == Manual::Ignore {
                any_up = any_up_checked;
            }
            if let Some(f) = v.fallback {
                if !any_up {
                    spec.destinations.push(f);
                }
            }
            // Destinations someone else put in an owned service stay,
            // unless the policy is to revert.
            if v.keep_foreign {
                if let Some(s) = live_s {
                    for x in &s.destinations {
                        let ours = v.spec.destinations.iter().any(|d| d.addr == x.addr)
                            || v.fallback.is_some_and(|f| f.addr == x.addr);
                        if !ours {
                            spec.destinations.push(x.spec());
                        }
                    }
                }
            }
            services.push(spec);
        }
        for (k, w) in decided {
            self.decided.insert(k, w);
        }
        DesiredState {
            services,
            timeouts: None,
            daemons: None,
        }
    }

    /// Take note of what a batch did, so that the next look does not
    /// take our own writes for changes by hand.
    pub fn written(&mut self, steps: &[Step], outcomes: &[StepOutcome]) {
        for (s, o) in steps.iter().zip(outcomes) {
            if !matches!(o, StepOutcome::Applied) {
                continue;
            }
            match &s.change {
                Change::AddDestination(k, d) => {
                    self.expected.insert((*k, d.addr), Some(d.config.weight));
                }
                Change::EditDestination(k, d) => {
                    self.expected.insert((*k, d.addr), Some(d.config.weight));
                }
                Change::DeleteDestination(k, a) => {
                    self.expected.insert((*k, *a), None);
                }
                Change::AddService(s) => {
                    self.seen.insert(s.key);
                }
                Change::DeleteService(k) => {
                    self.seen.remove(k);
                    self.expected.retain(|d, _| d.0 != *k);
                }
                _ => {}
            }
        }
    }

    /// The status of every configured destination and fallback.
    pub fn status(&self, live: &Snapshot) -> Vec<StatusRow> {
        let by_key: HashMap<ServiceKey, &Service> =
            live.services.iter().map(|s| (s.key, s)).collect();
        let secs = |t: std::time::SystemTime| {
            t.duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64())
        };
        let mut rows = Vec::new();
        for v in &self.config.services {
            let key = v.key();
            let live_w = |a: &SocketAddr| {
                by_key.get(&key).and_then(|s| {
                    s.destinations
                        .iter()
                        .find(|x| x.addr == *a)
                        .map(|x| x.config.weight.get())
                })
            };
            for (d, c) in v.spec.destinations.iter().zip(&v.checks) {
                let k = (key, d.addr);
                let h = self.health.get(c);
                rows.push(StatusRow {
                    service: crate::service::format(&key),
                    destination: d.addr.to_string(),
                    health: h.map_or(State::Unknown, |h| h.state).name().into(),
                    admin: if self.drained.contains(&k) {
                        "drained".into()
                    } else {
                        "ready".into()
                    },
                    override_: match self.overrides.get(&k) {
                        Some(Override::Weight(w)) => Some(format!("weight {w}")),
                        Some(Override::Deleted) => Some("deleted".into()),
                        None if self.deleted_services.contains(&key) => {
                            Some("service deleted".into())
                        }
                        None => None,
                    },
                    weight: live_w(&d.addr),
                    configured: d.config.weight.get(),
                    check: c.probe.kind().into(),
                    last: h.and_then(|h| h.last.as_ref()).map(|o| o.reason.clone()),
                    latency_ms: h
                        .and_then(|h| h.last.as_ref())
                        .map(|o| o.latency.as_secs_f64() * 1e3),
                    since: h.map_or(0.0, |h| secs(h.since)),
                });
            }
            if let Some(f) = v.fallback {
                rows.push(StatusRow {
                    service: crate::service::format(&key),
                    destination: f.addr.to_string(),
                    health: "fallback".into(),
                    admin: "ready".into(),
                    override_: None,
                    weight: live_w(&f.addr),
                    configured: f.config.weight.get(),
                    check: "-".into(),
                    last: None,
                    latency_ms: None,
                    since: 0.0,
                });
            }
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rvsadm::model::Destination;
    use std::time::Duration;

    const CFG: &str = r#"
[[services]]
protocol = "tcp"
address = "192.0.2.1"
port = 80
fallback = { address = "10.0.0.9", port = 80, forward = "masq" }
[[services.destinations]]
address = "10.0.0.1"
port = 80
forward = "masq"
weight = 3
[[services.destinations]]
address = "10.0.0.2"
port = 80
forward = "masq"
weight = 5
"#;

    fn engine(text: &str) -> Engine {
        Engine::new(super::super::native::parse(std::path::Path::new("t.toml"), text).unwrap())
    }

    fn result(e: &mut Engine, i: usize, ok: bool) {
        let c = e.config.services[0].checks[i].clone();
        e.record(
            &c,
            Outcome {
                ok,
                weight: None,
                latency: Duration::ZERO,
                reason: String::new(),
            },
        );
    }

    /// The table holding what `d` wants (as if the plan had been applied).
    fn table_of(d: &DesiredState) -> Snapshot {
        Snapshot {
            services: d
                .services
                .iter()
                .map(|s| {
                    let mut l = Service::new(s.key).with_config(s.config.clone());
                    l.destinations = s
                        .destinations
                        .iter()
                        .map(|x| Destination::new(x.addr, x.config))
                        .collect();
                    l
                })
                .collect(),
            ..Snapshot::default()
        }
    }

    fn weights(d: &DesiredState) -> Vec<(String, u32)> {
        d.services[0]
            .destinations
            .iter()
            .map(|x| (x.addr.to_string(), x.config.weight.get()))
            .collect()
    }

    fn w(list: &[(&str, u32)]) -> Vec<(String, u32)> {
        list.iter().map(|(a, w)| (a.to_string(), *w)).collect()
    }

    /// One sync as `run` does it: look, decide, "apply".
    fn sync(e: &mut Engine, live: &mut Snapshot) -> DesiredState {
        e.observe(live);
        let d = e.desired(live, None);
        *live = table_of(&d);
        // What was written is what is expected now.
        for s in &live.services {
            for x in &s.destinations {
                e.expected.insert((s.key, x.addr), Some(x.config.weight));
            }
        }
        e.seen.extend(live.services.iter().map(|s| s.key));
        d
    }

    #[test]
    fn health_drains_and_the_fallback() {
        let mut e = engine(CFG);
        let mut live = Snapshot::default();
        // No result yet: in at weight 0, fallback in.
        let d = sync(&mut e, &mut live);
        assert_eq!(
            weights(&d),
            w(&[("10.0.0.1:80", 0), ("10.0.0.2:80", 0), ("10.0.0.9:80", 1)])
        );
        result(&mut e, 0, true);
        result(&mut e, 1, true);
        let d = sync(&mut e, &mut live);
        assert_eq!(weights(&d), w(&[("10.0.0.1:80", 3), ("10.0.0.2:80", 5)]));
        let key = e.config.services[0].key();
        e.drain(key, "10.0.0.2:80".parse().unwrap());
        result(&mut e, 0, false);
        let d = sync(&mut e, &mut live);
        assert_eq!(
            weights(&d),
            w(&[("10.0.0.1:80", 0), ("10.0.0.2:80", 0), ("10.0.0.9:80", 1)])
        );
        e.ready(key, None);
        let d = sync(&mut e, &mut live);
        assert_eq!(weights(&d), w(&[("10.0.0.1:80", 0), ("10.0.0.2:80", 5)]));
    }

    #[test]
    fn a_result_marks_only_the_services_it_changed() {
        let two = format!(
            "{CFG}\n[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.2\"\nport = 80\n\
             [[services.destinations]]\naddress = \"10.0.0.7\"\nport = 80\nforward = \"masq\"\n"
        );
        let mut e = engine(&two);
        let mut live = Snapshot::default();
        sync(&mut e, &mut live);
        assert!(e.take_changed().is_empty(), "no result yet");
        result(&mut e, 0, true);
        result(&mut e, 0, true); // no change: nothing new marked
        let changed = e.take_changed();
        let first = e.config.services[0].key();
        assert_eq!(changed.into_iter().collect::<Vec<_>>(), vec![first]);
        let d = e.desired(&live, Some(&[first].into_iter().collect()));
        assert_eq!(d.services.len(), 1);
        assert_eq!(d.services[0].key, first);
        assert!(e.take_changed().is_empty());
    }

    #[test]
    fn a_restart_keeps_weights_until_the_first_result() {
        let mut e = engine(CFG);
        let mut live = Snapshot::default();
        result(&mut e, 0, true);
        result(&mut e, 1, true);
        sync(&mut e, &mut live);
        let mut fresh = engine(CFG);
        let d = sync(&mut fresh, &mut live);
        assert_eq!(weights(&d), w(&[("10.0.0.1:80", 3), ("10.0.0.2:80", 5)]));
    }

    #[test]
    fn hand_made_changes_under_each_policy() {
        for (policy, want_after_hand, want_after_transition) in
            [("adopt", 9, 9), ("revert", 3, 0), ("ignore", 9, 0)]
        {
            let mut e = engine(&CFG.replace(
                "port = 80\nfallback",
                &format!("port = 80\nmanual = \"{policy}\"\nfallback"),
            ));
            let mut live = Snapshot::default();
            result(&mut e, 0, true);
            result(&mut e, 1, true);
            sync(&mut e, &mut live);
            // By hand: 10.0.0.1 to weight 9.
            live.services[0].destinations[0].config.weight = Weight::new(9).unwrap();
            let d = sync(&mut e, &mut live);
            assert_eq!(weights(&d)[0].1, want_after_hand, "{policy}");
            // Then its check fails.
            result(&mut e, 0, false);
            let d = sync(&mut e, &mut live);
            assert_eq!(weights(&d)[0].1, want_after_transition, "{policy}");
        }
        // Adopt: a deletion by hand is not undone.
        let mut e = engine(CFG);
        let mut live = Snapshot::default();
        result(&mut e, 0, true);
        result(&mut e, 1, true);
        sync(&mut e, &mut live);
        live.services[0].destinations.remove(0);
        let d = sync(&mut e, &mut live);
        assert_eq!(weights(&d), w(&[("10.0.0.2:80", 5)]));
        assert_eq!(e.overrides.values().next(), Some(&Override::Deleted));
    }
}
