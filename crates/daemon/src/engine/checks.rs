//! The distinct checks of the configuration, each under a [`CheckId`],
//! with its health and the destinations it decides for; and each
//! destination's check.

use super::DestKey;
use crate::config::{Check, Config};
use crate::health::{Health, Outcome};
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
    /// Each configured destination's check.
    of_dest: HashMap<DestKey, CheckId>,
    /// The ids in the order of their first use in the configuration.
    order: Vec<CheckId>,
    /// The next new id.
    next: u64,
}

impl Checks {
    /// Take the checks of `config`: one per distinct check, a check
    /// configured as before keeping its id and health.
    pub fn configure(&mut self, config: &Config) {
        let mut before: HashMap<Check, (CheckId, Health)> = std::mem::take(&mut self.by_id)
            .into_iter()
            .map(|(id, c)| (c.check, (id, c.health)))
            .collect();
        self.of_dest.clear();
        self.order.clear();
        let mut ids: HashMap<&Check, CheckId> = HashMap::new();
        for v in &config.services {
            // The configuration lists a service's checks beside its
            // destinations, one each: joined here, once.
            for (d, c) in v.spec.destinations.iter().zip(&v.checks) {
                let id = match ids.get(c) {
                    Some(id) => *id,
                    None => {
                        let (id, health) = before.remove(c).unwrap_or_else(|| {
                            self.next += 1;
                            (CheckId(self.next), Health::default())
                        });
                        self.by_id.insert(
                            id,
                            Checked {
                                check: c.clone(),
                                health,
                                users: Vec::new(),
                            },
                        );
                        self.order.push(id);
                        ids.insert(c, id);
                        id
                    }
                };
                let dest = (v.key(), d.addr);
                if let Some(c) = self.by_id.get_mut(&id) {
                    c.users.push(dest);
                }
                self.of_dest.insert(dest, id);
            }
        }
    }

    /// Forget every result: each check starts again from unknown.
    pub fn reset_health(&mut self) {
        for c in self.by_id.values_mut() {
            c.health = Health::default();
        }
    }

    /// The check `id` (`None`: a reload removed it).
    pub fn get(&self, id: CheckId) -> Option<&Checked> {
        self.by_id.get(&id)
    }

    /// The check of a configured destination.
    pub fn of_dest(&self, dest: &DestKey) -> Option<&Checked> {
        self.of_dest.get(dest).and_then(|id| self.by_id.get(id))
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
