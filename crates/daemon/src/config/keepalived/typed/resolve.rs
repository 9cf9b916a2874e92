//! The settings that cascade: a checker's own, else its real server's,
//! else its virtual server's, else keepalived 2.2.7's default for the
//! checker type (`validate_check_config` and each checker's parser).

use super::{Checker, CheckerKind, RealServer, VirtualServer};
use std::time::Duration;

/// keepalived's `delay_loop` when none is written.
pub const DEFAULT_DELAY_LOOP: Duration = Duration::from_secs(60);
/// keepalived's `connect_timeout` when none is written.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A checker's timing as keepalived runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Time between two checks.
    pub delay_loop: Duration,
    /// How long a connection (and the check) may take; for MISC_CHECK the
    /// script's time (`misc_timeout`, else the virtual server's
    /// `delay_loop`).
    pub timeout: Duration,
    /// Failures after the first before an up server is down.
    pub retry: u32,
    /// Time between a failure and its retry.
    pub delay_before_retry: Duration,
    /// The first check starts at a random time within this.
    pub warmup: Duration,
    /// Whether the server starts down (`alpha`).
    pub alpha: bool,
    /// Whether `warmup` was written (not keepalived's default).
    pub warmup_written: bool,
}

/// `retry` when no level says: 0 for MISC_CHECK, 3 for DNS_CHECK, else 1.
fn default_retry(kind: &CheckerKind) -> u32 {
    match kind {
        CheckerKind::Misc(_) => 0,
        CheckerKind::Dns(_) => 3,
        _ => 1,
    }
}

/// `delay_before_retry` when no level says: 3 s for HTTP_GET and
/// SSL_GET, `delay_loop` for DNS_CHECK, else 1 s.
fn default_delay_before_retry(kind: &CheckerKind, delay_loop: Duration) -> Duration {
    match kind {
        CheckerKind::Http(_) => Duration::from_secs(3),
        CheckerKind::Dns(_) => delay_loop,
        _ => Duration::from_secs(1),
    }
}

impl Checker {
    /// Its timing under real server `rs` of virtual server `vs`.
    pub fn timing(&self, rs: &RealServer, vs: &VirtualServer) -> Timing {
        let (c, r, v) = (&self.cascade, &rs.cascade, &vs.cascade);
        let delay_loop = c
            .delay_loop
            .or(r.delay_loop)
            .or(v.delay_loop)
            .unwrap_or(DEFAULT_DELAY_LOOP);
        let connect = c
            .connect_timeout
            .or(r.connect_timeout)
            .or(v.connect_timeout)
            .unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let timeout = match &self.kind {
            CheckerKind::Misc(m) => m
                .timeout
                .unwrap_or(v.delay_loop.unwrap_or(DEFAULT_DELAY_LOOP)),
            _ => connect,
        };
        let warmup = c.warmup.or(r.warmup).or(v.warmup);
        Timing {
            delay_loop,
            timeout,
            retry: c
                .retry
                .or(r.retry)
                .or(v.retry)
                .unwrap_or_else(|| default_retry(&self.kind)),
            delay_before_retry: c
                .delay_before_retry
                .or(r.delay_before_retry)
                .or(v.delay_before_retry)
                .unwrap_or_else(|| default_delay_before_retry(&self.kind, delay_loop)),
            warmup: warmup.unwrap_or(delay_loop),
            alpha: c.alpha.or(r.alpha).or(v.alpha).unwrap_or(false),
            warmup_written: warmup.is_some(),
        }
    }
}

impl RealServer {
    /// Whether a failing real server is set to weight 0 instead of being
    /// removed (`inhibit_on_failure`, its own or its virtual server's).
    pub fn inhibit(&self, vs: &VirtualServer) -> bool {
        self.cascade.inhibit.or(vs.cascade.inhibit).unwrap_or(false)
    }

    /// Its weight: its own, else its virtual server's `weight` (1).
    pub fn weight(&self, vs: &VirtualServer) -> u32 {
        self.weight.unwrap_or(vs.weight)
    }
}
