//! What `rvsadmd` runs: the services it owns, how each destination is
//! checked, and what happens on failure. Every configuration format is
//! read into this one model, by a reader of its own:
//!
//! - [`native`] reads (and writes) `rvsadmd.toml`;
//! - [`ldirectord`] reads `ldirectord.cf` by ldirectord's rules;
//! - `validate` holds what every reader checks the same way (the whole
//!   configuration as one desired state; check patterns compiled once).
//!
//! A reader uses this model and `validate`, never another reader.

pub mod ldirectord;
pub mod native;
pub(crate) mod validate;

mod agent;
mod hooks;
pub mod keepalived;
mod probes;
mod scripts;
mod source;
pub mod via_vip;
mod weights;

pub use agent::AgentCheck;
pub use hooks::{
    Hook, NotifyFifo, RateLimit, DEFAULT_HOOK_TIMEOUT, DEFAULT_RATE_LIMIT, HOOK_EVENTS,
};
pub use probes::*;
pub use scripts::{Quorum, Script};
pub use source::{is_link_local, Source, MAX_INTERFACE_LEN};
pub use weights::{DepoolFloor, SlowStart};

use rvsadm::model::{DestSpec, ServiceConfig, ServiceKey, ServiceSpec};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where something was written: file and line, for messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// The configuration file.
    pub file: PathBuf,
    /// 1-based line; 0 when not known.
    pub line: usize,
}

impl Location {
    /// Line `line` of `file`.
    pub fn new(file: &Path, line: usize) -> Self {
        Location {
            file: file.to_path_buf(),
            line,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file.display())
        } else {
            write!(f, "{}:{}", self.file.display(), self.line)
        }
    }
}

/// A configuration that could not be read: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Where.
    pub at: Location,
    /// What, and where possible what to write instead.
    pub message: String,
}

impl ConfigError {
    /// `message` about line `line` of `file`.
    pub fn new(file: &Path, line: usize, message: String) -> Self {
        ConfigError {
            at: Location::new(file, line),
            message,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// The default of [`Config::max_checks_in_flight_per_address`]: a
/// server sees at most this many of the checker's connections at once, a
/// few slow checks of one address still run side by side.
pub const DEFAULT_MAX_CHECKS_IN_FLIGHT_PER_ADDRESS: u32 = 4;

/// The longest IPVS connection timeout a configuration may set, in
/// seconds: 31 days, keepalived's limit for `lvs_timeouts` (the kernel
/// takes up to `INT_MAX / HZ`).
pub const MAX_TIMEOUT_SECS: u32 = 31 * 86_400;

/// The largest sync message a sync daemon may be given (`maxlen`): a UDP
/// payload over IPv4 (65535 less the IP and UDP headers), keepalived's
/// limit for `lvs_sync_daemon maxlen`.
pub const MAX_SYNC_MAXLEN: u16 = 65535 - 20 - 8;

/// The whole configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The services `rvsadmd` owns, in file order.
    pub services: Vec<Virtual>,
    /// What to do with the owned services on stop.
    pub on_stop: OnStop,
    /// Where the admin state (drains) is kept across restarts; `None`:
    /// not kept.
    pub state_file: Option<PathBuf>,
    /// The control socket of `rvsadmd status|drain|ready|reload`.
    pub control_socket: Option<PathBuf>,
    /// Where `/metrics` is served over HTTP (native `metrics_listen`;
    /// `None`: not served).
    pub metrics_listen: Option<std::net::SocketAddr>,
    /// The most checks in flight at once to one real-server address
    /// (native `max_checks_in_flight_per_address`; at least 1).
    pub max_checks_in_flight_per_address: u32,
    /// Empty the whole IPVS table before the first write (keepalived's
    /// `lvs_flush`; native `flush_at_start`).
    pub flush_at_start: bool,
    /// IPVS's connection timeouts to set at start and at each reload; a
    /// field at 0, or no timeouts, leaves (or puts back) the value the
    /// kernel had before rvsadmd first set one (keepalived's
    /// `lvs_timeouts`; native `timeouts`).
    pub timeouts: Option<rvsadm::model::Timeouts>,
    /// IPVS's sync daemon, run as master and as backup with these settings
    /// (the state given is the master's): any running is stopped at start,
    /// both started, restarted by a reload that changes them, stopped at
    /// stop (keepalived's `lvs_sync_daemon` without a VRRP instance;
    /// native `sync_daemon`).
    pub sync_daemon: Option<rvsadm::model::Daemon>,
    /// What a change of the configuration file's content on disk does
    /// (ldirectord's `autoreload` and `callback`; native
    /// `reload_on_change`).
    pub on_change: Option<OnChange>,
    /// Commands run on events (native `[[hooks]]`).
    pub hooks: Vec<Hook>,
    /// Where a line goes for each destination up or down and each quorum
    /// gained or lost (keepalived's `lvs_notify_fifo`; native
    /// `notify_fifo`).
    pub notify_fifo: Option<NotifyFifo>,
    /// The firewall marks of the fwmark services rvsadmd adds for checks
    /// through the VIP (native `vip_check_marks`; see [`via_vip`]).
    pub vip_check_marks: via_vip::MarkRange,
    /// The source ports of checks through the VIP, one per check (native
    /// `vip_check_ports`; see [`via_vip`]).
    pub vip_check_ports: via_vip::PortRange,
    /// Which format this came from.
    pub format: Format,
    /// What was read but has no effect in rvsadmd (told, never silently
    /// skipped): `file:line: what`.
    pub notes: Vec<String>,
}

/// The configuration file watched: looked at every `every`; when its
/// modification time moved and its content (MD5) differs from what was
/// last seen, it is reloaded (`reload`: ldirectord's `autoreload = yes`;
/// native `reload_on_change`), then `callback` is started with the
/// file's path as its last argument (ldirectord's `callback`, whatever
/// `autoreload` says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnChange {
    /// The program and its first arguments, if any.
    pub callback: Option<Vec<String>>,
    /// Whether a change reloads the configuration (as SIGHUP does).
    pub reload: bool,
    /// The file watched (and given as the callback's last argument).
    pub file: PathBuf,
    /// How often the file is looked at.
    pub every: Duration,
}

/// The configuration formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `rvsadmd.toml`.
    Native,
    /// `ldirectord.cf`, read by ldirectord's rules.
    Ldirectord,
    /// `keepalived.conf`, read by keepalived's rules (its checkers start
    /// up unless `alpha`: [`Check::start_up`]).
    Keepalived,
}

/// What `rvsadmd` does with its services when it stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnStop {
    /// Leave the table as it is (native default).
    Keep,
    /// Delete the owned services (ldirectord's `cleanstop = yes`).
    Remove,
    /// Empty the whole IPVS table, owned or not (keepalived's
    /// `lvs_flush_onstop`).
    Flush,
}

/// A destination that fails its check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnFailure {
    /// Weight 0: established connections go on (the default; ldirectord's
    /// `quiescent = yes`).
    Quiesce,
    /// Delete it from the table (`quiescent = no`).
    Remove,
}

/// What `rvsadmd` does about a change someone made by hand to a
/// destination it manages (IPVS sends no notification: the table is
/// polled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Manual {
    /// Keep what the operator set (a weight, a deletion) and show it as an
    /// override until `rvsadmd ready` clears it (the default).
    Adopt,
    /// Put back what the checks say.
    Revert,
    /// Do not look: write only when a check result changes what is wanted.
    Ignore,
}

/// One owned virtual service.
#[derive(Debug, Clone, PartialEq)]
pub struct Virtual {
    /// What names the service.
    pub key: ServiceKey,
    /// Its scheduler, flags, persistence ...
    pub config: ServiceConfig,
    /// Its destinations, each with its checks, in configuration order.
    pub reals: Vec<Real>,
    /// The server put in while the service has no quorum (by default:
    /// while no destination is up), in place of its destinations, and
    /// taken out again when it has.
    pub fallback: Option<DestSpec>,
    /// When the service has quorum, and the programs run when that
    /// changes.
    pub quorum: Quorum,
    /// What the fallback becomes while a destination is up: removed (the
    /// default), or kept in the table at weight 0 (keepalived's
    /// `sorry_server_inhibit`; native `fallback_idle = "quiesce"`).
    pub fallback_idle: OnFailure,
    /// What a failing destination becomes.
    pub on_failure: OnFailure,
    /// What a change by hand becomes.
    pub manual: Manual,
    /// Destinations in the table that the configuration does not name:
    /// kept (`true`) or removed. Either way, one a reload takes out of the
    /// configuration is removed.
    pub keep_foreign: bool,
    /// What stop does with this service: `None`, the configuration's
    /// [`Config::on_stop`]; else [`OnStop::Keep`] or [`OnStop::Remove`]
    /// (ldirectord's `cleanstop` of a virtual; native `on_stop` of a
    /// service).
    pub on_stop: Option<OnStop>,
    /// A shell command run as `COMMAND start VIRTUAL PROTOCOL` when the
    /// service is left without a destination up, and as `COMMAND stop
    /// ...` when one is up again, never twice in a row with the same word
    /// (ldirectord's `fallbackcommand`; native `fallback_command`). The
    /// rule is [`crate::engine::fallback_command`].
    pub fallback_command: Option<String>,
    /// A file each check result of its destinations is appended to, as a
    /// line (ldirectord's `monitorfile`; native `monitor_file`).
    pub monitor_file: Option<PathBuf>,
    /// The part of its destinations kept in the table however many
    /// fail (`None`: none kept).
    pub depool_floor: Option<DepoolFloor>,
    /// A fwmark service rvsadmd added for checks through the VIP
    /// ([`via_vip`]): in the table, but no quorum, no transition, not
    /// counted or shown among the configured services.
    pub check_only: bool,
    /// Where the service was written.
    pub at: Location,
}

impl Config {
    /// The services configured (those rvsadmd added for checks through
    /// the VIP left out).
    pub fn configured(&self) -> impl Iterator<Item = &Virtual> + '_ {
        self.services.iter().filter(|v| !v.check_only)
    }
}

impl Virtual {
    /// What stop does with this service under `global`, the
    /// configuration's [`Config::on_stop`].
    pub fn on_stop(&self, global: OnStop) -> OnStop {
        match global {
            OnStop::Flush => OnStop::Flush,
            _ => self.on_stop.unwrap_or(global),
        }
    }

    /// The service's key.
    pub fn key(&self) -> ServiceKey {
        self.key
    }

    /// The configured destinations, at their configured weights.
    pub fn dests(&self) -> impl Iterator<Item = &DestSpec> + '_ {
        self.reals.iter().map(|r| &r.dest)
    }

    /// The service and its destinations at their configured weights (the
    /// library's form; the fallback left out).
    pub fn spec(&self) -> ServiceSpec {
        let mut s = ServiceSpec::new(self.key).with_config(self.config.clone());
        s.destinations = self.dests().copied().collect();
        s
    }
}

/// A destination and the checks that decide whether it is up: all of
/// them must pass (as keepalived's checkers of a real server). The rule
/// is [`crate::health::verdict`].
#[derive(Debug, Clone, PartialEq)]
pub struct Real {
    /// The destination at its configured weight.
    pub dest: DestSpec,
    /// Its checks, in configuration order; none: always up.
    pub checks: Vec<Check>,
    /// Its feedback agent, if it has one ([`crate::engine::agents`]).
    pub agent: Option<AgentCheck>,
    /// Run when its checks make it up (keepalived's `notify_up`).
    pub notify_up: Option<Script>,
    /// Run when its checks make it down (keepalived's `notify_down`).
    pub notify_down: Option<Script>,
    /// How the service's `monitor_file` writes its results; `None`:
    /// [`MonitorAs::plain`].
    pub monitor_as: Option<MonitorAs>,
    /// Its slow start (the destination's, else the service's; `None`:
    /// put in at full weight at once).
    pub slow_start: Option<SlowStart>,
}

/// How a service's `monitor_file` writes one destination's check
/// results: a line `[TIME] [PID] NAME [up|down] MESSAGE` per result
/// written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitorAs {
    /// How the line names the destination (ldirectord: its id of the real,
    /// the check, protocol, address, port, weight ... joined by blanks).
    pub name: String,
    /// Whether a result up is written.
    pub up: bool,
    /// Whether a result down is written (one of maintenance always is).
    pub down: bool,
    /// The message: the result's reason (`true`), or `-` (ldirectord
    /// gives none for most checks).
    pub reason: bool,
}

impl MonitorAs {
    /// Every result, with its reason, of the destination at `addr`
    /// (named `ADDRESS PORT`).
    pub fn plain(addr: std::net::SocketAddr) -> Self {
        MonitorAs {
            name: format!("{} {}", addr.ip(), addr.port()),
            up: true,
            down: true,
            reason: true,
        }
    }
}

/// How one destination is checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Check {
    /// What is probed.
    pub probe: Probe,
    /// Time between the starts of two probes.
    pub interval: Duration,
    /// How long one probe may take.
    pub timeout: Duration,
    /// Successes in a row that make a failed destination up again.
    pub rise: u32,
    /// Failures in a row that make a healthy destination down.
    pub fall: u32,
    /// After a failure of a check that is not down, the next probe
    /// starts this long after the failed one instead of `interval`, until
    /// `fall` failures in a row make it down (keepalived's
    /// `delay_before_retry`; native `retry_interval`). `None`: `interval`.
    pub retry_interval: Option<Duration>,
    /// Whether the check counts as passing before its first result
    /// (keepalived without `alpha`; native `start_up`): it starts up and
    /// `fall` failures in a row make it down. Otherwise (the default) it
    /// starts unknown and its first result decides.
    pub start_up: bool,
    /// Its starts fall within this long from the start of each interval
    /// (keepalived's `warmup`: the first run within it, then every
    /// interval; native `warmup`). `None`: anywhere in the interval.
    pub warmup: Option<Duration>,
    /// Where its connection comes from (source address and port,
    /// interface, firewall mark); the default leaves it to the kernel.
    pub source: Source,
    /// Files that, while one exists, make every run of the check fail
    /// without probing (ldirectord's `maintenancedir`); `None`: none.
    pub maintenance: Option<Maintenance>,
}

/// ldirectord's `maintenancedir` for one real: a file in `dir` named
/// `IP:PORT` or `IP` (or the real's host name, full or its first label,
/// as `/etc/hosts` gives it, with or without `:PORT`) puts the real in
/// maintenance, looked for at each run of its check.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Maintenance {
    /// The directory looked in.
    pub dir: PathBuf,
    /// The real's address, as its `real=` line writes it.
    pub server: std::net::IpAddr,
    /// The real's port, as its `real=` line writes it.
    pub port: u16,
}

/// Parse a duration: seconds as a number (`2`, `0.5`), or a number with
/// a unit (`500ms`, `2s`, `1m`).
///
/// ```
/// use rvsadmd::config::parse_duration;
/// assert_eq!(parse_duration("500ms").unwrap().as_millis(), 500);
/// assert_eq!(parse_duration("2").unwrap().as_secs(), 2);
/// assert!(parse_duration("-1s").is_err());
/// ```
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let scale = match unit.trim() {
        "" | "s" => 1.0,
        "ms" => 0.001,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        u => return Err(format!("unknown unit `{u}` in `{s}` (ms, s, m, h)")),
    };
    let v: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (2, 0.5, 500ms, 2s, 1m)"))?;
    seconds(v * scale).ok_or_else(|| format!("`{s}` is out of range"))
}

/// Seconds as a [`Duration`]; `None` for a negative, infinite or huge
/// value.
pub fn seconds(v: f64) -> Option<Duration> {
    if v.is_finite() && (0.0..=1.0e9).contains(&v) {
        Some(Duration::from_secs_f64(v))
    } else {
        None
    }
}
