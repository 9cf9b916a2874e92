//! The distinct checks of the configuration, each under a [`CheckId`],
//! with its health and the destinations it decides for; and each
//! destination's checks and what they say together.

use super::DestKey;
use crate::config::Probe;
use crate::config::{Check, Config};
use crate::health::{verdict, Health, Outcome, State, Verdict};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// A check's id. Destinations checked the same way share one check (one
/// probe); a reload keeps the id, and the health, of a check configured
/// as before. Ids are never reused, so a result of a check a reload
/// removed finds nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CheckId(u64);

impl CheckId {
    /// The id's number: 1, 2, ... in the order checks were first
    /// configured (so the same file gives the same numbers at every
    /// start). The scheduler derives a check's start phase from it.
    pub fn number(self) -> u64 {
        self.0
    }

    /// The id numbered `n` (tests outside the engine).
    #[cfg(test)]
    pub(crate) fn from_number(n: u64) -> Self {
        CheckId(n)
    }
}

/// One distinct check.
#[derive(Debug)]
pub struct Checked {
    /// What it probes, how often, rise and fall.
    pub check: Check,
    /// What its results say.
    pub health: Health,
    /// The destinations it decides for, in configuration order.
    pub users: Vec<DestKey>,
}

/// The checks of a configuration.
#[derive(Debug, Default)]
pub struct Checks {
    by_id: BTreeMap<CheckId, Checked>,
    /// Each configured destination's checks, in configuration order.
    of_dest: HashMap<DestKey, Vec<CheckId>>,
    /// The ids in the order of their first use in the configuration.
    order: Vec<CheckId>,
    /// The next new id.
    next: u64,
    /// Each configured destination's configured weight (what an exec
    /// check's `dynamic = "percent"` is a percentage of).
    configured: HashMap<DestKey, u32>,
}

impl Checks {
    /// Take the checks of `config`: one per distinct check, a check
    /// configured as before keeping its id and health.
    // A file check's memory (`probe::file::FileMemory`) is inside the key
    // but no part of its equality or hash.
    #[allow(clippy::mutable_key_type)]
    pub fn configure(&mut self, config: &Config) {
        let mut before: HashMap<Check, (CheckId, Health)> = std::mem::take(&mut self.by_id)
            .into_iter()
            .map(|(id, c)| (c.check, (id, c.health)))
            .collect();
        self.of_dest.clear();
        self.order.clear();
        self.configured.clear();
        let mut ids: HashMap<&Check, CheckId> = HashMap::new();
        for v in &config.services {
            for r in &v.reals {
                let dest = (v.key(), r.dest.addr);
                self.configured.insert(dest, r.dest.config.weight.get());
                let mut mine = Vec::with_capacity(r.checks.len());
                for c in &r.checks {
                    let id = match ids.get(c) {
                        Some(id) => *id,
                        None => {
                            // The check kept is the one configured before
                            // (equal, and holding what it has read).
                            let (check, (id, health)) =
                                before.remove_entry(c).unwrap_or_else(|| {
                                    self.next += 1;
                                    (
                                        c.clone(),
                                        (CheckId(self.next), Health::starting(c.start_up)),
                                    )
                                });
                            self.by_id.insert(
                                id,
                                Checked {
                                    check,
                                    health,
                                    users: Vec::new(),
                                },
                            );
                            self.order.push(id);
                            ids.insert(c, id);
                            id
                        }
                    };
                    if let Some(c) = self.by_id.get_mut(&id) {
                        if !c.users.contains(&dest) {
                            c.users.push(dest);
                        }
                    }
                    mine.push(id);
                }
                self.of_dest.insert(dest, mine);
            }
        }
    }

    /// Forget every result: each check starts again from unknown.
    pub fn reset_health(&mut self) {
        for c in self.by_id.values_mut() {
            c.health = Health::starting(c.check.start_up);
        }
    }

    /// The check `id` (`None`: a reload removed it).
    pub fn get(&self, id: CheckId) -> Option<&Checked> {
        self.by_id.get(&id)
    }

    /// The checks of a configured destination, in configuration order
    /// (`None`: not configured).
    pub fn of_dest(&self, dest: &DestKey) -> Option<Vec<&Checked>> {
        let ids = self.of_dest.get(dest)?;
        Some(ids.iter().filter_map(|id| self.by_id.get(id)).collect())
    }

    /// What the checks of a configured destination say together
    /// ([`verdict`]); unknown for a destination not configured.
    pub fn verdict(&self, dest: &DestKey) -> Verdict {
        match self.of_dest(dest) {
            Some(checks) => {
                let w = self.configured.get(dest).copied().unwrap_or(0);
                let healths: Vec<Cow<'_, Health>> =
                    checks.iter().map(|c| as_weight(c, w)).collect();
                verdict(healths.iter().map(AsRef::as_ref))
            }
            None => Verdict {
                state: State::Unknown,
                weight: None,
                add: 0,
                by: None,
            },
        }
    }

    /// Every check, in the order of its first use in the configuration.
    pub fn list(&self) -> impl Iterator<Item = (CheckId, &Checked)> + '_ {
        self.order
            .iter()
            .filter_map(|id| self.by_id.get(id).map(|c| (*id, c)))
    }

    /// Record a result of `id`; returns the destinations it decides for
    /// when what the table should hold may have changed.
    pub fn record(&mut self, id: CheckId, o: Outcome) -> Option<&[DestKey]> {
        let c = self.by_id.get_mut(&id)?;
        let changed = c.health.record(o, c.check.rise, c.check.fall);
        changed.then_some(c.users.as_slice())
    }
}

/// The health of `c` with the weight it asks for as a weight: an exec
/// check's `dynamic = "percent"` asks for a percentage of `configured`
/// (rounded up, so that only 0% makes weight 0).
fn as_weight(c: &Checked, configured: u32) -> Cow<'_, Health> {
    match (&c.check.probe, c.health.weight) {
        (Probe::Exec { percent: true, .. }, Some(p)) => {
            let w = u64::from(configured)
                .saturating_mul(u64::from(p))
                .div_ceil(100);
            Cow::Owned(Health {
                weight: Some(u32::try_from(w).unwrap_or(u32::MAX)),
                ..c.health.clone()
            })
        }
        _ => Cow::Borrowed(&c.health),
    }
}
