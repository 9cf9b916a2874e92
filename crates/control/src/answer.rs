//! The control socket's answers, typed both ways: rvsadmd's run loop makes
//! an [`Answer`], its server writes it as one JSON line, and the client
//! ([`crate::call`]) reads it back into an [`Answer`].
//!
//! On the wire: `{"ok":true}`, `{"destinations":[...],"ok":true}` (with
//! `"rejected":[...]` when the state file had entries set aside), and
//! `{"error":"...","ok":false}`. Keys are in alphabetical order, in the
//! answer and in each status row, as the protocol has always written them.

use crate::status::{Rejected, StatusRow};
use serde::{Deserialize, Serialize};

/// The answer to one control request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "Wire", try_from = "Wire")]
pub enum Answer {
    /// Done: `drain`, `ready`, `reload` (`{"ok":true}`).
    Done,
    /// The answer to `status`.
    Status(Status),
    /// Refused, with why (`{"error":"...","ok":false}`).
    Refused(String),
}

/// The answer to `status`: a row per configured destination and fallback.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// The rows, in configuration order.
    pub destinations: Vec<StatusRow>,
    /// The state-file entries set aside (not used).
    pub rejected: Vec<Rejected>,
    /// In fleet mode: the director and its store (`"fleet"`, absent
    /// otherwise).
    pub fleet: Option<FleetRow>,
}

/// A director's view of its fleet in `status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FleetRow {
    /// The director's name.
    pub director: String,
    /// The etcd revision of the desired state applied.
    pub revision: i64,
    /// A later revision whose services the reload refused (the applied
    /// one kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused_revision: Option<i64>,
    /// Why it was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused_error: Option<String>,
    /// Whether etcd is reachable.
    pub store_reachable: bool,
    /// Since when it is as said (seconds since the epoch).
    pub store_since: f64,
    /// Why it is not reachable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_error: Option<String>,
}

/// An answer as its JSON has it (fields in key order).
#[derive(Serialize, Deserialize)]
struct Wire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    destinations: Option<Vec<StatusRow>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fleet: Option<FleetRow>,
    ok: bool,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "keys_sorted"
    )]
    rejected: Vec<Rejected>,
}

/// The entries set aside with their keys sorted, as in the rest of the
/// answer ([`Rejected`] keeps the state file's order of its fields).
fn keys_sorted<S: serde::Serializer>(r: &[Rejected], s: S) -> Result<S::Ok, S::Error> {
    serde_json::to_value(r)
        .map_err(serde::ser::Error::custom)?
        .serialize(s)
}

impl From<Answer> for Wire {
    fn from(a: Answer) -> Self {
        let mut w = Wire {
            destinations: None,
            error: None,
            fleet: None,
            ok: true,
            rejected: Vec::new(),
        };
        match a {
            Answer::Done => {}
            Answer::Status(s) => {
                w.destinations = Some(s.destinations);
                w.rejected = s.rejected;
                w.fleet = s.fleet;
            }
            Answer::Refused(e) => {
                w.ok = false;
                w.error = Some(e);
            }
        }
        w
    }
}

impl TryFrom<Wire> for Answer {
    type Error = String;

    fn try_from(w: Wire) -> Result<Self, String> {
        match (w.ok, w.destinations, w.error) {
            (false, _, Some(e)) => Ok(Answer::Refused(e)),
            (false, _, None) => Err("a refusal without an error".into()),
            (true, Some(destinations), None) => Ok(Answer::Status(Status {
                destinations,
                rejected: w.rejected,
                fleet: w.fleet,
            })),
            (true, None, None) if w.rejected.is_empty() => Ok(Answer::Done),
            (true, None, None) => Err("rejected entries without status rows".into()),
            (true, _, Some(e)) => Err(format!("\"ok\": true with an error: {e}")),
        }
    }
}

impl Answer {
    /// The answer as one JSON line (without its newline).
    pub fn to_line(&self) -> String {
        match serde_json::to_string(self) {
            Ok(s) => s,
            // Not expected (strings, numbers and JSON values only); the
            // client is told rather than left without an answer.
            Err(e) => format!(
                r#"{{"error":{},"ok":false}}"#,
                serde_json::Value::String(format!("answer not written: {e}"))
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row() -> StatusRow {
        StatusRow {
            admin: "drained".into(),
            agent: None,
            check: "http".into(),
            configured: 5,
            destination: "10.0.0.2:80".into(),
            effective: None,
            floor: false,
            health: "up".into(),
            last: Some("status 200".into()),
            latency_ms: Some(1.25),
            override_: Some("weight 9".into()),
            ramp: None,
            service: "tcp:192.0.2.1:80".into(),
            since: 1_700_000_000.5,
            weight: Some(0),
        }
    }

    #[test]
    fn answers_keep_their_bytes() {
        assert_eq!(Answer::Done.to_line(), r#"{"ok":true}"#);
        assert_eq!(
            Answer::Refused("no \"such\" thing".into()).to_line(),
            r#"{"error":"no \"such\" thing","ok":false}"#
        );
        let status = Answer::Status(Status {
            destinations: vec![row()],
            rejected: vec![Rejected {
                list: "overrides".into(),
                entry: json!({"weight": 3000000000u64, "service": "x"}),
                reason: "too big".into(),
            }],
            fleet: None,
        });
        assert_eq!(
            status.to_line(),
            concat!(
                r#"{"destinations":[{"admin":"drained","check":"http","configured":5,"#,
                r#""destination":"10.0.0.2:80","health":"up","last":"status 200","#,
                r#""latency_ms":1.25,"override":"weight 9","service":"tcp:192.0.2.1:80","#,
                r#""since":1700000000.5,"weight":0}],"ok":true,"#,
                r#""rejected":[{"entry":{"service":"x","weight":3000000000},"list":"overrides","#,
                r#""reason":"too big"}]}"#
            )
        );
        // The same bytes as a JSON value (whose keys are sorted) writes:
        // what the daemon sent before its answers were typed.
        let v = serde_json::to_value(&status).unwrap();
        assert_eq!(status.to_line(), v.to_string());
        let mut bare = row();
        bare.override_ = None;
        bare.last = None;
        bare.latency_ms = None;
        bare.weight = None;
        let line = serde_json::to_string(&bare).unwrap();
        assert!(!line.contains("override"), "{line}");
        assert_eq!(line, serde_json::to_value(&bare).unwrap().to_string());
    }

    #[test]
    fn answers_read_back() {
        let status = Answer::Status(Status {
            destinations: vec![row()],
            rejected: Vec::new(),
            fleet: Some(FleetRow {
                director: "d1".into(),
                revision: 7,
                refused_revision: Some(9),
                refused_error: Some("etcd:services/tcp:192.0.2.1:80: bad".into()),
                store_reachable: false,
                store_since: 1.5,
                store_error: Some("down".into()),
            }),
        });
        for a in [Answer::Done, Answer::Refused("x".into()), status] {
            let back: Answer = serde_json::from_str(&a.to_line()).unwrap();
            assert_eq!(back, a);
        }
        for bad in [
            r#"{"ok":false}"#,
            r#"{"ok":true,"error":"x"}"#,
            r#"{"ok":true,"rejected":[{"list":"drained","entry":1,"reason":"r"}]}"#,
            r#"{"error":"x"}"#,
        ] {
            assert!(serde_json::from_str::<Answer>(bad).is_err(), "{bad}");
        }
    }
}
