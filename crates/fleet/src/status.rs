//! What each director publishes under `PREFIX/directors/NAME` (with a
//! lease, so that a stopped director's key goes away), and where the
//! directors disagree.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How long a director's key lives without being renewed, in seconds.
pub const LEASE_TTL_SECS: i64 = 10;

/// A director's status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectorStatus {
    /// Its name.
    pub name: String,
    /// The etcd revision of the desired state it has applied.
    pub revision: i64,
    /// A later revision whose services its reload refused, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<i64>,
    /// Whether it reaches etcd (it did, to publish this; false in its
    /// own `status` while it does not).
    pub store_reachable: bool,
    /// Since when (seconds since the epoch) the store is as said.
    pub store_since: u64,
    /// When this was published (seconds since the epoch): written again
    /// only when the rest changed, so the time of its last change.
    pub published: u64,
    /// The health each of its destinations has as it sees it.
    pub health: Vec<DestHealth>,
}

/// One destination as one director sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestHealth {
    /// The service's text form.
    pub service: String,
    /// `ADDR:PORT`.
    pub destination: String,
    /// `up`, `down`, `unknown`.
    pub health: String,
    /// The weight it has in the kernel (`None`: not in the table).
    pub weight: Option<u32>,
}

/// A destination the directors do not see alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// The service.
    pub service: String,
    /// The destination.
    pub destination: String,
    /// Each director's health of it (`absent` where it has none).
    pub seen: Vec<(String, String)>,
}

/// The destinations whose health is not the same at every director of
/// `all` (one not listed by a director counts as `absent`).
pub fn disagreements(all: &[DirectorStatus]) -> Vec<Disagreement> {
    let mut by_dest: BTreeMap<(&str, &str), BTreeMap<&str, &str>> = BTreeMap::new();
    for d in all {
        for h in &d.health {
            by_dest
                .entry((&h.service, &h.destination))
                .or_default()
                .insert(&d.name, &h.health);
        }
    }
    by_dest
        .into_iter()
        .filter_map(|((s, dest), seen)| {
            let row: Vec<(String, String)> = all
                .iter()
                .map(|d| {
                    let h = seen.get(d.name.as_str()).copied().unwrap_or("absent");
                    (d.name.clone(), h.to_string())
                })
                .collect();
            let first = &row.first()?.1;
            row.iter().any(|(_, h)| h != first).then(|| Disagreement {
                service: s.to_string(),
                destination: dest.to_string(),
                seen: row,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str, health: &[(&str, &str)]) -> DirectorStatus {
        DirectorStatus {
            name: name.into(),
            health: health
                .iter()
                .map(|(d, h)| DestHealth {
                    service: "tcp:1.1.1.1:80".into(),
                    destination: (*d).into(),
                    health: (*h).into(),
                    weight: None,
                })
                .collect(),
            ..DirectorStatus::default()
        }
    }

    #[test]
    fn only_destinations_seen_differently_are_disagreements() {
        let all = [
            dir("d1", &[("10.0.0.1:80", "up"), ("10.0.0.2:80", "down")]),
            dir("d2", &[("10.0.0.1:80", "up"), ("10.0.0.2:80", "up")]),
            dir("d3", &[("10.0.0.1:80", "up")]),
        ];
        let d = disagreements(&all);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].destination, "10.0.0.2:80");
        assert_eq!(
            d[0].seen,
            vec![
                ("d1".into(), "down".into()),
                ("d2".into(), "up".into()),
                ("d3".into(), "absent".into())
            ]
        );
    }

    #[test]
    fn the_published_document_round_trips() {
        let d = dir("d1", &[("10.0.0.1:80", "up")]);
        let text = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<DirectorStatus>(&text).unwrap(), d);
    }
}
