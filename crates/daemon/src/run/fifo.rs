//! The notify FIFO (keepalived's `lvs_notify_fifo`, native
//! `notify_fifo`): one line per destination up or down and per quorum
//! gained or lost, in keepalived 2.2.7's words:
//!
//! - `RS [10.0.0.1]:tcp:80 [192.0.2.1]:tcp:80 UP` (a real server of a
//!   virtual server, `UP` or `DOWN`);
//! - `VS [192.0.2.1]:tcp:80 DOWN` (its quorum); `FWM 7` for a firewall
//!   mark service (its reals `[10.0.0.1]:none:80`), `[NAME]:0` for a
//!   keepalived `virtual_server group NAME` (one line for the group).
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

    /// Write the line of `t` (none for a service of a keepalived group
    /// but its first).
    pub(super) fn tell(&self, t: &Transition) {
        let Some((cfg, mut f)) = self.0.as_ref().map(|(c, f)| (c, f)) else {
            return;
        };
        let Some(l) = line_in(t, &cfg.groups) else {
            return;
        };
        if let Err(e) = f.write_all(l.as_bytes()) {
            failed(cfg, e.to_string());
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

/// keepalived's line for `t` given its `groups` ([`NotifyFifo::groups`]):
/// none for a service of a group but its first, whose line names the
/// group.
fn line_in(t: &Transition, groups: &[(String, Vec<ServiceKey>)]) -> Option<String> {
    let service = match t {
        Transition::Destination { service, .. } | Transition::Quorum { service, .. } => service,
    };
    let Some((name, keys)) = groups.iter().find(|(_, k)| k.contains(service)) else {
        return Some(line(t, None));
    };
    (keys.first() == Some(service)).then(|| line(t, Some(name)))
}

/// keepalived's line for `t`, its virtual server named `[GROUP]:0` when
/// it is a group's.
pub fn line(t: &Transition, group: Option<&str>) -> String {
    let word = |up: bool| if up { "UP" } else { "DOWN" };
    match *t {
        Transition::Destination {
            service,
            destination,
            up,
        } => format!(
            "RS {} {} {}\n",
            real(&service, destination),
            virtual_server(&service, group),
            word(up)
        ),
        Transition::Quorum { service, up, .. } => {
            format!("VS {} {}\n", virtual_server(&service, group), word(up))
        }
    }
}

/// keepalived's name of a virtual server: `[ADDR]:PROTO:PORT`, `FWM N`,
/// `[GROUP]:0` (a group has no port of its own).
fn virtual_server(k: &ServiceKey, group: Option<&str>) -> String {
    if let Some(g) = group {
        return format!("[{g}]:0");
    }
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
/// protocol the service's (`none` for a firewall mark, whatever its
/// `protocol`, as keepalived 2.2.7 writes it).
fn real(k: &ServiceKey, d: SocketAddr) -> String {
    let proto = match k {
        ServiceKey::Addr { protocol, .. } => protocol.name().unwrap_or("?"),
        ServiceKey::Fwmark { .. } => "none",
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
            line(&rs, None),
            "RS [10.0.0.1]:tcp:8080 [192.0.2.1]:tcp:80 DOWN\n"
        );
        let q = Transition::Quorum {
            service: vs,
            up: true,
            weight: 3,
        };
        assert_eq!(line(&q, None), "VS [192.0.2.1]:tcp:80 UP\n");
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
            line(&rs, None),
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
        assert_eq!(line(&q, None), "VS FWM 7 DOWN\n");
        let rs = Transition::Destination {
            service: fw,
            destination: "10.0.0.1:80".parse().unwrap(),
            up: false,
        };
        assert_eq!(line(&rs, None), "RS [10.0.0.1]:none:80 FWM 7 DOWN\n");
    }

    /// As keepalived 2.2.7 wrote them in the VM for a `virtual_server
    /// group web` of two addresses: one line for the group.
    #[test]
    fn a_group_writes_once_under_its_name() {
        let at = |a: &str| ServiceKey::Addr {
            protocol: Protocol::Tcp,
            addr: a.parse().unwrap(),
            port: 80,
        };
        let groups = vec![("web".to_string(), vec![at("192.0.2.1"), at("192.0.2.2")])];
        let rs = |k| Transition::Destination {
            service: k,
            destination: "10.0.0.1:82".parse().unwrap(),
            up: false,
        };
        assert_eq!(
            line_in(&rs(at("192.0.2.1")), &groups).as_deref(),
            Some("RS [10.0.0.1]:tcp:82 [web]:0 DOWN\n")
        );
        assert_eq!(line_in(&rs(at("192.0.2.2")), &groups), None);
        let q = |k| Transition::Quorum {
            service: k,
            up: true,
            weight: 1,
        };
        assert_eq!(
            line_in(&q(at("192.0.2.1")), &groups).as_deref(),
            Some("VS [web]:0 UP\n")
        );
        assert_eq!(
            line_in(&q(at("192.0.2.3")), &groups).as_deref(),
            Some("VS [192.0.2.3]:tcp:80 UP\n")
        );
    }
}
