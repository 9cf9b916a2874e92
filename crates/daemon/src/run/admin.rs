//! The daemon's start and its admin state file: read at start (entries
//! that do not read are reported and kept aside), written after each
//! admin change and change by hand, and at stop.

use super::schedule::Schedule;
use super::scripts;
use super::{Daemon, Msg, RunOptions};
use crate::engine::Engine;
use crate::events::Event;
use crate::state::AdminState;
use rvsadm::Ipvs;
use std::collections::BTreeSet;
use std::sync::Arc;
use tokio::sync::mpsc;

impl Daemon {
    /// The daemon for `opts`, with the admin state of its state file;
    /// checks go to the loop through `to_loop` once started. Errors: IPVS
    /// cannot be used, the state file is not one.
    pub(super) fn start(opts: RunOptions, to_loop: mpsc::Sender<Msg>) -> Result<Self, String> {
        let RunOptions {
            config,
            load,
            state_file,
            fleet,
            ..
        } = opts;
        let state_file = state_file.or_else(|| config.state_file.clone());
        // With the fwmark services of checks through the VIP.
        let config = crate::config::via_vip::expand(config, None);
        for note in &config.notes {
            Event::Note { note: note.clone() }.emit();
        }
        let bound = config.max_checks_in_flight_per_address;
        let ipvs = Arc::new(Ipvs::connect().map_err(|e| e.to_string())?);
        let monitors = super::monitor::Monitors::of(&config);
        let hooks = super::hooks::Hooks::start(config.hooks.clone());
        let mut fifo = super::fifo::Fifo::default();
        fifo.set(config.notify_fifo.as_ref());
        let mut d = Daemon {
            ipvs,
            engine: Engine::new(config),
            load,
            agents: super::agents::AgentTasks::new(to_loop.clone()),
            schedule: Schedule::new(to_loop, bound),
            state_file,
            dropped: BTreeSet::new(),
            rejected: Vec::new(),
            found_timeouts: None,
            in_order: scripts::InOrder::new(),
            monitors,
            metrics: Default::default(),
            hooks,
            fifo,
            fleet: fleet.map(super::fleet::Fleet::new),
        };
        d.restore_state()?;
        d.start_drains();
        Ok(d)
    }

    /// Take the admin state of the state file, if there is one.
    fn restore_state(&mut self) -> Result<(), String> {
        let Some(p) = &self.state_file else {
            return Ok(());
        };
        let Some(st) = AdminState::load(p)? else {
            return Ok(());
        };
        st.restore(&mut self.engine);
        for r in &st.rejected {
            Event::StateEntryRejected {
                file: p.display().to_string(),
                rejected: r.clone(),
            }
            .emit();
        }
        self.rejected = st.rejected;
        Ok(())
    }

    /// Write the admin state (with the entries set aside) to the state
    /// file, if there is one.
    pub(super) fn save_state(&self) {
        let Some(path) = &self.state_file else {
            return;
        };
        let mut st = AdminState::of(&self.engine);
        st.rejected.clone_from(&self.rejected);
        if let Err(e) = st.save(path) {
            Event::StateNotSaved {
                file: path.display().to_string(),
                error: e,
            }
            .emit();
        }
    }
}
