//! The cheapest read of destinations for listings that print no counters,
//! thresholds or persistent-connection counts: one read of
//! `/proc/net/ip_vs` for the whole table ([`super::proc_table`] says what
//! that file carries), checked against the services a netlink dump gave.

use super::proc_table::{self, ProcDest, ProcKey};
use super::Ipvs;
use crate::model::{ForwardMethod, ServiceKey};
use std::collections::HashMap;

/// How many times the file is read before giving up on it when its
/// services are not those of the dump (a change in between).
const ATTEMPTS: usize = 2;

/// The destinations the file gives whole, by service: every service of
/// the caller's keys except those with a tunnel destination (whose tunnel
/// parameters the file lacks) and fwmark services whose mark both families
/// use (the file does not tell them apart).
pub(super) type Brief = HashMap<ServiceKey, Vec<ProcDest>>;

impl Ipvs {
    /// The file's destinations of `keys` (the services of a dump just
    /// taken), or `None` when the file cannot be read or parsed, or its
    /// services are not exactly `keys` ([`ATTEMPTS`] reads).
    pub(super) fn brief(&self, keys: &[ServiceKey]) -> Option<Brief> {
        (0..ATTEMPTS).find_map(|_| {
            let text = self
                .lock()
                .in_netns(|| Ok(std::fs::read_to_string(proc_table::PROC_IP_VS)?))
                .ok()?;
            matched(keys, proc_table::parse(&text)?)
        })
    }
}

/// The file's services matched to `keys`: `None` unless each key's name in
/// the file comes as often there as among `keys` and nothing else does.
fn matched(keys: &[ServiceKey], file: Vec<(ProcKey, Vec<ProcDest>)>) -> Option<Brief> {
    let mut wanted: HashMap<ProcKey, usize> = HashMap::with_capacity(keys.len());
    for k in keys {
        *wanted.entry(ProcKey::of(k)).or_default() += 1;
    }
    let mut found: HashMap<ProcKey, (usize, Vec<ProcDest>)> = HashMap::with_capacity(file.len());
    for (k, d) in file {
        let e = found.entry(k).or_insert((0, Vec::new()));
        e.0 += 1;
        e.1 = d;
    }
    if found.len() != wanted.len()
        || found
            .iter()
            .any(|(k, (n, _))| wanted.get(k).copied() != Some(*n))
    {
        return None;
    }
    let mut out = Brief::with_capacity(keys.len());
    for k in keys {
        let Some((1, d)) = found.get_mut(&ProcKey::of(k)) else {
            continue;
        };
        if d.iter().all(|d| d.forward != ForwardMethod::Tunnel) {
            out.insert(*k, std::mem::take(d));
        }
    }
    Some(out)
}

/// [`matched`], for the fuzz target.
#[cfg(any(test, fuzzing))]
pub(super) fn fuzz_match(keys: &[ServiceKey], file: Vec<(ProcKey, Vec<ProcDest>)>) -> usize {
    matched(keys, file).map_or(0, |b| b.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Weight;
    use crate::Family;

    fn dest(addr: &str, forward: ForwardMethod) -> ProcDest {
        ProcDest {
            addr: addr.parse().unwrap(),
            forward,
            weight: Weight::ONE,
            active: 0,
            inactive: 0,
        }
    }

    #[test]
    fn only_the_same_services_match() {
        let a = ServiceKey::tcp("10.0.0.1:80".parse().unwrap());
        let b = ServiceKey::udp("10.0.0.1:53".parse().unwrap());
        let m4 = ServiceKey::fwmark(7);
        let m6 = ServiceKey::Fwmark {
            mark: 7,
            family: Family::Inet6,
        };
        let m9 = ServiceKey::fwmark(9);
        let file = vec![
            (
                ProcKey::Addr(a),
                vec![dest("10.1.0.1:80", ForwardMethod::Masq)],
            ),
            (
                ProcKey::Addr(b),
                vec![dest("10.1.0.1:53", ForwardMethod::Tunnel)],
            ),
            (ProcKey::Mark(7), vec![]),
            (ProcKey::Mark(7), vec![]),
            (
                ProcKey::Mark(9),
                vec![dest("10.1.0.2:0", ForwardMethod::Route)],
            ),
        ];
        let got = matched(&[a, b, m4, m6, m9], file.clone()).unwrap();
        // b has a tunnel destination, mark 7 is in both families: not given.
        let mut keys: Vec<_> = got.keys().copied().collect();
        keys.sort();
        assert_eq!(keys, {
            let mut k = vec![a, m9];
            k.sort();
            k
        });
        assert_eq!(got[&a].len(), 1);
        // One service more or less, or a service twice: no match.
        assert!(matched(&[a, b, m4, m6], file.clone()).is_none());
        assert!(matched(&[a, b, m4, m6, m9, ServiceKey::fwmark(1)], file.clone()).is_none());
        assert!(matched(&[a, b, m4, m9], file.clone()).is_none());
        let mut twice = file;
        twice.push((ProcKey::Addr(a), vec![]));
        assert!(matched(&[a, b, m4, m6, m9], twice).is_none());
    }
}
