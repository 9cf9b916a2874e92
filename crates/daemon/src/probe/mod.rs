//! Running one probe, bounded by its timeout: one dispatch point
//! ([`run`]) and one module per probe type.
//!
//! A new probe type is a variant of [`Probe`]
//! (`config/probes.rs`), a module here with a
//! `check(&Settings, deadline) -> Verdict`, one arm in [`run`], its keys
//! in the native reader (`config/native/check.rs`) and writer
//! (`config/native/write.rs`), and its section in rvsadmd(8).

pub mod dns;
mod exec;
pub mod file;
pub mod http;
pub mod icmp;
mod ping;
pub mod smtp;
mod tcp;
pub mod udp;

use super::config::Probe;
use super::health::Outcome;
use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;

/// What one probe found: up or down, a weight it asks for, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the target answered as expected.
    pub ok: bool,
    /// A weight the probe asks for (exec and file checks).
    pub weight: Option<u32>,
    /// Why, in a few words.
    pub reason: String,
}

impl Verdict {
    /// Up, for `reason`.
    pub fn up(reason: impl Into<String>) -> Self {
        Verdict {
            ok: true,
            weight: None,
            reason: reason.into(),
        }
    }

    /// Down, for `reason`.
    pub fn down(reason: impl Into<String>) -> Self {
        Verdict {
            ok: false,
            weight: None,
            reason: reason.into(),
        }
    }

    /// Up or down as `r` says: `Ok(reason)` is up, `Err(reason)` down.
    pub fn of(r: Result<String, String>) -> Self {
        match r {
            Ok(why) => Verdict::up(why),
            Err(why) => Verdict::down(why),
        }
    }
}

/// `step` given until `deadline`: its own result, or `Err("WHAT timed
/// out")` (the shared timeout of every probe step).
pub async fn within<T>(
    deadline: Instant,
    what: &str,
    step: impl Future<Output = Result<T, String>>,
) -> Result<T, String> {
    match tokio::time::timeout_at(deadline, step).await {
        Ok(r) => r,
        Err(_) => Err(format!("{what} timed out")),
    }
}

/// Run `probe` once, started at `start` (its scheduled time), taking at
/// most `timeout` from then. The latency is counted from `start` too: one
/// clock read per probe (a check start made late by a busy director
/// shows in it).
pub async fn run(probe: &Probe, start: Instant, timeout: Duration) -> Outcome {
    let deadline = start + timeout;
    let v = match probe {
        Probe::Up => Verdict::up("checktype on"),
        Probe::Down => Verdict::down("checktype off"),
        // Never scheduled (see `run`); a result here changes nothing.
        Probe::Unchecked => Verdict::up("not checked"),
        Probe::Tcp { target, close } => tcp::check(*target, *close, deadline).await,
        Probe::Http(h) => http::check(h, deadline).await,
        Probe::Exec {
            argv,
            env,
            dynamic,
            run_as,
        } => exec::check(argv, env, *dynamic, run_as.as_ref(), deadline).await,
        Probe::Smtp(s) => smtp::check(s, deadline).await,
        Probe::Dns(d) => dns::check(d, deadline).await,
        Probe::Udp(u) => udp::check(u, deadline).await,
        Probe::Ping { target } => ping::check(*target, deadline).await,
        Probe::File(f) => file::check(f, deadline).await,
    };
    Outcome {
        ok: v.ok,
        weight: v.weight,
        latency: Instant::now().saturating_duration_since(start),
        reason: v.reason,
    }
}
