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
        }
    }
}

impl Health {
    /// Take one result. From [`State::Unknown`] the first result decides;
    /// after that `rise` successes in a row make a down target up and
    /// `fall` failures in a row make an up target down. Returns whether
    /// what the table should hold changed (the state, or a requested
    /// weight of an up target).
    ///
    /// ```
    /// use rvsadmd::health::{Health, Outcome, State};
    /// let ok = |ok| Outcome { ok, weight: None, latency: Default::default(), reason: String::new() };
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
        self.last = Some(o);
        if next != self.state {
            self.state = next;
            self.since = SystemTime::now();
        }
        before != (self.state, self.effective_weight())
    }

    /// The weight an up target asks for (only meaningful when up).
    fn effective_weight(&self) -> Option<u32> {
        match self.state {
            State::Up => self.weight,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(ok: bool, weight: Option<u32>) -> Outcome {
        Outcome {
            ok,
            weight,
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
}
