//! Event hooks: each event of a hook's `on` runs its command, the
//! event's JSON line on its standard input and its fields in the
//! environment (`RVSADM_EVENT`, `RVSADM_SERVICE` ...: [`env_of`]).
//!
//! A task of its own hears every event ([`crate::events::listen`]),
//! plans the runs (the hooks that match, each within its rate limit:
//! the others dropped and told as `hook_dropped`) and spawns them, at
//! most [`MAX_RUNNING`] at once; one that runs past its timeout is
//! killed with its process group (`hook_failed`). The loop and the
//! checks never wait for a hook.

use crate::config::Hook;
use crate::events::{self, Event};
use crate::probe::exec;
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::Arc;
use tokio::sync::{mpsc, Semaphore};
use tokio::time::Instant;

/// Hook commands running at once, all hooks together; the runs beyond
/// wait for one to end (their timeout counts from their start).
pub const MAX_RUNNING: usize = 8;

/// What the hooks' task hears.
enum Msg {
    /// An event's JSON document.
    Event(Value),
    /// The hooks of a configuration read again.
    Configure(Vec<Hook>),
}

/// The hooks' task: hears every event from its start.
pub(super) struct Hooks(mpsc::UnboundedSender<Msg>);

impl Hooks {
    /// Start the task with `hooks`; call it within a tokio runtime.
    pub(super) fn start(hooks: Vec<Hook>) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let feed = tx.clone();
        events::listen(Some(Box::new(move |doc| {
            let _ = feed.send(Msg::Event(doc));
        })));
        tokio::spawn(serve(rx, Planner::new(hooks)));
        Hooks(tx)
    }

    /// Take the hooks of a configuration read again (a hook unchanged at
    /// the same place keeps its rate count).
    pub(super) fn configure(&self, hooks: Vec<Hook>) {
        let _ = self.0.send(Msg::Configure(hooks));
    }
}

async fn serve(mut rx: mpsc::UnboundedReceiver<Msg>, mut planner: Planner) {
    let slots = Arc::new(Semaphore::new(MAX_RUNNING));
    while let Some(m) = rx.recv().await {
        let doc = match m {
            Msg::Configure(h) => {
                planner = planner.reconfigured(h);
                continue;
            }
            Msg::Event(doc) => doc,
        };
        for step in planner.plan(&doc, Instant::now()) {
            match step {
                Step::Run(r) => {
                    tokio::spawn(run(r, slots.clone()));
                }
                Step::Drop {
                    hook,
                    trigger,
                    dropped,
                } => Event::HookDropped {
                    hook,
                    trigger,
                    dropped,
                }
                .emit(),
            }
        }
    }
}

/// Run one hook when a slot is free; `hook_failed` if it did not end
/// well.
async fn run(r: Run, slots: Arc<Semaphore>) {
    let Ok(_slot) = slots.acquire_owned().await else {
        return;
    };
    let deadline = Instant::now() + r.timeout;
    if let Err(error) = exec::feed(&r.command, &r.env, r.input, deadline).await {
        Event::HookFailed {
            hook: r.hook,
            trigger: r.trigger,
            error,
        }
        .emit();
    }
}

/// A run planned.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Run {
    /// The hook, from 1.
    hook: usize,
    /// The event's name.
    trigger: String,
    command: Vec<String>,
    env: Vec<(String, String)>,
    /// The event's JSON line.
    input: Vec<u8>,
    timeout: std::time::Duration,
}

/// What an event does to one hook.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Run(Run),
    /// Over its rate limit.
    Drop {
        hook: usize,
        trigger: String,
        dropped: u64,
    },
}

/// A hook and its runs so far.
#[derive(Debug, Clone)]
struct Planned {
    hook: Hook,
    /// Its starts within the last period, oldest first.
    starts: VecDeque<Instant>,
    /// Runs dropped so far.
    dropped: u64,
}

impl Planned {
    /// Whether the hook may start at `now` (counted if so): fewer than
    /// `runs` starts within the `per` before it.
    fn allow(&mut self, now: Instant) -> bool {
        let per = self.hook.rate_limit.per;
        while self.starts.front().is_some_and(|s| *s + per <= now) {
            self.starts.pop_front();
        }
        if self.starts.len() < self.hook.rate_limit.runs as usize {
            self.starts.push_back(now);
            return true;
        }
        self.dropped += 1;
        false
    }
}

/// The hooks and their rate counts.
#[derive(Debug, Clone)]
struct Planner(Vec<Planned>);

impl Planner {
    fn new(hooks: Vec<Hook>) -> Self {
        Planner(
            hooks
                .into_iter()
                .map(|hook| Planned {
                    hook,
                    starts: VecDeque::new(),
                    dropped: 0,
                })
                .collect(),
        )
    }

    /// `hooks` instead, the counts of those unchanged at the same place
    /// kept.
    fn reconfigured(self, hooks: Vec<Hook>) -> Self {
        let mut next = Planner::new(hooks);
        for (new, old) in next.0.iter_mut().zip(self.0) {
            if new.hook == old.hook {
                *new = old;
            }
        }
        next
    }

    /// What event `doc` does to each hook whose `on` names it, in the
    /// hooks' order.
    fn plan(&mut self, doc: &Value, now: Instant) -> Vec<Step> {
        let Some(name) = doc.get("event").and_then(Value::as_str) else {
            return Vec::new();
        };
        let mut steps = Vec::new();
        for (i, p) in self.0.iter_mut().enumerate() {
            if !p.hook.on.iter().any(|e| e == name) {
                continue;
            }
            let hook = i + 1;
            let trigger = name.to_string();
            if !p.allow(now) {
                steps.push(Step::Drop {
                    hook,
                    trigger,
                    dropped: p.dropped,
                });
                continue;
            }
            steps.push(Step::Run(Run {
                hook,
                trigger,
                command: p.hook.command.clone(),
                env: env_of(doc),
                input: format!("{doc}\n").into_bytes(),
                timeout: p.hook.timeout,
            }));
        }
        steps
    }
}

/// The environment of a hook: each field of the event's document as
/// `RVSADM_` and its name in capitals (`event` → `RVSADM_EVENT`,
/// `service` → `RVSADM_SERVICE`); a text as it is, a number or a truth
/// as its JSON text, `null` as an empty value.
pub fn env_of(doc: &Value) -> Vec<(String, String)> {
    let Some(fields) = doc.as_object() else {
        return Vec::new();
    };
    fields
        .iter()
        .map(|(k, v)| {
            let value = match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                v => v.to_string(),
            };
            (format!("{}{}", exec::FED_PREFIX, k.to_uppercase()), value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RateLimit;
    use std::time::Duration;

    fn hook(on: &[&str], runs: u32, per: u64) -> Hook {
        Hook {
            on: on.iter().map(|s| s.to_string()).collect(),
            command: vec!["/bin/true".into()],
            timeout: Duration::from_secs(5),
            rate_limit: RateLimit {
                runs,
                per: Duration::from_secs(per),
            },
        }
    }

    fn down() -> Value {
        Event::DestinationDown {
            service: "tcp:192.0.2.1:80".into(),
            destination: "10.0.0.1:80".into(),
        }
        .to_json(12.5)
    }

    fn hooks_of(steps: &[Step]) -> Vec<(usize, bool)> {
        steps
            .iter()
            .map(|s| match s {
                Step::Run(r) => (r.hook, true),
                Step::Drop { hook, .. } => (*hook, false),
            })
            .collect()
    }

    #[test]
    fn only_the_hooks_naming_the_event_run_in_their_order() {
        let mut p = Planner::new(vec![
            hook(&["destination_up"], 5, 60),
            hook(&["destination_down", "destination_up"], 5, 60),
            hook(&["drain"], 5, 60),
            hook(&["destination_down"], 5, 60),
        ]);
        let now = Instant::now();
        assert_eq!(hooks_of(&p.plan(&down(), now)), [(2, true), (4, true)]);
        let drain = Event::Drain {
            service: "tcp:192.0.2.1:80".into(),
            destination: "10.0.0.1:80".into(),
        }
        .to_json(1.0);
        assert_eq!(hooks_of(&p.plan(&drain, now)), [(3, true)]);
        // Events no hook names, and the hooks' own, run nothing.
        let hd = Event::HookDropped {
            hook: 1,
            trigger: "drain".into(),
            dropped: 1,
        }
        .to_json(1.0);
        assert!(p.plan(&hd, now).is_empty());
        assert!(p.plan(&serde_json::json!({"no": "event"}), now).is_empty());
    }

    #[test]
    fn a_run_has_the_line_on_stdin_and_the_fields_in_its_environment() {
        let mut p = Planner::new(vec![hook(&["destination_down"], 1, 60)]);
        let steps = p.plan(&down(), Instant::now());
        let [Step::Run(r)] = steps.as_slice() else {
            panic!("{steps:?}")
        };
        assert_eq!(
            String::from_utf8(r.input.clone()).unwrap(),
            "{\"destination\":\"10.0.0.1:80\",\"event\":\"destination_down\",\"service\":\"tcp:192.0.2.1:80\",\"time\":12.5}\n"
        );
        let env: Vec<(&str, &str)> = r
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            env,
            [
                ("RVSADM_DESTINATION", "10.0.0.1:80"),
                ("RVSADM_EVENT", "destination_down"),
                ("RVSADM_SERVICE", "tcp:192.0.2.1:80"),
                ("RVSADM_TIME", "12.5"),
            ]
        );
        let ready = Event::Ready {
            service: "fwmark:7".into(),
            destination: None,
        }
        .to_json(1.0);
        assert!(env_of(&ready).contains(&("RVSADM_DESTINATION".into(), String::new())));
        let q = Event::QuorumLost {
            service: "fwmark:7".into(),
            weight: 3,
        }
        .to_json(1.0);
        assert!(env_of(&q).contains(&("RVSADM_WEIGHT".into(), "3".into())));
    }

    #[test]
    fn the_rate_limit_drops_and_counts_the_runs_beyond_it_within_the_period() {
        let mut p = Planner::new(vec![hook(&["destination_down"], 2, 10)]);
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        let mut got = Vec::new();
        for s in [0, 1, 2, 3, 10, 11, 12] {
            got.push(match p.plan(&down(), at(s)).remove(0) {
                Step::Run(_) => "run".to_string(),
                Step::Drop { dropped, .. } => format!("drop {dropped}"),
            });
        }
        // Two in [0, 10); at 10 the start at 0 is out of the window, at
        // 11 the one at 1; at 12 two runs (10, 11) are within it.
        assert_eq!(
            got,
            ["run", "run", "drop 1", "drop 2", "run", "run", "drop 3"]
        );
    }

    #[test]
    fn a_reload_keeps_the_counts_of_unchanged_hooks_only() {
        let a = hook(&["drain"], 1, 60);
        let mut p = Planner::new(vec![a.clone(), a.clone()]);
        let now = Instant::now();
        let drain = Event::Drain {
            service: "s".into(),
            destination: "d".into(),
        }
        .to_json(1.0);
        assert_eq!(hooks_of(&p.plan(&drain, now)), [(1, true), (2, true)]);
        let mut changed = a.clone();
        changed.timeout = Duration::from_secs(1);
        let mut p = p.reconfigured(vec![a, changed]);
        // The first is unchanged: still at its limit; the second starts
        // over.
        assert_eq!(hooks_of(&p.plan(&drain, now)), [(1, false), (2, true)]);
    }
}
