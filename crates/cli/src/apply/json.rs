//! The JSON rendering of what `rvsadm apply` shows
//! (`docs/schema/apply.schema.json`): one [`ChangeDoc`] (the library's
//! document of a change) per line, the notes and a summary.

use super::report::{Line, Shown};
use rvsadm::json::{ChangeDoc, ChangeResult, SCHEMA_VERSION};
use rvsadm::reconcile::Action;
use serde::Serialize;

/// `rvsadm apply --json`.
#[derive(Debug, Serialize)]
pub(super) struct ApplyDoc<'a> {
    schema_version: u32,
    dry_run: bool,
    changes: Vec<&'a ChangeDoc>,
    notes: &'a [String],
    summary: Summary,
    converged: bool,
}

/// How many changes of each action and result; `sent`: requests sent.
#[derive(Debug, Serialize)]
struct Summary {
    add: usize,
    edit: usize,
    delete: usize,
    drain: usize,
    failed: usize,
    pending: usize,
    sent: usize,
}

impl<'a> ApplyDoc<'a> {
    pub(super) fn of(s: &'a Shown) -> Self {
        let action = |a: Action| s.count(|l: &Line| l.action == a);
        let result = |r: ChangeResult| s.count(|l: &Line| l.result() == r);
        ApplyDoc {
            schema_version: SCHEMA_VERSION,
            dry_run: s.dry_run,
            changes: s.lines.iter().map(|l| &l.doc).collect(),
            notes: &s.notes,
            summary: Summary {
                add: action(Action::Add),
                edit: action(Action::Edit),
                delete: action(Action::Delete),
                drain: action(Action::Drain),
                failed: result(ChangeResult::Failed),
                pending: result(ChangeResult::Pending),
                sent: s.sent,
            },
            converged: s.converged,
        }
    }

    /// The document as text, one line or indented. Its keys are sorted (as
    /// `serde_json`'s maps keep them), as they always were.
    pub(super) fn text(&self, pretty: bool) -> serde_json::Result<String> {
        let v = serde_json::to_value(self)?;
        if pretty {
            serde_json::to_string_pretty(&v)
        } else {
            serde_json::to_string(&v)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rvsadm::reconcile::{self, Options};
    use rvsadm::{
        DestConfig, Destination, ForwardMethod, Scheduler, Service, ServiceKey, Snapshot, Timeouts,
        Weight,
    };
    use serde_json::{json, Value};
    use std::io::Write as _;
    use std::process::{Command, Stdio};

    /// Check `doc` against `docs/schema/apply.schema.json` with
    /// `scripts/validate-json`, if python's jsonschema is at hand.
    fn validate(doc: &Value) {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
        let python = Command::new("python3")
            .args(["-c", "import jsonschema"])
            .status();
        if !python.is_ok_and(|s| s.success()) {
            eprintln!("no python3 with jsonschema: the document is not checked");
            return;
        }
        let mut child = Command::new("python3")
            .arg(format!("{root}/scripts/validate-json"))
            .arg(format!("{root}/docs/schema/apply.schema.json"))
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(doc.to_string().as_bytes()).unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn a_plan_is_a_valid_document() {
        let key = ServiceKey::tcp("192.0.2.1:80".parse().unwrap());
        let masq = DestConfig::new(ForwardMethod::Masq);
        let mut live = Service::new(key).with_scheduler(Scheduler::Rr);
        for (a, w) in [("10.0.0.1:80", 1u16), ("10.0.0.2:80", 1)] {
            live.destinations.push(Destination::new(
                a.parse().unwrap(),
                masq.with_weight(Weight::from(w)),
            ));
        }
        let live = Snapshot {
            services: vec![live],
            timeouts: Timeouts::default(),
            daemons: vec![],
        };
        let mut want = live.to_desired();
        want.services[0].config.scheduler = Scheduler::Wlc;
        want.services[0].destinations[0].config.weight = Weight::from(5u16);
        want.services[0].destinations.remove(1);
        let extra = ServiceKey::udp("192.0.2.2:53".parse().unwrap());
        want.services.push(rvsadm::ServiceSpec::new(extra));
        let plan = reconcile::plan(&want, &live, &Options::default()).unwrap();
        let shown = Shown::planned(&plan);
        let doc: Value = serde_json::from_str(&ApplyDoc::of(&shown).text(false).unwrap()).unwrap();
        assert_eq!(doc["dry_run"], true);
        assert_eq!(doc["converged"], false);
        assert_eq!(
            doc["summary"],
            json!({"add": 1, "edit": 2, "delete": 1, "drain": 0, "failed": 0,
                   "pending": 0, "sent": 0})
        );
        let ipvsadm: Vec<&str> = doc["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["ipvsadm"].as_str().unwrap())
            .collect();
        assert!(
            ipvsadm.contains(&"-E -t 192.0.2.1:80 -s wlc"),
            "{ipvsadm:?}"
        );
        assert!(
            ipvsadm.contains(&"-d -t 192.0.2.1:80 -r 10.0.0.2:80"),
            "{ipvsadm:?}"
        );
        // The keys come sorted, as the hand-built document had them.
        let text = ApplyDoc::of(&shown).text(false).unwrap();
        assert!(text.starts_with(r#"{"changes":[{"action":"#), "{text}");
        assert!(ApplyDoc::of(&shown).text(true).unwrap().contains("\n  "));
        validate(&doc);
        let empty = Shown::planned(
            &reconcile::plan(&live.to_desired(), &live, &Options::default()).unwrap(),
        );
        validate(&serde_json::to_value(ApplyDoc::of(&empty)).unwrap());
    }

    /// The library's checked-in documents of every kind of change (which
    /// its tests compare with what it makes) are valid changes.
    #[test]
    fn every_kind_of_change_is_a_valid_change() {
        let changes: Value =
            serde_json::from_str(include_str!("../../../rvsadm/src/json/change_docs.json"))
                .unwrap();
        validate(&json!({
            "schema_version": 1, "dry_run": false, "changes": changes, "notes": ["a note"],
            "summary": {"add": 0, "edit": 0, "delete": 0, "drain": 0, "failed": 0,
                        "pending": 0, "sent": 0},
            "converged": false,
        }));
    }
}
