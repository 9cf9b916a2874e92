//! The feedback agents' tasks: each agent asked at its interval, never
//! overlapping itself, its answers sent to the loop. A reload keeps the
//! task of an agent configured as before.
//!
//! Agents are few beside checks (one per address and way of asking) and
//! a question is one short connection; they start at a point of their
//! interval that follows from the agent (so that many agents do not ask
//! at once), and are not bounded per address as checks are.

use super::{Daemon, Msg};
use crate::engine::agents::AgentKey;
use crate::events::Event;
use crate::probe::agent::{ask, read_file, Answer};
use crate::probe::agent_reply::AgentWeight;
use crate::service;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::net::SocketAddr;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// The running agents' tasks.
pub(super) struct AgentTasks {
    tasks: HashMap<AgentKey, JoinHandle<()>>,
    to_loop: mpsc::Sender<Msg>,
}

impl AgentTasks {
    /// No agent asked yet.
    pub(super) fn new(to_loop: mpsc::Sender<Msg>) -> Self {
        AgentTasks {
            tasks: HashMap::new(),
            to_loop,
        }
    }

    /// Ask `agents`: a task already running for one goes on; the tasks
    /// of agents no longer configured end.
    pub(super) fn configure(&mut self, agents: Vec<AgentKey>) {
        let mut keep: HashMap<AgentKey, JoinHandle<()>> = HashMap::new();
        for key in agents {
            let task = match self.tasks.remove(&key) {
                Some(t) => t,
                None => spawn(key.clone(), self.to_loop.clone()),
            };
            keep.insert(key, task);
        }
        for (_, gone) in self.tasks.drain() {
            gone.abort();
        }
        self.tasks = keep;
    }
}

impl Drop for AgentTasks {
    fn drop(&mut self) {
        for t in self.tasks.values() {
            t.abort();
        }
    }
}

impl Daemon {
    /// Take an agent's answer; returns whether a decision may have
    /// changed (what the agent says changed: one `agent` event per
    /// destination it speaks for).
    pub(super) fn on_agent(&mut self, key: &AgentKey, got: Result<Answer, String>) -> bool {
        if !self.engine.record_agent(key, got) {
            return false;
        }
        for dest in self.engine.agent_users(key) {
            let Some(a) = self.engine.agent_of(&dest) else {
                continue;
            };
            Event::Agent {
                service: service::format(&dest.0),
                destination: dest.1.to_string(),
                admin: a.admin.name(),
                health: a.health.name(),
                weight: match a.weight {
                    Some(AgentWeight::Absolute(n)) => format!("weight:{n}"),
                    Some(AgentWeight::Percent(p)) => format!("{p}%"),
                    None => "100%".into(),
                },
                maxconn: a.maxconn,
                line: a.last.clone().unwrap_or_default(),
            }
            .emit();
        }
        true
    }
}

/// Ask one agent at its interval, from a start point in its first
/// interval that follows from the agent.
fn spawn(key: AgentKey, to_loop: mpsc::Sender<Msg>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let (ip, a) = &key;
        let target = SocketAddr::new(*ip, a.port);
        let mut next = Instant::now() + offset(&key);
        loop {
            tokio::time::sleep_until(next).await;
            let started = Instant::now();
            let deadline = started + a.timeout;
            let got = match &a.file {
                Some(f) => read_file(f, deadline).await,
                None => ask(target, a.send.as_deref(), deadline).await,
            };
            if to_loop.send(Msg::Agent(key.clone(), got)).await.is_err() {
                return;
            }
            // The next question an interval after this one started, or
            // at once when this one took longer.
            next = (next + a.interval).max(Instant::now());
        }
    })
}

/// Where in its interval an agent is first asked: the same for the same
/// agent at every start.
fn offset(key: &AgentKey) -> std::time::Duration {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    let span = key.1.interval.as_millis().max(1);
    let at = u128::from(h.finish()) % span;
    std::time::Duration::from_millis(u64::try_from(at).unwrap_or(0))
}
