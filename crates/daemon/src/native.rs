//! The native configuration, `rvsadmd.toml`.
//!
//! Services and destinations have the fields of the desired-state document
//! of `rvsadm apply` (`rvsadm -S --json`), with the family taken from the
//! address; each may add a `check`, and a service `on_failure`, `manual`
//! and `fallback`. A `check` table is merged field by field: `[defaults]`,
//! then the service's, then the destination's.
//!
//! ```toml
//! [daemon]
//! state_file = "/var/lib/rvsadmd/state.json"
//! control_socket = "/run/rvsadmd.sock"
//! on_stop = "keep"                 # or "remove"
//!
//! [defaults]
//! check = { type = "tcp", interval = "2s", timeout = "1s", rise = 2, fall = 3 }
//!
//! [[services]]
//! protocol = "tcp"
//! address = "192.0.2.10"
//! port = 80
//! scheduler = "wlc"
//! check = { type = "http", path = "/health", status = ["200-299"], expect = "OK" }
//! fallback = { address = "127.0.0.1", port = 80, forward = "masq" }
//!
//! [[services.destinations]]
//! address = "10.0.0.1"
//! port = 80
//! forward = "masq"
//! weight = 10
//! ```

use super::config::{
    parse_duration, seconds, Check, Config, ConfigError, Expect, Format, HttpProbe, Location,
    Manual, OnFailure, OnStop, Probe, Virtual,
};
use rvsadm::json::{DestinationDoc, ServiceDoc, TunnelDoc};
use rvsadm::model::{DesiredState, DestSpec, Family, ForwardMethod, Protocol};
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    #[serde(default)]
    daemon: DaemonDoc,
    #[serde(default)]
    defaults: DefaultsDoc,
    #[serde(default)]
    services: Vec<Spanned<ServiceToml>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DaemonDoc {
    state_file: Option<String>,
    control_socket: Option<String>,
    on_stop: Option<OnStopDoc>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum OnStopDoc {
    Keep,
    Remove,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum OnFailureDoc {
    Quiesce,
    Remove,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum ManualDoc {
    Adopt,
    Revert,
    Ignore,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum ForeignDoc {
    Keep,
    Remove,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DefaultsDoc {
    #[serde(default)]
    check: CheckDoc,
    on_failure: Option<OnFailureDoc>,
    manual: Option<ManualDoc>,
}

/// A number of seconds or a text with a unit.
#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum DurationDoc {
    Seconds(f64),
    Text(String),
}

/// A status code or a range `"200-299"`.
#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum StatusDoc {
    Code(i64),
    Text(String),
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct CheckDoc {
    #[serde(rename = "type")]
    kind: Option<String>,
    interval: Option<DurationDoc>,
    timeout: Option<DurationDoc>,
    rise: Option<i64>,
    fall: Option<i64>,
    /// Probe this port instead of the destination's.
    port: Option<u16>,
    method: Option<String>,
    path: Option<String>,
    host: Option<String>,
    status: Option<Vec<StatusDoc>>,
    expect: Option<String>,
    regex: Option<String>,
    verify: Option<bool>,
    argv: Option<Vec<String>>,
}

impl CheckDoc {
    fn with_kind(mut self, kind: Option<String>) -> Self {
        self.kind = kind;
        self
    }

    /// `self` with the fields `over` sets replaced. When `over` names
    /// another type of check, only the timing (interval, timeout, rise,
    /// fall) is inherited.
    fn merged(&self, over: &CheckDoc) -> CheckDoc {
        fn pick<T: Clone>(a: &Option<T>, b: &Option<T>) -> Option<T> {
            b.clone().or_else(|| a.clone())
        }
        if over.kind.is_some() && over.kind != self.kind {
            let timing = CheckDoc {
                interval: self.interval.clone(),
                timeout: self.timeout.clone(),
                rise: self.rise,
                fall: self.fall,
                ..CheckDoc::default()
            };
            return timing
                .merged(&CheckDoc {
                    kind: None,
                    ..over.clone()
                })
                .with_kind(over.kind.clone());
        }
        CheckDoc {
            kind: pick(&self.kind, &over.kind),
            interval: pick(&self.interval, &over.interval),
            timeout: pick(&self.timeout, &over.timeout),
            rise: pick(&self.rise, &over.rise),
            fall: pick(&self.fall, &over.fall),
            port: pick(&self.port, &over.port),
            method: pick(&self.method, &over.method),
            path: pick(&self.path, &over.path),
            host: pick(&self.host, &over.host),
            status: pick(&self.status, &over.status),
            expect: pick(&self.expect, &over.expect),
            regex: pick(&self.regex, &over.regex),
            verify: pick(&self.verify, &over.verify),
            argv: pick(&self.argv, &over.argv),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceToml {
    family: Option<Family>,
    protocol: Option<Protocol>,
    address: Option<IpAddr>,
    port: Option<u16>,
    fwmark: Option<u32>,
    scheduler: Option<String>,
    #[serde(default)]
    flags: Vec<String>,
    #[serde(default)]
    timeout: u32,
    netmask: Option<std::net::Ipv4Addr>,
    prefix_length: Option<u32>,
    pe_name: Option<String>,
    #[serde(default)]
    check: CheckDoc,
    on_failure: Option<OnFailureDoc>,
    manual: Option<ManualDoc>,
    /// Destinations in the table the file does not name: `keep` (the
    /// default, but for `manual = "revert"`) or `remove`.
    foreign: Option<ForeignDoc>,
    fallback: Option<DestToml>,
    #[serde(default)]
    destinations: Vec<Spanned<DestToml>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DestToml {
    address: IpAddr,
    port: u16,
    forward: Option<ForwardMethod>,
    weight: Option<i64>,
    #[serde(default)]
    upper_threshold: u32,
    #[serde(default)]
    lower_threshold: u32,
    tunnel: Option<TunnelDoc>,
    #[serde(default)]
    check: CheckDoc,
}

impl DestToml {
    fn doc(&self) -> DestinationDoc {
        DestinationDoc {
            family: Family::of(&self.address),
            address: self.address,
            port: self.port,
            forward: self.forward.unwrap_or(ForwardMethod::Route),
            weight: self.weight.unwrap_or(1),
            upper_threshold: self.upper_threshold,
            lower_threshold: self.lower_threshold,
            tunnel: self.tunnel.clone(),
            active_conns: None,
            inactive_conns: None,
            persistent_conns: None,
            stats: None,
        }
    }
}

/// Where the lines of a text start, to turn byte offsets into 1-based
/// line numbers without scanning the text once per service.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Lines(starts)
    }

    /// The 1-based line of byte offset `at`.
    fn of(&self, at: usize) -> usize {
        self.0.partition_point(|&start| start <= at)
    }
}

/// Read `rvsadmd.toml` from its text; `file` names it in errors.
///
/// ```
/// use rvsadmd::native::parse;
/// let cfg = parse(std::path::Path::new("x.toml"), r#"
/// [[services]]
/// protocol = "tcp"
/// address = "192.0.2.10"
/// port = 80
/// [[services.destinations]]
/// address = "10.0.0.1"
/// port = 80
/// "#).unwrap();
/// assert_eq!(cfg.services[0].spec.destinations.len(), 1);
/// assert!(parse(std::path::Path::new("x.toml"), "[[services]]\nport = 80\n").is_err());
/// ```
pub fn parse(file: &Path, text: &str) -> Result<Config, ConfigError> {
    let at = |line: usize| Location {
        file: file.to_path_buf(),
        line,
    };
    let lines = Lines::new(text);
    let doc: FileDoc = toml::from_str(text).map_err(|e| ConfigError {
        at: at(e.span().map_or(0, |s| lines.of(s.start))),
        message: e.message().trim_end().to_string(),
    })?;
    let defaults = &doc.defaults;
    let mut services = Vec::with_capacity(doc.services.len());
    for (i, s) in doc.services.iter().enumerate() {
        let line = lines.of(s.span().start);
        let s = s.get_ref();
        let path = format!("services[{i}]");
        let bad = |line: usize, message: String| ConfigError {
            at: at(line),
            message,
        };
        let family = match (s.family, s.address) {
            (Some(f), _) => f,
            (None, Some(a)) => Family::of(&a),
            (None, None) => Family::Inet,
        };
        let svc_doc = ServiceDoc {
            family,
            protocol: s.protocol,
            address: s.address,
            port: s.port,
            fwmark: s.fwmark,
            scheduler: s.scheduler.clone().unwrap_or_else(|| "wlc".into()),
            flags: s.flags.clone(),
            timeout: s.timeout,
            netmask: s.netmask,
            prefix_length: s.prefix_length,
            pe_name: s.pe_name.clone(),
            stats: None,
            destinations: s.destinations.iter().map(|d| d.get_ref().doc()).collect(),
        };
        let spec = svc_doc
            .to_spec(&path)
            .map_err(|e| bad(line, e.to_string()))?;
        let svc_check = defaults.check.merged(&s.check);
        let mut checks = Vec::with_capacity(s.destinations.len());
        for (j, d) in s.destinations.iter().enumerate() {
            let dline = lines.of(d.span().start);
            let dd = d.get_ref();
            let c = svc_check.merged(&dd.check);
            let target = SocketAddr::new(dd.address, dd.port);
            checks.push(
                check_of(&c, target, &spec.key.to_string())
                    .map_err(|m| bad(dline, format!("{path}.destinations[{j}].check: {m}")))?,
            );
        }
        let fallback = match &s.fallback {
            Some(f) => Some(
                f.doc()
                    .to_spec(&format!("{path}.fallback"))
                    .map_err(|e| bad(line, e.to_string()))?,
            ),
            None => None,
        };
        let v = Virtual {
            spec,
            checks,
            fallback,
            on_failure: match s.on_failure.or(defaults.on_failure) {
                Some(OnFailureDoc::Remove) => OnFailure::Remove,
                _ => OnFailure::Quiesce,
            },
            manual: match s.manual.or(defaults.manual) {
                Some(ManualDoc::Revert) => Manual::Revert,
                Some(ManualDoc::Ignore) => Manual::Ignore,
                _ => Manual::Adopt,
            },
            keep_foreign: match s.foreign {
                Some(ForeignDoc::Keep) => true,
                Some(ForeignDoc::Remove) => false,
                None => !matches!(s.manual.or(defaults.manual), Some(ManualDoc::Revert)),
            },
            at: at(line),
        };
        services.push(v);
    }
    let cfg = Config {
        services,
        on_stop: match doc.daemon.on_stop {
            Some(OnStopDoc::Remove) => OnStop::Remove,
            _ => OnStop::Keep,
        },
        state_file: doc.daemon.state_file.map(Into::into),
        control_socket: doc.daemon.control_socket.map(Into::into),
        format: Format::Native,
        notes: Vec::new(),
    };
    check_whole(&cfg)?;
    Ok(cfg)
}

/// What every format must satisfy: the services and their fallbacks are
/// a valid desired state (each service once, fallbacks not among the
/// destinations).
pub(crate) fn check_whole(cfg: &Config) -> Result<(), ConfigError> {
    let state = DesiredState {
        services: cfg
            .services
            .iter()
            .map(|v| {
                let mut s = v.spec.clone();
                s.destinations.extend(v.fallback);
                s
            })
            .collect(),
        timeouts: None,
        daemons: None,
    };
    if let Err(e) = state.check() {
        let (i, message) = match &e {
            rvsadm::Error::InvalidDocument { path, message } => (
                index_of(path).unwrap_or(0),
                format!("{path}: {message}").replace(".destinations[", " destination ["),
            ),
            other => (0, other.to_string()),
        };
        let at = cfg
            .services
            .get(i)
            .map(|v| v.at.clone())
            .unwrap_or_default();
        let n = cfg.services.get(i).map_or(0, |v| v.spec.destinations.len());
        let message = match cfg.services.get(i).and_then(|v| v.fallback) {
            Some(f) if message.contains(&format!("[{n}]")) => {
                format!("fallback {}: {message}", f.addr)
            }
            _ => message,
        };
        return Err(ConfigError { at, message });
    }
    Ok(())
}

fn index_of(path: &str) -> Option<usize> {
    let rest = path.strip_prefix("services[")?;
    rest.get(..rest.find(']')?)?.parse().ok()
}

fn duration_of(d: &DurationDoc, what: &str) -> Result<std::time::Duration, String> {
    match d {
        DurationDoc::Seconds(v) => {
            seconds(*v).ok_or_else(|| format!("{what}: {v} is not a number of seconds"))
        }
        DurationDoc::Text(t) => parse_duration(t).map_err(|m| format!("{what}: {m}")),
    }
}

fn status_of(s: &StatusDoc) -> Result<(u16, u16), String> {
    let code = |v: i64| -> Result<u16, String> {
        u16::try_from(v)
            .ok()
            .filter(|c| (100..=599).contains(c))
            .ok_or_else(|| format!("status: {v} is not an HTTP status (100 to 599)"))
    };
    match s {
        StatusDoc::Code(c) => code(*c).map(|c| (c, c)),
        StatusDoc::Text(t) => {
            let (a, b) = t.split_once('-').unwrap_or((t, t));
            let n = |x: &str| {
                x.trim()
                    .parse::<i64>()
                    .map_err(|_| format!("status: `{t}` is not a code or a range like 200-299"))
            };
            let (a, b) = (code(n(a)?)?, code(n(b)?)?);
            if a > b {
                return Err(format!("status: `{t}` is an empty range"));
            }
            Ok((a, b))
        }
    }
}

/// The check of one destination from its merged table.
fn check_of(c: &CheckDoc, dest: SocketAddr, service: &str) -> Result<Check, String> {
    let interval = match &c.interval {
        Some(d) => duration_of(d, "interval")?,
        None => std::time::Duration::from_secs(5),
    };
    let timeout = match &c.timeout {
        Some(d) => duration_of(d, "timeout")?,
        None => std::time::Duration::from_secs(3).min(interval),
    };
    if interval.is_zero() || timeout.is_zero() {
        return Err("interval and timeout must be above 0".into());
    }
    let count = |v: Option<i64>, what: &str| -> Result<u32, String> {
        match v {
            None => Ok(1),
            Some(n) => u32::try_from(n)
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or_else(|| format!("{what}: must be 1 to 1000")),
        }
    };
    let rise = count(c.rise, "rise")?;
    let fall = count(c.fall, "fall")?;
    let target = SocketAddr::new(dest.ip(), c.port.unwrap_or(dest.port()));
    let kind = c.kind.as_deref().unwrap_or("tcp");
    let only = |allowed: &[&str]| -> Result<(), String> {
        let set = [
            ("method", c.method.is_some()),
            ("path", c.path.is_some()),
            ("host", c.host.is_some()),
            ("status", c.status.is_some()),
            ("expect", c.expect.is_some()),
            ("regex", c.regex.is_some()),
            ("verify", c.verify.is_some()),
            ("argv", c.argv.is_some()),
        ];
        match set.iter().find(|(name, on)| *on && !allowed.contains(name)) {
            Some((name, _)) => Err(format!("`{name}` does not apply to a {kind} check")),
            None => Ok(()),
        }
    };
    let probe = match kind {
        "tcp" => {
            only(&[])?;
            Probe::Tcp { target }
        }
        "http" | "https" => {
            only(&[
                "method", "path", "host", "status", "expect", "regex", "verify",
            ])?;
            if kind == "http" && c.verify.is_some() {
                return Err("`verify` applies to https checks".into());
            }
            if c.expect.is_some() && c.regex.is_some() {
                return Err("give `expect` (text) or `regex`, not both".into());
            }
            if let Some(r) = &c.regex {
                regex::Regex::new(r).map_err(|e| format!("regex: {e}"))?;
            }
            let path = c.path.clone().unwrap_or_else(|| "/".into());
            if !path.starts_with('/') || path.contains(char::is_whitespace) {
                return Err(format!(
                    "path: `{path}` must start with / and hold no white space"
                ));
            }
            let method = c.method.clone().unwrap_or_else(|| "GET".into());
            if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(format!("method: `{method}` is not an HTTP method"));
            }
            if let Some(h) = &c.host {
                if h.is_empty() || h.contains(|ch: char| ch.is_whitespace() || ch.is_control()) {
                    return Err(format!("host: `{h}` is not a host name"));
                }
            }
            let status = match &c.status {
                Some(v) if !v.is_empty() => v.iter().map(status_of).collect::<Result<_, _>>()?,
                Some(_) => return Err("status: give at least one code".into()),
                None => vec![(200, 299)],
            };
            Probe::Http(HttpProbe {
                target,
                tls: kind == "https",
                verify: c.verify.unwrap_or(true),
                method,
                path,
                host: c.host.clone(),
                status,
                expect: c
                    .expect
                    .clone()
                    .map(Expect::Text)
                    .or_else(|| c.regex.clone().map(Expect::Regex)),
            })
        }
        "exec" => {
            only(&["argv"])?;
            let argv = c.argv.clone().unwrap_or_default();
            if argv.first().map_or(true, |p| p.is_empty()) {
                return Err("argv: give the program and its arguments".into());
            }
            Probe::Exec {
                argv,
                env: exec_env(service, target),
                dynamic: true,
            }
        }
        "on" => {
            only(&[])?;
            Probe::Up
        }
        "off" => {
            only(&[])?;
            Probe::Down
        }
        "none" => {
            only(&[])?;
            Probe::Unchecked
        }
        other => {
            return Err(format!(
                "unknown check type `{other}` (tcp, http, exec, on, off, none)"
            ))
        }
    };
    Ok(Check {
        probe,
        interval,
        timeout,
        rise,
        fall,
    })
}

/// The environment an exec check gets: the service, and the address and
/// port it is to check.
pub(crate) fn exec_env(service: &str, target: SocketAddr) -> Vec<(String, String)> {
    vec![
        ("RVSADMD_SERVICE".into(), service.to_string()),
        ("RVSADMD_ADDRESS".into(), target.ip().to_string()),
        ("RVSADMD_PORT".into(), target.port().to_string()),
    ]
}

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

fn secs(d: std::time::Duration) -> String {
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
    let mut f = Vec::new();
    let port = |f: &mut Vec<String>, t: SocketAddr| {
        if t.port() != dest.port() {
            f.push(format!("port = {}", t.port()));
        }
    };
    match &c.probe {
        Probe::Tcp { target } => {
            f.push("type = \"tcp\"".into());
            port(&mut f, *target);
        }
        Probe::Http(h) => {
            f.push(format!(
                "type = {}",
                q(if h.tls { "https" } else { "http" })
            ));
            port(&mut f, h.target);
            f.push(format!("method = {}", q(&h.method)));
            f.push(format!("path = {}", q(&h.path)));
            if let Some(host) = &h.host {
                f.push(format!("host = {}", q(host)));
            }
            let st: Vec<String> = h
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
            match &h.expect {
                Some(Expect::Text(t)) => f.push(format!("expect = {}", q(t))),
                Some(Expect::Regex(r)) => f.push(format!("regex = {}", q(r))),
                None => {}
            }
            if h.tls {
                f.push(format!("verify = {}", h.verify));
            }
        }
        Probe::Exec { argv, .. } => {
            f.push("type = \"exec\"".into());
            let a: Vec<String> = argv.iter().map(|x| q(x)).collect();
            f.push(format!("argv = [{}]", a.join(", ")));
        }
        Probe::Up => f.push("type = \"on\"".into()),
        Probe::Down => f.push("type = \"off\"".into()),
        Probe::Unchecked => f.push("type = \"none\"".into()),
    }
    f.push(format!("interval = {}", secs(c.interval)));
    f.push(format!("timeout = {}", secs(c.timeout)));
    f.push(format!("rise = {}", c.rise));
    f.push(format!("fall = {}", c.fall));
    f
}

/// The native configuration of `cfg`, as TOML text that [`parse`] reads
/// back to the same services, checks and policies (`rvsadmd
/// import-ldirectord`).
pub fn to_toml(cfg: &Config) -> String {
    let mut out = String::new();
    out.push_str("# rvsadmd configuration");
    if cfg.format == Format::Ldirectord {
        out.push_str(" (imported from an ldirectord.cf)");
    }
    out.push_str("\n\n[daemon]\n");
    out.push_str(match cfg.on_stop {
        OnStop::Keep => "on_stop = \"keep\"\n",
        OnStop::Remove => "on_stop = \"remove\"\n",
    });
    if let Some(p) = &cfg.state_file {
        out.push_str(&format!("state_file = {}\n", q(&p.display().to_string())));
    }
    if let Some(p) = &cfg.control_socket {
        out.push_str(&format!(
            "control_socket = {}\n",
            q(&p.display().to_string())
        ));
    }
    for v in &cfg.services {
        let d = ServiceDoc::of_spec(&v.spec);
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
        }
        for (dest, c) in v.spec.destinations.iter().zip(&v.checks) {
            out.push_str("\n[[services.destinations]]\n");
            for line in dest_fields(dest) {
                out.push_str(&line);
                out.push('\n');
            }
            out.push_str(&format!(
                "check = {{ {} }}\n",
                check_fields(c, dest.addr).join(", ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Config, ConfigError> {
        parse(Path::new("t.toml"), text)
    }

    const BASE: &str = r#"
[defaults]
check = { interval = "2s", timeout = 1, fall = 3 }

[[services]]
protocol = "tcp"
address = "192.0.2.10"
port = 80
check = { type = "http", path = "/h", status = [200, "300-302"], expect = "OK" }

[[services.destinations]]
address = "10.0.0.1"
port = 80
forward = "masq"
weight = 10

[[services.destinations]]
address = "10.0.0.2"
port = 80
check = { type = "tcp", port = 81, path = "/x" }
"#;

    #[test]
    fn checks_merge_defaults_service_and_destination() {
        let e = p(BASE).unwrap_err();
        assert_eq!(e.at.line, 17, "{e}"); // the destination's table
        assert!(
            e.message.contains("`path` does not apply to a tcp check"),
            "{e}"
        );
        let cfg = p(&BASE.replace(", path = \"/x\"", "")).unwrap();
        let v = &cfg.services[0];
        assert_eq!(v.spec.destinations[0].config.weight.get(), 10);
        let Probe::Http(h) = &v.checks[0].probe else {
            panic!("{:?}", v.checks[0])
        };
        assert_eq!(h.status, vec![(200, 200), (300, 302)]);
        assert_eq!(h.path, "/h");
        assert_eq!(v.checks[0].fall, 3);
        assert_eq!(v.checks[0].interval.as_secs(), 2);
        assert_eq!(
            v.checks[1].probe,
            Probe::Tcp {
                target: "10.0.0.2:81".parse().unwrap()
            }
        );
        assert_eq!(v.manual, Manual::Adopt);
        assert_eq!(v.on_failure, OnFailure::Quiesce);
    }

    #[test]
    fn mistakes_name_their_line() {
        let e = p(
            "[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\nweigth = 3\n",
        )
        .unwrap_err();
        assert_eq!(e.at.line, 5, "{e}");
        assert!(e.message.contains("weigth"), "{e}");
        let e = p("[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\n[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\n").unwrap_err();
        assert_eq!(e.at.line, 5, "{e}");
        assert!(e.message.contains("duplicate service"), "{e}");
        let e = p("[[services]]\nfwmark = 0\n").unwrap_err();
        assert!(e.message.contains("fwmark"), "{e}");
        let e = p("[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\ncheck = { type = \"smtp\" }\n[[services.destinations]]\naddress = \"10.0.0.1\"\nport = 80\n").unwrap_err();
        assert!(e.message.contains("unknown check type `smtp`"), "{e}");
        assert_eq!(e.at.line, 6);
    }

    #[test]
    fn offsets_to_lines() {
        let l = Lines::new("a\nbc\n\nd");
        assert_eq!(
            [0, 1, 2, 3, 4, 5, 6].map(|i| l.of(i)),
            [1, 1, 2, 2, 2, 3, 4]
        );
    }

    #[test]
    fn durations_and_statuses() {
        assert_eq!(parse_duration("1.5s").unwrap().as_millis(), 1500);
        assert_eq!(parse_duration("1m").unwrap().as_secs(), 60);
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("").is_err());
        assert_eq!(
            status_of(&StatusDoc::Text("200-204".into())),
            Ok((200, 204))
        );
        assert!(status_of(&StatusDoc::Text("204-200".into())).is_err());
        assert!(status_of(&StatusDoc::Code(99)).is_err());
    }

    #[test]
    fn a_fallback_among_the_destinations_is_refused() {
        let t = "[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\nfallback = { address = \"10.0.0.1\", port = 80 }\n[[services.destinations]]\naddress = \"10.0.0.1\"\nport = 80\n";
        let e = p(t).unwrap_err();
        assert!(e.message.contains("fallback 10.0.0.1:80"), "{e}");
        assert!(e.message.contains("duplicate destination"), "{e}");
    }
}

#[cfg(test)]
mod round_trip {
    use super::*;

    #[test]
    fn imported_configurations_read_back_the_same() {
        let ld = "checktimeout=3\ncheckinterval=2\nquiescent=yes\nfallback=127.0.0.1:80 masq\n\
virtual=192.0.2.1:80\n    real=10.0.0.1:80 masq 2 \"/ok\", \"fi\\.ne\"\n    real=10.0.0.2:81 gate\n    persistent=300\n    netmask=255.255.255.0\n    virtualhost=\"www.example.com\"\n\
virtual=7\n    real=10.0.0.3:0 ipip u:10 l:2\n    checktype=external\n    checkcommand=\"/usr/local/bin/probe\"\n\
virtual6=[2001:db8::1]:443\n    real6=[2001:db8::2]:443 masq\n    checktype=connect\n";
        let a = super::super::ldirectord::parse(Path::new("ld.cf"), ld).unwrap();
        let text = to_toml(&a);
        let b = parse(Path::new("x.toml"), &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(a.services.len(), b.services.len());
        for (x, y) in a.services.iter().zip(&b.services) {
            assert_eq!(x.spec, y.spec, "{text}");
            assert_eq!(x.fallback, y.fallback, "{text}");
            assert_eq!(x.on_failure, y.on_failure);
            assert_eq!((x.manual, x.keep_foreign), (y.manual, y.keep_foreign));
            for (c, d) in x.checks.iter().zip(&y.checks) {
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
    }
}

#[cfg(test)]
mod example {
    #[test]
    fn the_example_configuration_reads() {
        let text = include_str!("../../../contrib/rvsadmd.toml");
        let cfg = super::parse(std::path::Path::new("contrib/rvsadmd.toml"), text)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cfg.services.len(), 2);
        assert!(cfg.services[0].fallback.is_some());
    }
}
