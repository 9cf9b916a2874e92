//! A model of the kernel's rules for the changes a plan sends, for the
//! property tests: what `ip_vs_ctl.c` accepts and refuses, on a
//! [`Snapshot`]. Not a proof of anything against the kernel (the VM tests
//! are); a check that plans are right under the rules as documented.

use crate::model::{
    Change, DestStatus, Destination, Family, ForwardMethod, Service, ServiceFlags, Snapshot,
};

/// Apply `c` to `t` as the kernel would, or say why it refuses.
pub(crate) fn apply(t: &mut Snapshot, c: &Change) -> Result<(), &'static str> {
    let mixed = |t: &Snapshot| {
        t.services
            .iter()
            .any(|s| s.destinations.iter().any(|d| d.family() != s.key.family()))
    };
    match c {
        Change::AddService(s) => {
            if t.service(&s.key).is_some() {
                return Err("EEXIST");
            }
            let mut n = Service::new(s.key).with_config(s.config.clone());
            n.kernel_flags = ServiceFlags::HASHED;
            t.services.push(n);
        }
        Change::EditService(s) => {
            let live = t
                .services
                .iter_mut()
                .find(|l| l.key == s.key)
                .ok_or("ESRCH")?;
            live.config = s.config.clone();
        }
        Change::DeleteService(k) => {
            let n = t.services.len();
            t.services.retain(|s| s.key != *k);
            if t.services.len() == n {
                return Err("ESRCH");
            }
        }
        Change::AddDestination(k, d) => {
            let daemons = !t.daemons.is_empty();
            let s = t.services.iter_mut().find(|s| s.key == *k).ok_or("ESRCH")?;
            if s.destinations.iter().any(|x| x.addr == d.addr) {
                return Err("EEXIST");
            }
            check_dest(s.key.family(), d.family(), &d.config, daemons)?;
            s.destinations.push(Destination::new(d.addr, d.config));
        }
        Change::EditDestination(k, d) => {
            let daemons = !t.daemons.is_empty();
            let s = t.services.iter_mut().find(|s| s.key == *k).ok_or("ESRCH")?;
            let fam = s.key.family();
            let live = s
                .destinations
                .iter_mut()
                .find(|x| x.addr == d.addr)
                .ok_or("ENOENT")?;
            check_dest(fam, d.family(), &d.config, daemons)?;
            live.config = d.config;
        }
        Change::DeleteDestination(k, a) => {
            let s = t.services.iter_mut().find(|s| s.key == *k).ok_or("ESRCH")?;
            let n = s.destinations.len();
            s.destinations.retain(|x| x.addr != *a);
            if s.destinations.len() == n {
                return Err("ENOENT");
            }
        }
        Change::SetTimeouts(x) => {
            for (w, l) in [
                (x.tcp, &mut t.timeouts.tcp),
                (x.tcp_fin, &mut t.timeouts.tcp_fin),
                (x.udp, &mut t.timeouts.udp),
            ] {
                if w != 0 {
                    *l = w;
                }
            }
        }
        Change::StartDaemon(d) => {
            if t.daemons.iter().any(|l| l.state == d.state) {
                return Err("EEXIST");
            }
            if mixed(t) {
                return Err("EINVAL");
            }
            let mut d = d.clone();
            d.sync_maxlen.get_or_insert(crate::SYNC_DEFAULT_MAXLEN);
            d.mcast_port.get_or_insert(crate::SYNC_DEFAULT_PORT);
            d.mcast_ttl.get_or_insert(crate::SYNC_DEFAULT_TTL);
            d.mcast_group.get_or_insert(crate::SYNC_DEFAULT_GROUP);
            t.daemons.push(d);
        }
        Change::StopDaemon(d) => {
            let n = t.daemons.len();
            t.daemons.retain(|l| l.state != d.state);
            if t.daemons.len() == n {
                return Err("ESRCH");
            }
        }
        Change::Flush => t.services.clear(),
        Change::Zero(_) => {}
    }
    Ok(())
}

fn check_dest(
    svc: Family,
    dest: Family,
    c: &crate::model::DestConfig,
    daemons: bool,
) -> Result<(), &'static str> {
    if c.lower_threshold > c.upper_threshold {
        return Err("ERANGE");
    }
    if svc != dest && (c.forward != ForwardMethod::Tunnel || daemons) {
        return Err("EINVAL");
    }
    if c.forward == ForwardMethod::Tunnel
        && c.tunnel.kind == crate::model::TunnelType::Gue
        && c.tunnel.port == 0
    {
        return Err("EINVAL");
    }
    Ok(())
}

/// Connections end: every destination's status goes to zero.
pub(crate) fn quiet(t: &mut Snapshot) {
    for s in &mut t.services {
        for d in &mut s.destinations {
            d.status = DestStatus::default();
        }
    }
}
