//! Stopping (SIGTERM, SIGINT): the checks end, the admin state is saved,
//! and the owned services whose `on_stop` is `"remove"` (a service's
//! own, else the configuration's) are deleted (with `"flush"` the whole
//! table is emptied).

use super::sync::owned_keys;
use super::Daemon;
use crate::config::{Config, OnStop};
use crate::events::Event;
use crate::notify;
use rvsadm::model::{Change, ServiceKey};
use std::collections::BTreeSet;
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
            OnStop::Flush => {
                let owned = owned_keys(&self.engine.config).len();
                if self.flush_table("stop") {
                    owned
                } else {
                    0
                }
            }
            _ => self.remove_owned(),
        };
        Event::Stopped {
            removed_services: removed,
        }
        .emit();
        if let Some(p) = socket {
            let _ = std::fs::remove_file(p);
        }
    }

    /// Delete the owned services whose stop is `remove` (each service's
    /// own `on_stop`, else the configuration's) as one batch; returns how
    /// many went (a refusal is said, as is a batch that could not be
    /// sent).
    fn remove_owned(&self) -> usize {
        let cfg = &self.engine.config;
        let changes: Vec<Change> = removed_at_stop(cfg)
            .into_iter()
            .map(Change::DeleteService)
            .collect();
        if changes.is_empty() {
            return 0;
        }
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

/// The owned services stop deletes: those whose stop is `remove`.
fn removed_at_stop(cfg: &Config) -> BTreeSet<ServiceKey> {
    cfg.services
        .iter()
        .filter(|v| v.on_stop(cfg.on_stop) == OnStop::Remove)
        .map(|v| v.key())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ldirectord::parse;

    #[test]
    fn each_service_is_deleted_or_kept_by_its_own_on_stop() {
        let c = parse(
            std::path::Path::new("ld.cf"),
            "cleanstop=no\nvirtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n    cleanstop=yes\n    service=none\nvirtual=192.0.2.1:81\n    real=10.0.0.1:81 masq\n",
        )
        .unwrap();
        let gone: Vec<String> = removed_at_stop(&c).iter().map(|k| k.to_string()).collect();
        assert_eq!(gone, [c.services[0].key().to_string()]);
        let mut flush = c.clone();
        flush.on_stop = OnStop::Flush;
        assert_eq!(flush.services[1].on_stop(flush.on_stop), OnStop::Flush);
    }
}
