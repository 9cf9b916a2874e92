//! Each service's quorum, kept across decisions, and the programs its
//! changes run (keepalived 2.2.7's `update_quorum_state`): with quorum
//! `q` and hysteresis `h`, a service without quorum gains it when the
//! weight of its destinations up reaches `q + h`; one with quorum loses
//! it when that weight is 0 or below `q - h`; in between nothing changes.
//! While it has no quorum its fallback, if any, replaces its
//! destinations. The first decision of a service (at start, or for a
//! service a reload adds) starts without quorum: quorum is gained at once
//! if the weight is there, else (with a fallback) lost, so that one
//! program runs at start. A reload keeps the quorum of the services it
//! keeps, and their fallback in the table if it is the same server, and
//! decides again with the new numbers.
//!
//! A destination's `notify_up`/`notify_down` runs when its checks' state
//! becomes up or down after the first decision that saw it (a check that
//! starts up runs none at start; one whose first result is down runs
//! `notify_down`, as keepalived's `alpha`).

use super::{fallback_command, DestKey};
use crate::config::{Config, Quorum, Script, Virtual};
use crate::health::State;
use rvsadm::model::ServiceKey;
use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;

/// A service's quorum as decided so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Held {
    /// It has quorum.
    up: bool,
    /// Its fallback is in the table in place of its destinations.
    fallback_in: bool,
    /// The next decision is its first since the start or a reload.
    first: bool,
    /// The word its `fallback_command` last said (`Some(true)`: start);
    /// forgotten at a reload.
    said: Option<bool>,
}

impl Held {
    /// A service never decided: no quorum, first decision to come.
    const NEW: Held = Held {
        up: false,
        fallback_in: false,
        first: true,
        said: None,
    };
}

/// A change of quorum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Gained,
    Lost,
}

/// keepalived's rule: the new state of `h` given the weight up `sum`.
fn step(h: &mut Held, sum: u64, q: &Quorum, has_fallback: bool) -> Option<Change> {
    let first = std::mem::replace(&mut h.first, false);
    let threshold = if h.up {
        q.quorum.saturating_sub(q.hysteresis)
    } else {
        q.quorum.saturating_add(q.hysteresis)
    };
    if !h.up && sum >= threshold {
        h.up = true;
        h.fallback_in = false;
        return Some(Change::Gained);
    }
    let lost = h.up && (sum == 0 || sum < threshold);
    let starting = first && !h.up && has_fallback && !h.fallback_in;
    if lost || starting {
        h.up = false;
        h.fallback_in |= has_fallback;
        return Some(Change::Lost);
    }
    None
}

/// [`ScriptRun::what`] of a `fallback_command`: run in order, each
/// waited for before the next starts (as ldirectord waits for it).
pub const FALLBACK_COMMAND: &str = "fallback_command";

/// A program to run, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptRun {
    /// The program.
    pub script: Script,
    /// Which: `quorum_up`, `quorum_down`, `notify_up`, `notify_down`,
    /// [`FALLBACK_COMMAND`].
    pub what: &'static str,
    /// The service.
    pub service: ServiceKey,
    /// The destination, for `notify_up`/`notify_down`.
    pub destination: Option<SocketAddr>,
}

/// A change a program, an event and keepalived's `lvs_notify_fifo` are
/// told of: the same moments as `notify_up`/`notify_down` and
/// `quorum_up`/`quorum_down` run, whether or not these are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// A destination's checks say up (`true`) or down now.
    Destination {
        /// The service.
        service: ServiceKey,
        /// The destination.
        destination: SocketAddr,
        /// Up now.
        up: bool,
    },
    /// A service gained (`true`) or lost its quorum.
    Quorum {
        /// The service.
        service: ServiceKey,
        /// Gained.
        up: bool,
        /// The weight of its destinations up that decided it.
        weight: u64,
    },
}

/// The quorums of the services and the states of the destinations seen
/// so far; the programs their changes ask to run.
#[derive(Debug, Default)]
pub(super) struct Quorums {
    held: HashMap<ServiceKey, Held>,
    seen: HashMap<DestKey, State>,
    runs: Vec<ScriptRun>,
    transitions: Vec<Transition>,
}

impl Quorums {
    /// Take the destinations' check states of `v`: a change to up or down
    /// runs the destination's `notify_up` or `notify_down`.
    pub(super) fn health(&mut self, v: &Virtual, state_of: impl Fn(&DestKey) -> State) {
        if v.check_only {
            return;
        }
        for r in &v.reals {
            let k = (v.key(), r.dest.addr);
            let now = state_of(&k);
            let before = self.seen.insert(k, now);
            let script = match now {
                State::Up => (&r.notify_up, "notify_up"),
                State::Down => (&r.notify_down, "notify_down"),
                State::Unknown => continue,
            };
            if before.is_none_or(|b| b == now) {
                continue;
            }
            self.transitions.push(Transition::Destination {
                service: k.0,
                destination: k.1,
                up: now == State::Up,
            });
            if let (Some(s), what) = script {
                self.runs.push(ScriptRun {
                    script: s.clone(),
                    what,
                    service: k.0,
                    destination: Some(k.1),
                });
            }
        }
    }

    /// Decide the quorum of `v` given the weight of its destinations up;
    /// returns whether its fallback replaces its destinations. A service
    /// added for checks through the VIP has no quorum to decide.
    pub(super) fn decide(&mut self, v: &Virtual, sum: u64) -> bool {
        if v.check_only {
            return false;
        }
        let h = self.held.entry(v.key()).or_insert(Held::NEW);
        let change = step(h, sum, &v.quorum, v.fallback.is_some());
        let fallback_in = h.fallback_in && v.fallback.is_some();
        if let Some(cmd) = &v.fallback_command {
            if let Some(start) = fallback_command::next(&mut h.said, h.up) {
                self.runs.push(ScriptRun {
                    script: fallback_command::script(cmd, start, v.key()),
                    what: FALLBACK_COMMAND,
                    service: v.key(),
                    destination: None,
                });
            }
        }
        let script = match change {
            Some(Change::Gained) => (&v.quorum.up, "quorum_up"),
            Some(Change::Lost) => (&v.quorum.down, "quorum_down"),
            None => return fallback_in,
        };
        self.transitions.push(Transition::Quorum {
            service: v.key(),
            up: change == Some(Change::Gained),
            weight: sum,
        });
        if let (Some(s), what) = script {
            self.runs.push(ScriptRun {
                script: s.clone(),
                what,
                service: v.key(),
                destination: None,
            });
        }
        fallback_in
    }

    /// A reload from `old` to `new`: the services kept keep their quorum
    /// (and their fallback in, if it is the same server) and are decided
    /// again as at their first decision; the others are forgotten.
    pub(super) fn reconfigure(&mut self, old: &Config, new: &Config) {
        let old_fallback: HashMap<ServiceKey, Option<SocketAddr>> = old
            .services
            .iter()
            .map(|v| (v.key(), v.fallback.map(|f| f.addr)))
            .collect();
        let mut held = HashMap::new();
        for v in &new.services {
            if let Some(mut h) = self.held.get(&v.key()).copied() {
                let same = old_fallback.get(&v.key()) == Some(&v.fallback.map(|f| f.addr));
                h.fallback_in &= same;
                h.first = true;
                h.said = None;
                held.insert(v.key(), h);
            }
        }
        self.held = held;
    }

    /// Forget the destinations not in `dests`; with `all`, every one
    /// (their checks start over).
    pub(super) fn forget(&mut self, dests: &BTreeSet<DestKey>, all: bool) {
        self.seen.retain(|d, _| !all && dests.contains(d));
    }

    /// The programs to run, in the order their changes happened.
    pub(super) fn take_runs(&mut self) -> Vec<ScriptRun> {
        std::mem::take(&mut self.runs)
    }

    /// The changes since the last call, in the order they happened.
    pub(super) fn take_transitions(&mut self) -> Vec<Transition> {
        std::mem::take(&mut self.transitions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(quorum: u64, hysteresis: u64) -> Quorum {
        Quorum {
            quorum,
            hysteresis,
            ..Quorum::default()
        }
    }

    /// The states and changes after each weight of `sums`, from a first
    /// decision.
    fn run(sums: &[u64], quorum: &Quorum, fallback: bool) -> Vec<(bool, bool, Option<Change>)> {
        let mut h = Held::NEW;
        sums.iter()
            .map(|s| {
                let c = step(&mut h, *s, quorum, fallback);
                (h.up, h.fallback_in, c)
            })
            .collect()
    }

    #[test]
    fn first_decision_gains_or_with_a_fallback_loses() {
        use Change::*;
        let q3h1 = q(3, 1);
        assert_eq!(run(&[4], &q3h1, true), [(true, false, Some(Gained))]);
        assert_eq!(run(&[3], &q3h1, true), [(false, true, Some(Lost))]);
        // Without a fallback, nothing is said at start without quorum.
        assert_eq!(run(&[3], &q3h1, false), [(false, false, None)]);
        assert_eq!(run(&[4], &q3h1, false), [(true, false, Some(Gained))]);
    }

    #[test]
    fn hysteresis_holds_the_state_between_its_bounds() {
        use Change::*;
        let q3h1 = q(3, 1);
        // Up at 4 (3+1); stays up at 3 and 2 (not below 3-1); lost at 1.
        // Stays down at 2 and 3; gained at 4 again.
        let got = run(&[5, 4, 3, 2, 1, 2, 3, 4, 3], &q3h1, true);
        let want = [
            (true, false, Some(Gained)),
            (true, false, None),
            (true, false, None),
            (true, false, None),
            (false, true, Some(Lost)),
            (false, true, None),
            (false, true, None),
            (true, false, Some(Gained)),
            (true, false, None),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn weight_zero_always_loses_and_quorum_one_is_any_weight_up() {
        use Change::*;
        // quorum 2, hysteresis 1: threshold down is 1, but 0 is lost.
        let got = run(&[3, 1, 0], &q(2, 1), false);
        assert_eq!(
            got,
            [
                (true, false, Some(Gained)),
                (true, false, None),
                (false, false, Some(Lost))
            ]
        );
        let got = run(&[0, 0, 5, 0], &q(1, 0), true);
        assert_eq!(
            got,
            [
                (false, true, Some(Lost)),
                (false, true, None),
                (true, false, Some(Gained)),
                (false, true, Some(Lost)),
            ]
        );
    }

    #[test]
    fn a_first_decision_again_after_a_reload() {
        use Change::*;
        let mut h = Held::NEW;
        assert_eq!(step(&mut h, 0, &q(1, 0), true), Some(Lost));
        // Reloaded with the same fallback: still in, nothing said again.
        h.first = true;
        assert_eq!(step(&mut h, 0, &q(1, 0), true), None);
        // Reloaded with another fallback (not in yet): put in, said again.
        h.first = true;
        h.fallback_in = false;
        assert_eq!(step(&mut h, 0, &q(1, 0), true), Some(Lost));
        assert!(h.fallback_in);
        // Reloaded with a lower quorum now reached: gained.
        h.first = true;
        assert_eq!(step(&mut h, 2, &q(2, 0), true), Some(Gained));
        // With quorum, a reload raising it above the weight: lost.
        h.first = true;
        assert_eq!(step(&mut h, 2, &q(4, 1), true), Some(Lost));
    }
}
