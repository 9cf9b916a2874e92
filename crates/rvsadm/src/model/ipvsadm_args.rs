//! A change written as the ipvsadm arguments that make it, numerically
//! (`-a -t 192.0.2.1:80 -r 10.0.0.2:80 -m -w 3`): the one text form of a
//! change that `rvsadm apply` reports and `rvsadmd` logs, which an operator
//! can paste after `ipvsadm` (or `rvsadm`).

use super::{
    Change, Daemon, DaemonState, DestConfig, Family, ForwardMethod, Netmask, Protocol,
    ServiceConfig, ServiceFlags, ServiceKey, TunnelFlags, TunnelType,
};
use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};

impl Change {
    /// The ipvsadm command line (without `ipvsadm` itself) that makes the
    /// same change, with numbers for addresses and ports.
    ///
    /// ```
    /// use rvsadm::{Change, DestConfig, DestSpec, ForwardMethod, ServiceKey};
    /// let key = ServiceKey::tcp("192.0.2.1:80".parse().unwrap());
    /// let d = DestSpec::new("10.0.0.2:80".parse().unwrap(), DestConfig::new(ForwardMethod::Masq));
    /// assert_eq!(
    ///     Change::AddDestination(key, d).ipvsadm_args(),
    ///     "-a -t 192.0.2.1:80 -r 10.0.0.2:80 -m -w 1"
    /// );
    /// assert_eq!(Change::DeleteService(key).ipvsadm_args(), "-D -t 192.0.2.1:80");
    /// let v6 = ServiceKey::udp("[2001:db8::1]:53".parse().unwrap());
    /// let rs = "[2001:db8::2]:53".parse().unwrap();
    /// assert_eq!(
    ///     Change::DeleteDestination(v6, rs).ipvsadm_args(),
    ///     "-d -u [2001:db8::1]:53 -r [2001:db8::2]:53"
    /// );
    /// ```
    pub fn ipvsadm_args(&self) -> String {
        match self {
            Change::AddService(s) => format!("-A {}{}", service(&s.key), service_config(&s.config)),
            Change::EditService(s) => {
                format!("-E {}{}", service(&s.key), service_config(&s.config))
            }
            Change::DeleteService(k) => format!("-D {}", service(k)),
            Change::Flush => "-C".into(),
            Change::AddDestination(k, d) => {
                format!("-a {}{}", service(k), destination(&d.addr, &d.config))
            }
            Change::EditDestination(k, d) => {
                format!("-e {}{}", service(k), destination(&d.addr, &d.config))
            }
            Change::DeleteDestination(k, a) => {
                format!("-d {} -r {}", service(k), addr_port(&a.ip(), a.port()))
            }
            Change::Zero(Some(k)) => format!("-Z {}", service(k)),
            Change::Zero(None) => "-Z".into(),
            Change::SetTimeouts(t) => format!("--set {} {} {}", t.tcp, t.tcp_fin, t.udp),
            Change::StartDaemon(d) => start_daemon(d),
            Change::StopDaemon(d) => format!("--stop-daemon {}", daemon_state(d)),
        }
    }
}

/// `192.0.2.1:80`, `[2001:db8::1]:80`: std's form of a socket address (a
/// new one has no IPv6 scope, so none is printed).
fn addr_port(ip: &IpAddr, port: u16) -> SocketAddr {
    SocketAddr::new(*ip, port)
}

/// The service as ipvsadm options: `-t 192.0.2.1:80`, `-f 7 -6`.
fn service(k: &ServiceKey) -> String {
    match k {
        ServiceKey::Fwmark { mark, family } => {
            let v6 = if *family == Family::Inet6 { " -6" } else { "" };
            format!("-f {mark}{v6}")
        }
        ServiceKey::Addr {
            protocol,
            addr,
            port,
        } => {
            let switch = match protocol {
                Protocol::Udp => "-u",
                Protocol::Sctp => "--sctp-service",
                _ => "-t",
            };
            format!("{switch} {}", addr_port(addr, *port))
        }
    }
}

fn service_config(c: &ServiceConfig) -> String {
    let mut s = format!(" -s {}", c.scheduler);
    if c.is_persistent() {
        let _ = write!(s, " -p {}", c.timeout);
        match c.netmask {
            Netmask::V4(m) if m != std::net::Ipv4Addr::BROADCAST => {
                let _ = write!(s, " -M {m}");
            }
            Netmask::V6Prefix(p) if p != 128 => {
                let _ = write!(s, " -M {p}");
            }
            _ => {}
        }
    }
    if let Some(pe) = &c.pe_name {
        let _ = write!(s, " --pe {pe}");
    }
    if c.flags.contains(ServiceFlags::ONEPACKET) {
        s += " -o";
    }
    let sched = c
        .flags
        .intersection(ServiceFlags::SCHED_MASK)
        .names(&c.scheduler);
    if !sched.is_empty() {
        let _ = write!(s, " -b {}", sched.join(","));
    }
    s
}

fn destination(a: &SocketAddr, c: &DestConfig) -> String {
    let fwd = match c.forward {
        ForwardMethod::Masq => "-m",
        ForwardMethod::Tunnel => "-i",
        _ => "-g",
    };
    let mut s = format!(" -r {} {fwd} -w {}", addr_port(&a.ip(), a.port()), c.weight);
    if c.upper_threshold != 0 {
        let _ = write!(s, " -x {}", c.upper_threshold);
    }
    if c.lower_threshold != 0 {
        let _ = write!(s, " -y {}", c.lower_threshold);
    }
    if c.forward == ForwardMethod::Tunnel {
        let t = &c.tunnel;
        match t.kind {
            TunnelType::Gue => {
                let _ = write!(s, " --tun-type gue --tun-port {}", t.port);
            }
            TunnelType::Gre => s += " --tun-type gre",
            _ => {}
        }
        if t.kind != TunnelType::Ipip {
            if t.flags.contains(TunnelFlags::REMCSUM) {
                s += " --tun-remcsum";
            } else if t.flags.contains(TunnelFlags::CSUM) {
                s += " --tun-csum";
            }
        }
    }
    s
}

/// ipvsadm's word for a daemon's state (`master` for any but a backup).
fn daemon_state(d: &Daemon) -> &'static str {
    if d.state == DaemonState::Backup {
        "backup"
    } else {
        "master"
    }
}

fn start_daemon(d: &Daemon) -> String {
    let mut s = format!(
        "--start-daemon {} --mcast-interface {} --syncid {}",
        daemon_state(d),
        d.mcast_ifn,
        d.sync_id
    );
    if let Some(g) = d.mcast_group {
        let _ = write!(s, " --mcast-group {g}");
    }
    if let Some(p) = d.mcast_port {
        let _ = write!(s, " --mcast-port {p}");
    }
    if let Some(t) = d.mcast_ttl {
        let _ = write!(s, " --mcast-ttl {t}");
    }
    if let Some(m) = d.sync_maxlen {
        let _ = write!(s, " --sync-maxlen {m}");
    }
    s
}
