//! The admin state file: drains and changes by hand being kept, so that a
//! restart does not undo them.
//!
//! An entry that does not read (a service or destination that does not
//! parse, a weight above 2147483647) is never taken as something else
//! (a weight that does not read is not a deletion): it is set aside in
//! the file's `rejected` list, untouched, reported as an event and by
//! `rvsadmd status`, and written back at each save until someone mends or
//! removes it.

use super::engine::{DestKey, Engine, Override};
use crate::service::{self, parse as parse_service, parse_dest};
use rvsadm::model::{ServiceKey, Weight};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    service: String,
    destination: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    weight: Option<u64>,
}

pub use rvsadm_control::Rejected;

/// The state file as written.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    drained: Vec<Value>,
    /// Weights set by hand (`weight`) or deletions by hand (no weight).
    #[serde(default)]
    overrides: Vec<Value>,
    /// Services deleted by hand, kept deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    deleted_services: Vec<Value>,
    /// Entries that did not read, kept aside.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    rejected: Vec<Rejected>,
}

/// What the state file holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AdminState {
    drained: Vec<DestKey>,
    overrides: Vec<(DestKey, Override)>,
    deleted_services: Vec<ServiceKey>,
    /// Entries of the file that did not read: not used, written back
    /// untouched.
    pub rejected: Vec<Rejected>,
}

/// Read one destination entry of the list `list`.
fn read_entry(list: &str, v: &Value) -> Result<(DestKey, Option<Weight>), String> {
    let e: Entry = serde_json::from_value(v.clone()).map_err(|e| e.to_string())?;
    let k = parse_service(&e.service)?;
    let d = parse_dest(&e.destination)?;
    let w = match e.weight {
        None => None,
        Some(w) => Some(
            u32::try_from(w)
                .ok()
                .and_then(Weight::new)
                .ok_or_else(|| format!("{list}: weight {w} is above 2147483647"))?,
        ),
    };
    Ok(((k, d), w))
}

impl AdminState {
    /// The admin state of `e` (with nothing rejected).
    pub fn of(e: &Engine) -> Self {
        let mut overrides: Vec<(DestKey, Override)> =
            e.overrides.iter().map(|(k, o)| (*k, *o)).collect();
        overrides.sort_by_key(|(k, _)| (service::format(&k.0), k.1.to_string()));
        AdminState {
            drained: e.drained.iter().copied().collect(),
            overrides,
            deleted_services: e.deleted_services().iter().copied().collect(),
            rejected: Vec::new(),
        }
    }

    /// Put this state into `e` (entries for destinations no longer
    /// configured are dropped; rejected entries are not used).
    pub fn restore(&self, e: &mut Engine) {
        for (k, d) in &self.drained {
            e.drain(*k, *d);
        }
        for (k, o) in &self.overrides {
            e.overrides.insert(*k, *o);
        }
        for k in &self.deleted_services {
            e.keep_deleted(*k);
        }
        e.forget_unconfigured();
    }

    /// Read a state file's text: entries that do not read are set aside
    /// in [`AdminState::rejected`] (with those the file had set aside);
    /// an error only when the text is not a state file at all.
    pub fn parse(text: &str) -> Result<Self, String> {
        let f: File = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut st = AdminState {
            rejected: f.rejected,
            ..AdminState::default()
        };
        let mut rejected = Vec::new();
        for v in &f.drained {
            match read_entry("drained", v) {
                Ok((k, _)) => st.drained.push(k),
                Err(r) => rejected.push(rejected_entry("drained", v, r)),
            }
        }
        for v in &f.overrides {
            match read_entry("overrides", v) {
                Ok((k, Some(w))) => st.overrides.push((k, Override::Weight(w))),
                Ok((k, None)) => st.overrides.push((k, Override::Deleted)),
                Err(r) => rejected.push(rejected_entry("overrides", v, r)),
            }
        }
        for v in &f.deleted_services {
            match v
                .as_str()
                .ok_or_else(|| "not a string".to_string())
                .and_then(parse_service)
            {
                Ok(k) => st.deleted_services.push(k),
                Err(r) => rejected.push(rejected_entry("deleted_services", v, r)),
            }
        }
        st.rejected.extend(rejected);
        Ok(st)
    }

    /// Read the state file; `Ok(None)` when there is none yet.
    pub fn load(path: &Path) -> Result<Option<Self>, String> {
        match std::fs::read_to_string(path) {
            Ok(t) => Self::parse(&t).map(Some).map_err(|e| {
                format!(
                    "{}: not a state file of rvsadmd: {e} (move it away to start without it)",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// The file's text.
    pub fn to_text(&self) -> Result<String, String> {
        let entry = |k: &DestKey, weight: Option<u32>| {
            serde_json::to_value(Entry {
                service: service::format(&k.0),
                destination: k.1.to_string(),
                weight: weight.map(u64::from),
            })
        };
        let f = File {
            drained: self
                .drained
                .iter()
                .map(|k| entry(k, None))
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?,
            overrides: self
                .overrides
                .iter()
                .map(|(k, o)| {
                    entry(
                        k,
                        match o {
                            Override::Weight(w) => Some(w.get()),
                            Override::Deleted => None,
                        },
                    )
                })
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?,
            deleted_services: self
                .deleted_services
                .iter()
                .map(|k| Value::String(service::format(k)))
                .collect(),
            rejected: self.rejected.clone(),
        };
        serde_json::to_string_pretty(&f).map_err(|e| e.to_string())
    }

    /// Write the state file (synced to a temporary beside it, then renamed
    /// over it: a crash or power cut leaves the old or the new one whole).
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = self.to_text()?;
        rvsadm_fleet::durable::replace(path, (text + "\n").as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    }
}

fn rejected_entry(list: &str, entry: &Value, reason: String) -> Rejected {
    Rejected {
        list: list.to_string(),
        entry: entry.clone(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn engine() -> Engine {
        let cfg: Config = crate::config::native::parse(
            Path::new("t.toml"),
            "[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\n\
             [[services.destinations]]\naddress = \"10.0.0.1\"\nport = 80\n\
             [[services.destinations]]\naddress = \"10.0.0.2\"\nport = 80\n",
        )
        .unwrap();
        Engine::new(cfg)
    }

    #[test]
    fn a_state_reads_back() {
        let mut e = engine();
        let k = ServiceKey::tcp("192.0.2.1:80".parse().unwrap());
        e.drain(k, "10.0.0.1:80".parse().unwrap());
        e.overrides.insert(
            (k, "10.0.0.2:80".parse().unwrap()),
            Override::Weight(Weight::new(7).unwrap()),
        );
        let st = AdminState::of(&e);
        let text = st.to_text().unwrap();
        assert!(text.contains("\"tcp:192.0.2.1:80\""), "{text}");
        let back = AdminState::parse(&text).unwrap();
        assert_eq!(back, st);
        let mut e2 = engine();
        back.restore(&mut e2);
        assert_eq!(e2.drained, e.drained);
        assert_eq!(e2.overrides, e.overrides);
    }

    #[test]
    fn entries_that_do_not_read_are_set_aside_not_deleted() {
        let text = r#"{
          "drained": [{"service": "tcp:nowhere", "destination": "10.0.0.1:80"}],
          "overrides": [
            {"service": "tcp:192.0.2.1:80", "destination": "10.0.0.1:80", "weight": 3000000000},
            {"service": "tcp:192.0.2.1:80", "destination": "10.0.0.2:80", "weight": 99999999999},
            {"service": "tcp:192.0.2.1:80", "destination": "10.0.0.2:80", "wait": 1}
          ],
          "deleted_services": ["fwmark:0", 7]
        }"#;
        let st = AdminState::parse(text).unwrap();
        assert_eq!(st.rejected.len(), 6, "{:#?}", st.rejected);
        assert!(
            st.rejected[1].reason.contains("above 2147483647"),
            "{:?}",
            st.rejected[1]
        );
        // Nothing is taken from them: above all, no deletion by hand.
        let mut e = engine();
        st.restore(&mut e);
        assert!(e.overrides.is_empty(), "{:?}", e.overrides);
        assert!(e.drained.is_empty());
        assert!(e.deleted_services().is_empty());
        // Written back untouched, and still set aside when read again.
        let again = AdminState::parse(&st.to_text().unwrap()).unwrap();
        assert_eq!(again.rejected, st.rejected);
        assert_eq!(again.rejected[0].entry["service"], "tcp:nowhere");
    }

    #[test]
    fn a_file_that_is_not_a_state_file_is_an_error() {
        assert!(AdminState::parse("[]").is_err());
        assert!(AdminState::parse(r#"{"drained": [], "colour": 1}"#).is_err());
    }
}
