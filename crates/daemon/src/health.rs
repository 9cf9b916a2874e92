//! The health of one checked target: results in, up or down out, with
//! rise and fall counts.

use std::time::{Duration, SystemTime};

/// What the checks say of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// No result yet: the table keeps what it has.
    Unknown,
    /// Healthy.
    Up,
    /// Failing.
    Down,
}

impl State {
    /// `unknown`, `up`, `down`.
    pub fn name(self) -> &'static str {
        match self {
            State::Unknown => "unknown",
            State::Up => "up",
            State::Down => "down",
        }
    }
}

/// One probe's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Whether the target answered as expected.
    pub ok: bool,
    /// A weight the check asks for (exec checks exiting 2-255).
    pub weight: Option<u32>,
    /// An amount added to the destination's weight (file checks).
    pub add: i64,
    /// How long the probe took.
    pub latency: Duration,
    /// Why, in a few words (`connected`, `status 503`, `timed out` ...).
    pub reason: String,
}

/// Results of one target over time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// The current verdict.
    pub state: State,
    /// Successes in a row (0 after a failure).
    pub oks: u32,
    /// Failures in a row (0 after a success).
    pub fails: u32,
    /// When `state` last changed (or the health was made).
    pub since: SystemTime,
    /// The newest result.
    pub last: Option<Outcome>,
    /// The weight the newest successful result asked for, if any.
    pub weight: Option<u32>,
    /// What the newest result adds to the destination's weight.
    pub add: i64,
}

impl Default for Health {
    fn default() -> Self {
        Health {
            state: State::Unknown,
            oks: 0,
            fails: 0,
            since: SystemTime::now(),
            last: None,
            weight: None,
            add: 0,
        }
    }
}

impl Health {
    /// A health with no result yet: up when the check counts as passing
    /// before its first result ([`crate::config::Check::start_up`]),
    /// else unknown.
    pub fn starting(up: bool) -> Self {
        Health {
            state: if up { State::Up } else { State::Unknown },
            ..Health::default()
        }
    }

    /// Take one result. From [`State::Unknown`] the first result decides;
    /// after that `rise` successes in a row make a down target up and
    /// `fall` failures in a row make an up target down. Returns whether
    /// what the table should hold changed (the state, or a requested
    /// weight or an addition of an up target).
    ///
    /// ```
    /// use rvsadmd::health::{Health, Outcome, State};
    /// let ok = |ok| Outcome { ok, weight: None, add: 0, latency: Default::default(), reason: String::new() };
    /// let mut h = Health::default();
    /// assert!(h.record(ok(true), 2, 2));           // first result: up
    /// assert!(!h.record(ok(false), 2, 2));         // one failure of two
    /// assert!(h.record(ok(false), 2, 2));          // second: down
    /// assert_eq!(h.state, State::Down);
    /// ```
    pub fn record(&mut self, o: Outcome, rise: u32, fall: u32) -> bool {
        if o.ok {
            self.oks = self.oks.saturating_add(1);
            self.fails = 0;
        } else {
            self.fails = self.fails.saturating_add(1);
            self.oks = 0;
        }
        let before = (self.state, self.effective_weight());
        let next = match (self.state, o.ok) {
            (State::Unknown, true) => State::Up,
            (State::Unknown, false) => State::Down,
            (State::Down, true) if self.oks >= rise.max(1) => State::Up,
            (State::Up, false) if self.fails >= fall.max(1) => State::Down,
            (s, _) => s,
        };
        if o.ok {
            self.weight = o.weight;
        }
        self.add = o.add;
        self.last = Some(o);
        if next != self.state {
            self.state = next;
            self.since = SystemTime::now();
        }
        before != (self.state, self.effective_weight())
    }

    /// The weight an up target asks for and what it adds (only
    /// meaningful when up).
    fn effective_weight(&self) -> (Option<u32>, i64) {
        match self.state {
            State::Up => (self.weight, self.add),
            _ => (None, 0),
        }
    }
}

/// What the checks of one destination say together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// Down if any check is down; else unknown while any check has no
    /// result; else up (also with no check at all).
    pub state: State,
    /// When up: the lowest weight its checks ask for (`None`: the
    /// configured weight).
    pub weight: Option<u32>,
    /// When up: the sum of what its checks add to that weight (file
    /// checks); [`Verdict::table_weight`] is the result.
    pub add: i64,
    /// The index of the check the verdict comes from (`None`: no checks):
    /// when down the first check that is down, when unknown the first
    /// without a result, when up the one up for the shortest time (so its
    /// `since` is when the destination came up).
    pub by: Option<usize>,
}

/// The verdict of a destination checked by `checks` (in configuration
/// order): it is up only while every check is up, as a real server is in
/// keepalived; its weight is the lowest weight a check asks for (else the
/// configured one) plus what the checks add, as keepalived adds its file
/// checkers' weights to a real server's
/// ([`crate::probe::file_track`]).
///
/// ```
/// use rvsadmd::health::{verdict, Health, State};
/// assert_eq!(verdict::<[&Health; 0]>([]).state, State::Up);
/// let (up, down) = (Health { state: State::Up, ..Health::default() },
///                   Health { state: State::Down, ..Health::default() });
/// assert_eq!(verdict([&up, &down]).state, State::Down);
/// ```
pub fn verdict<'a, I>(checks: I) -> Verdict
where
    I: IntoIterator<Item = &'a Health>,
{
    let checks: Vec<&Health> = checks.into_iter().collect();
    let first = |s: State| checks.iter().position(|h| h.state == s);
    if let Some(i) = first(State::Down) {
        return Verdict {
            state: State::Down,
            weight: None,
            add: 0,
            by: Some(i),
        };
    }
    if let Some(i) = first(State::Unknown) {
        return Verdict {
            state: State::Unknown,
            weight: None,
            add: 0,
            by: Some(i),
        };
    }
    let by = checks
        .iter()
        .enumerate()
        .max_by_key(|(i, h)| (h.since, std::cmp::Reverse(*i)))
        .map(|(i, _)| i);
    Verdict {
        state: State::Up,
        weight: checks.iter().filter_map(|h| h.weight).min(),
        add: checks.iter().map(|h| h.add).sum(),
        by,
    }
}

impl Verdict {
    /// The weight an up destination configured at `configured` has in
    /// the table: the weight asked for (else `configured`) plus what the
    /// checks add, within 0..=`max` (keepalived's `real_weight`).
    ///
    /// ```
    /// use rvsadmd::health::{State, Verdict};
    /// let v = |weight, add| Verdict { state: State::Up, weight, add, by: None };
    /// assert_eq!(v(None, 3).table_weight(2, 100), 5);
    /// assert_eq!(v(Some(1), -4).table_weight(2, 100), 0);
    /// assert_eq!(v(None, 200).table_weight(2, 100), 100);
    /// ```
    pub fn table_weight(&self, configured: u32, max: u32) -> u32 {
        let base = i64::from(self.weight.unwrap_or(configured));
        let sum = base.saturating_add(self.add).clamp(0, i64::from(max));
        u32::try_from(sum).unwrap_or(max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(ok: bool, weight: Option<u32>) -> Outcome {
        Outcome {
            ok,
            weight,
            add: 0,
            latency: Duration::ZERO,
            reason: String::new(),
        }
    }

    #[test]
    fn rise_and_fall_count_in_a_row() {
        let mut h = Health::default();
        assert!(h.record(r(false, None), 3, 2));
        assert_eq!(h.state, State::Down);
        assert!(!h.record(r(true, None), 3, 2));
        assert!(!h.record(r(true, None), 3, 2));
        assert!(!h.record(r(false, None), 3, 2)); // streak broken
        assert!(!h.record(r(true, None), 3, 2));
        assert!(!h.record(r(true, None), 3, 2));
        assert!(h.record(r(true, None), 3, 2));
        assert_eq!(h.state, State::Up);
        assert!(!h.record(r(false, None), 3, 2));
        assert!(!h.record(r(true, None), 3, 2)); // streak broken
        assert!(!h.record(r(false, None), 3, 2));
        assert!(h.record(r(false, None), 3, 2));
        assert_eq!(h.state, State::Down);
    }

    #[test]
    fn a_new_requested_weight_is_a_change_while_up() {
        let mut h = Health::default();
        assert!(h.record(r(true, Some(5)), 1, 1));
        assert!(!h.record(r(true, Some(5)), 1, 1));
        assert!(h.record(r(true, Some(7)), 1, 1));
        assert_eq!(h.weight, Some(7));
        assert!(h.record(r(false, None), 1, 1));
        assert_eq!(h.weight, Some(7)); // kept for when it is up again
    }

    fn h(state: State, weight: Option<u32>) -> Health {
        Health {
            state,
            weight,
            ..Health::default()
        }
    }

    #[test]
    fn a_destination_is_up_only_while_every_check_is() {
        use State::{Down, Unknown, Up};
        // No check: always up, at the configured weight.
        assert_eq!(
            verdict::<[&Health; 0]>([]),
            Verdict {
                state: Up,
                weight: None,
                add: 0,
                by: None
            }
        );
        // Every combination of two checks: down wins, then unknown.
        for (a, b, want, by) in [
            (Up, Up, Up, None),
            (Up, Down, Down, Some(1)),
            (Down, Up, Down, Some(0)),
            (Down, Down, Down, Some(0)),
            (Up, Unknown, Unknown, Some(1)),
            (Unknown, Up, Unknown, Some(0)),
            (Unknown, Unknown, Unknown, Some(0)),
            (Unknown, Down, Down, Some(1)),
            (Down, Unknown, Down, Some(0)),
        ] {
            let v = verdict([&h(a, None), &h(b, None)]);
            assert_eq!(v.state, want, "{a:?} + {b:?}");
            if by.is_some() {
                assert_eq!(v.by, by, "{a:?} + {b:?}");
            }
            assert_eq!(v.weight, None);
        }
        // One check decides alone.
        for s in [Up, Down, Unknown] {
            assert_eq!(verdict([&h(s, None)]).state, s);
        }
    }

    #[test]
    fn the_lowest_requested_weight_wins_and_only_while_up() {
        use State::{Down, Unknown, Up};
        let v = |hs: &[Health]| verdict(hs.iter());
        assert_eq!(v(&[h(Up, Some(5)), h(Up, Some(3))]).weight, Some(3));
        assert_eq!(v(&[h(Up, Some(5)), h(Up, None)]).weight, Some(5));
        assert_eq!(v(&[h(Up, None), h(Up, Some(0))]).weight, Some(0));
        assert_eq!(v(&[h(Up, None), h(Up, None)]).weight, None);
        // A weight kept by a check that is down or unknown asks nothing.
        assert_eq!(v(&[h(Up, Some(5)), h(Down, Some(1))]).weight, None);
        assert_eq!(v(&[h(Up, Some(5)), h(Unknown, Some(1))]).weight, None);
    }

    #[test]
    fn additions_of_file_checks_add_up_with_a_tcp_check() {
        use State::{Down, Up};
        let add = |state, add| Health {
            add,
            ..h(state, None)
        };
        // Two file checks (+3, -1) and a TCP check: configured 2 + 2.
        let v = verdict([&add(Up, 3), &add(Up, -1), &h(Up, None)]);
        assert_eq!((v.state, v.add, v.table_weight(2, 100)), (Up, 2, 4));
        // The TCP check down: the destination is down, whatever is added.
        let v = verdict([&add(Up, 3), &add(Up, -1), &h(Down, None)]);
        assert_eq!((v.state, v.add), (Down, 0));
        // A sum of 0 or less is weight 0, still up; added to an exec
        // check's weight when one asks.
        let v = verdict([&add(Up, -5), &h(Up, None)]);
        assert_eq!((v.state, v.table_weight(2, 100)), (Up, 0));
        let v = verdict([&add(Up, 4), &h(Up, Some(10))]);
        assert_eq!(v.table_weight(2, 100), 14);
    }

    #[test]
    fn an_addition_is_a_change_while_up() {
        let mut h = Health::default();
        let o = |add| Outcome {
            add,
            ..r(true, None)
        };
        assert!(h.record(o(3), 1, 1));
        assert!(!h.record(o(3), 1, 1));
        assert!(h.record(o(-2), 1, 1));
        assert_eq!(h.add, -2);
    }

    #[test]
    fn up_comes_from_the_check_up_for_the_shortest_time() {
        let old = h(State::Up, None);
        let mut new = h(State::Up, None);
        new.since = old.since + Duration::from_secs(5);
        assert_eq!(verdict([&new, &old]).by, Some(0));
        assert_eq!(verdict([&old, &new]).by, Some(1));
        // Equal: the first.
        assert_eq!(verdict([&old, &old]).by, Some(0));
    }
}
