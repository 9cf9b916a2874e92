//! The fwmark services of `vip_check_marks` that the configuration does
//! not use (left by a run that did not stop cleanly): deleted at start
//! and at each reload, the range being rvsadmd's.
//!
//! What the director needs for checks through the VIP
//! ([`crate::config::via_vip`]) and rvsadmd does not set: the real
//! servers answer from the VIP, which Linux drops as a "martian source"
//! when the VIP is one of the director's own addresses, unless
//! `accept_local` is on for the interface it comes in on, and strict
//! reverse-path filtering drops it again. Said as a `note` event at
//! start and at each reload; sysctls are the operator's.

use super::sync::owned_keys;
use super::Daemon;
use crate::config::{via_vip, Config};
use crate::events::Event;
use rvsadm::model::ServiceKey;
use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;

/// Where the IPv4 settings of each interface (and `all`) are.
const CONF: &str = "/proc/sys/net/ipv4/conf";

impl Daemon {
    /// Have the next sync delete the fwmark services of the kernel's
    /// table whose mark is in `vip_check_marks` and that the
    /// configuration does not have (a failed read is said, and nothing
    /// is deleted).
    pub(super) async fn drop_stale_check_services(&mut self) {
        let ipvs = self.ipvs.clone();
        match tokio::task::spawn_blocking(move || ipvs.services()).await {
            Ok(Ok(all)) => {
                let keys = all.into_iter().map(|s| s.key);
                let stale = stale(&self.engine.config, keys);
                self.dropped.extend(stale);
            }
            Ok(Err(e)) => Event::ReadFailed {
                error: e.to_string(),
                code: Some(e.code()),
            }
            .emit(),
            Err(e) => Event::ReadFailed {
                error: e.to_string(),
                code: None,
            }
            .emit(),
        }
    }
}

/// Of the services `keys` of the kernel's table, the fwmark services of
/// `cfg.vip_check_marks` that `cfg` does not have.
fn stale(cfg: &Config, keys: impl Iterator<Item = ServiceKey>) -> BTreeSet<ServiceKey> {
    let owned = owned_keys(cfg);
    let range = cfg.vip_check_marks;
    keys.filter(|k| matches!(k, ServiceKey::Fwmark { mark, .. } if range.contains(*mark)))
        .filter(|k| !owned.contains(k))
        .collect()
}

/// Say what the director lacks for the checks through the VIP of `cfg`,
/// if anything.
pub(super) fn note_sysctls(cfg: &Config) {
    if let Some(note) = lacking(cfg, Path::new(CONF), is_local) {
        Event::Note { note }.emit();
    }
}

/// What is lacking, read from `conf` (`/proc/sys/net/ipv4/conf`), for
/// the VIPs of `cfg`'s checks through the VIP that `local` says are the
/// director's own: `accept_local` on no interface, or strict `rp_filter`
/// for all of them.
fn lacking(cfg: &Config, conf: &Path, local: impl Fn(IpAddr) -> bool) -> Option<String> {
    let vip = cfg
        .services
        .iter()
        .filter(|v| v.reals.iter().any(via_vip::through_vip))
        .find_map(|v| match v.key {
            ServiceKey::Addr { addr, .. } if local(addr) => Some(addr),
            _ => None,
        })?;
    let read = |dev: &str, key: &str| {
        std::fs::read_to_string(conf.join(dev).join(key))
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok())
    };
    let devs: Vec<String> = std::fs::read_dir(conf)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    let fix = "checks through the VIP of good real servers fail too: see rvsadmd(8), Checks through the VIP";
    if !devs.iter().any(|d| read(d, "accept_local") == Some(1)) {
        return Some(format!(
            "{vip} is an address of this host and accept_local is off on every interface: the real servers' answers from {vip} are dropped as martian sources; set net.ipv4.conf.IF.accept_local=1 on the interface towards the real servers (or on all), else {fix}"
        ));
    }
    if read("all", "rp_filter") == Some(1) {
        return Some(format!(
            "net.ipv4.conf.all.rp_filter is 1 (strict): the real servers' answers from {vip}, an address of this host, fail it; set it to 0 or 2 (loose) on all and on the interface towards the real servers, else {fix}"
        ));
    }
    None
}

/// Whether `a` is an address of this host (a socket can be bound to it).
fn is_local(a: IpAddr) -> bool {
    std::net::UdpSocket::bind(SocketAddr::new(a, 0)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(via: bool) -> Config {
        crate::config::native::parse(
            Path::new("t.toml"),
            &format!("[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.10\"\nport = 80\n[[services.destinations]]\naddress = \"10.0.0.1\"\nport = 80\nforward = \"route\"\ncheck = {{ via_vip = {via} }}\n"),
        )
        .unwrap()
    }

    /// A `conf` directory with `all` and `eth0`, each key as given.
    fn conf(accept_local: [u32; 2], rp_filter_all: u32) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!(
            "rvsadmd-conf-{}-{accept_local:?}-{rp_filter_all}",
            std::process::id()
        ));
        for (dev, a) in ["all", "eth0"].iter().zip(accept_local) {
            std::fs::create_dir_all(d.join(dev)).unwrap();
            std::fs::write(d.join(dev).join("accept_local"), format!("{a}\n")).unwrap();
            std::fs::write(d.join(dev).join("rp_filter"), format!("{rp_filter_all}\n")).unwrap();
        }
        d
    }

    #[test]
    fn fwmark_services_of_the_range_not_configured_are_stale() {
        let run = via_vip::expand(cfg(true), None);
        let fw = |mark| ServiceKey::Fwmark {
            mark,
            family: rvsadm::model::Family::Inet,
        };
        let keys = [
            run.services[0].key,
            fw(0x7a00_0000),
            fw(0x7a00_0001),
            fw(0x7a01_0000),
            fw(7),
        ];
        // The one the configuration uses, and those out of the range, stay.
        assert_eq!(
            stale(&run, keys.into_iter()),
            BTreeSet::from([fw(0x7a00_0001)])
        );
    }

    #[test]
    fn what_the_director_lacks_is_said() {
        let off = conf([0, 0], 0);
        let yes = |_| true;
        let m = lacking(&cfg(true), &off, yes).unwrap();
        assert!(m.contains("accept_local is off on every interface"), "{m}");
        // Not the VIP of this host, or no check through the VIP: nothing.
        assert_eq!(lacking(&cfg(true), &off, |_| false), None);
        assert_eq!(lacking(&cfg(false), &off, yes), None);
        assert_eq!(lacking(&cfg(true), &conf([0, 1], 0), yes), None);
        assert_eq!(lacking(&cfg(true), &conf([1, 0], 2), yes), None);
        let m = lacking(&cfg(true), &conf([1, 0], 1), yes).unwrap();
        assert!(m.contains("rp_filter is 1 (strict)"), "{m}");
    }
}
