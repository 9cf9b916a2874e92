//! The admin state file: drains and changes by hand being kept, so that a
//! restart does not undo them.

use super::engine::{Engine, Override};
use crate::service::{self, parse as parse_service, parse_dest};
use rvsadm::model::{ServiceKey, Weight};
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    service: String,
    destination: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    weight: Option<u32>,
}

/// What the state file holds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminState {
    drained: Vec<Entry>,
    /// Weights set by hand (`weight`) or deletions by hand (no weight).
    #[serde(default)]
    overrides: Vec<Entry>,
    /// Services deleted by hand, kept deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    deleted_services: Vec<String>,
}

impl AdminState {
    /// The admin state of `e`.
    pub fn of(e: &Engine) -> Self {
        let entry = |k: &(ServiceKey, std::net::SocketAddr), weight| Entry {
            service: service::format(&k.0),
            destination: k.1.to_string(),
            weight,
        };
        let mut overrides: Vec<Entry> = e
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
            .collect();
        overrides.sort_by(|a, b| (&a.service, &a.destination).cmp(&(&b.service, &b.destination)));
        AdminState {
            drained: e.drained.iter().map(|k| entry(k, None)).collect(),
            overrides,
            deleted_services: e.deleted_services().iter().map(service::format).collect(),
        }
    }

    /// Put this state into `e` (entries for destinations no longer
    /// configured are dropped).
    pub fn restore(&self, e: &mut Engine) {
        for x in &self.drained {
            if let (Ok(k), Ok(d)) = (parse_service(&x.service), parse_dest(&x.destination)) {
                e.drain(k, d);
            }
        }
        for x in &self.overrides {
            if let (Ok(k), Ok(d)) = (parse_service(&x.service), parse_dest(&x.destination)) {
                let o = match x.weight.and_then(Weight::new) {
                    Some(w) => Override::Weight(w),
                    None => Override::Deleted,
                };
                e.overrides.insert((k, d), o);
            }
        }
        for x in &self.deleted_services {
            if let Ok(k) = parse_service(x) {
                e.keep_deleted(k);
            }
        }
        e.forget_unconfigured();
    }

    /// Read the state file; `Ok(None)` when there is none yet.
    pub fn load(path: &Path) -> Result<Option<Self>, String> {
        match std::fs::read_to_string(path) {
            Ok(t) => serde_json::from_str(&t).map(Some).map_err(|e| {
                format!(
                    "{}: not a state file of rvsadmd: {e} (move it away to start without it)",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// Write the state file (to a temporary beside it, then renamed, so a
    /// crash leaves the old or the new one whole).
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text + "\n")
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    }
}
