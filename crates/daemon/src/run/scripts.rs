//! Running the programs the decisions asked for (quorum gained or lost,
//! a destination up or down), once the table is written, in order, and
//! without waiting for them (as keepalived runs its notify scripts); a
//! `fallback_command` goes to [`InOrder`], each waited for before the
//! next (as ldirectord runs it).

use super::Daemon;
use crate::config::OnStop;
use crate::engine::quorum::FALLBACK_COMMAND;
use crate::engine::{ScriptRun, Transition};
use crate::events::Event;
use crate::health::State;
use crate::probe::exec;
use crate::service;

impl Daemon {
    /// Start each program the engine has asked for since the last call,
    /// with a `script_run` or `script_failed` event.
    pub(super) fn run_scripts(&mut self) {
        self.tell_transitions();
        for r in self.engine.take_scripts() {
            if r.what == FALLBACK_COMMAND {
                self.in_order.push(r);
            } else {
                run(r);
            }
        }
    }
}

impl Daemon {
    /// At stop, for each service whose programs run then
    /// ([`crate::config::Quorum::at_stop`], keepalived's `omega`): the
    /// `notify_down` of each destination up (unless the whole table is
    /// emptied, as keepalived's `lvs_flush_on_stop` skips them), then
    /// `quorum_down`, each with its notify FIFO line. Once per virtual server written, however many
    /// services a group makes of it.
    pub(super) fn run_stop_scripts(&self) {
        let mut done = std::collections::BTreeSet::new();
        let each_real = self.engine.config.on_stop != OnStop::Flush;
        for v in &self.engine.config.services {
            if !v.quorum.at_stop || !done.insert(v.at.to_string()) {
                continue;
            }
            let service = v.key();
            for r in v.reals.iter().filter(|_| each_real) {
                let up = self.engine.verdict(&(service, r.dest.addr)).state == State::Up;
                if up {
                    self.fifo.tell(&Transition::Destination {
                        service,
                        destination: r.dest.addr,
                        up: false,
                    });
                }
                if let (true, Some(s)) = (up, &r.notify_down) {
                    run(ScriptRun {
                        script: s.clone(),
                        what: "notify_down",
                        service,
                        destination: Some(r.dest.addr),
                    });
                }
            }
            self.fifo.tell(&Transition::Quorum {
                service,
                up: false,
                weight: 0,
            });
            if let Some(s) = &v.quorum.down {
                run(ScriptRun {
                    script: s.clone(),
                    what: "quorum_down",
                    service,
                    destination: None,
                });
            }
        }
    }
}

fn run(r: ScriptRun) {
    let started = exec::start(&r.script.argv, r.script.run_as.as_ref());
    said(&r, started);
}

/// The event of `r`, started or not.
fn said(r: &ScriptRun, started: Result<(), String>) {
    let service = service::format(&r.service);
    let destination = r.destination.map(|d| d.to_string());
    let argv = r.script.argv.clone();
    match started {
        Ok(()) => Event::ScriptRun {
            script: r.what,
            service,
            destination,
            argv,
        },
        Err(error) => Event::ScriptFailed {
            script: r.what,
            service,
            destination,
            argv,
            error,
        },
    }
    .emit();
}

/// Programs run one after another, each waited for before the next
/// starts, by a task of their own (the loop never waits).
pub(super) struct InOrder(tokio::sync::mpsc::UnboundedSender<ScriptRun>);

impl InOrder {
    /// The queue and its task; call it within a tokio runtime.
    pub(super) fn new() -> Self {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<ScriptRun>();
        tokio::spawn(async move {
            while let Some(r) = rx.recv().await {
                match exec::spawn(&r.script.argv, r.script.run_as.as_ref()) {
                    Ok(mut child) => {
                        said(&r, Ok(()));
                        let _ = child.wait().await;
                    }
                    Err(e) => said(&r, Err(e)),
                }
            }
        });
        InOrder(tx)
    }

    /// Run `r` once those before it have ended.
    pub(super) fn push(&self, r: ScriptRun) {
        // The task lives as long as the runtime: a send fails only as
        // rvsadmd ends.
        let _ = self.0.send(r);
    }
}
