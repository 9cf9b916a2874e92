//! ldirectord's `checktype = N` ([`Combined`]): which probe a check runs
//! next. The count is the check's own (per real, as ldirectord keeps it)
//! and lives in the check's task, across its runs.

use crate::config::{Combined, Probe, TcpClose};
use std::borrow::Cow;
use std::time::Duration;

/// Where a combined check is: connects passed since its negotiate probe
/// last passed, or none (the negotiate probe is next).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turn {
    /// `None`: the negotiate probe runs next.
    connects_passed: Option<u32>,
}

impl Default for Turn {
    /// The first run is the negotiate probe (ldirectord starts a real's
    /// count above any `N`).
    fn default() -> Self {
        Turn {
            connects_passed: None,
        }
    }
}

impl Turn {
    /// The probe to run now for `probe` (whose timeout is `timeout`), with
    /// its timeout: the probe itself unless it is a combined one.
    pub fn pick<'a>(&self, probe: &'a Probe, timeout: Duration) -> (Cow<'a, Probe>, Duration) {
        match (probe, self.connect_next(probe)) {
            (Probe::Combined(c), true) => (
                Cow::Owned(Probe::Tcp {
                    target: c.connect,
                    close: TcpClose::Reset,
                }),
                c.connect_timeout,
            ),
            (Probe::Combined(c), false) => (Cow::Borrowed(c.negotiate.as_ref()), timeout),
            _ => (Cow::Borrowed(probe), timeout),
        }
    }

    /// Take the result `ok` of the probe [`Turn::pick`] gave for `probe`.
    pub fn record(&mut self, probe: &Probe, ok: bool) {
        let connect = self.connect_next(probe);
        self.connects_passed = match (connect, ok) {
            (false, true) => Some(0),
            (false, false) | (true, false) => None,
            (true, true) => self.connects_passed.map(|n| n.saturating_add(1)),
        };
    }

    /// Whether the next run of `probe` is a connect.
    fn connect_next(&self, probe: &Probe) -> bool {
        match (probe, self.connects_passed) {
            (Probe::Combined(Combined { connects, .. }), Some(n)) => n < *connects,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn combined(n: u32) -> Probe {
        Probe::Combined(Combined {
            connects: n,
            connect: "10.0.0.1:80".parse().unwrap(),
            connect_timeout: Duration::from_secs(5),
            negotiate: Box::new(Probe::Up),
        })
    }

    /// The kinds run, given each run's result.
    fn runs(p: &Probe, results: &[bool]) -> Vec<&'static str> {
        let mut t = Turn::default();
        let mut out = Vec::new();
        for ok in results {
            let (q, timeout) = t.pick(p, Duration::from_secs(30));
            out.push(q.kind());
            assert_eq!(timeout.as_secs(), if q.kind() == "tcp" { 5 } else { 30 });
            t.record(p, *ok);
        }
        out
    }

    #[test]
    fn n_connects_come_between_two_negotiate_probes() {
        let p = combined(2);
        assert_eq!(
            runs(&p, &[true; 7]),
            ["on", "tcp", "tcp", "on", "tcp", "tcp", "on"]
        );
    }

    #[test]
    fn a_failure_makes_the_next_run_a_negotiate_probe() {
        let p = combined(2);
        // a connect fails: negotiate next; a negotiate fails: again
        assert_eq!(
            runs(&p, &[true, false, false, true, true]),
            ["on", "tcp", "on", "on", "tcp"]
        );
    }

    #[test]
    fn zero_connects_is_negotiate_only_and_others_are_untouched() {
        assert_eq!(runs(&combined(0), &[true, true, true]), ["on"; 3]);
        assert_eq!(runs(&Probe::Down, &[false, true]), ["off"; 2]);
    }
}
