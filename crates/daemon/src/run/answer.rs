//! The answers to control requests: `status` shows the table after a
//! sync; `drain` and `ready` change the admin state (saved, then synced);
//! `reload` reads the configuration again.

use super::Daemon;
use crate::control::answer::Status;
use crate::control::{Answer, Request};
use crate::events::Event;
use crate::service::{self, parse as parse_service, parse_dest};
use rvsadm::model::{ServiceKey, Snapshot};
use std::net::SocketAddr;

impl Daemon {
    /// Answer one control request.
    pub(super) async fn answer(&mut self, req: Request) -> Answer {
        let done = match req {
            Request::Status => return self.status().await,
            Request::Reload => self.reload().await,
            Request::Drain {
                service,
                destination,
            } => self.drain(&service, &destination).await,
            Request::Ready {
                service,
                destination,
            } => self.ready(&service, destination.as_deref()).await,
        };
        match done {
            Ok(()) => Answer::Done,
            Err(e) => Answer::Refused(e),
        }
    }

    /// An admin change made: saved, and put in the table at once. Only
    /// its service is decided, from the table as known (read again first
    /// only when that is not fresh): a drain costs one small write, not a
    /// read of every owned service. Changes made by hand are looked for
    /// at the next poll, as after a check's result.
    async fn admin_changed(&mut self) {
        self.save_state();
        self.sync(false).await;
    }

    /// `rvsadmd drain SERVICE DEST`.
    async fn drain(&mut self, service: &str, destination: &str) -> Result<(), String> {
        let k = parse_service(service)?;
        let d = parse_dest(destination)?;
        if !self.configured(&k, Some(d)) {
            return Err(format!("{d} of {service} is not in the configuration"));
        }
        self.engine.drain(k, d);
        Event::Drain {
            service: service::format(&k),
            destination: d.to_string(),
        }
        .emit();
        self.admin_changed().await;
        Ok(())
    }

    /// `rvsadmd ready SERVICE [DEST]`.
    async fn ready(&mut self, service: &str, destination: Option<&str>) -> Result<(), String> {
        let k = parse_service(service)?;
        let d = destination.map(parse_dest).transpose()?;
        if !self.configured(&k, d) {
            return Err(format!(
                "{service} {} is not in the configuration",
                destination.unwrap_or_default()
            ));
        }
        self.engine.ready(k, d);
        Event::Ready {
            service: service::format(&k),
            destination: d.map(|d| d.to_string()),
        }
        .emit();
        self.admin_changed().await;
        Ok(())
    }

    /// Whether the configuration has the service (and the destination,
    /// when given).
    pub(super) fn configured(&self, k: &ServiceKey, d: Option<SocketAddr>) -> bool {
        self.engine
            .config
            .services
            .iter()
            .any(|v| v.key() == *k && d.is_none_or(|a| v.dests().any(|x| x.addr == a)))
    }

    /// `rvsadmd status`: decide first, then show the table as it is after
    /// that: as known when that sync could keep it, else read again.
    async fn status(&mut self) -> Answer {
        self.sync(true).await;
        if let Some(live) = self.engine.kernel.fresh() {
            return self.status_of(live);
        }
        match self.read_now().await {
            Ok(live) => self.status_of(&live),
            Err(e) => Answer::Refused(e.error),
        }
    }

    /// The answer to `status` from `live`: the rows, and the state-file
    /// entries set aside.
    fn status_of(&self, live: &Snapshot) -> Answer {
        Answer::Status(Status {
            destinations: self.engine.status(live),
            rejected: self.rejected.clone(),
            fleet: self.fleet_row(),
        })
    }
}
