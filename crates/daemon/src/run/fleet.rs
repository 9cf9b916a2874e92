//! Fleet mode in the loop: the desired state the follower hands over is
//! applied as a reload (services) and as admin state (drains); `drain`
//! and `ready` go to etcd, and come back through the watch; the
//! director's applied revision and health are published under its key.
//!
//! etcd down: the follower hands nothing over, so nothing is written to
//! the kernel because of it; checks go on deciding as before, and
//! `status` says since when the store is unreachable.

use super::{Daemon, Msg};
use crate::control::{Answer, Request};
use crate::events::Event;
use crate::service::{self, parse as parse_service, parse_dest};
use rvsadm_control::FleetRow;
use rvsadm_fleet::follow::{self, StoreState};
use rvsadm_fleet::status::{DestHealth, DirectorStatus};
use rvsadm_fleet::store::Store;
use rvsadm_fleet::{Desired, Settings};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::{mpsc, oneshot, watch};

/// How often a director publishes its status.
const PUBLISH_EVERY: Duration = Duration::from_secs(2);

/// What `run` needs for fleet mode.
pub struct FleetRun {
    /// The settings.
    pub settings: Settings,
    /// The desired state the loader builds the configuration from.
    pub shared: Arc<Mutex<Desired>>,
}

/// Fleet mode's state in the daemon.
pub(super) struct Fleet {
    settings: Settings,
    shared: Arc<Mutex<Desired>>,
    /// What is applied: the services (as the last reload took them),
    /// the drains and the revision.
    applied: Desired,
    store: StoreState,
}

/// The follower's channels, watched by the loop.
pub(super) struct FleetRx {
    desired: watch::Receiver<Desired>,
    store: watch::Receiver<StoreState>,
}

/// What woke the loop from the follower.
pub(super) enum Wake {
    Desired,
    Store,
}

/// Wait for the follower's next word (never, outside fleet mode).
pub(super) async fn changed(rx: &mut Option<FleetRx>) -> Wake {
    let Some(rx) = rx else {
        return std::future::pending().await;
    };
    tokio::select! {
        r = rx.desired.changed() => match r {
            Ok(()) => Wake::Desired,
            Err(_) => std::future::pending().await,
        },
        r = rx.store.changed() => match r {
            Ok(()) => Wake::Store,
            Err(_) => std::future::pending().await,
        },
    }
}

fn secs(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Fleet {
    /// Fleet mode for `run`, with the state the configuration was built from.
    pub(super) fn new(run: FleetRun) -> Fleet {
        let applied = run.shared.lock().map(|d| d.clone()).unwrap_or_default();
        Fleet {
            settings: run.settings,
            shared: run.shared,
            applied,
            store: StoreState {
                reachable: false,
                since: SystemTime::now(),
                error: Some("not connected yet".into()),
                state_file_error: None,
            },
        }
    }
}

impl Daemon {
    /// Start following etcd and publishing this director's status.
    pub(super) fn start_fleet(&mut self, to_loop: mpsc::Sender<Msg>) -> Option<FleetRx> {
        let f = self.fleet.as_ref()?;
        let follow = follow::spawn(f.settings.clone(), f.applied.clone());
        tokio::spawn(publish(f.settings.clone(), to_loop));
        Some(FleetRx {
            desired: follow.desired,
            store: follow.store,
        })
    }

    /// The follower said something.
    pub(super) async fn on_fleet(&mut self, rx: &mut Option<FleetRx>, wake: Wake) {
        let Some(rx) = rx else { return };
        match wake {
            Wake::Store => {
                let st = rx.store.borrow_and_update().clone();
                if let Some(f) = &mut self.fleet {
                    // Told when it turns, not at each retry.
                    if st.reachable != f.store.reachable {
                        Event::FleetStore {
                            reachable: st.reachable,
                            error: st.error.clone(),
                        }
                        .emit();
                    }
                    if let Some(e) = &st.state_file_error {
                        if f.store.state_file_error.as_ref() != Some(e) {
                            Event::StateNotSaved {
                                file: f.settings.state_file.display().to_string(),
                                error: e.clone(),
                            }
                            .emit();
                        }
                    }
                    f.store = st;
                }
            }
            Wake::Desired => {
                let d = rx.desired.borrow_and_update().clone();
                self.apply_desired(d).await;
            }
        }
    }

    /// Apply a desired state: its services by a reload (refused whole
    /// when they do not read, the old ones kept), its drains as admin
    /// state.
    async fn apply_desired(&mut self, d: Desired) {
        let Some(f) = &mut self.fleet else { return };
        let services_moved = f.applied.services != d.services;
        if let Ok(mut shared) = f.shared.lock() {
            *shared = d.clone();
        }
        f.applied.revision = d.revision;
        if services_moved && self.reload().await.is_ok() {
            if let Some(f) = &mut self.fleet {
                f.applied.services = d.services.clone();
            }
        }
        if self.apply_drains(&d.drains) {
            self.save_state();
            self.sync(true).await;
        }
    }

    /// Make the admin drains those of the fleet; whether any changed.
    pub(super) fn apply_drains(&mut self, drains: &BTreeSet<(String, String)>) -> bool {
        let Some(f) = &mut self.fleet else {
            return false;
        };
        f.applied.drains = drains.clone();
        let wanted: BTreeSet<_> = drains
            .iter()
            .filter_map(|(s, d)| Some((parse_service(s).ok()?, parse_dest(d).ok()?)))
            .collect();
        let mut moved = false;
        for v in self.engine.config.services.clone() {
            let k = v.key();
            for dest in v.dests() {
                let key = (k, dest.addr);
                match (wanted.contains(&key), self.engine.drained.contains(&key)) {
                    (true, false) => {
                        self.engine.drain(k, dest.addr);
                        Event::Drain {
                            service: service::format(&k),
                            destination: dest.addr.to_string(),
                        }
                        .emit();
                        moved = true;
                    }
                    (false, true) => {
                        self.engine.ready(k, Some(dest.addr));
                        Event::Ready {
                            service: service::format(&k),
                            destination: Some(dest.addr.to_string()),
                        }
                        .emit();
                        moved = true;
                    }
                    _ => {}
                }
            }
        }
        moved
    }

    /// In fleet mode, `drain` and `ready` are written to etcd (answered
    /// when written, off the loop); `None` when not in fleet mode or
    /// another request.
    pub(super) fn fleet_request(
        &self,
        req: &Request,
        back: oneshot::Sender<Answer>,
    ) -> Result<(), oneshot::Sender<Answer>> {
        let Some(f) = &self.fleet else {
            return Err(back);
        };
        let (service, dest, drain) = match req {
            Request::Drain {
                service,
                destination,
            } => (service.clone(), Some(destination.clone()), true),
            Request::Ready {
                service,
                destination,
            } => (service.clone(), destination.clone(), false),
            _ => return Err(back),
        };
        // The names as the keys have them (the one text form).
        let named = parse_service(&service).and_then(|k| {
            let d = dest.as_deref().map(parse_dest).transpose()?;
            Ok((service::format(&k), d.map(|d| d.to_string())))
        });
        let (service, dest) = match named {
            Ok(n) => n,
            Err(e) => {
                let _ = back.send(Answer::Refused(e));
                return Ok(());
            }
        };
        // As outside fleet mode: only what the configuration has.
        let known = parse_service(&service)
            .is_ok_and(|k| self.configured(&k, dest.as_deref().and_then(|d| parse_dest(d).ok())));
        if !known {
            let _ = back.send(Answer::Refused(format!(
                "{service} {} is not in the fleet's services",
                dest.as_deref().unwrap_or_default()
            )));
            return Ok(());
        }
        let settings = f.settings.clone();
        let by = f.settings.name.clone().unwrap_or_default();
        tokio::spawn(async move {
            let r = async {
                let mut store = Store::connect(&settings).await?;
                match (drain, dest) {
                    (true, Some(d)) => store.put_drain(&service, &d, &by).await,
                    (_, d) => store.delete_drain(&service, d.as_deref()).await,
                }
            }
            .await;
            let _ = back.send(match r {
                Ok(_) => Answer::Done,
                Err(e) => Answer::Refused(e.to_string()),
            });
        });
        Ok(())
    }

    /// The fleet row of `status`.
    pub(super) fn fleet_row(&self) -> Option<FleetRow> {
        let f = self.fleet.as_ref()?;
        Some(FleetRow {
            director: f.settings.name.clone().unwrap_or_default(),
            revision: f.applied.revision,
            store_reachable: f.store.reachable,
            store_since: f
                .store
                .since
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64()),
            store_error: f.store.error.clone(),
        })
    }

    /// This director's status as published.
    pub(super) fn director_status(&self) -> Option<DirectorStatus> {
        let f = self.fleet.as_ref()?;
        let mut health = Vec::new();
        for v in &self.engine.config.services {
            let k = v.key();
            for d in v.dests() {
                let key = (k, d.addr);
                health.push(DestHealth {
                    service: service::format(&k),
                    destination: d.addr.to_string(),
                    health: self.engine.verdict(&key).state.name().to_string(),
                    weight: self.engine.decision(&key).map(|w| w.map_or(0, |w| w.get())),
                });
            }
        }
        Some(DirectorStatus {
            name: f.settings.name.clone().unwrap_or_default(),
            revision: f.applied.revision,
            store_reachable: f.store.reachable,
            store_since: secs(f.store.since),
            published: secs(SystemTime::now()),
            health,
        })
    }
}

/// Publish this director's status every [`PUBLISH_EVERY`] under its key
/// with a lease (a new one when etcd lost it); failures are retried at
/// the next tick.
async fn publish(settings: Settings, to_loop: mpsc::Sender<Msg>) {
    let mut store: Option<Store> = None;
    let mut lease: Option<i64> = None;
    let mut tick = tokio::time::interval(PUBLISH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let (tx, rx) = oneshot::channel();
        if to_loop.send(Msg::FleetStatus(tx)).await.is_err() {
            return;
        }
        let Ok(Some(mut st)) = rx.await else { continue };
        st.store_reachable = true;
        if store.is_none() {
            store = Store::connect(&settings).await.ok();
            lease = None;
        }
        let Some(s) = store.as_mut() else { continue };
        let ok = async {
            let id = match lease {
                Some(id) if s.renew(id).await? => id,
                _ => s.grant().await?,
            };
            lease = Some(id);
            s.publish(&st, id).await
        }
        .await;
        if ok.is_err() {
            store = None;
        }
    }
}

impl Daemon {
    /// At start in fleet mode: the drains of the state the daemon starts
    /// with (the state file's) are its admin state.
    pub(super) fn start_drains(&mut self) {
        let drains = match &self.fleet {
            Some(f) => f.applied.drains.clone(),
            None => return,
        };
        self.apply_drains(&drains);
    }
}
