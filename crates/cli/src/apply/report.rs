//! What `rvsadm apply` shows: one line per change (a step of the plan or a
//! removal waiting for its connections), with its result.

use rvsadm::json::{ChangeDoc, ChangeResult};
use rvsadm::reconcile::{self, Action, Before, Outcome, Pending, Plan, Step};
use rvsadm::{Change, Error};

/// One line of the output: a step or a pending removal, with its result.
pub(super) struct Line {
    /// Its document (what `--json` prints for it; its result and error
    /// are the text's too).
    pub(super) doc: ChangeDoc,
    pub(super) action: Action,
    pub(super) change: Change,
    pub(super) before: Option<Before>,
    /// Connections a pending removal waits for.
    pub(super) conns: Option<u64>,
}

impl Line {
    pub(super) fn result(&self) -> ChangeResult {
        self.doc.result
    }

    /// The message of the error that failed it.
    pub(super) fn error_text(&self) -> Option<&str> {
        self.doc.error.as_ref().map(|e| e.message.as_str())
    }
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

fn failed_with(doc: ChangeDoc, e: Option<&Error>) -> ChangeDoc {
    match e {
        Some(e) => doc.with_error(e),
        None => doc,
    }
}

fn line_of_step(s: &Step, result: ChangeResult, e: Option<&Error>) -> Line {
    Line {
        doc: failed_with(ChangeDoc::of_step(s, result), e),
        action: s.action,
        change: s.change.clone(),
        before: s.before.clone(),
        conns: None,
    }
}

fn line_of_pending(p: &Pending, result: ChangeResult, e: Option<&Error>) -> Line {
    Line {
        doc: failed_with(ChangeDoc::of_pending(p, result), e),
        action: Action::Delete,
        change: p.change.clone(),
        before: None,
        conns: Some(p.conns),
    }
}

impl Shown {
    pub(super) fn planned(plan: &Plan) -> Self {
        let mut lines: Vec<Line> = plan
            .steps
            .iter()
            .map(|s| line_of_step(s, ChangeResult::Planned, None))
            .collect();
        lines.extend(
            plan.pending
                .iter()
                .map(|p| line_of_pending(p, ChangeResult::Planned, None)),
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
        fn result(o: &Outcome) -> (ChangeResult, Option<&Error>) {
            match o {
                Outcome::Applied => (ChangeResult::Applied, None),
                Outcome::Failed(e) => (ChangeResult::Failed, Some(e)),
                Outcome::Pending => (ChangeResult::Pending, None),
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
