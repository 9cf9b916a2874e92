//! Where `rvsadm top`'s figures come from: the IPVS table through the
//! library's public API (one netlink socket, kept), and rvsadmd's `status`
//! through its control socket (crate `rvsadm-control`).

use super::model::{Counters, Daemon, DestHealth, DestReading, Reading, ServiceReading};
use rvsadm::{Ipvs, Service, Stats};
use rvsadm_control::{Answer, Request};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long rvsadmd is given to answer `status` before its columns say it
/// did not (the view must not freeze behind a stuck daemon).
pub const DAEMON_TIMEOUT: Duration = Duration::from_secs(2);

/// What `rvsadm top` reads at each refresh.
pub trait Source {
    /// The table now.
    fn read(&mut self) -> Result<Reading, String>;
    /// What rvsadmd says now.
    fn daemon(&mut self) -> Daemon;
}

/// The kernel's table and the daemon on `socket`.
pub struct Live {
    ipvs: Option<Ipvs>,
    socket: PathBuf,
    start: Instant,
}

impl Live {
    /// A source that connects to the kernel at its first read.
    pub fn new(socket: PathBuf) -> Self {
        Live {
            ipvs: None,
            socket,
            start: Instant::now(),
        }
    }
}

impl Source for Live {
    fn read(&mut self) -> Result<Reading, String> {
        let ipvs = match self.ipvs.take() {
            Some(i) => i,
            None => Ipvs::connect().map_err(|e| e.to_string())?,
        };
        let services = ipvs
            .services_with_destinations()
            .map_err(|e| e.to_string())?;
        self.ipvs = Some(ipvs);
        Ok(Reading {
            at: self.start.elapsed().as_secs_f64(),
            services: services.iter().map(service).collect(),
        })
    }

    fn daemon(&mut self) -> Daemon {
        ask_daemon(&self.socket)
    }
}

/// rvsadmd's `status` from `socket`, by service and destination.
pub fn ask_daemon(socket: &std::path::Path) -> Daemon {
    match rvsadm_control::call_within(socket, &Request::Status, DAEMON_TIMEOUT) {
        Ok(Answer::Status(s)) => Daemon::Status(
            s.destinations
                .into_iter()
                .map(|r| {
                    let h = DestHealth {
                        health: r.health,
                        admin: r.admin,
                    };
                    ((r.service, r.destination), h)
                })
                .collect::<HashMap<_, _>>(),
        ),
        Ok(Answer::Refused(e)) => Daemon::Absent(format!("rvsadmd refused status: {e}")),
        Ok(Answer::Done) => Daemon::Absent("rvsadmd answered status without rows".into()),
        Err(e) => Daemon::Absent(e),
    }
}

fn counters(s: &Stats) -> Counters {
    Counters {
        conns: s.conns,
        inpkts: s.inpkts,
        outpkts: s.outpkts,
        inbytes: s.inbytes,
        outbytes: s.outbytes,
    }
}

fn service(s: &Service) -> ServiceReading {
    ServiceReading {
        key: rvsadm_control::service::format(&s.key),
        scheduler: s.config.scheduler.name().to_string(),
        counters: counters(&s.stats),
        dests: s
            .destinations
            .iter()
            .map(|d| DestReading {
                addr: d.addr.to_string(),
                weight: u32::from(d.config.weight),
                active: u64::from(d.status.active_conns),
                inactive: u64::from(d.status.inactive_conns),
                counters: counters(&d.status.stats),
            })
            .collect(),
    }
}
