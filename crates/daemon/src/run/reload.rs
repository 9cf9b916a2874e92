//! Reading the configuration again (SIGHUP, `rvsadmd reload`).

use super::sync::owned_keys;
use super::Daemon;
use crate::events::Event;
use crate::notify;

impl Daemon {
    /// Read the configuration again: refused whole when invalid (the old
    /// one stays); else the difference is applied at once, then the
    /// checks follow the new set (an unchanged check runs on in its slot,
    /// its health carried by the engine).
    pub(super) async fn reload(&mut self) -> Result<(), String> {
        notify::reloading();
        let r = self.reload_config().await;
        notify::notify("READY=1");
        if r.is_ok() {
            self.fleet_reloaded();
        }
        r
    }

    async fn reload_config(&mut self) -> Result<(), String> {
        let cfg = match (self.load)() {
            // With the fwmark services of checks through the VIP.
            Ok(cfg) => crate::config::via_vip::expand(cfg, Some(&self.engine.config)),
            Err(e) => {
                self.metrics.reload(false);
                Event::ReloadRefused { error: e.clone() }.emit();
                return Err(e);
            }
        };
        let old = owned_keys(&self.engine.config);
        let new = owned_keys(&cfg);
        self.dropped.extend(old.difference(&new).copied());
        let old_sync_daemon = self.engine.config.sync_daemon.clone();
        self.monitors = super::monitor::Monitors::of(&cfg);
        self.engine.reconfigure(cfg);
        // In fleet mode the drains of the state received go in with its
        // services, before the table is written: a destination added
        // drained never takes traffic.
        if self.apply_drains(&self.fleet_drains()) {
            self.save_state();
        }
        super::via_vip::note_sysctls(&self.engine.config);
        self.hooks.configure(self.engine.config.hooks.clone());
        self.fifo.set(self.engine.config.notify_fifo.as_ref());
        self.set_timeouts();
        self.resync_daemons(old_sync_daemon);
        self.drop_stale_check_services().await;
        // The table first: a check through the VIP needs its fwmark
        // service in the kernel before it runs.
        self.sync(true).await;
        self.schedule.configure(
            self.engine.checks(),
            self.engine.config.max_checks_in_flight_per_address,
        );
        self.agents.configure(self.engine.agents());
        self.metrics.reload(true);
        Event::Reloaded {
            services: self.engine.config.configured().count(),
        }
        .emit();
        Ok(())
    }
}
