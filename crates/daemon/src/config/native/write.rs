//! `rvsadmd.toml` written from a configuration (`rvsadmd
//! import-ldirectord`): what [`parse`](super::parse) reads back to the
//! same services, checks and policies.

use super::scripts::{quorum_lines, script_line};
use crate::config::{
    dns_type_text, Check, Config, Expect, Format, HttpProbe, Manual, OnFailure, OnStop, Probe,
    Source, TcpClose, UrlCheck, Virtual, DEFAULT_MAX_CHECKS_IN_FLIGHT_PER_ADDRESS, UDP_REPLY_LEN,
};
use rvsadm::json::ServiceDoc;
use rvsadm::model::{DestSpec, Family, ForwardMethod};
use std::net::SocketAddr;
use std::time::Duration;

/// A TOML basic string.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn secs(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("\"{}s\"", d.as_secs())
    } else {
        format!("\"{}ms\"", d.as_millis())
    }
}

fn forward_name(f: ForwardMethod) -> &'static str {
    match f {
        ForwardMethod::Masq => "masq",
        ForwardMethod::Local => "local",
        ForwardMethod::Tunnel => "tunnel",
        ForwardMethod::Route => "route",
        ForwardMethod::Bypass => "bypass",
        _ => "route",
    }
}

fn dest_fields(d: &DestSpec) -> Vec<String> {
    let mut f = vec![
        format!("address = {}", q(&d.addr.ip().to_string())),
        format!("port = {}", d.addr.port()),
        format!("forward = {}", q(forward_name(d.config.forward))),
        format!("weight = {}", d.config.weight),
    ];
    if d.config.upper_threshold != 0 {
        f.push(format!("upper_threshold = {}", d.config.upper_threshold));
    }
    if d.config.lower_threshold != 0 {
        f.push(format!("lower_threshold = {}", d.config.lower_threshold));
    }
    f
}

fn check_fields(c: &Check, dest: SocketAddr) -> Vec<String> {
    let mut f = probe_fields(&c.probe, dest);
    f.push(format!("interval = {}", secs(c.interval)));
    f.push(format!("timeout = {}", secs(c.timeout)));
    f.push(format!("rise = {}", c.rise));
    f.push(format!("fall = {}", c.fall));
    if let Some(r) = c.retry_interval {
        f.push(format!("retry_interval = {}", secs(r)));
    }
    if c.start_up {
        f.push("start_up = true".into());
    }
    if let Some(w) = c.warmup {
        f.push(format!("warmup = {}", secs(w)));
    }
    source_fields(&c.source, &mut f);
    f
}

/// A check's `source`, `source_port`, `interface` and `mark`, those set.
fn source_fields(s: &Source, f: &mut Vec<String>) {
    if let Some(a) = s.address {
        f.push(format!("source = {}", q(&a.to_string())));
    }
    if let Some(p) = s.port {
        f.push(format!("source_port = {p}"));
    }
    if let Some(i) = &s.interface {
        f.push(format!("interface = {}", q(i)));
    }
    if let Some(m) = s.mark {
        f.push(format!("mark = {m}"));
    }
    if s.via_vip.is_some() {
        f.push("via_vip = true".into());
    }
}

/// A check's `type` and the keys of its type.
fn probe_fields(p: &Probe, dest: SocketAddr) -> Vec<String> {
    // rvsadmd.toml has no connects between negotiate probes: the
    // negotiate probe at every run (it passes where the connects would).
    if let Probe::Combined(c) = p {
        return probe_fields(&c.negotiate, dest);
    }
    let mut f = vec![format!("type = {}", q(p.kind()))];
    let port = |f: &mut Vec<String>, t: SocketAddr| {
        if t.port() != dest.port() {
            f.push(format!("port = {}", t.port()));
        }
    };
    match p {
        Probe::Tcp { target, close } => {
            port(&mut f, *target);
            if *close != TcpClose::default() {
                f.push(format!("close = {}", q(close.name())));
            }
        }
        Probe::Http(h) => {
            port(&mut f, h.target);
            http_fields(h, &mut f);
        }
        Probe::Exec {
            argv,
            dynamic,
            percent,
            run_as,
            ..
        } => {
            let a: Vec<String> = argv.iter().map(|x| q(x)).collect();
            f.push(format!("argv = [{}]", a.join(", ")));
            if !dynamic {
                f.push("dynamic = false".into());
            } else if *percent {
                f.push("dynamic = \"percent\"".into());
            }
            if let Some(r) = run_as {
                f.push(format!("user = {}", q(&r.user)));
                if let Some(g) = &r.group {
                    f.push(format!("group = {}", q(g)));
                }
            }
        }
        Probe::Smtp(s) => {
            port(&mut f, s.target);
            if let Some(h) = &s.helo {
                f.push(format!("helo = {}", q(h)));
            }
        }
        Probe::Dns(d) => {
            port(&mut f, d.target);
            f.push(format!("query_type = {}", q(&dns_type_text(d.qtype))));
            f.push(format!("name = {}", q(&d.name)));
            if d.tcp {
                f.push("tcp = true".into());
            }
            if let Some(a) = &d.answer {
                f.push(format!("answer = {}", q(a.as_str())));
            }
        }
        Probe::Mysql(m) => {
            port(&mut f, m.target);
            let texts = [
                ("user", m.user.as_ref()),
                ("password", m.user.as_ref().map(|_| &m.password)),
                ("database", m.database.as_ref()),
                ("query", m.query.as_ref()),
            ];
            for (k, v) in texts {
                if let Some(v) = v {
                    f.push(format!("{k} = {}", q(v)));
                }
            }
        }
        Probe::Pgsql(p) => {
            port(&mut f, p.target);
            f.push(format!("user = {}", q(&p.user)));
            f.push(format!("password = {}", q(&p.password)));
            for (k, v) in [("database", &p.database), ("query", &p.query)] {
                if let Some(v) = v {
                    f.push(format!("{k} = {}", q(v)));
                }
            }
        }
        Probe::Radius(r) => {
            port(&mut f, r.target);
            f.push(format!("user = {}", q(&r.user)));
            f.push(format!("password = {}", q(&r.password)));
            f.push(format!("secret = {}", q(&r.secret)));
        }
        Probe::Sip(s) => {
            port(&mut f, s.target);
            f.push(format!("user = {}", q(&s.user)));
            if s.tcp {
                f.push("tcp = true".into());
            }
        }
        Probe::Ftp(x) => {
            port(&mut f, x.target);
            f.push(format!("user = {}", q(&x.user)));
            f.push(format!("password = {}", q(&x.password)));
            f.push(format!("path = {}", q(&x.path)));
            if let Some(r) = &x.expect {
                f.push(format!("regex = {}", q(r.as_str())));
            }
        }
        Probe::Oracle(o) => {
            port(&mut f, o.target);
            f.push(format!("database = {}", q(&o.sid)));
        }
        Probe::Mail(m) => {
            port(&mut f, m.target);
            if let Some((user, password)) = &m.login {
                f.push(format!("user = {}", q(user)));
                f.push(format!("password = {}", q(password)));
            }
        }
        Probe::Ldap(l) => {
            port(&mut f, l.target);
            if let Some((user, password)) = &l.bind {
                f.push(format!("user = {}", q(user)));
                f.push(format!("password = {}", q(password)));
            }
            if !l.base.is_empty() {
                f.push(format!("base = {}", q(&l.base)));
            }
            if let Some(r) = &l.expect {
                f.push(format!("regex = {}", q(r.as_str())));
            }
        }
        Probe::Exchange(x) => {
            port(&mut f, x.target);
            f.push(format!("send = {}", q(&x.send)));
            f.push(format!("regex = {}", q(x.expect.as_str())));
        }
        Probe::Udp(u) => {
            port(&mut f, u.target);
            if !u.payload.is_empty() {
                let hex: String = u.payload.iter().map(|b| format!("{b:02x}")).collect();
                f.push(format!("payload = {}", q(&hex)));
            }
            match &u.reply {
                None => {}
                Some(m) if m.value.is_empty() => f.push("require_reply = true".into()),
                Some(m) => f.push(format!("require_reply = {}", q(&m.to_text()))),
            }
            if u.reply_len.0 != UDP_REPLY_LEN.0 {
                f.push(format!("min_reply_length = {}", u.reply_len.0));
            }
            if u.reply_len.1 != UDP_REPLY_LEN.1 {
                f.push(format!("max_reply_length = {}", u.reply_len.1));
            }
        }
        Probe::File(x) => {
            f.push(format!("file = {}", q(&x.path.display().to_string())));
            f.push(format!("weight = {}", x.factor));
            if x.reverse {
                f.push("reverse = true".into());
            }
            if let Some(init) = x.init {
                f.push(format!("init = {}", init.value));
                if init.overwrite {
                    f.push("overwrite = true".into());
                }
            }
        }
        Probe::Ping { .. } | Probe::Up | Probe::Down | Probe::Unchecked | Probe::Combined(_) => {}
    }
    f
}

/// An HTTP check's keys: one URL's in the check's table, several as
/// `urls`.
fn http_fields(h: &HttpProbe, f: &mut Vec<String>) {
    f.push(format!("method = {}", q(&h.method)));
    match h.urls.as_slice() {
        [one] => f.extend(url_fields(one)),
        all => {
            let each: Vec<String> = all
                .iter()
                .map(|u| format!("{{ {} }}", url_fields(u).join(", ")))
                .collect();
            f.push(format!("urls = [{}]", each.join(", ")));
        }
    }
    if h.tls {
        f.push(format!("verify = {}", h.verify));
    }
    if h.redirects > 0 {
        f.push(format!("redirects = {}", h.redirects));
    }
}

/// One URL's keys.
fn url_fields(u: &UrlCheck) -> Vec<String> {
    let mut f = vec![format!("path = {}", q(&u.path))];
    if let Some(host) = &u.host {
        f.push(format!("host = {}", q(host)));
    }
    let st: Vec<String> = u
        .status
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                q(&format!("{a}-{b}"))
            }
        })
        .collect();
    f.push(format!("status = [{}]", st.join(", ")));
    match &u.expect {
        Some(Expect::Text(t)) => f.push(format!("expect = {}", q(t))),
        Some(Expect::Regex(r)) => f.push(format!("regex = {}", q(r.as_str()))),
        None => {}
    }
    if let Some(d) = &u.digest {
        f.push(format!("digest = {}", q(d)));
    }
    f
}

/// The native configuration of `cfg`, as TOML text that
/// `sync_daemon = { ... }` with what `d` sets.
fn sync_daemon_line(d: &rvsadm::model::Daemon) -> String {
    let mut f = vec![
        format!("interface = {}", q(&d.mcast_ifn)),
        format!("sync_id = {}", d.sync_id),
    ];
    f.extend(d.sync_maxlen.map(|n| format!("maxlen = {n}")));
    f.extend(d.mcast_port.map(|n| format!("port = {n}")));
    f.extend(d.mcast_ttl.map(|n| format!("ttl = {n}")));
    f.extend(d.mcast_group.map(|g| format!("group = \"{g}\"")));
    format!("sync_daemon = {{ {} }}\n", f.join(", "))
}

/// What [`to_toml`] cannot write of `cfg` (rvsadmd.toml has no key for
/// it), one sentence each, for the import commands to say: an ldirectord
/// `maintenancedir`, `callback`, and the connects of `checktype = N`
/// (written as its negotiate check alone).
///
/// ```
/// use rvsadmd::config::{ldirectord, native};
/// let cfg = ldirectord::parse(std::path::Path::new("ld.cf"), "\
/// maintenancedir=/etc/ha.d/maint
/// virtual=192.0.2.10:80
///     real=10.0.0.1:80 masq
///     checktype=connect
/// ").unwrap();
/// assert_eq!(native::not_written(&cfg).len(), 1);
/// ```
pub fn not_written(cfg: &Config) -> Vec<String> {
    let checks = || {
        cfg.services
            .iter()
            .flat_map(|v| &v.reals)
            .flat_map(|r| &r.checks)
    };
    let mut out = Vec::new();
    if checks().any(|c| c.maintenance.is_some()) {
        out.push(
            "maintenancedir is not written (rvsadmd.toml has no key for it): run with --ldirectord to keep it, or drain with `rvsadmd drain`".to_string(),
        );
    }
    if cfg.on_change.as_ref().is_some_and(|o| o.callback.is_some()) {
        out.push(
            "callback is not written (rvsadmd.toml has no key for it): run with --ldirectord to keep it".to_string(),
        );
    }
    if cfg
        .services
        .iter()
        .flat_map(|v| &v.reals)
        .any(|r| r.monitor_as.is_some())
    {
        out.push(
            "monitorfile is written as monitor_file: its lines name each real `ADDRESS PORT` with every result and its reason (ldirectord names the real by its check id and logs no message for most checks)".to_string(),
        );
    }
    if cfg
        .notify_fifo
        .as_ref()
        .and_then(|f| f.script.as_ref())
        .is_some_and(|s| s.run_as.is_some())
    {
        out.push(
            "lvs_notify_fifo_script is written as notify_fifo_script, run as rvsadmd's own user (rvsadmd.toml has no key for its user)".to_string(),
        );
    }
    if cfg
        .notify_fifo
        .as_ref()
        .is_some_and(|f| !f.groups.is_empty())
    {
        out.push(
            "lvs_notify_fifo: each service of a virtual_server group writes its own lines in rvsadmd.toml (it has no groups), where keepalived writes one for the group".to_string(),
        );
    }
    if checks().any(|c| matches!(c.probe, Probe::Combined(_))) {
        out.push(
            "checktype = N is written as its negotiate check alone (rvsadmd.toml has no connects between negotiate checks)".to_string(),
        );
    }
    out
}

/// [`parse`](super::parse) reads back to the same services, checks and
/// policies (`rvsadmd import-ldirectord`).
pub fn to_toml(cfg: &Config) -> String {
    let mut out = String::new();
    out.push_str("# rvsadmd configuration");
    match cfg.format {
        Format::Ldirectord => out.push_str(" (imported from an ldirectord.cf)"),
        Format::Keepalived => out.push_str(" (imported from a keepalived.conf)"),
        Format::Native => {}
    }
    out.push_str("\n\n[daemon]\n");
    out.push_str(match cfg.on_stop {
        OnStop::Keep => "on_stop = \"keep\"\n",
        OnStop::Remove => "on_stop = \"remove\"\n",
        OnStop::Flush => "on_stop = \"flush\"\n",
    });
    if cfg.flush_at_start {
        out.push_str("flush_at_start = true\n");
    }
    if let Some(d) = &cfg.sync_daemon {
        out.push_str(&sync_daemon_line(d));
    }
    if let Some(t) = &cfg.timeouts {
        out.push_str(&format!(
            "timeouts = {{ tcp = {}, tcp_fin = {}, udp = {} }}\n",
            t.tcp, t.tcp_fin, t.udp
        ));
    }
    if let Some(p) = &cfg.state_file {
        out.push_str(&format!("state_file = {}\n", q(&p.display().to_string())));
    }
    if let Some(p) = &cfg.control_socket {
        out.push_str(&format!(
            "control_socket = {}\n",
            q(&p.display().to_string())
        ));
    }
    if let Some(a) = &cfg.metrics_listen {
        out.push_str(&format!("metrics_listen = {}\n", q(&a.to_string())));
    }
    if let Some(o) = cfg.on_change.as_ref().filter(|o| o.reload) {
        out.push_str(&format!("reload_on_change = {}\n", secs(o.every)));
    }
    if cfg.max_checks_in_flight_per_address != DEFAULT_MAX_CHECKS_IN_FLIGHT_PER_ADDRESS {
        out.push_str(&format!(
            "max_checks_in_flight_per_address = {}\n",
            cfg.max_checks_in_flight_per_address
        ));
    }
    if cfg.vip_check_marks != crate::config::via_vip::DEFAULT_VIP_CHECK_MARKS {
        out.push_str(&format!(
            "vip_check_marks = {}\n",
            q(&cfg.vip_check_marks.to_string())
        ));
    }
    if cfg.vip_check_ports != crate::config::via_vip::DEFAULT_VIP_CHECK_PORTS {
        out.push_str(&format!(
            "vip_check_ports = {}\n",
            q(&cfg.vip_check_ports.to_string())
        ));
    }
    if let Some(f) = &cfg.notify_fifo {
        out.push_str(&format!(
            "notify_fifo = {}\n",
            q(&f.path.display().to_string())
        ));
        if let Some(s) = &f.script {
            out.push_str(&format!("notify_fifo_script = {}\n", words(&s.argv)));
        }
    }
    for v in &cfg.services {
        service_toml(v, &mut out);
    }
    for h in &cfg.hooks {
        hook_toml(h, &mut out);
    }
    out
}

/// One service as a whole `rvsadmd.toml` of its own: its `[[services]]`
/// table, destinations and checks, with `[defaults]` already merged in
/// (fleet mode keeps each service under its own etcd key in this form).
pub fn service_to_toml(v: &Virtual) -> String {
    let mut out = String::new();
    service_toml(v, &mut out);
    out
}

/// A TOML list of texts.
fn words(w: &[String]) -> String {
    let w: Vec<String> = w.iter().map(|s| q(s)).collect();
    format!("[{}]", w.join(", "))
}

/// One `[[hooks]]` table.
fn hook_toml(h: &crate::config::Hook, out: &mut String) {
    out.push_str(&format!(
        "\n[[hooks]]\non = {}\ncommand = {}\ntimeout = {}\nrate_limit = {{ runs = {}, per = {} }}\n",
        words(&h.on),
        words(&h.command),
        secs(h.timeout),
        h.rate_limit.runs,
        secs(h.rate_limit.per)
    ));
}

/// One `[[services]]` table, its destinations and their checks.
fn service_toml(v: &Virtual, out: &mut String) {
    let d = ServiceDoc::of_spec(&v.spec());
    out.push_str("\n[[services]]\n");
    match (d.fwmark, d.protocol, d.address, d.port) {
        (Some(m), ..) => {
            out.push_str(&format!("fwmark = {m}\n"));
            if d.family == Family::Inet6 {
                out.push_str("family = \"inet6\"\n");
            }
        }
        (None, Some(p), Some(a), Some(port)) => {
            let name = p.name().unwrap_or("tcp").to_ascii_lowercase();
            out.push_str(&format!(
                "protocol = {}\naddress = {}\nport = {port}\n",
                q(&name),
                q(&a.to_string())
            ));
        }
        _ => {}
    }
    service_fields(&d, out);
    policy_fields(v, out);
    for r in &v.reals {
        out.push_str("\n[[services.destinations]]\n");
        for line in dest_fields(&r.dest) {
            out.push_str(&line);
            out.push('\n');
        }
        checks_toml(&r.checks, r.dest.addr, out);
        if let Some(a) = &r.agent {
            out.push_str(&agent_line(a));
        }
        if let Some(s) = &r.slow_start {
            out.push_str(&slow_start_line(s));
        }
        for (name, s) in [("notify_up", &r.notify_up), ("notify_down", &r.notify_down)] {
            if let Some(s) = s {
                out.push_str(&script_line(name, s, q));
            }
        }
    }
}

/// A destination's `slow_start = {...}` line.
fn slow_start_line(s: &crate::config::SlowStart) -> String {
    format!(
        "slow_start = {{ window = {}, aggression = {:?}, floor = \"{}%\", on_add = {} }}\n",
        secs(s.window),
        s.aggression,
        s.floor,
        s.on_add
    )
}

/// A destination's `agent = {...}` line.
fn agent_line(a: &crate::config::AgentCheck) -> String {
    let send = a
        .send
        .as_ref()
        .map_or(String::new(), |t| format!(", send = {}", q(t)));
    let from = match &a.file {
        Some(f) => format!("file = {}", q(&f.display().to_string())),
        None => format!("port = {}", a.port),
    };
    format!(
        "agent = {{ {from}, interval = {}, timeout = {}{send} }}\n",
        secs(a.interval),
        secs(a.timeout)
    )
}

/// A destination's checks: `check = {...}` for one, `checks = [...]`
/// for none or several.
fn checks_toml(checks: &[Check], dest: SocketAddr, out: &mut String) {
    let table = |c: &Check| format!("{{ {} }}", check_fields(c, dest).join(", "));
    match checks {
        [c] => out.push_str(&format!("check = {}\n", table(c))),
        [] => out.push_str("checks = []\n"),
        _ => {
            out.push_str("checks = [\n");
            for c in checks {
                out.push_str(&format!("    {},\n", table(c)));
            }
            out.push_str("]\n");
        }
    }
}

/// A service's scheduler, flags, persistence and persistence engine
/// (what differs from the defaults).
fn service_fields(d: &ServiceDoc, out: &mut String) {
    out.push_str(&format!("scheduler = {}\n", q(&d.scheduler)));
    let flags: Vec<String> = d
        .flags
        .iter()
        .filter(|f| f.as_str() != "hashed")
        .map(|f| q(f))
        .collect();
    if !flags.is_empty() {
        out.push_str(&format!("flags = [{}]\n", flags.join(", ")));
    }
    if d.timeout != 0 {
        out.push_str(&format!("timeout = {}\n", d.timeout));
    }
    if let Some(n) = d.netmask.filter(|n| !n.is_broadcast()) {
        out.push_str(&format!("netmask = {}\n", q(&n.to_string())));
    }
    if let Some(p) = d.prefix_length.filter(|p| *p != 128) {
        out.push_str(&format!("prefix_length = {p}\n"));
    }
    if let Some(pe) = &d.pe_name {
        out.push_str(&format!("pe_name = {}\n", q(pe)));
    }
}

/// A service's `on_failure`, `manual`, `foreign`, `fallback`,
/// `fallback_idle`, quorum, `on_stop`, `fallback_command` and
/// `monitor_file`.
fn policy_fields(v: &Virtual, out: &mut String) {
    out.push_str(match v.on_failure {
        OnFailure::Quiesce => "on_failure = \"quiesce\"\n",
        OnFailure::Remove => "on_failure = \"remove\"\n",
    });
    out.push_str(match v.manual {
        Manual::Adopt => "manual = \"adopt\"\n",
        Manual::Revert => "manual = \"revert\"\n",
        Manual::Ignore => "manual = \"ignore\"\n",
    });
    out.push_str(if v.keep_foreign {
        "foreign = \"keep\"\n"
    } else {
        "foreign = \"remove\"\n"
    });
    if let Some(f) = &v.fallback {
        out.push_str(&format!("fallback = {{ {} }}\n", dest_fields(f).join(", ")));
        if v.fallback_idle == OnFailure::Quiesce {
            out.push_str("fallback_idle = \"quiesce\"\n");
        }
    }
    out.push_str(&quorum_lines(&v.quorum, q));
    match v.on_stop {
        Some(OnStop::Keep) => out.push_str("on_stop = \"keep\"\n"),
        Some(OnStop::Remove) => out.push_str("on_stop = \"remove\"\n"),
        _ => {}
    }
    if let Some(c) = &v.fallback_command {
        out.push_str(&format!("fallback_command = {}\n", q(c)));
    }
    if let Some(f) = &v.monitor_file {
        out.push_str(&format!("monitor_file = {}\n", q(&f.display().to_string())));
    }
    if let Some(f) = v.depool_floor {
        out.push_str(&format!("depool_floor = \"{}%\"\n", f.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ldirectord, native::parse};
    use std::path::Path;

    #[test]
    fn imported_configurations_read_back_the_same() {
        let ld = "checktimeout=3\ncheckinterval=2\nquiescent=yes\nfallback=127.0.0.1:80 masq\n\
virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq 2 \"/ok\", \"fi\\.ne\"\n    real=10.0.0.2:81 gate\n    persistent=300\n    netmask=255.255.255.0\n    virtualhost=\"www.example.com\"\n\
virtual=7\n    real=10.0.0.3:0 ipip l:2 u:10\n    checktype=external\n    checkcommand=\"/usr/local/bin/probe\"\n\
virtual6=[2001:db8::1]:443\n    real6=[2001:db8::2]:443 masq\n    checktype=connect\n";
        let a = ldirectord::parse(Path::new("ld.cf"), ld).unwrap();
        let text = to_toml(&a);
        let b = parse(Path::new("x.toml"), &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(a.services.len(), b.services.len());
        for (x, y) in a.services.iter().zip(&b.services) {
            assert_eq!(x.spec(), y.spec(), "{text}");
            assert_eq!(x.fallback, y.fallback, "{text}");
            assert_eq!(x.on_failure, y.on_failure);
            assert_eq!((x.manual, x.keep_foreign), (y.manual, y.keep_foreign));
            let checks = |v: &Virtual| -> Vec<Check> {
                v.reals.iter().flat_map(|r| r.checks.clone()).collect()
            };
            assert_eq!(
                x.reals.iter().map(|r| r.checks.len()).collect::<Vec<_>>(),
                y.reals.iter().map(|r| r.checks.len()).collect::<Vec<_>>()
            );
            for (c, d) in checks(x).iter().zip(&checks(y)) {
                match (&c.probe, &d.probe) {
                    // The environment of an exec check is rvsadmd's own.
                    (Probe::Exec { argv: a1, .. }, Probe::Exec { argv: a2, .. }) => {
                        assert_eq!(a1, a2)
                    }
                    (p, q) => assert_eq!(p, q, "{text}"),
                }
                assert_eq!(
                    (c.interval, c.timeout, c.rise, c.fall),
                    (d.interval, d.timeout, d.rise, d.fall)
                );
            }
        }
        assert_eq!(a.on_stop, b.on_stop);
        assert_eq!(
            (a.flush_at_start, a.timeouts, &a.sync_daemon),
            (b.flush_at_start, b.timeouts, &b.sync_daemon)
        );
    }

    #[test]
    fn stop_fallback_command_monitor_and_reload_read_back_the_same() {
        let f = std::env::temp_dir().join(format!("rvsadmd-rb-monitor-{}", std::process::id()));
        let ld = format!("autoreload=yes\ncheckinterval=4\ncleanstop=no\nfallbackcommand=\"/fb\" -q\nvirtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n    cleanstop=yes\n    monitorfile={}\n    service=none\nvirtual=192.0.2.1:81\n    real=10.0.0.1:81 masq\n    fallbackcommand=/own\n", f.display());
        let a = ldirectord::parse(Path::new("ld.cf"), &ld).unwrap();
        let text = to_toml(&a);
        let b = parse(Path::new("x.toml"), &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        for (x, y) in a.services.iter().zip(&b.services) {
            assert_eq!(x.on_stop(a.on_stop), y.on_stop(b.on_stop), "{text}");
            assert_eq!(x.fallback_command, y.fallback_command, "{text}");
            assert_eq!(x.monitor_file, y.monitor_file, "{text}");
        }
        assert_eq!(b.services[1].fallback_command.as_deref(), Some("/own"));
        let o = b.on_change.unwrap();
        assert_eq!((o.reload, o.every.as_secs(), o.callback), (true, 4, None));
        assert_eq!(o.file, Path::new("x.toml"));
        assert!(not_written(&a).iter().any(|n| n.starts_with("monitorfile")));
        // the global default of the native form
        let n = parse(
            Path::new("n.toml"),
            "[defaults]\nfallback_command = \"/d\"\n[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\non_stop = \"remove\"\n[[services.destinations]]\naddress = \"10.0.0.1\"\nport = 80\n",
        )
        .unwrap();
        assert_eq!(n.services[0].fallback_command.as_deref(), Some("/d"));
        assert_eq!(n.services[0].on_stop(n.on_stop), OnStop::Remove);
        assert_eq!(n.on_stop, OnStop::Keep);
        for bad in [
            "[daemon]\nreload_on_change = \"500ms\"\n",
            "[defaults]\nfallback_command = \" \"\n[[services]]\nfwmark = 1\n",
        ] {
            assert!(parse(Path::new("n.toml"), bad).is_err(), "{bad}");
        }
        let _ = std::fs::remove_file(&f);
    }

    #[test]
    fn metrics_listen_is_read_checked_and_written_back() {
        let base = "[[services]]\nfwmark = 1\n[[services.destinations]]\naddress = \"10.0.0.1\"\nport = 80\n";
        let text = format!("[daemon]\nmetrics_listen = \"[::1]:9310\"\n{base}");
        let a = parse(Path::new("m.toml"), &text).unwrap();
        assert_eq!(a.metrics_listen, Some("[::1]:9310".parse().unwrap()));
        let b = parse(Path::new("m.toml"), &to_toml(&a)).unwrap();
        assert_eq!(b.metrics_listen, a.metrics_listen);
        assert_eq!(
            parse(Path::new("m.toml"), base).unwrap().metrics_listen,
            None
        );
        let bad = format!("[daemon]\n\nmetrics_listen = \"localhost\"\n{base}");
        let e = parse(Path::new("m.toml"), &bad).unwrap_err().to_string();
        assert!(
            e.contains("m.toml:3") && e.contains("metrics_listen"),
            "{e}"
        );
    }

    #[test]
    fn slow_start_depool_floor_and_percent_read_back_the_same() {
        let text = r#"
[[services]]
protocol = "tcp"
address = "192.0.2.10"
port = 80
depool_floor = "50%"
slow_start = { window = "30s", aggression = 2.5 }
[[services.destinations]]
address = "10.0.0.1"
port = 80
check = { type = "exec", argv = ["/bin/probe"], dynamic = "percent" }
[[services.destinations]]
address = "10.0.0.2"
port = 80
slow_start = { window = "1500ms", floor = "25%", on_add = true }
"#;
        let a = parse(Path::new("a.toml"), text).unwrap();
        let written = to_toml(&a);
        assert!(written.contains("depool_floor = \"50%\"\n"), "{written}");
        assert!(written.contains("dynamic = \"percent\""), "{written}");
        let b = parse(Path::new("b.toml"), &written).unwrap_or_else(|e| panic!("{e}\n{written}"));
        assert_eq!(
            a.services,
            b.services
                .iter()
                .map(|v| crate::config::Virtual {
                    at: a.services[0].at.clone(),
                    ..v.clone()
                })
                .collect::<Vec<_>>(),
            "{written}"
        );
        assert_eq!(to_toml(&b), written, "written twice, the same text");
    }

    #[test]
    fn several_checks_and_none_read_back_the_same() {
        let text = r#"
[[services]]
protocol = "tcp"
address = "192.0.2.10"
port = 80
[[services.destinations]]
address = "10.0.0.1"
port = 80
checks = [
    { type = "tcp", port = 81, interval = "500ms" },
    { type = "http", path = "/h", regex = "^ok", rise = 2 },
    { type = "exec", argv = ["/bin/probe", "x y"] },
]
[[services.destinations]]
address = "10.0.0.2"
port = 80
checks = []
[[services.destinations]]
address = "10.0.0.3"
port = 80
check = { type = "https", verify = false }
"#;
        let a = parse(Path::new("a.toml"), text).unwrap();
        let written = to_toml(&a);
        assert!(
            written.contains("checks = [\n    { type = \"tcp\", port = 81,"),
            "{written}"
        );
        assert!(written.contains("checks = []\n"), "{written}");
        assert!(written.contains("check = { type = \"https\""), "{written}");
        let b = parse(Path::new("b.toml"), &written).unwrap_or_else(|e| panic!("{e}\n{written}"));
        assert_eq!(a.services[0].reals, b.services[0].reals, "{written}");
        assert_eq!(a.services[0].reals[0].checks.len(), 3);
        assert_eq!(to_toml(&b), written, "written twice, the same text");
    }

    #[test]
    fn sources_read_back_the_same() {
        let text = r#"
[[services]]
protocol = "tcp"
address = "192.0.2.10"
port = 80
check = { type = "http", path = "/", source = "10.0.0.254", source_port = 4000, mark = 7 }
[[services.destinations]]
address = "10.0.0.1"
port = 80
[[services]]
protocol = "tcp"
address = "2001:db8::10"
port = 80
[[services.destinations]]
address = "fe80::1"
port = 80
check = { type = "ping", interface = "eth1", source = "fe80::2" }
"#;
        let a = parse(Path::new("a.toml"), text).unwrap();
        let written = to_toml(&a);
        assert!(
            written.contains("source = \"10.0.0.254\", source_port = 4000, mark = 7"),
            "{written}"
        );
        assert!(written.contains("interface = \"eth1\""), "{written}");
        let b = parse(Path::new("b.toml"), &written).unwrap_or_else(|e| panic!("{e}\n{written}"));
        assert_eq!(a.services[0].reals, b.services[0].reals, "{written}");
        assert_eq!(a.services[1].reals, b.services[1].reals, "{written}");
        let src = &b.services[0].reals[0].checks[0].source;
        assert_eq!(src.to_string(), "from 10.0.0.254:4000 mark 7");
    }
}
