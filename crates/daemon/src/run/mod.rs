//! `rvsadmd run`: checks in parallel, decisions in one place, every
//! tick's changes to the kernel as one pipelined batch.
//!
//! The rooms: this file holds the `Daemon` and its loop (what wakes it:
//! a check result, a control request, the flush of gathered results, the
//! poll of the table, a signal); `sync.rs` reads the table, takes note of
//! changes made by hand and sends what differs; `answer.rs` answers the
//! control requests; `schedule/` starts the checks in their slots, a
//! bounded number per address; `reload.rs` reads the configuration again;
//! `admin.rs` keeps the admin state file; `on_change.rs` watches the
//! file for ldirectord's `autoreload` and `callback`; `table.rs` empties the whole
//! table and sets its timeouts when asked; `stop.rs` stops; `hooks.rs`
//! runs the event hooks, `fifo.rs` writes the notify FIFO,
//! `transitions.rs` tells both (and the events) of destinations up or
//! down and quorums gained or lost; `via_vip.rs` says what the director
//! lacks for checks through the VIP.

mod admin;
mod agents;
mod answer;
mod fifo;
pub mod fleet;
mod hooks;
mod monitor;
mod on_change;
mod reload;
mod schedule;
mod scripts;
mod stop;
mod sync;
mod table;
mod transitions;
mod via_vip;

use crate::config::Config;
use crate::control::server::Asked;
use crate::engine::{CheckId, Engine};
use crate::events::Event;
use crate::health::{Outcome, State};
use crate::metrics::Metrics;
use crate::state::Rejected;
use crate::{notify, service};
use rvsadm::model::ServiceKey;
use rvsadm::Ipvs;
use schedule::Schedule;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// How `rvsadmd run` was asked to run.
pub struct RunOptions {
    /// The configuration to start with.
    pub config: Config,
    /// Reads the configuration again (on reload).
    pub load: Loader,
    /// Overrides the configuration's state file.
    pub state_file: Option<PathBuf>,
    /// Overrides the configuration's control socket.
    pub control_socket: Option<PathBuf>,
    /// How often the table is read for changes made by hand.
    pub poll: Duration,
    /// Overrides the configuration's `metrics_listen`.
    pub metrics_listen: Option<std::net::SocketAddr>,
    /// Fleet mode: the desired state followed in etcd.
    pub fleet: Option<fleet::FleetRun>,
}

/// Reads the configuration (again).
pub type Loader = Box<dyn Fn() -> Result<Config, String> + Send>;

/// What wakes the loop from another task.
enum Msg {
    /// A check's result.
    Result(CheckId, Outcome),
    /// A control request, with where its answer goes.
    Control(Asked),
    /// A feedback agent's answer, or why there was none.
    Agent(
        crate::engine::agents::AgentKey,
        Result<crate::probe::agent::Answer, String>,
    ),
    /// A scrape of `/metrics` asks for the engine's view.
    Metrics(tokio::sync::oneshot::Sender<crate::metrics::view::View>),
    /// Fleet mode's publisher asks for this director's status.
    FleetStatus(tokio::sync::oneshot::Sender<Option<rvsadm_fleet::status::DirectorStatus>>),
}

/// Run until SIGTERM or SIGINT. Errors: the configuration cannot be read,
/// IPVS cannot be used, the control socket cannot be made.
pub fn run(opts: RunOptions) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    rt.block_on(main_loop(opts))
}

/// The daemon: the decisions and what it needs to act on them.
struct Daemon {
    ipvs: Arc<Ipvs>,
    engine: Engine,
    /// Reads the configuration again.
    load: Loader,
    /// The running checks.
    schedule: Schedule,
    state_file: Option<PathBuf>,
    /// Services owned before a reload that the new configuration dropped:
    /// deleted at the next sync.
    dropped: BTreeSet<ServiceKey>,
    /// State-file entries that did not read: reported, written back
    /// untouched.
    rejected: Vec<Rejected>,
    /// The kernel's timeouts before rvsadmd first set them.
    found_timeouts: Option<rvsadm::model::Timeouts>,
    /// The programs run in order, each waited for (`fallback_command`).
    in_order: scripts::InOrder,
    /// The destinations whose results go to a `monitor_file`.
    monitors: monitor::Monitors,
    /// The feedback agents being asked.
    agents: agents::AgentTasks,
    /// What `/metrics` counts.
    metrics: Metrics,
    /// The event hooks' task.
    hooks: hooks::Hooks,
    /// The notify FIFO, if any.
    fifo: fifo::Fifo,
    /// Fleet mode, if on.
    fleet: Option<fleet::Fleet>,
}

impl Daemon {
    /// Take a check's result; returns whether a decision may have changed
    /// (the check's health changed: said as one event per destination it
    /// checks, with the destination's health from all its checks).
    fn on_result(&mut self, id: CheckId, o: Outcome) -> bool {
        self.monitor(id, &o);
        let reason = o.reason.clone();
        let before = self.count_result(id, &o);
        if !self.engine.record(id, o) {
            return false;
        }
        self.metrics.result_changed();
        if let Some(c) = self.engine.check(id) {
            for (dest, was) in c.users.iter().zip(before) {
                let now = self.engine.verdict(dest).state;
                if now != was && now != State::Unknown {
                    self.metrics.transition(dest, now.name());
                }
                let (k, a) = dest;
                Event::Health {
                    service: service::format(k),
                    destination: a.to_string(),
                    // The destination's, from all its checks.
                    health: self.engine.verdict(dest).state.name(),
                    check: c.check.probe.kind(),
                    reason: reason.clone(),
                }
                .emit();
            }
        }
        true
    }

    /// Count a result of check `id` for its destinations; their health
    /// before it.
    fn count_result(&self, id: CheckId, o: &Outcome) -> Vec<State> {
        let Some(c) = self.engine.check(id) else {
            return Vec::new();
        };
        self.metrics.check_result(&c.users, c.check.probe.kind(), o);
        c.users
            .iter()
            .map(|d| self.engine.verdict(d).state)
            .collect()
    }
}

/// When the check results gathered so far are decided on: 20 ms after
/// the first one (results arriving together go in one batch, and a steady
/// stream of results cannot put the write off).
#[derive(Default)]
struct Flush(Option<Instant>);

impl Flush {
    /// A result changed something: decide soon.
    fn arm(&mut self) {
        self.0
            .get_or_insert_with(|| Instant::now() + Duration::from_millis(20));
    }

    /// When to decide (far away when nothing waits).
    fn at(&self) -> Instant {
        self.0
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600))
    }
}

/// SIGHUP (reload), SIGTERM and SIGINT (stop).
struct Signals {
    hup: Signal,
    term: Signal,
    int: Signal,
}

impl Signals {
    fn new() -> Result<Self, String> {
        let on = |k| signal(k).map_err(|e| e.to_string());
        Ok(Signals {
            hup: on(SignalKind::hangup())?,
            term: on(SignalKind::terminate())?,
            int: on(SignalKind::interrupt())?,
        })
    }
}

/// Listen on the control socket (root only: draining a server is an
/// admin act); requests go to the loop.
fn listen(path: &Path, to_loop: mpsc::Sender<Msg>) -> Result<(), String> {
    let _ = std::fs::remove_file(path);
    let l = tokio::net::UnixListener::bind(path)
        .map_err(|e| format!("cannot listen on {}: {e}", path.display()))?;
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    let (ctx, mut crx) = mpsc::channel::<Asked>(64);
    tokio::spawn(crate::control::server::serve(l, ctx));
    tokio::spawn(async move {
        while let Some(a) = crx.recv().await {
            if to_loop.send(Msg::Control(a)).await.is_err() {
                return;
            }
        }
    });
    Ok(())
}

/// Serve `/metrics` on `addr`; scrapes ask the loop for the engine's view.
fn serve_metrics(
    addr: std::net::SocketAddr,
    metrics: Metrics,
    to_loop: mpsc::Sender<Msg>,
) -> Result<(), String> {
    let (ask, mut asked) = mpsc::channel(16);
    crate::metrics::server::listen(addr, ask, metrics)?;
    tokio::spawn(async move {
        while let Some(back) = asked.recv().await {
            if to_loop.send(Msg::Metrics(back)).await.is_err() {
                return;
            }
        }
    });
    Ok(())
}

async fn main_loop(opts: RunOptions) -> Result<(), String> {
    let socket = opts
        .control_socket
        .clone()
        .or_else(|| opts.config.control_socket.clone());
    let poll_every = opts.poll;
    let metrics_at = opts.metrics_listen.or(opts.config.metrics_listen);
    let (tx, mut rx) = mpsc::channel::<Msg>(4096);
    let mut d = Daemon::start(opts, tx.clone())?;
    if let Some(addr) = metrics_at {
        serve_metrics(addr, d.metrics.clone(), tx.clone())?;
    }
    let mut fleet_rx = d.start_fleet(tx.clone());
    if let Some(path) = &socket {
        listen(path, tx)?;
    }
    let mut sig = Signals::new()?;
    via_vip::note_sysctls(&d.engine.config);
    d.prepare_table();
    d.drop_stale_check_services().await;
    // The table as it is: destinations already there keep their weight
    // until their first result.
    d.sync(true).await;
    d.schedule.configure(
        d.engine.checks(),
        d.engine.config.max_checks_in_flight_per_address,
    );
    d.agents.configure(d.engine.agents());
    Event::Started {
        services: d.engine.config.configured().count(),
        checks: d.schedule.len(),
    }
    .emit();
    notify::notify("READY=1");
    let mut poll = tokio::time::interval(poll_every);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut flush = Flush::default();
    // A ramp's step is not taken again sooner (a failed read leaves it
    // due).
    let mut ramp_not_before = Instant::now();
    let mut watch = on_change::Watch::new(d.engine.config.on_change.clone());
    loop {
        let flush_at = tokio::time::sleep_until(flush.at());
        let ramp = d.engine.next_ramp_step().map(Instant::from_std);
        let ramp_at =
            tokio::time::sleep_until(ramp.map_or_else(|| flush.at(), |r| r.max(ramp_not_before)));
        tokio::select! {
            m = rx.recv() => match m {
                Some(Msg::Result(id, o)) => {
                    if d.on_result(id, o) {
                        flush.arm();
                    }
                }
                Some(Msg::Agent(key, got)) => {
                    if d.on_agent(&key, got) {
                        flush.arm();
                    }
                }
                Some(Msg::Control((req, back))) => {
                    if let Err(back) = d.fleet_request(&req, back) {
                        let _ = back.send(d.answer(req).await);
                        watch.set(d.engine.config.on_change.clone());
                    }
                }
                Some(Msg::FleetStatus(back)) => {
                    let _ = back.send(d.director_status());
                }
                Some(Msg::Metrics(back)) => {
                    let view = crate::metrics::view::View::of(&d.engine).with_fleet(d.fleet_row());
                    let _ = back.send(view);
                }
                None => break,
            },
            _ = flush_at, if flush.0.is_some() => {
                flush.0 = None;
                d.sync(false).await;
            }
            _ = ramp_at, if ramp.is_some() => {
                // A slow-start step: the ramping services decided again.
                ramp_not_before = Instant::now() + Duration::from_millis(100);
                d.engine.ramp_due();
                d.sync(false).await;
            }
            _ = poll.tick() => d.sync(true).await,
            wake = fleet::changed(&mut fleet_rx) => d.on_fleet(&mut fleet_rx, wake).await,
            _ = sig.hup.recv() => {
                let _ = d.reload().await;
                watch.set(d.engine.config.on_change.clone());
            }
            _ = watch.tick() => {
                if watch.look() {
                    if watch.reloads() {
                        let _ = d.reload().await;
                        watch.set(d.engine.config.on_change.clone());
                    }
                    watch.call_back();
                }
            }
            _ = sig.term.recv() => break,
            _ = sig.int.recv() => break,
        }
    }
    d.stop(socket.as_deref());
    Ok(())
}
