//! Stopping (SIGTERM, SIGINT): the checks end, the admin state is saved,
//! and with `on_stop = "remove"` the owned services are deleted (with
//! `"flush"` the whole table is emptied).

use super::sync::owned_keys;
use super::Daemon;
use crate::config::OnStop;
use crate::events::Event;
use crate::notify;
use rvsadm::model::Change;
use std::path::Path;

impl Daemon {
    /// Stop; `socket`, the control socket, is removed.
    pub(super) fn stop(mut self, socket: Option<&Path>) {
        notify::notify("STOPPING=1");
        self.schedule.stop();
        self.save_state();
        self.run_stop_scripts();
        self.stop_own_sync_daemons();
        let removed = match self.engine.config.on_stop {
            OnStop::Remove => self.remove_owned(),
            OnStop::Flush => {
                let owned = owned_keys(&self.engine.config).len();
                if self.flush_table("stop") {
                    owned
                } else {
                    0
                }
            }
            OnStop::Keep => 0,
        };
        Event::Stopped {
            removed_services: removed,
        }
        .emit();
        if let Some(p) = socket {
            let _ = std::fs::remove_file(p);
        }
    }

    /// Delete the owned services as one batch; returns how many went (a
    /// refusal is said, as is a batch that could not be sent).
    fn remove_owned(&self) -> usize {
        let changes: Vec<Change> = owned_keys(&self.engine.config)
            .into_iter()
            .map(Change::DeleteService)
            .collect();
        match self.ipvs.apply_batch(&changes) {
            Ok(r) => {
                for (c, x) in changes.iter().zip(&r) {
                    if let Err(e) = x {
                        Event::ChangeFailed {
                            change: c.ipvsadm_args(),
                            error: e.to_string(),
                            code: e.code(),
                            retry: "none: rvsadmd stops",
                        }
                        .emit();
                    }
                }
                r.iter().filter(|x| x.is_ok()).count()
            }
            Err(e) => {
                Event::StopRemoveFailed {
                    error: e.to_string(),
                    services: changes.len(),
                }
                .emit();
                0
            }
        }
    }
}
