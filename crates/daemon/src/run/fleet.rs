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
use rvsadm_fleet::store::{Lease, Store};
use rvsadm_fleet::{Desired, Settings};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::{mpsc, oneshot, watch};

/// How often a director renews its status's lease and looks whether its
/// status changed.
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
    /// The desired state the loader builds the configuration from: the
    /// last one received.
    shared: Arc<Mutex<Desired>>,
    /// What is applied whole, and kept in the state file: the services
    /// the last successful reload took, and the revision and drains of
    /// the last desired state whose services are those.
    applied: Desired,
    /// The last revision whose services the reload refused: not tried
    /// again until the services change.
    refused: Option<Refused>,
    /// What the state file holds (as last written or read).
    saved: Desired,
    /// Why the state file could not be written, as last told.
    save_error: Option<String>,
    store: StoreState,
}

/// A revision whose services a reload refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Refused {
    /// Its revision.
    pub revision: i64,
    /// Its services.
    services: BTreeMap<String, String>,
    /// Why.
    pub error: String,
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
            saved: applied.clone(),
            applied,
            refused: None,
            save_error: None,
            store: StoreState::not_connected(),
        }
    }

    /// Whether `d`'s services are to be reloaded: they are not those
    /// applied, nor those last refused (a refused revision is tried again
    /// only when its services change, not at each drain).
    fn wants_reload(&self, d: &Desired) -> bool {
        d.services != self.applied.services
            && self
                .refused
                .as_ref()
                .is_none_or(|r| r.services != d.services)
    }

    /// A reload took the services of the desired state last received.
    fn took_shared(&mut self) {
        let Ok(d) = self.shared.lock().map(|d| d.clone()) else {
            return;
        };
        // Its drains are applied with it (`apply_desired`), or were when
        // it was received (a local reload).
        self.applied = d;
        self.refused = None;
    }

    /// The reload refused `d`'s services.
    fn refuse(&mut self, d: &Desired, error: String) {
        self.refused = Some(Refused {
            revision: d.revision,
            services: d.services.clone(),
            error,
        });
    }

    /// After `d`'s drains are applied: when its services are those
    /// applied, `d` is applied whole (its revision and drains).
    fn settle(&mut self, d: &Desired) {
        if d.services == self.applied.services {
            self.applied.revision = d.revision;
            self.applied.drains = d.drains.clone();
            self.refused = None;
        }
    }

    /// Keep the applied state in the state file when it moved; the
    /// error to tell when it could not be (told once until it changes).
    fn save(&mut self) -> Option<String> {
        if self.applied == self.saved {
            return None;
        }
        match self.applied.save(&self.settings.state_file) {
            Ok(()) => {
                self.saved = self.applied.clone();
                self.save_error = None;
                None
            }
            Err(e) => {
                let e = e.to_string();
                let tell = self.save_error.as_ref() != Some(&e);
                self.save_error = Some(e.clone());
                tell.then_some(e)
            }
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
    /// when they do not read, the old ones kept, and not tried again
    /// until they change), its drains as admin state, written to the
    /// kernel; then keep what is applied whole in the state file.
    async fn apply_desired(&mut self, d: Desired) {
        let Some(f) = &mut self.fleet else { return };
        if let Ok(mut shared) = f.shared.lock() {
            *shared = d.clone();
        }
        if f.wants_reload(&d) {
            // A success is taken by `fleet_reloaded`.
            if let Err(e) = self.reload().await {
                if let Some(f) = &mut self.fleet {
                    f.refuse(&d, e);
                }
            }
        }
        let moved = self.apply_drains(&d.drains);
        if let Some(f) = &mut self.fleet {
            f.settle(&d);
        }
        if moved {
            // Only the services whose drains moved are decided, from the
            // table as known (as `rvsadmd drain`); the kernel first, the
            // files after, so that a drain waits for no disk. A director
            // stopped in between restarts from the state file's older
            // revision and gets the drain again from the watch.
            self.sync(false).await;
            self.save_state();
        }
        self.save_fleet_state();
    }

    /// A reload succeeded (the fleet's or a local one): its services are
    /// those of the desired state last received, now applied.
    pub(super) fn fleet_reloaded(&mut self) {
        if let Some(f) = &mut self.fleet {
            f.took_shared();
        }
        self.save_fleet_state();
    }

    /// Keep the applied fleet state on disk (`state_not_saved` when it
    /// cannot be).
    fn save_fleet_state(&mut self) {
        let Some(f) = &mut self.fleet else { return };
        if let Some(error) = f.save() {
            Event::StateNotSaved {
                file: f.settings.state_file.display().to_string(),
                error,
            }
            .emit();
        }
    }

    /// The drains of the desired state last received (fleet mode; none
    /// otherwise).
    pub(super) fn fleet_drains(&self) -> BTreeSet<(String, String)> {
        self.fleet
            .as_ref()
            .and_then(|f| f.shared.lock().ok().map(|d| d.drains.clone()))
            .unwrap_or_default()
    }

    /// Make the admin drains those of the fleet; whether any changed.
    pub(super) fn apply_drains(&mut self, drains: &BTreeSet<(String, String)>) -> bool {
        if self.fleet.is_none() {
            return false;
        }
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
            refused_revision: f.refused.as_ref().map(|r| r.revision),
            refused_error: f.refused.as_ref().map(|r| r.error.clone()),
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
            refused: f.refused.as_ref().map(|r| r.revision),
            store_reachable: f.store.reachable,
            store_since: secs(f.store.since),
            published: secs(SystemTime::now()),
            health,
        })
    }
}

/// Keep this director's status under its key: every [`PUBLISH_EVERY`]
/// the lease is renewed (over one keep-alive stream) and the status
/// written only when its content changed (its `published` time aside)
/// or the lease is new, so that a quiet fleet adds nothing to etcd's
/// history. Failures are retried at the next tick, on a new connection.
async fn publish(settings: Settings, to_loop: mpsc::Sender<Msg>) {
    let mut conn: Option<(Store, Lease)> = None;
    // The content last written under the current lease.
    let mut written: Option<DirectorStatus> = None;
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
        let r = async {
            let renewed = match conn.as_mut() {
                Some((_, l)) => l.renew().await?,
                None => false,
            };
            if !renewed {
                written = None;
                conn = None;
                let mut s = Store::connect(&settings).await?;
                let l = s.lease().await?;
                conn = Some((s, l));
            }
            let content = DirectorStatus {
                published: 0,
                ..st.clone()
            };
            if let Some((store, lease)) = conn.as_mut() {
                if written.as_ref() != Some(&content) {
                    store.publish(&st, lease.id).await?;
                    written = Some(content);
                }
            }
            Ok::<(), rvsadm_fleet::Error>(())
        }
        .await;
        if r.is_err() {
            conn = None;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn state(revision: i64, service: &str, drains: &[&str]) -> Desired {
        Desired {
            revision,
            services: BTreeMap::from([("tcp:192.0.2.1:80".to_string(), service.to_string())]),
            drains: drains
                .iter()
                .map(|d| ("tcp:192.0.2.1:80".to_string(), d.to_string()))
                .collect(),
        }
    }

    /// `f` receives `d` as `apply_desired` does, the reload answering
    /// `reload`; whether a reload was tried.
    fn receive(f: &mut Fleet, d: &Desired, reload: Result<(), &str>) -> bool {
        *f.shared.lock().unwrap() = d.clone();
        let tried = f.wants_reload(d);
        if tried {
            match reload {
                Ok(()) => f.took_shared(),
                Err(e) => f.refuse(d, e.to_string()),
            }
        }
        f.settle(d);
        assert_eq!(f.save(), None);
        tried
    }

    #[test]
    fn only_what_the_daemon_applied_is_kept_and_a_refusal_is_not_retried_until_it_changes() {
        let dir = std::env::temp_dir().join(format!("rvsadmd-fleet-keep-{}", std::process::id()));
        let path = dir.join("fleet.json");
        let start = state(3, "a", &[]);
        let mut f = Fleet::new(FleetRun {
            settings: crate::fleet::tests::settings_with(&path),
            shared: Arc::new(Mutex::new(start.clone())),
        });
        let disk = || Desired::load(&path).unwrap();

        // Applied: kept.
        assert!(receive(&mut f, &state(5, "b", &[]), Ok(())));
        assert_eq!(disk(), Some(state(5, "b", &[])));

        // Refused: the applied revision stays, and so does the file.
        assert!(receive(&mut f, &state(7, "bad", &[]), Err("no")));
        assert_eq!(f.applied.revision, 5);
        assert_eq!(f.refused.as_ref().map(|r| r.revision), Some(7));
        assert_eq!(disk(), Some(state(5, "b", &[])));

        // A drain at the next revision: the same refused services are not
        // reloaded again, and nothing moves.
        assert!(!receive(&mut f, &state(8, "bad", &["10.0.0.1:80"]), Ok(())));
        assert_eq!(f.applied.revision, 5);
        assert_eq!(disk(), Some(state(5, "b", &[])));

        // The services changed: tried again, applied, kept.
        assert!(receive(&mut f, &state(9, "c", &["10.0.0.1:80"]), Ok(())));
        assert_eq!(f.refused, None);
        assert_eq!(disk(), Some(state(9, "c", &["10.0.0.1:80"])));

        // A drain alone: no reload, kept at its revision.
        assert!(!receive(&mut f, &state(10, "c", &[]), Err("never asked")));
        assert_eq!(disk(), Some(state(10, "c", &[])));

        // Refused, then the services back to those applied: settled
        // without a reload.
        assert!(receive(&mut f, &state(11, "bad", &[]), Err("no")));
        assert!(!receive(&mut f, &state(12, "c", &[]), Err("never asked")));
        assert_eq!(f.refused, None);
        assert_eq!(disk(), Some(state(12, "c", &[])));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_state_file_that_cannot_be_written_is_told_once() {
        let dir = std::env::temp_dir().join(format!("rvsadmd-fleet-nosave-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // A directory where the file's parent should be.
        let blocker = dir.join("file");
        std::fs::write(&blocker, "").unwrap();
        let mut f = Fleet::new(FleetRun {
            settings: crate::fleet::tests::settings_with(&blocker.join("fleet.json")),
            shared: Arc::new(Mutex::new(Desired::default())),
        });
        f.applied = state(5, "b", &[]);
        assert!(f.save().is_some());
        f.applied = state(6, "b", &[]);
        assert_eq!(f.save(), None);
        let _ = std::fs::remove_dir_all(dir);
    }
}
