//! The notify FIFO (keepalived's `lvs_notify_fifo`, native
//! `notify_fifo`): one line per destination up or down and per quorum
//! gained or lost, in keepalived 2.2.7's words:
//!
//! - `RS [10.0.0.1]:tcp:80 [192.0.2.1]:tcp:80 UP` (a real server of a
//!   virtual server, `UP` or `DOWN`);
//! - `VS [192.0.2.1]:tcp:80 DOWN` (its quorum); `FWM 7` for a firewall
//!   mark service.
//!
//! The FIFO is made (mode 0600) when it does not exist, opened without
//! blocking for reading and writing (so that no reader is needed); a
//! line that does not fit (the reader too slow) is lost, told as
//! `notify_fifo_failed`.

use crate::config::NotifyFifo;
use crate::engine::Transition;
use crate::events::Event;
use crate::probe::exec;
use rvsadm::model::ServiceKey;
use std::io::Write;
use std::net::SocketAddr;

/// The FIFO open, with its configuration.
#[derive(Default)]
pub(super) struct Fifo(Option<(NotifyFifo, std::fs::File)>);

impl Fifo {
    /// Open `cfg`'s FIFO and start its script, unless it is the one open
    /// already (a reload that keeps it); `None` closes it.
    pub(super) fn set(&mut self, cfg: Option<&NotifyFifo>) {
        if self.0.as_ref().map(|(c, _)| c) == cfg {
            return;
        }
        self.0 = None;
        let Some(cfg) = cfg else {
            return;
        };
        match open(&cfg.path) {
            Ok(f) => self.0 = Some((cfg.clone(), f)),
            Err(e) => return failed(cfg, e),
        }
        if let Some(s) = &cfg.script {
            let mut argv = s.argv.clone();
            argv.push(cfg.path.display().to_string());
            if let Err(e) = exec::start(&argv, s.run_as.as_ref()) {
                failed(cfg, e);
            }
        }
    }

    /// Write the line of `t`.
    pub(super) fn tell(&self, t: &Transition) {
        if let Some((cfg, mut f)) = self.0.as_ref().map(|(c, f)| (c, f)) {
            if let Err(e) = f.write_all(line(t).as_bytes()) {
                failed(cfg, e.to_string());
            }
        }
    }
}

fn failed(cfg: &NotifyFifo, error: String) {
    Event::NotifyFifoFailed {
        file: cfg.path.display().to_string(),
        error,
    }
    .emit();
}

/// Open the FIFO at `path`, made if missing.
fn open(path: &std::path::Path) -> Result<std::fs::File, String> {
    use std::os::unix::fs::OpenOptionsExt;
    if !path.exists() {
        nix::unistd::mkfifo(path, nix::sys::stat::Mode::from_bits_truncate(0o600))
            .map_err(|e| format!("cannot make the FIFO: {e}"))?;
    }
    std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .custom_flags(nix::libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| format!("cannot open: {e}"))
}

/// keepalived's line for `t`.
pub fn line(t: &Transition) -> String {
    let word = |up: bool| if up { "UP" } else { "DOWN" };
    match *t {
        Transition::Destination {
            service,
            destination,
            up,
        } => format!(
            "RS {} {} {}\n",
            real(&service, destination),
            virtual_server(&service),
            word(up)
        ),
        Transition::Quorum { service, up, .. } => {
            format!("VS {} {}\n", virtual_server(&service), word(up))
        }
    }
}

/// keepalived's name of a virtual server: `[ADDR]:PROTO:PORT`, `FWM N`.
fn virtual_server(k: &ServiceKey) -> String {
    match k {
        ServiceKey::Addr {
            protocol,
            addr,
            port,
        } => format!("[{addr}]:{}:{port}", protocol.name().unwrap_or("?")),
        ServiceKey::Fwmark { mark, .. } => format!("FWM {mark}"),
    }
}

/// keepalived's name of a real server of `k`: `[ADDR]:PROTO:PORT`, the
/// protocol the service's (`tcp` for a firewall mark).
fn real(k: &ServiceKey, d: SocketAddr) -> String {
    let proto = match k {
        ServiceKey::Addr { protocol, .. } => protocol.name().unwrap_or("?"),
        ServiceKey::Fwmark { .. } => "tcp",
    };
    format!("[{}]:{proto}:{}", d.ip(), d.port())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rvsadm::model::{Family, Protocol};

    #[test]
    fn keepalived_lines() {
        let vs = ServiceKey::Addr {
            protocol: Protocol::Tcp,
            addr: "192.0.2.1".parse().unwrap(),
            port: 80,
        };
        let rs = Transition::Destination {
            service: vs,
            destination: "10.0.0.1:8080".parse().unwrap(),
            up: false,
        };
        assert_eq!(
            line(&rs),
            "RS [10.0.0.1]:tcp:8080 [192.0.2.1]:tcp:80 DOWN\n"
        );
        let q = Transition::Quorum {
            service: vs,
            up: true,
            weight: 3,
        };
        assert_eq!(line(&q), "VS [192.0.2.1]:tcp:80 UP\n");
        let v6 = ServiceKey::Addr {
            protocol: Protocol::Udp,
            addr: "2001:db8::1".parse().unwrap(),
            port: 53,
        };
        let rs = Transition::Destination {
            service: v6,
            destination: "[2001:db8::10]:53".parse().unwrap(),
            up: true,
        };
        assert_eq!(
            line(&rs),
            "RS [2001:db8::10]:udp:53 [2001:db8::1]:udp:53 UP\n"
        );
        let fw = ServiceKey::Fwmark {
            mark: 7,
            family: Family::Inet,
        };
        let q = Transition::Quorum {
            service: fw,
            up: false,
            weight: 0,
        };
        assert_eq!(line(&q), "VS FWM 7 DOWN\n");
    }
}
