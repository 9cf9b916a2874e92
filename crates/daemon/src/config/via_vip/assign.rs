//! Which mark each real server checked through the VIP gets, and which
//! source port each such check: what the configuration running gave
//! them is kept across reloads, so that a reload adding or removing one
//! moves no other; a new one takes a value no one had, so that a value
//! just freed (which the kernel's connection table may still tie to
//! another real server) is taken last.

use super::{through_vip, Config};
use rvsadm::model::ServiceKey;
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;

/// A real server checked through the VIP: its service and address.
pub(super) type RealId = (ServiceKey, SocketAddr);

/// A check through the VIP: its real server, and its place among that
/// real server's checks through the VIP.
pub(super) type CheckId = (ServiceKey, SocketAddr, usize);

/// The real servers and the checks through the VIP of `cfg`, in
/// configuration order.
pub(super) fn ids(cfg: &Config) -> (Vec<RealId>, Vec<CheckId>) {
    let mut reals = Vec::new();
    let mut checks = Vec::new();
    for v in &cfg.services {
        for r in v.reals.iter().filter(|r| through_vip(r)) {
            let id = (v.key, r.dest.addr);
            let n = r.checks.iter().filter(|c| c.source.via_vip.is_some());
            checks.extend((0..n.count()).map(|i| (id.0, id.1, i)));
            reals.push(id);
        }
    }
    (reals, checks)
}

/// The marks and ports `cfg`, as [`super::expand`] made it, gives.
pub(super) fn given(cfg: &Config) -> (BTreeMap<RealId, u32>, BTreeMap<CheckId, u16>) {
    let mut marks = BTreeMap::new();
    let mut ports = BTreeMap::new();
    for v in &cfg.services {
        for r in &v.reals {
            let via = r.checks.iter().filter(|c| c.source.via_vip.is_some());
            for (i, c) in via.enumerate() {
                if let Some(m) = c.source.mark {
                    marks.insert((v.key, r.dest.addr), m);
                }
                if let Some(p) = c.source.port {
                    ports.insert((v.key, r.dest.addr, i), p);
                }
            }
        }
    }
    (marks, ports)
}

/// A value for each of `wanted`: the one `old` gave it if it `fits`
/// still, else the first of `pool` that `old` gave to none, then those
/// `old` gave to keys no longer wanted; none for a key when they run
/// out.
pub(super) fn allot<K: Ord + Clone, T: Ord + Copy>(
    wanted: &[K],
    old: &BTreeMap<K, T>,
    fits: impl Fn(T) -> bool,
    pool: impl Iterator<Item = T>,
) -> BTreeMap<K, T> {
    let mut out = BTreeMap::new();
    let mut kept = BTreeSet::new();
    for k in wanted {
        if let Some(&v) = old.get(k).filter(|v| fits(**v)) {
            if kept.insert(v) {
                out.insert(k.clone(), v);
            }
        }
    }
    let had: BTreeSet<T> = old.values().copied().collect();
    let freed: Vec<T> = had
        .difference(&kept)
        .copied()
        .filter(|v| fits(*v))
        .collect();
    let mut free = pool.filter(|v| !had.contains(v)).chain(freed);
    for k in wanted {
        if out.contains_key(k) {
            continue;
        }
        match free.next() {
            Some(v) => out.insert(k.clone(), v),
            None => break,
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_kept_new_ones_take_unused_first_then_freed() {
        let pool = || 10u16..=14;
        let fits = |v: u16| (10..=14).contains(&v);
        let first = allot(&["a", "b", "c"], &BTreeMap::new(), fits, pool());
        assert_eq!(first, BTreeMap::from([("a", 10), ("b", 11), ("c", 12)]));
        // "a" goes, "d" comes: "b" and "c" keep theirs, "d" takes 13, not
        // "a"'s 10 just freed.
        let second = allot(&["b", "c", "d"], &first, fits, pool());
        assert_eq!(second, BTreeMap::from([("b", 11), ("c", 12), ("d", 13)]));
        // Past the unused ones, the freed: 11 ("b"'s) after 10 and 14.
        let third = allot(&["c", "d", "e", "f", "g"], &second, fits, pool());
        assert_eq!((third[&"e"], third[&"f"], third[&"g"]), (10, 14, 11));
        // None left: the last key gets none.
        let full = allot(&["c", "d", "e", "f", "g", "h"], &third, fits, pool());
        assert_eq!(full.len(), 5);
        assert!(!full.contains_key("h"));
        // A value out of the (new) range is not kept.
        let narrow = allot(&["b"], &second, |v| v >= 12, 12u16..=14);
        assert_eq!(narrow, BTreeMap::from([("b", 14)]));
    }
}
