//! Running one probe, bounded by its timeout: one dispatch point
//! ([`run`]) and one module per probe type.
//!
//! A new probe type is a variant of [`Probe`]
//! (`config/probes.rs`), a module here with a
//! `check(&Settings, deadline) -> Verdict`, one arm in [`run`], its keys
//! in the native reader (`config/native/check.rs`) and writer
//! (`config/native/write.rs`), and its section in rvsadmd(8).

pub mod agent;
pub mod agent_reply;
pub mod arp;
pub mod combined;
pub mod dns;
pub mod exec;
pub mod file;
pub mod file_track;
pub mod ftp;
pub mod http;
pub mod icmp;
pub mod ldap;
mod lines;
pub mod mail;
pub mod maintenance;
pub mod mysql;
pub mod oracle;
pub mod pgsql;
mod ping;
pub mod radius;
mod simpletcp;
pub mod sip;
pub mod smtp;
mod source;
mod tcp;
pub mod tls;
pub mod udp;

use super::config::{Probe, Source};
use super::health::Outcome;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;
use tokio::time::Instant;

/// What one probe found: up or down, a weight it asks for, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the target answered as expected.
    pub ok: bool,
    /// A weight the probe asks for (exec checks).
    pub weight: Option<u32>,
    /// An amount added to the destination's weight (file checks).
    pub add: i64,
    /// Why, in a few words.
    pub reason: String,
}

impl Verdict {
    /// Up, for `reason`.
    pub fn up(reason: impl Into<String>) -> Self {
        Verdict {
            ok: true,
            weight: None,
            add: 0,
            reason: reason.into(),
        }
    }

    /// Down, for `reason`.
    pub fn down(reason: impl Into<String>) -> Self {
        Verdict {
            ok: false,
            weight: None,
            add: 0,
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

/// Run `probe` once from `src`, started at `start` (its scheduled time),
/// taking at most `timeout` from then (an exec check: from when its
/// program is started). A failure's reason ends with the
/// source, when one is set. The latency is counted from `start` too: one
/// clock read per probe (a check start made late by a busy director
/// shows in it), up to the probe's verdict (a check through the VIP then
/// asks the ARP problem: [`arp`]; its wait is not counted).
pub async fn run(probe: &Probe, src: &Source, start: Instant, timeout: Duration) -> Outcome {
    // Run without its turn (see `combined`): the negotiate probe.
    if let Probe::Combined(c) = probe {
        return Box::pin(run(&c.negotiate, src, start, timeout)).await;
    }
    let deadline = start + timeout;
    let v = match probe {
        Probe::Up => Verdict::up("checktype on"),
        Probe::Down => Verdict::down(
            "always down: a check of type off, or an ldirectord check missing what it needs (login, request, receive: see rvsadmd(8))",
        ),
        // Never scheduled (see `run`); a result here changes nothing.
        Probe::Unchecked => Verdict::up("not checked"),
        Probe::Tcp { target, close } => tcp::check(*target, *close, src, deadline).await,
        Probe::Http(h) => http::check(h, src, deadline).await,
        Probe::Exec {
            argv,
            env,
            dynamic,
            run_as,
            ..
        } => {
            // A program's time limit counts from when it is started, as
            // keepalived's `misc_timeout` does: a late wake-up on a busy
            // director must not eat into it (one more clock read, beside
            // a fork and exec).
            let started = Instant::now().max(start);
            exec::check(argv, env, *dynamic, run_as.as_ref(), started + timeout).await
        }
        Probe::Smtp(s) => smtp::check(s, src, deadline).await,
        Probe::Dns(d) => dns::check(d, src, deadline).await,
        Probe::Mysql(m) => mysql::check(m, src, deadline).await,
        Probe::Pgsql(p) => pgsql::check(p, src, deadline).await,
        Probe::Radius(r) => radius::check(r, src, deadline).await,
        Probe::Sip(s) => sip::check(s, src, deadline).await,
        Probe::Ftp(f) => ftp::check(f, src, deadline).await,
        Probe::Oracle(o) => oracle::check(o, src, deadline).await,
        Probe::Mail(m) => mail::check(m, src, deadline).await,
        Probe::Exchange(x) => simpletcp::check(x, src, deadline).await,
        Probe::Ldap(l) => ldap::check(l, src, deadline).await,
        Probe::Udp(u) => udp::check(u, src, deadline).await,
        Probe::Ping { target } => ping::check(*target, src, deadline).await,
        Probe::File(f) => file::check(f, deadline).await,
        Probe::Combined(_) => Verdict::down("unreachable"),
    };
    // The probe's latency: the ARP question's wait for an answer that a
    // good real server never gives is not the server's.
    let latency = Instant::now().saturating_duration_since(start);
    let v = match (v.ok, src.via_vip, probe.target().map(|t| t.ip())) {
        (true, Some(IpAddr::V4(real)), Some(IpAddr::V4(vip))) => {
            arp_problem(v, vip, real, deadline).await
        }
        _ => v,
    };
    // A failure from a chosen source says which (a mark that routing
    // refuses shows only as the connect's error otherwise).
    let reason = if v.ok || src.is_default() {
        v.reason
    } else {
        format!("{} ({src})", v.reason)
    };
    Outcome {
        ok: v.ok,
        weight: v.weight,
        add: v.add,
        latency,
        reason,
    }
}

/// A check through the VIP that passed, `v`, with the ARP problem asked
/// (see [`arp`]): down when the real server answers ARP for the VIP.
async fn arp_problem(v: Verdict, vip: Ipv4Addr, real: Ipv4Addr, deadline: Instant) -> Verdict {
    match arp::ask(vip, real, deadline).await {
        arp::Answer::Quiet => v,
        arp::Answer::Answers(mac) => Verdict::down(format!(
            "{real} ({}) answers ARP requests for the VIP {vip}: clients on the VIP's link would send to it, past the director; on the real server set net.ipv4.conf.all.arp_ignore = 1 and arp_announce = 2",
            mac.map(|b| format!("{b:02x}")).join(":")
        )),
        arp::Answer::NotAsked(why) => Verdict {
            reason: format!("{}; the ARP problem not asked: {why}", v.reason),
            ..v
        },
    }
}

/// 64 bits the next check will not guess (a DNS query id, a SIP Call-ID, a
/// RADIUS authenticator): the clock hashed under the process's random
/// hash keys; not for cryptography.
pub(crate) fn unguessable() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

#[cfg(test)]
mod tests {
    use crate::config::{ReplyMatch, UrlCheck};

    /// What the fuzz target `probe_replies` checks, over a few thousand
    /// pseudo-random inputs with the shapes the readers look for: any
    /// bytes give a verdict, never a panic.
    #[test]
    fn reply_readers_take_any_bytes() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let seeds: [&[u8]; 5] = [
            b"HTTP/1.0 200 OK\r\n\r\nok",
            b"220-a\r\n220 b\r\n",
            &[0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0],
            &[
                0x45, 0, 0, 28, 0, 0, 0, 0, 64, 1, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, 0, 0, 0, 0, 0,
                1, 0, 1,
            ],
            b"ab x1 3 -7\n",
        ];
        let url = UrlCheck {
            digest: Some("00000000000000000000000000000000".into()),
            ..UrlCheck::new("/")
        };
        for i in 0..4000 {
            let mut d = seeds[i % seeds.len()].to_vec();
            for _ in 0..(next() % 4) {
                let at = (next() as usize) % (d.len() + 1);
                match next() % 3 {
                    0 if at < d.len() => d[at] = next() as u8,
                    1 => d.insert(at, next() as u8),
                    _ => d.truncate(at),
                }
            }
            let cut = (next() as usize) % (d.len() + 1);
            let mut r = super::http::Response::default();
            r.feed(&d[..cut]);
            r.feed(&d[cut..]);
            assert_eq!(r.digest(), super::http::Response::parse(&d).digest());
            let _ = super::http::judge(&url, &r);
            if let Ok(Some(rep)) = super::smtp::reply(&d) {
                assert!(rep.len <= d.len());
            }
            let _ = super::dns::judge(0x1234, &d);
            let _ = super::icmp::echo_reply(&d, false, true);
            let text = String::from_utf8_lossy(&d);
            if let Ok(m) = ReplyMatch::parse(&text, true) {
                assert_eq!(ReplyMatch::parse(&m.to_text(), true), Ok(m.clone()));
                let _ = super::udp::matches(&m, &d);
            }
            let _ = super::file_track::c_number(&d);
        }
    }
}
