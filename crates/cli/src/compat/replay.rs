//! `-R`: every line of standard input run as ipvsadm runs it, the lines
//! read while the kernel works on the ones before.
//!
//! Consecutive changes go to the kernel together, as one pipelined batch
//! ([`rvsadm::Ipvs::apply_batch`]) on a second thread, while this thread
//! reads the next lines: the reading and the kernel's work overlap instead
//! of taking turns. Whatever a line prints (a popt error, the kernel's
//! answer to its change, a listing) is printed in input order, exactly as if
//! each line had been run on its own:
//!
//! - a batch's results are printed before anything of a later line;
//! - a line that is not a change (a listing, `--set`...) or that ends the
//!   run (`-h`, a parse error ipvsadm exits on) waits for the batch in
//!   flight, and is run alone, on this thread;
//! - a batch is at most [`BATCH_LINES`] lines, so the first reaches the
//!   kernel early and the last one, which nothing overlaps, is short.

use super::args::{self, Command, Failure};
use super::messages::ipvsadm_message;
use super::restore;
use super::run::{execute, rejected_with, report, Io, Kernel, Outcome};
use rvsadm::{Change, Error, Ipvs};
use std::io::{self, Read};
use std::thread::JoinHandle;

/// How many lines one batch holds at most.
pub const BATCH_LINES: usize = 1024;

/// Lines read but not yet reported: per line, `None` for a change (its
/// result comes from the kernel, in the order of `ops`) or the popt error
/// it produced.
#[derive(Debug, Default)]
struct Batch {
    lines: Vec<Option<Failure>>,
    ops: Vec<Change>,
}

/// Each change's result: `Ok`, or ipvsadm's message for the kernel's answer.
type Results = Vec<Result<(), String>>;

/// A batch whose changes are in the kernel's hands (no thread when it has
/// none: only popt errors to print).
struct InFlight {
    lines: Vec<Option<Failure>>,
    worker: Option<JoinHandle<Results>>,
}

impl Batch {
    fn push_change(&mut self, op: Change) {
        self.lines.push(None);
        self.ops.push(op);
    }

    fn push_error(&mut self, f: Failure) {
        self.lines.push(Some(f));
    }

    /// Send the changes on a second thread (the kernel opened first, if
    /// need be). `Err` when it cannot be opened: ipvsadm's exit.
    fn send(self, kernel: &mut Kernel) -> Result<InFlight, Failure> {
        let ops = self.ops;
        let worker = if ops.is_empty() {
            None
        } else {
            let ipvs = kernel.shared()?;
            Some(std::thread::spawn(move || results_of(&ipvs, &ops)))
        };
        Ok(InFlight {
            lines: self.lines,
            worker,
        })
    }
}

/// `ops` sent as one batch. When the batch as a whole fails (a socket
/// error), every change reports it, as each would have on its own.
fn results_of(ipvs: &Ipvs, ops: &[Change]) -> Results {
    match ipvs.apply_batch(ops) {
        Ok(r) => r
            .into_iter()
            .map(|x| x.map_err(|e| ipvsadm_message(&e)))
            .collect(),
        Err(e) => {
            let msg = ipvsadm_message(&e);
            ops.iter().map(|_| Err(msg.clone())).collect()
        }
    }
}

impl InFlight {
    /// Wait for the kernel's answers and print every line's outcome in
    /// order; `status` becomes the last line's.
    fn report(self, status: &mut i32, io: &mut Io<'_>) {
        let joined = self
            .worker
            .map(JoinHandle::join)
            .unwrap_or(Ok(Results::new()));
        let results = joined.unwrap_or_else(|_| {
            // Not known to have reached the kernel: every change says so.
            let e = Error::Io(io::Error::other("the thread sending the changes stopped"));
            let changes = self.lines.iter().filter(|l| l.is_none()).count();
            vec![Err(ipvsadm_message(&e)); changes]
        });
        let mut results = results.into_iter();
        for line in &self.lines {
            *status = match line {
                Some(f) => report(io, f),
                None => match results.next() {
                    Some(Ok(())) | None => 0,
                    Some(Err(msg)) => rejected_with(io, &msg),
                },
            };
        }
    }
}

/// The run's lines not yet reported: at most one batch in the kernel's
/// hands and the one being read.
struct Pipeline {
    reading: Batch,
    in_flight: Option<InFlight>,
    status: i32,
}

impl Pipeline {
    /// Report the batch in flight, if any.
    fn settle(&mut self, io: &mut Io<'_>) {
        if let Some(f) = self.in_flight.take() {
            f.report(&mut self.status, io);
        }
    }

    /// Report the batch in flight, then send the one read. `Err` when the
    /// kernel cannot be opened (the run ends).
    fn rotate(&mut self, kernel: &mut Kernel, io: &mut Io<'_>) -> Result<(), Failure> {
        self.settle(io);
        let batch = std::mem::take(&mut self.reading);
        if !batch.lines.is_empty() {
            self.in_flight = Some(batch.send(kernel)?);
        }
        Ok(())
    }

    /// Every line so far reported: `Some` when the run must end.
    fn drain(&mut self, kernel: &mut Kernel, io: &mut Io<'_>) -> Option<Outcome> {
        if let Err(f) = self.rotate(kernel, io) {
            return Some(Outcome::Exit(report(io, &f)));
        }
        self.settle(io);
        None
    }
}

/// Run every line of `stdin` (`-R`), `argv0` heading each line's argv.
pub(super) fn restore_from(
    argv0: &str,
    stdin: &mut dyn Read,
    kernel: &mut Kernel,
    io: &mut Io<'_>,
) -> Outcome {
    let mut input = Vec::new();
    if let Err(e) = stdin.read_to_end(&mut input) {
        let _ = writeln!(io.err, "reading standard input: {e}");
        return Outcome::Exit(1);
    }
    let mut p = Pipeline {
        reading: Batch::default(),
        in_flight: None,
        status: 0,
    };
    // One argv, its strings reused from line to line.
    let mut argv = Vec::new();
    for line in input.split(|&b| b == b'\n') {
        if !restore::fill_argv(line, argv0, &mut argv) {
            continue;
        }
        match args::parse(&argv, true) {
            Err(f) if f.returns => p.reading.push_error(f),
            Err(f) => {
                if let Some(out) = p.drain(kernel, io) {
                    return out;
                }
                return Outcome::Exit(report(io, &f));
            }
            Ok(Command::Change(op)) => p.reading.push_change(op),
            Ok(cmd) => {
                if let Some(out) = p.drain(kernel, io) {
                    return out;
                }
                match execute(&cmd, &argv, &mut io::empty(), kernel, io) {
                    Outcome::Status(s) => p.status = s,
                    Outcome::Exit(s) => return Outcome::Exit(s),
                }
            }
        }
        if p.reading.lines.len() >= BATCH_LINES {
            if let Err(f) = p.rotate(kernel, io) {
                return Outcome::Exit(report(io, &f));
            }
        }
    }
    if let Some(out) = p.drain(kernel, io) {
        return out;
    }
    Outcome::Status(p.status)
}
