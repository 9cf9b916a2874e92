//! Running the programs the decisions asked for (quorum gained or lost,
//! a destination up or down), once the table is written, in order, and
//! without waiting for them (as keepalived runs its notify scripts).

use super::Daemon;
use crate::engine::ScriptRun;
use crate::events::Event;
use crate::probe::exec;
use crate::service;

impl Daemon {
    /// Start each program the engine has asked for since the last call,
    /// with a `script_run` or `script_failed` event.
    pub(super) fn run_scripts(&mut self) {
        for r in self.engine.take_scripts() {
            run(r);
        }
    }
}

fn run(r: ScriptRun) {
    let service = service::format(&r.service);
    let destination = r.destination.map(|d| d.to_string());
    let argv = r.script.argv.clone();
    match exec::start(&r.script.argv, r.script.run_as.as_ref()) {
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
