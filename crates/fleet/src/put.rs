//! `rvsadmd fleet put`'s plan, pure: what to write and on which
//! condition, from the services read at a base revision and the services
//! wanted.
//!
//! The compare-and-swap: the transaction writes only if every service
//! key read at the base revision still has the revision it had
//! (`mod_revision == r`: a key changed or deleted since fails it) and no
//! key of the range was written after the base (`mod_revision < base + 1`
//! over the whole range: a key added since fails it). Two operators who
//! both read revision 40 cannot both write: the second one's transaction
//! fails and nothing of it is written.

use crate::keys::{range_end, Layout};
use std::collections::BTreeMap;

/// A service key as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// The etcd key.
    pub key: String,
    /// Its value.
    pub value: String,
    /// The revision of its last write.
    pub mod_revision: i64,
}

/// A condition of the transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guard {
    /// This key was last written at this revision (and still exists).
    Unchanged(String, i64),
    /// No key in `[start, end)` was written after this revision.
    NoneAfter(String, Vec<u8>, i64),
}

/// What a put writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The conditions, all of which must hold.
    pub guards: Vec<Guard>,
    /// Keys written (new or changed services).
    pub puts: Vec<(String, String)>,
    /// Keys deleted (services absent from the file).
    pub deletes: Vec<String>,
}

impl Plan {
    /// Whether nothing is to be written.
    pub fn is_empty(&self) -> bool {
        self.puts.is_empty() && self.deletes.is_empty()
    }
}

/// The plan that turns `read` (the service keys at `base`) into `wanted`
/// (each service's text form and native TOML).
pub fn plan(layout: &Layout, base: i64, read: &[Read], wanted: &BTreeMap<String, String>) -> Plan {
    let prefix = layout.services();
    let mut guards: Vec<Guard> = read
        .iter()
        .map(|r| Guard::Unchanged(r.key.clone(), r.mod_revision))
        .collect();
    guards.push(Guard::NoneAfter(
        prefix.clone(),
        range_end(prefix.as_bytes()),
        base,
    ));
    let had: BTreeMap<&str, &str> = read
        .iter()
        .map(|r| (r.key.as_str(), r.value.as_str()))
        .collect();
    let puts = wanted
        .iter()
        .map(|(s, v)| (layout.service(s), v.clone()))
        .filter(|(k, v)| had.get(k.as_str()) != Some(&v.as_str()))
        .collect();
    let keep: Vec<String> = wanted.keys().map(|s| layout.service(s)).collect();
    let deletes = read
        .iter()
        .filter(|r| !keep.contains(&r.key))
        .map(|r| r.key.clone())
        .collect();
    Plan {
        guards,
        puts,
        deletes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(l: &Layout, s: &str, v: &str, r: i64) -> Read {
        Read {
            key: l.service(s),
            value: v.into(),
            mod_revision: r,
        }
    }

    #[test]
    fn only_what_differs_is_written_and_what_is_absent_deleted() {
        let l = Layout::new("/p");
        let had = [
            read(&l, "tcp:1.1.1.1:80", "same", 3),
            read(&l, "tcp:1.1.1.1:443", "old", 4),
            read(&l, "udp:1.1.1.1:53", "gone", 5),
        ];
        let wanted = BTreeMap::from([
            ("tcp:1.1.1.1:80".to_string(), "same".to_string()),
            ("tcp:1.1.1.1:443".to_string(), "new".to_string()),
            ("tcp:2.2.2.2:80".to_string(), "added".to_string()),
        ]);
        let p = plan(&l, 9, &had, &wanted);
        assert_eq!(
            p.puts,
            vec![
                (l.service("tcp:1.1.1.1:443"), "new".to_string()),
                (l.service("tcp:2.2.2.2:80"), "added".to_string()),
            ]
        );
        assert_eq!(p.deletes, vec![l.service("udp:1.1.1.1:53")]);
    }

    #[test]
    fn every_key_read_and_the_whole_range_guard_the_write() {
        let l = Layout::new("/p");
        let had = [read(&l, "tcp:1.1.1.1:80", "a", 3)];
        let p = plan(&l, 9, &had, &BTreeMap::new());
        assert_eq!(
            p.guards,
            vec![
                Guard::Unchanged(l.service("tcp:1.1.1.1:80"), 3),
                Guard::NoneAfter(l.services(), b"/p/services0".to_vec(), 9),
            ]
        );
    }

    #[test]
    fn the_same_services_again_write_nothing() {
        let l = Layout::new("/p");
        let had = [read(&l, "tcp:1.1.1.1:80", "a", 3)];
        let wanted = BTreeMap::from([("tcp:1.1.1.1:80".to_string(), "a".to_string())]);
        assert!(plan(&l, 3, &had, &wanted).is_empty());
    }
}
