//! The flow of `rvsadm apply`: parse, read the input and the table, plan
//! (and, unless `--dry-run`, apply), show, and the exit status.

use super::args::{help, parse, wants_json};
use super::input::read_input;
use super::json::ApplyDoc;
use super::report::Shown;
use super::text::{plural, write_text};
use super::{
    ApplyArgs, Refusal, EXIT_DRAINING, EXIT_FAILED, EXIT_NOTHING_DONE, EXIT_OK,
    EXIT_PENDING_CHANGES,
};
use crate::json::{report, report_usage};
use rvsadm::reconcile::{self, ApplyOptions, Options};
use rvsadm::{Error, Ipvs};
use std::io::{Read, Write};
use std::time::Duration;

/// Run `rvsadm apply` with `words` (what follows `apply`).
pub fn main(
    words: &[String],
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let json_mode = wants_json(words);
    let a = match parse(words) {
        Ok(Some(a)) => a,
        Ok(None) => {
            let _ = out.write_all(help().as_bytes());
            return EXIT_OK;
        }
        Err(m) => return refuse(err, json_mode, Refusal::Usage(m)),
    };
    // The table is read while the document is parsed (reading changes
    // nothing; a bad document still wins, and its error is the one told).
    let reader = std::thread::spawn(|| -> rvsadm::Result<(Ipvs, rvsadm::Snapshot)> {
        let ipvs = Ipvs::connect()?;
        ipvs.set_timeout(crate::REPLY_TIMEOUT);
        let live = ipvs.snapshot_without_stats()?;
        Ok((ipvs, live))
    });
    let desired = match read_input(&a, stdin) {
        Ok(d) => d,
        Err(r) => return refuse(err, a.json, r),
    };
    let read = reader.join().unwrap_or_else(|_| {
        Err(Error::Io(std::io::Error::other(
            "the thread reading the table stopped",
        )))
    });
    let (ipvs, live) = match read {
        Ok(r) => r,
        Err(e) => return refuse(err, a.json, Refusal::Error(e)),
    };
    let opts = ApplyOptions {
        plan: Options {
            prune: a.prune,
            drain: a.drain.is_some(),
        },
        drain_wait: a.drain.unwrap_or(Duration::ZERO),
        ..ApplyOptions::default()
    };
    if a.dry_run {
        let plan = match reconcile::plan(&desired, &live, &opts.plan) {
            Ok(p) => p,
            Err(e) => return refuse(err, a.json, Refusal::Error(e)),
        };
        let code = if plan.is_empty() {
            EXIT_OK
        } else {
            EXIT_PENDING_CHANGES
        };
        let shown = Shown::planned(&plan);
        return finish(out, err, &a, &shown, code);
    }
    let text = !a.json;
    let mut last_note = None;
    let mut progress = |p: &reconcile::Progress| {
        if text {
            let now = (p.waiting, p.conns, p.left.as_secs() / 10);
            if last_note != Some(now) {
                last_note = Some(now);
                let _ = writeln!(
                    err,
                    "rvsadm apply: draining {} (connections left: {}), waiting up to {} s more",
                    plural(p.waiting, "destination"),
                    p.conns,
                    p.left.as_secs()
                );
            }
        }
    };
    let report = match reconcile::converge_from(&ipvs, &desired, live, &opts, &mut progress) {
        Ok(r) => r,
        Err(e) => return refuse(err, a.json, Refusal::Error(e)),
    };
    let code = if report.failed() || !report.converged() {
        EXIT_FAILED
    } else if !report.remaining.pending.is_empty() {
        EXIT_DRAINING
    } else {
        EXIT_OK
    };
    let shown = Shown::applied(&report);
    finish(out, err, &a, &shown, code)
}

fn refuse(err: &mut dyn Write, json_mode: bool, r: Refusal) -> i32 {
    match r {
        Refusal::Usage(m) if json_mode => {
            report_usage(err, &m, EXIT_NOTHING_DONE);
        }
        Refusal::Usage(m) => {
            let _ = writeln!(err, "rvsadm apply: {m}");
        }
        Refusal::Error(e) if json_mode => {
            report(err, &e, EXIT_NOTHING_DONE);
        }
        Refusal::Error(e) => {
            let _ = writeln!(err, "rvsadm apply: {e}");
        }
    }
    EXIT_NOTHING_DONE
}

fn finish(
    out: &mut dyn Write,
    err: &mut dyn Write,
    a: &ApplyArgs,
    shown: &Shown,
    code: i32,
) -> i32 {
    let r = if a.json {
        let text = ApplyDoc::of(shown).text(a.pretty).unwrap_or_default();
        writeln!(out, "{text}")
    } else {
        write_text(out, shown)
    };
    match r.and_then(|()| out.flush()) {
        Ok(()) => code,
        Err(e) => {
            let _ = writeln!(err, "rvsadm apply: cannot write the output: {e}");
            // The changes are made; only the report is lost.
            if code == EXIT_OK {
                EXIT_FAILED
            } else {
                code
            }
        }
    }
}
