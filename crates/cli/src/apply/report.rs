//! What `rvsadm apply` shows: one line per change (a step of the plan or a
//! removal waiting for its connections), with its result.

use rvsadm::reconcile::{self, Action, Before, Object, Outcome, Pending, Plan, Step};
use rvsadm::{Change, Error};
use serde_json::{json, Map, Value};

/// One line of the output: a step or a pending removal, with its result.
pub(super) struct Line {
    pub(super) action: Action,
    pub(super) object: Object,
    pub(super) change: Change,
    pub(super) before: Option<Before>,
    /// `planned`, `applied`, `failed`, `pending`.
    pub(super) result: &'static str,
    pub(super) error: Option<Value>,
    pub(super) error_text: Option<String>,
    /// Connections a pending removal waits for.
    pub(super) conns: Option<u64>,
}

pub(super) struct Shown {
    pub(super) lines: Vec<Line>,
    pub(super) notes: Vec<String>,
    pub(super) dry_run: bool,
    pub(super) converged: bool,
    /// Steps a re-read still finds (a table changed meanwhile).
    pub(super) unconverged: usize,
    /// Changes sent to the kernel.
    pub(super) sent: usize,
}

fn error_value(e: &Error) -> Value {
    let mut m = Map::new();
    m.insert("code".into(), json!(e.code()));
    m.insert("number".into(), json!(e.number()));
    m.insert("message".into(), json!(e.to_string()));
    if let Some(n) = e.errno() {
        m.insert("errno".into(), json!(n));
    }
    Value::Object(m)
}

fn line_of_step(s: &Step, result: &'static str, e: Option<&Error>) -> Line {
    Line {
        action: s.action,
        object: s.object(),
        change: s.change.clone(),
        before: s.before.clone(),
        result,
        error: e.map(error_value),
        error_text: e.map(Error::to_string),
        conns: None,
    }
}

fn line_of_pending(p: &Pending, result: &'static str, e: Option<&Error>) -> Line {
    let object = match p.change {
        Change::DeleteService(_) => Object::Service,
        _ => Object::Destination,
    };
    Line {
        action: Action::Delete,
        object,
        change: p.change.clone(),
        before: None,
        result,
        error: e.map(error_value),
        error_text: e.map(Error::to_string),
        conns: Some(p.conns),
    }
}

impl Shown {
    pub(super) fn planned(plan: &Plan) -> Self {
        let mut lines: Vec<Line> = plan
            .steps
            .iter()
            .map(|s| line_of_step(s, "planned", None))
            .collect();
        lines.extend(
            plan.pending
                .iter()
                .map(|p| line_of_pending(p, "planned", None)),
        );
        Shown {
            lines,
            notes: plan.notes.clone(),
            dry_run: true,
            converged: plan.is_empty(),
            unconverged: 0,
            sent: 0,
        }
    }

    pub(super) fn applied(r: &reconcile::Report) -> Self {
        fn result(o: &Outcome) -> (&'static str, Option<&Error>) {
            match o {
                Outcome::Applied => ("applied", None),
                Outcome::Failed(e) => ("failed", Some(e)),
                Outcome::Pending => ("pending", None),
            }
        }
        let mut lines: Vec<Line> = r
            .plan
            .steps
            .iter()
            .zip(&r.steps)
            .map(|(s, o)| {
                let (res, e) = result(o);
                line_of_step(s, res, e)
            })
            .collect();
        lines.extend(r.plan.pending.iter().zip(&r.pending).map(|(p, o)| {
            let (res, e) = result(o);
            line_of_pending(p, res, e)
        }));
        Shown {
            lines,
            notes: r.plan.notes.clone(),
            dry_run: false,
            converged: r.converged(),
            unconverged: r.remaining.steps.len(),
            sent: r.sent,
        }
    }

    pub(super) fn count(&self, f: impl Fn(&Line) -> bool) -> usize {
        self.lines.iter().filter(|l| f(l)).count()
    }
}
