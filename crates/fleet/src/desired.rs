//! The desired state a director follows: every service's text and every
//! drain, at one revision of etcd; kept on disk after each applied
//! revision so that a director that starts while etcd is down runs it.

use crate::keys::{Entry, Layout};
use crate::Error;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Services and drains at a revision.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Desired {
    /// The etcd revision this is the state at (0: none read yet).
    pub revision: i64,
    /// Each service's key text (`tcp:192.0.2.1:80`) and its native TOML.
    pub services: BTreeMap<String, String>,
    /// The drains: service and destination texts.
    pub drains: BTreeSet<(String, String)>,
}

/// One change of a key, from a watch or a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The key was written with this value.
    Put(String, String),
    /// The key was deleted.
    Delete(String),
}

impl Desired {
    /// Take one change of a key under `layout` (keys outside the desired
    /// state are left alone); whether it changed anything.
    pub fn apply(&mut self, layout: &Layout, change: &Change) -> bool {
        match change {
            Change::Put(k, v) => match layout.entry(k) {
                Entry::Service(s) => self.services.insert(s, v.clone()).as_ref() != Some(v),
                Entry::Drain(s, d) => self.drains.insert((s, d)),
                _ => false,
            },
            Change::Delete(k) => match layout.entry(k) {
                Entry::Service(s) => self.services.remove(&s).is_some(),
                Entry::Drain(s, d) => self.drains.remove(&(s, d)),
                _ => false,
            },
        }
    }

    /// The state of a whole list: every key as puts, at `revision`.
    pub fn of_list(layout: &Layout, revision: i64, kvs: &[(String, String)]) -> Desired {
        let mut d = Desired {
            revision,
            ..Desired::default()
        };
        for (k, v) in kvs {
            d.apply(layout, &Change::Put(k.clone(), v.clone()));
        }
        d
    }

    /// Write to `path` by [`crate::durable::replace`]: a crash or power
    /// cut leaves the old or the new state, never half of one.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let err = |e: String| Error::StateFile {
            path: path.to_path_buf(),
            error: e,
        };
        let text = serde_json::to_string(self).map_err(|e| err(e.to_string()))?;
        crate::durable::replace(path, text.as_bytes()).map_err(|e| err(e.to_string()))
    }

    /// Read from `path`: `None` when there is no such file; an error when
    /// it does not read (never taken as an empty state), a file with a
    /// field this version does not know too (a newer version's: its
    /// state is not run half-understood).
    pub fn load(path: &Path) -> Result<Option<Desired>, Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Error::StateFile {
                    path: path.to_path_buf(),
                    error: e.to_string(),
                })
            }
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| Error::StateFile {
                path: path.to_path_buf(),
                error: e.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn puts_and_deletes_follow_the_layout() {
        let l = Layout::new("/p");
        let mut d = Desired::default();
        assert!(d.apply(&l, &Change::Put(l.service("tcp:1.2.3.4:80"), "a".into())));
        assert!(!d.apply(&l, &Change::Put(l.service("tcp:1.2.3.4:80"), "a".into())));
        assert!(d.apply(
            &l,
            &Change::Put(l.drain("tcp:1.2.3.4:80", "10.0.0.1:80"), String::new())
        ));
        assert!(!d.apply(&l, &Change::Put(l.director("d1"), "{}".into())));
        assert_eq!(d.services.len(), 1);
        assert_eq!(d.drains.len(), 1);
        assert!(d.apply(
            &l,
            &Change::Delete(l.drain("tcp:1.2.3.4:80", "10.0.0.1:80"))
        ));
        assert!(d.apply(&l, &Change::Delete(l.service("tcp:1.2.3.4:80"))));
        assert_eq!(d, Desired::default());
    }

    #[test]
    fn the_state_file_round_trips_and_a_bad_one_is_an_error() {
        let dir = std::env::temp_dir().join(format!("rvsadm-fleet-{}", std::process::id()));
        let p = dir.join("fleet.json");
        assert_eq!(Desired::load(&p).unwrap(), None);
        let l = Layout::new("/p");
        let d = Desired::of_list(&l, 7, &[(l.service("tcp:1.2.3.4:80"), "x".into())]);
        d.save(&p).unwrap();
        assert_eq!(Desired::load(&p).unwrap(), Some(d));
        std::fs::write(&p, "{").unwrap();
        let e = Desired::load(&p).unwrap_err();
        assert_eq!(e.code(), "fleet_state_file");
        let _ = std::fs::remove_dir_all(dir);
    }
}
