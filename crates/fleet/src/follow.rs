//! The follower: one task that keeps a director's desired state in step
//! with etcd by the rules of [`crate::watch`] and says whether the store
//! is reachable and since when. The daemon applies what it hands over,
//! and keeps on disk what it applied (not what was received: a revision
//! the daemon refuses never reaches the state file).

use crate::desired::Desired;
use crate::settings::Settings;
use crate::store::{next_reply, Store};
use crate::watch::{self, Backoff, Start, Step, PROGRESS_EVERY};
use crate::Error;
use std::time::SystemTime;
use tokio::sync::watch as chan;
use tokio::time::Instant;

/// Whether etcd is reachable, as the follower last found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreState {
    /// A watch is running (or a list succeeded).
    pub reachable: bool,
    /// Since when it is as said.
    pub since: SystemTime,
    /// Why it is not reachable (the last error).
    pub error: Option<String>,
}

impl StoreState {
    /// Before the first connection.
    pub fn not_connected() -> StoreState {
        StoreState {
            reachable: false,
            since: SystemTime::now(),
            error: Some("not connected yet".into()),
        }
    }
}

/// What the follower tells: the desired state as last received (a new
/// value at each revision), and the store's state.
pub struct Follow {
    /// The desired state.
    pub desired: chan::Receiver<Desired>,
    /// Whether etcd is reachable.
    pub store: chan::Receiver<StoreState>,
}

/// Start following with `initial` (the state file's, or empty) on the
/// current tokio runtime.
pub fn spawn(settings: Settings, initial: Desired) -> Follow {
    let (dtx, drx) = chan::channel(initial.clone());
    let (stx, srx) = chan::channel(StoreState::not_connected());
    tokio::spawn(follow(settings, initial, dtx, stx));
    Follow {
        desired: drx,
        store: srx,
    }
}

/// The follower's channels and state.
struct Follower {
    settings: Settings,
    desired: Desired,
    to_daemon: chan::Sender<Desired>,
    store_state: chan::Sender<StoreState>,
    backoff: Backoff,
}

async fn follow(
    settings: Settings,
    desired: Desired,
    to_daemon: chan::Sender<Desired>,
    store_state: chan::Sender<StoreState>,
) {
    let mut f = Follower {
        settings,
        desired,
        to_daemon,
        store_state,
        backoff: Backoff::default(),
    };
    loop {
        let e = f.session().await;
        f.set_reachable(false, Some(e.to_string()));
        if f.to_daemon.is_closed() {
            return;
        }
        tokio::time::sleep(f.backoff.take()).await;
    }
}

impl Follower {
    /// Say whether the store is reachable (`since` moves only when that
    /// changes).
    fn set_reachable(&self, reachable: bool, error: Option<String>) {
        self.store_state.send_if_modified(|s| {
            let moved = s.reachable != reachable;
            if moved {
                s.since = SystemTime::now();
            }
            s.reachable = reachable;
            let e_moved = s.error != error;
            s.error = error;
            moved || e_moved
        });
    }

    /// Hand the state to the daemon (which applies it, and keeps it on
    /// disk once applied).
    fn hand_over(&mut self) {
        let d = self.desired.clone();
        self.to_daemon.send_if_modified(|old| {
            let moved = *old != d;
            *old = d;
            moved
        });
    }

    /// List the whole desired range and take it as the state.
    async fn relist(&mut self, store: &mut Store) -> Result<(), Error> {
        let (rev, kvs) = store.list_desired().await?;
        let d = Desired::of_list(&store.layout, rev, &kvs);
        self.desired = d;
        self.hand_over();
        self.set_reachable(true, None);
        Ok(())
    }

    /// Connect, then list or resume, and watch until something fails
    /// (returned).
    async fn session(&mut self) -> Error {
        let mut store = match Store::connect(&self.settings).await {
            Ok(s) => s,
            Err(e) => return e,
        };
        let mut need_list = watch::start(self.desired.revision) == Start::List;
        loop {
            if need_list {
                if let Err(e) = self.relist(&mut store).await {
                    return e;
                }
            }
            match self.watch(&mut store).await {
                Ok(()) => need_list = true,
                Err(e) => return e,
            }
        }
    }

    /// Watch from the applied revision + 1; `Ok` when a re-list is
    /// needed (compaction), an error when the watch failed.
    async fn watch(&mut self, store: &mut Store) -> Result<(), Error> {
        let mut w = store.watch(self.desired.revision + 1).await?;
        let endpoints = store.endpoints().to_string();
        let mut heard = Instant::now();
        // The first request a period from now (rule 5).
        let mut tick = tokio::time::interval_at(Instant::now() + PROGRESS_EVERY, PROGRESS_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                r = next_reply(&mut w, &endpoints) => {
                    let Some(r) = r? else {
                        return Err(Error::Store { endpoints, error: "the watch ended".into() });
                    };
                    heard = Instant::now();
                    match watch::step(r, self.desired.revision) {
                        Step::Created => {
                            self.backoff.reset();
                            self.set_reachable(true, None);
                        }
                        Step::Apply { changes, revision } => {
                            for c in &changes {
                                self.desired.apply(&store.layout, c);
                            }
                            self.desired.revision = revision;
                            self.hand_over();
                        }
                        // A sign of life only (rule 4): `heard` is reset above.
                        Step::Progress => self.set_reachable(true, None),
                        Step::Relist { .. } => return Ok(()),
                        Step::Reconnect(why) => return Err(Error::Store { endpoints, error: why }),
                    }
                }
                _ = tick.tick() => {
                    if watch::stale(heard.elapsed()) {
                        return Err(Error::Store {
                            endpoints,
                            error: format!(
                                "no word from the watch for {}s (stale)",
                                heard.elapsed().as_secs()
                            ),
                        });
                    }
                    w.request_progress().await.map_err(|e| Error::Store {
                        endpoints: endpoints.clone(),
                        error: e.to_string(),
                    })?;
                }
            }
        }
    }
}
