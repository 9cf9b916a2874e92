//! IPVS itself, the modules services need, and kernel-version pitfalls:
//! `ipvs_unavailable`, `scheduler_module_missing`, `protocol_unsupported`,
//! `conn_reuse_stall`.

use crate::code::Code;
use crate::facts::{DirectorFacts, CONN_REUSE_MODE, PROC_MODULES, VS_CONNTRACK};
use crate::finding::{Evidence, Finding, Report, Unchecked};
use rvsadm::{Protocol, Scheduler, Service};

/// What this host is called in findings about it as a whole.
pub(super) const THIS_HOST: &str = "this host (its network namespace)";

/// The codes that need the IPVS table.
const NEED_TABLE: &[Code] = &[
    Code::VipNotLocal,
    Code::NatForwardingOff,
    Code::NatRealUnreachable,
    Code::DrRealNotOnLink,
    Code::RpFilterStrict,
    Code::NoUsableDestination,
    Code::HashDrainWithoutFallback,
    Code::QuiescentTemplateSticky,
    Code::DrainNeedsExpireNodest,
    Code::SyncDaemonMismatch,
];

pub(super) fn check(f: &DirectorFacts, r: &mut Report) {
    ipvs_unavailable(f, r);
    for s in f.services() {
        scheduler_module(f, s, r);
        protocol(f, s, r);
    }
    conn_reuse_stall(f, r);
}

fn ipvs_unavailable(f: &DirectorFacts, r: &mut Report) {
    let Err(unread) = &f.table else { return };
    if !unread.no_ipvs {
        r.unchecked
            .push(Unchecked::new(NEED_TABLE, "the IPVS table", &unread.reason));
        return;
    }
    let mut finding = Finding::new(Code::IpvsUnavailable, THIS_HOST)
        .with(Evidence::new("generic netlink family IPVS", &unread.reason));
    if let Ok(m) = &f.modules {
        let loaded = m.loaded.contains("ip_vs");
        finding = finding.with(Evidence::new(
            PROC_MODULES,
            if loaded { "ip_vs loaded" } else { "no ip_vs" },
        ));
        let has = if m.builtin.contains("ip_vs") {
            "ip_vs built in"
        } else if m.installed.contains("ip_vs") {
            "ip_vs installed"
        } else {
            "no ip_vs"
        };
        finding = finding.with(Evidence::new(m.dir.clone(), has));
        if !loaded && m.installed.contains("ip_vs") {
            finding = finding.detail("The module is installed but not loaded: `modprobe ip_vs`.");
        }
    } else if let Err(e) = &f.modules {
        finding = finding.with(Evidence::new("kernel modules", e.clone()));
    }
    r.findings.push(finding);
}

fn scheduler_module(f: &DirectorFacts, s: &Service, r: &mut Report) {
    let sched = &s.config.scheduler;
    if matches!(sched, Scheduler::Other(n) if n == "none" || n.is_empty()) {
        return;
    }
    let module = format!("ip_vs_{}", sched.name());
    match &f.modules {
        Ok(m) if !m.has(&module) => r.findings.push(
            Finding::new(Code::SchedulerModuleMissing, super::service_subject(s))
                .with(Evidence::new("scheduler", sched.name()))
                .with(Evidence::new(PROC_MODULES, format!("no {module}")))
                .with(Evidence::new(
                    format!("{}/modules.builtin, modules.dep", m.dir),
                    format!("no {module}"),
                )),
        ),
        Ok(_) => {}
        Err(e) => r.unchecked.push(Unchecked::new(
            &[Code::SchedulerModuleMissing],
            "kernel modules",
            e,
        )),
    }
}

/// The kernel option that compiles `p` into IPVS.
fn proto_option(p: Protocol) -> Option<&'static str> {
    match p {
        Protocol::Tcp => Some("CONFIG_IP_VS_PROTO_TCP"),
        Protocol::Udp => Some("CONFIG_IP_VS_PROTO_UDP"),
        Protocol::Sctp => Some("CONFIG_IP_VS_PROTO_SCTP"),
        _ => None,
    }
}

fn protocol(f: &DirectorFacts, s: &Service, r: &mut Report) {
    let Some(p) = s.key.protocol() else { return };
    let Some(option) = proto_option(p) else {
        return;
    };
    let finding = || Finding::new(Code::ProtocolUnsupported, super::service_subject(s));
    match &f.kconfig {
        Ok(c) if c.options.contains_key("CONFIG_IP_VS") => {
            let v = c
                .options
                .get(option)
                .map(String::as_str)
                .unwrap_or("absent");
            if v != "y" {
                r.findings
                    .push(finding().with(Evidence::new(c.path.clone(), format!("{option} {v}"))));
            }
        }
        _ => protocol_by_timeouts(f, p, r, finding()),
    }
}

/// Without the kernel's configuration: a kernel without TCP (UDP) in
/// IPVS reports its TCP (UDP) timeout as 0, which nothing can set.
fn protocol_by_timeouts(f: &DirectorFacts, p: Protocol, r: &mut Report, finding: Finding) {
    let unchecked = |why: &str| {
        Unchecked::new(
            &[Code::ProtocolUnsupported],
            "the kernel's build configuration",
            why,
        )
    };
    let t = match &f.timeouts {
        Ok(t) => t,
        Err(e) => return r.unchecked.push(unchecked(e)),
    };
    let (name, v) = match p {
        Protocol::Tcp => ("tcp", t.tcp),
        Protocol::Udp => ("udp", t.udp),
        _ => {
            let why = f.kconfig.as_ref().err().cloned().unwrap_or_default();
            return r.unchecked.push(unchecked(&why));
        }
    };
    if v == 0 {
        r.findings.push(finding.with(Evidence::new(
            "IPVS timeouts (ipvsadm -L --timeout)",
            format!("{name} 0"),
        )));
    }
}

/// Kernels before 5.9 drop the first SYN of a reused port while the old
/// connection lingers, with conn_reuse_mode 1 and conntrack on.
const CONN_REUSE_FIXED: (u32, u32) = (5, 9);

fn conn_reuse_stall(f: &DirectorFacts, r: &mut Report) {
    if f.table.as_ref().map_or(true, |t| t.is_empty()) {
        return;
    }
    let Some(version) = f.kernel.version else {
        return r.unchecked.push(Unchecked::new(
            &[Code::ConnReuseStall],
            "kernel release",
            format!("`{}` has no version number", f.kernel.release),
        ));
    };
    if version >= CONN_REUSE_FIXED {
        return;
    }
    let read = |p: &str| f.sysctl.number(p).map_err(|e| (p.to_string(), e));
    match (read(CONN_REUSE_MODE), read(VS_CONNTRACK)) {
        (Ok(mode), Ok(ct)) if mode & 1 == 1 && ct == 1 => r.findings.push(
            Finding::new(Code::ConnReuseStall, THIS_HOST)
                .with(Evidence::new("kernel", f.kernel.release.clone()))
                .with(Evidence::new(CONN_REUSE_MODE, mode.to_string()))
                .with(Evidence::new(VS_CONNTRACK, ct.to_string())),
        ),
        (Err((p, e)), _) | (_, Err((p, e))) => {
            r.unchecked
                .push(Unchecked::new(&[Code::ConnReuseStall], p, e))
        }
        _ => {}
    }
}
