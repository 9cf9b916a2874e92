//! `rvsadmd run`: checks in parallel, decisions in one place, every
//! tick's changes to the kernel as one pipelined batch.

use super::config::{Check, Config, OnStop};
use super::control::answer::Status;
use super::control::server::{self, Asked};
use super::control::{Answer, Request};
use super::engine::Engine;
use super::events::Event;
use super::health::Outcome;
use super::probe;
use super::service::{self, parse as parse_service, parse_dest};
use super::state::AdminState;
use super::state::Rejected;
use rvsadm::model::{Change, ServiceKey, Snapshot};
use rvsadm::reconcile::{self, Options, Outcome as StepOutcome};
use rvsadm::Ipvs;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// How `rvsadmd run` was asked to run.
pub struct RunOptions {
    /// The configuration to start with.
    pub config: Config,
    /// Reads the configuration again (on reload).
    pub load: Box<dyn Fn() -> Result<Config, String> + Send>,
    /// Overrides the configuration's state file.
    pub state_file: Option<PathBuf>,
    /// Overrides the configuration's control socket.
    pub control_socket: Option<PathBuf>,
    /// How often the table is read for changes made by hand.
    pub poll: Duration,
}

enum Msg {
    Result(Check, Outcome),
    Control(Asked),
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

/// The owned services as the kernel has them (without counters).
fn read_owned(ipvs: &Ipvs, owned: &BTreeSet<ServiceKey>) -> rvsadm::Result<Snapshot> {
    let mut services: Vec<_> = ipvs
        .services()?
        .into_iter()
        .filter(|s| owned.contains(&s.key))
        .collect();
    let keys: Vec<ServiceKey> = services.iter().map(|s| s.key).collect();
    for (s, d) in services
        .iter_mut()
        .zip(ipvs.destinations_without_stats_of(&keys)?)
    {
        s.destinations = d;
    }
    Ok(Snapshot {
        services,
        ..Snapshot::default()
    })
}

fn owned_keys(cfg: &Config) -> BTreeSet<ServiceKey> {
    cfg.services.iter().map(|v| v.key()).collect()
}

struct Daemon {
    ipvs: Arc<Ipvs>,
    engine: Engine,
    state_file: Option<PathBuf>,
    /// Services owned before a reload that the new configuration dropped:
    /// deleted at the next sync.
    dropped: BTreeSet<ServiceKey>,
    /// The owned services as last read, kept in step with our own writes
    /// (`None`: read before the next decision). Decisions on check
    /// results use it; a look for changes made by hand reads the table.
    table: Option<Snapshot>,
    /// State-file entries that did not read: reported, written back
    /// untouched.
    rejected: Vec<Rejected>,
}

impl Daemon {
    /// The owned services (and those a reload dropped) as the kernel has
    /// them now, read off the runtime's thread.
    async fn read_now(&self) -> Result<rvsadm::Result<Snapshot>, tokio::task::JoinError> {
        let ipvs = self.ipvs.clone();
        let mut owned = owned_keys(&self.engine.config);
        owned.extend(self.dropped.iter().copied());
        tokio::task::spawn_blocking(move || read_owned(&ipvs, &owned)).await
    }

    /// Decide and send what differs as one batch. With `look`, or when
    /// no copy is kept, the owned services are read first and changes
    /// made by hand taken note of; else the kept copy is decided from.
    async fn sync(&mut self, look: bool) {
        // Health changed for these services; a full decision covers them.
        let changed = self.engine.take_changed();
        let (live, only) = match self.table.take() {
            Some(t) if !look => (t, Some(changed)),
            _ => match self.read_now().await {
                Ok(Ok(l)) => {
                    self.observe(&l);
                    (l, None)
                }
                Ok(Err(e)) => {
                    Event::ReadFailed {
                        error: e.to_string(),
                        code: Some(e.code()),
                    }
                    .emit();
                    return;
                }
                Err(e) => {
                    Event::ReadFailed {
                        error: e.to_string(),
                        code: None,
                    }
                    .emit();
                    return;
                }
            },
        };
        self.decide(live, only.as_ref()).await;
    }

    /// Take note of changes made by hand in the table as read (and save
    /// them in the state file, so that a restart keeps them too).
    fn observe(&mut self, live: &Snapshot) {
        let before = self.engine.overrides.clone();
        let deleted_before = self.engine.deleted_services().clone();
        self.engine.observe(live);
        let mut new = false;
        for (k, o) in &self.engine.overrides {
            if before.get(k) != Some(o) {
                new = true;
                Event::Override {
                    service: service::format(&k.0),
                    destination: Some(k.1.to_string()),
                    kept: format!("{o:?}"),
                }
                .emit();
            }
        }
        for k in self.engine.deleted_services().difference(&deleted_before) {
            new = true;
            Event::Override {
                service: service::format(k),
                destination: None,
                kept: "deleted by hand".into(),
            }
            .emit();
        }
        if new {
            self.save_state();
        }
    }

    /// Plan the desired state (of the services in `only`, or of all)
    /// against `live`, send it, and keep `live` in step with what the
    /// kernel accepted.
    async fn decide(&mut self, mut live: Snapshot, only: Option<&BTreeSet<ServiceKey>>) {
        let desired = self.engine.desired(&live, only);
        let mut plan = match reconcile::plan(&desired, &live, &Options::default()) {
            Ok(p) => p,
            Err(e) => {
                Event::PlanFailed {
                    error: e.to_string(),
                }
                .emit();
                return;
            }
        };
        for k in &self.dropped {
            if live.service(k).is_some() {
                plan.steps.push(reconcile::Step {
                    action: reconcile::Action::Delete,
                    change: Change::DeleteService(*k),
                    before: None,
                });
            }
        }
        self.dropped.clear();
        if plan.steps.is_empty() {
            self.table = Some(live);
            return;
        }
        let changes = plan.changes();
        let ipvs = self.ipvs.clone();
        let started = Instant::now();
        let sent = tokio::task::spawn_blocking(move || ipvs.apply_batch(&changes)).await;
        let outcomes: Vec<StepOutcome> = match sent {
            Ok(Ok(r)) => r.into_iter().map(StepOutcome::from).collect(),
            Ok(Err(e)) => {
                Event::WriteFailed {
                    error: e.to_string(),
                    changes: Some(plan.steps.len()),
                }
                .emit();
                return;
            }
            Err(e) => {
                Event::WriteFailed {
                    error: e.to_string(),
                    changes: None,
                }
                .emit();
                return;
            }
        };
        let failed = outcomes
            .iter()
            .filter(|o| matches!(o, StepOutcome::Failed(_)))
            .count();
        // A refused change means the table is not what we thought: read
        // it again before the next decision.
        if failed == 0 {
            for s in &plan.steps {
                live.record(&s.change);
            }
            self.table = Some(live);
        }
        for (s, o) in plan.steps.iter().zip(&outcomes) {
            let what = s.change.ipvsadm_args();
            match o {
                StepOutcome::Failed(e) => Event::ChangeFailed {
                    change: what,
                    error: e.to_string(),
                    code: e.code(),
                    retry: "next sync",
                },
                _ => Event::Change { change: what },
            }
            .emit();
        }
        Event::Batch {
            changes: outcomes.len(),
            failed,
            ms: started.elapsed().as_secs_f64() * 1e3,
        }
        .emit();
        self.engine.written(&plan.steps, &outcomes);
    }

    fn save_state(&self) {
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

    fn control(&mut self, req: Request) -> (Answer, bool) {
        let known = |e: &Engine, k: &ServiceKey, d: Option<std::net::SocketAddr>| {
            e.config.services.iter().any(|v| {
                v.key() == *k && d.map_or(true, |a| v.spec.destinations.iter().any(|x| x.addr == a))
            })
        };
        match req {
            // Answered by `status`, which reads the table.
            Request::Status => (Answer::Done, false),
            Request::Drain {
                service,
                destination,
            } => {
                let (k, d) = match (parse_service(&service), parse_dest(&destination)) {
                    (Ok(k), Ok(d)) => (k, d),
                    (Err(e), _) | (_, Err(e)) => return (Answer::Refused(e), false),
                };
                if !known(&self.engine, &k, Some(d)) {
                    return (
                        Answer::Refused(format!("{d} of {service} is not in the configuration")),
                        false,
                    );
                }
                self.engine.drain(k, d);
                Event::Drain {
                    service: service::format(&k),
                    destination: d.to_string(),
                }
                .emit();
                self.save_state();
                (Answer::Done, true)
            }
            Request::Ready {
                service,
                destination,
            } => {
                let k = match parse_service(&service) {
                    Ok(k) => k,
                    Err(e) => return (Answer::Refused(e), false),
                };
                let d = match destination.as_deref().map(parse_dest).transpose() {
                    Ok(d) => d,
                    Err(e) => return (Answer::Refused(e), false),
                };
                if !known(&self.engine, &k, d) {
                    return (
                        Answer::Refused(format!(
                            "{service} {} is not in the configuration",
                            destination.unwrap_or_default()
                        )),
                        false,
                    );
                }
                self.engine.ready(k, d);
                Event::Ready {
                    service: service::format(&k),
                    destination: d.map(|d| d.to_string()),
                }
                .emit();
                self.save_state();
                (Answer::Done, true)
            }
            Request::Reload => (Answer::Done, true),
        }
    }

    /// `rvsadmd status`: decide first, then show the table as it is after
    /// that.
    async fn status(&mut self) -> Answer {
        self.sync(true).await;
        // The table just read, with the writes the kernel accepted since;
        // read again only when that sync could not keep it.
        if let Some(live) = &self.table {
            return self.status_of(live);
        }
        match self.read_now().await {
            Ok(Ok(live)) => self.status_of(&live),
            Ok(Err(e)) => Answer::Refused(e.to_string()),
            Err(e) => Answer::Refused(e.to_string()),
        }
    }

    /// The answer to `status` from `live`: the rows, and the state-file
    /// entries set aside (when there are).
    fn status_of(&self, live: &Snapshot) -> Answer {
        Answer::Status(Status {
            destinations: self.engine.status(live),
            rejected: self.rejected.clone(),
        })
    }

    fn reload(&mut self, loaded: Result<Config, String>) -> Result<(), String> {
        let cfg = loaded?;
        let old = owned_keys(&self.engine.config);
        let new = owned_keys(&cfg);
        self.dropped.extend(old.difference(&new).copied());
        self.engine.reconfigure(cfg);
        self.table = None;
        Ok(())
    }
}

/// Spread the checks' first starts over one interval each, then run each
/// at its interval, never overlapping itself.
///
/// Starts are gathered in slots (10 ms, or a twentieth of a shorter
/// interval): checks of one interval whose starts fall in one slot wake
/// the runtime once, not once each, and their deadlines are computed
/// from the slot, without reading the clock.
fn spawn_checks(checks: Vec<Check>, tx: mpsc::Sender<Msg>) -> Vec<tokio::task::JoinHandle<()>> {
    let checks: Vec<Check> = checks
        .into_iter()
        .filter(|c| c.probe != super::config::Probe::Unchecked)
        .collect();
    let n = checks.len().max(1) as u32;
    let epoch = tokio::time::Instant::now();
    checks
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let tx = tx.clone();
            let offset = slotted(
                c.interval.mul_f64(f64::from(i as u32 % n) / f64::from(n)),
                slot_of(c.interval),
            );
            tokio::spawn(async move {
                let mut next = epoch + offset;
                loop {
                    tokio::time::sleep_until(next).await;
                    let o = probe::run(&c.probe, next, c.timeout).await;
                    // The probe read the clock when it ended: its start
                    // plus its latency is now.
                    let ended = next + o.latency;
                    if tx.send(Msg::Result(c.clone(), o)).await.is_err() {
                        return;
                    }
                    next += c.interval;
                    if next < ended {
                        // A probe longer than the interval: start again at
                        // once, and keep the spread from now on.
                        next = ended;
                    }
                }
            })
        })
        .collect()
}

/// The slot check starts are gathered in, for checks at `interval`.
fn slot_of(interval: Duration) -> Duration {
    Duration::from_millis(10).min(interval / 20)
}

/// `offset` rounded down to a whole number of slots.
fn slotted(offset: Duration, slot: Duration) -> Duration {
    if slot.is_zero() {
        return offset;
    }
    let k = offset.as_nanos() / slot.as_nanos();
    slot * u32::try_from(k).unwrap_or(u32::MAX)
}

/// Read the configuration again: refused whole when invalid (the old one
/// stays); else the checks start over on the new set (health carried by
/// the engine) and the difference is applied at once.
async fn reload_now(
    d: &mut Daemon,
    load: &dyn Fn() -> Result<Config, String>,
    tasks: &mut Vec<tokio::task::JoinHandle<()>>,
    tx: &mpsc::Sender<Msg>,
) -> Result<(), String> {
    super::notify::reloading();
    let r = reload_config(d, load, tasks, tx).await;
    super::notify::notify("READY=1");
    r
}

async fn reload_config(
    d: &mut Daemon,
    load: &dyn Fn() -> Result<Config, String>,
    tasks: &mut Vec<tokio::task::JoinHandle<()>>,
    tx: &mpsc::Sender<Msg>,
) -> Result<(), String> {
    match d.reload(load()) {
        Ok(()) => {
            for t in tasks.drain(..) {
                t.abort();
            }
            *tasks = spawn_checks(d.engine.checks(), tx.clone());
            Event::Reloaded {
                services: d.engine.config.services.len(),
            }
            .emit();
            d.sync(true).await;
            Ok(())
        }
        Err(e) => {
            Event::ReloadRefused { error: e.clone() }.emit();
            Err(e)
        }
    }
}

async fn main_loop(opts: RunOptions) -> Result<(), String> {
    let RunOptions {
        config: cfg,
        load,
        state_file,
        control_socket,
        poll,
    } = opts;
    let state_file = state_file.or_else(|| cfg.state_file.clone());
    let control_socket = control_socket.or_else(|| cfg.control_socket.clone());
    for note in &cfg.notes {
        Event::Note { note: note.clone() }.emit();
    }
    let ipvs = Arc::new(Ipvs::connect().map_err(|e| e.to_string())?);
    let mut engine = Engine::new(cfg);
    let mut rejected = Vec::new();
    if let Some(p) = &state_file {
        if let Some(st) = AdminState::load(p)? {
            st.restore(&mut engine);
            for r in &st.rejected {
                Event::StateEntryRejected {
                    file: p.display().to_string(),
                    rejected: r.clone(),
                }
                .emit();
            }
            rejected = st.rejected;
        }
    }
    let mut d = Daemon {
        ipvs: ipvs.clone(),
        engine,
        state_file,
        dropped: BTreeSet::new(),
        table: None,
        rejected,
    };
    let (tx, mut rx) = mpsc::channel::<Msg>(4096);
    if let Some(path) = &control_socket {
        let _ = std::fs::remove_file(path);
        let l = tokio::net::UnixListener::bind(path)
            .map_err(|e| format!("cannot listen on {}: {e}", path.display()))?;
        use std::os::unix::fs::PermissionsExt;
        // Root only: draining a server is an admin act.
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        let (ctx, mut crx) = mpsc::channel::<Asked>(64);
        tokio::spawn(server::serve(l, ctx));
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Some(a) = crx.recv().await {
                if tx.send(Msg::Control(a)).await.is_err() {
                    return;
                }
            }
        });
    }
    use tokio::signal::unix::{signal, SignalKind};
    let mut hup = signal(SignalKind::hangup()).map_err(|e| e.to_string())?;
    let mut term = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let mut int = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;

    // The table as it is: destinations already there keep their weight
    // until their first result.
    d.sync(true).await;
    let mut tasks = spawn_checks(d.engine.checks(), tx.clone());
    Event::Started {
        services: d.engine.config.services.len(),
        checks: tasks.len(),
    }
    .emit();
    super::notify::notify("READY=1");
    let mut poll = tokio::time::interval(poll);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut dirty = false;
    // When the changes gathered so far are sent: 20 ms after the first
    // one (results arriving together go in one batch, and a steady stream
    // of results cannot put the write off).
    let mut flush_at = tokio::time::Instant::now();
    loop {
        if !dirty {
            flush_at = tokio::time::Instant::now() + Duration::from_secs(3600);
        }
        let flush = tokio::time::sleep_until(flush_at);
        tokio::select! {
            m = rx.recv() => match m {
                Some(Msg::Result(c, o)) => {
                    let reason = o.reason.clone();
                    if d.engine.record(&c, o) {
                        if !dirty {
                            flush_at = tokio::time::Instant::now() + Duration::from_millis(20);
                        }
                        dirty = true;
                        let st = d.engine.health.get(&c).map(|h| h.state.name()).unwrap_or("unknown");
                        for (k, a) in d.engine.destinations_of(&c) {
                            Event::Health {
                                service: service::format(k),
                                destination: a.to_string(),
                                health: st,
                                check: c.probe.kind(),
                                reason: reason.clone(),
                            }
                            .emit();
                        }
                    }
                }
                Some(Msg::Control((req, answer))) => {
                    let reload = matches!(req, Request::Reload);
                    if matches!(req, Request::Status) {
                        let _ = answer.send(d.status().await);
                        continue;
                    }
                    let (v, changed) = d.control(req);
                    if reload {
                        let r = reload_now(&mut d, &*load, &mut tasks, &tx).await;
                        let _ = answer.send(match r {
                            Ok(()) => v,
                            Err(e) => Answer::Refused(e),
                        });
                    } else {
                        if changed { d.sync(true).await; }
                        let _ = answer.send(v);
                    }
                }
                None => break,
            },
            _ = flush, if dirty => {
                dirty = false;
                d.sync(false).await;
            }
            _ = poll.tick() => { d.sync(true).await; }
            _ = hup.recv() => {
                let _ = reload_now(&mut d, &*load, &mut tasks, &tx).await;
            }
            _ = term.recv() => break,
            _ = int.recv() => break,
        }
    }
    super::notify::notify("STOPPING=1");
    for t in tasks {
        t.abort();
    }
    d.save_state();
    if d.engine.config.on_stop == OnStop::Remove {
        let keys: Vec<ServiceKey> = owned_keys(&d.engine.config).into_iter().collect();
        let changes: Vec<Change> = keys.iter().map(|k| Change::DeleteService(*k)).collect();
        let n = match ipvs.apply_batch(&changes) {
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
        };
        Event::Stopped {
            removed_services: n,
        }
        .emit();
    } else {
        Event::Stopped {
            removed_services: 0,
        }
        .emit();
    }
    if let Some(p) = &control_socket {
        let _ = std::fs::remove_file(p);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_are_gathered_in_slots() {
        let ms = Duration::from_millis;
        assert_eq!(slot_of(ms(1000)), ms(10));
        assert_eq!(slot_of(ms(100)), ms(5));
        assert_eq!(slotted(ms(1234), ms(10)), ms(1230));
        assert_eq!(slotted(ms(9), ms(10)), ms(0));
        assert_eq!(slotted(ms(7), Duration::ZERO), ms(7));
    }
}
