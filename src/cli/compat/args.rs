//! ipvsadm 1.31's command line: argv in, a typed [`Command`] or ipvsadm's
//! exact error ([`Failure`]) out.
//!
//! # Why a hand-written tokenizer, not clap
//!
//! ipvsadm parses with popt, and its behaviour on bad input is part of the
//! drop-in contract: which word is blamed (`-Lq: unknown option`), when an
//! optional value is taken (`-p 600` but not `-p -1`), what `-s=rr`,
//! `-n=x` or `-pt` mean, that the first option must be a command, and that
//! every value is validated the moment it is met, in argv order. clap can be
//! used as a pure lexer, but its notion of optional values, `=` inside short
//! clusters and error order differ in small ways that would each need a
//! workaround, and none of its own messages may ever show. A popt-compatible
//! tokenizer is about a hundred lines ([`Tokenizer`]) and mirrors the rules
//! directly, so that is what this module uses. clap stays for the new UI.
//!
//! # Flow of [`parse`]
//!
//! 1. No argument at all: list everything, like `-L`.
//! 2. The first option must be a command, else the "Try ..." hint (exit
//!    255). `-h` and `-v` answer at once.
//! 3. Every further option is applied in argv order ([`OPTIONS`] is the popt
//!    table); its value is checked right away, a second command is
//!    ``invalid option `X'``, a repeated option is `multiple '%s' options
//!    specified`, a popt error is `WORD: reason` (exit 255).
//! 4. Then the `--set` values, `unexpected argument`, the scheduler flags,
//!    the command/option matrix ([`super::matrix`]) and the per-command
//!    checks, in ipvsadm's order.
//!
//! # Extending
//!
//! A new option (say `--json`) is one [`OPTIONS`] row with a new [`Opt`]
//! variant and one arm in `State::apply`; ipvsadm rejects unknown options,
//! so no valid ipvsadm command line changes meaning.
//!
//! # Deliberate difference
//!
//! ipvsadm crashes (SIGSEGV, exit 139) on a `-b` value made only of commas
//! (`-b ,`). We report ``invalid scheduler flag `,'`` with exit 2 instead.

use super::help;
use super::matrix::{self, Cmd, OptCol, OptSet};
use super::resolve::{self, parse_service, string_to_number};
use crate::{
    Daemon, DaemonState, DestConfig, DestSpec, Family, ForwardMethod, Netmask, Protocol, Scheduler,
    Service, ServiceConfig, ServiceFlags, ServiceKey, Timeouts, Tunnel, TunnelFlags, TunnelType,
    Weight, DEFAULT_PERSISTENT_TIMEOUT,
};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// What ipvsadm would print to stderr, and its exit status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The exit status (2 for `fail()`, 255 for the "Try ..." hint and popt
    /// errors).
    pub exit_code: i32,
    /// The exact stderr text, trailing newline included.
    pub stderr: String,
    /// `true` for popt errors, where ipvsadm *returns* −1 (exit 255) instead
    /// of exiting at once: inside `-R` input the next line still runs. For
    /// `fail()` and the "Try ..." hint it is `false`: they end even a
    /// restore.
    pub returns: bool,
}

impl Failure {
    /// ipvsadm's `fail(2, ...)`: the message plus a newline, exit 2.
    pub fn fail(msg: impl Into<String>) -> Self {
        let mut stderr = msg.into();
        stderr.push('\n');
        Failure {
            exit_code: 2,
            stderr,
            returns: false,
        }
    }

    /// The "Try `argv0 -h' ..." hint, exit 255.
    pub fn tryhelp(argv0: &str) -> Self {
        Failure {
            exit_code: 255,
            stderr: format!("Try `{argv0} -h' or '{argv0} --help' for more information.\n"),
            returns: false,
        }
    }

    /// A popt error: `WORD: reason`, exit 255.
    fn popt(word: &str, reason: &str) -> Self {
        Failure {
            exit_code: 255,
            stderr: format!("{word}: {reason}\n"),
            returns: true,
        }
    }
}

/// Which listing `-L` produces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Listing {
    /// Every service (also what a bare `ipvsadm` does).
    #[default]
    All,
    /// One service (`-L -t ...`).
    Service(ServiceKey),
    /// The connection table (`-c`).
    Connections,
    /// The protocol timeouts (`--timeout`).
    Timeout,
    /// The sync daemons (`--daemon`).
    Daemon,
}

/// A `-L` command: what to list and how.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListSpec {
    /// What to list.
    pub listing: Listing,
    /// `-n`: numeric addresses and ports.
    pub numeric: bool,
    /// `--exact` / `-X`: exact numbers.
    pub exact: bool,
    /// `--stats`.
    pub stats: bool,
    /// `--rate`.
    pub rate: bool,
    /// `--thresholds`.
    pub thresholds: bool,
    /// `--persistent-conn`.
    pub persistent_conn: bool,
    /// `--nosort`.
    pub nosort: bool,
    /// `--tun-info`.
    pub tun_info: bool,
    /// `--syncid` (accepted by `-L`, no effect on the output).
    pub syncid: Option<u32>,
}

/// A parsed ipvsadm command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `-h`: print this text (usage with argv\[0\]) to stdout, exit 0.
    /// Inside `-R` input too: the whole restore ends there.
    Help(String),
    /// `-v`: print this text (the version line) to stdout, exit 0 (also
    /// ending a restore).
    Version(String),
    /// `-L` (or no argument).
    List(ListSpec),
    /// `-A`; the scheduler is never empty (`wlc` by default).
    AddService(Service),
    /// `-E`; every attribute is meant to be sent, so what is not given is
    /// reset (scheduler `wlc`, no persistence, default netmask ...).
    EditService(Service),
    /// `-D`.
    DeleteService(ServiceKey),
    /// `-C`.
    Flush,
    /// `-a`.
    AddDest(ServiceKey, DestSpec),
    /// `-e`; every attribute is sent, so what is not given is reset
    /// (direct routing, weight 1, no thresholds), as ipvsadm does.
    EditDest(ServiceKey, DestSpec),
    /// `-d`.
    DeleteDest(ServiceKey, SocketAddr),
    /// `-Z`: one service, or all (`None`; also when the given service has
    /// address 0 and port 0, which ipvsadm sends as "zero all").
    Zero(Option<ServiceKey>),
    /// `--set tcp tcpfin udp` (0 keeps the current value).
    SetTimeouts(Timeouts),
    /// `--start-daemon`; the interface defaults to `eth0`.
    StartDaemon(Daemon),
    /// `--stop-daemon`; only state and sync id are meaningful (the
    /// interface is empty, as ipvsadm sends it).
    StopDaemon(Daemon),
    /// `-S`.
    Save {
        /// `-n`.
        numeric: bool,
    },
    /// `-R`: read commands from stdin (see [`super::restore`]).
    Restore,
}

/// The options ipvsadm's popt table knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // each variant is the option of the same name
pub enum Opt {
    AddService,
    EditService,
    DeleteService,
    Clear,
    List,
    Zero,
    AddServer,
    EditServer,
    DeleteServer,
    Set,
    Help,
    Version,
    Restore,
    Save,
    StartDaemon,
    StopDaemon,
    TcpService,
    UdpService,
    SctpService,
    FwmarkService,
    Ipv6,
    Scheduler,
    Pe,
    Persistent,
    Netmask,
    RealServer,
    Gatewaying,
    Ipip,
    Masquerading,
    Weight,
    UThreshold,
    LThreshold,
    Numeric,
    Connection,
    McastInterface,
    SyncId,
    Timeout,
    Daemon,
    Stats,
    Rate,
    Thresholds,
    PersistentConn,
    NoSort,
    Sort,
    Exact,
    Ops,
    SchedFlags,
    McastGroup,
    McastPort,
    McastTtl,
    SyncMaxlen,
    TunInfo,
    TunType,
    TunPort,
    TunNocsum,
    TunCsum,
    TunRemcsum,
}

/// Whether an option takes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// A flag.
    None,
    /// Always takes a value (the next word, whatever it looks like).
    Required,
    /// Takes the next word only if it does not start with `-`.
    Optional,
}

/// One row of the popt table.
#[derive(Debug, Clone, Copy)]
pub struct OptSpec {
    /// `--name` (exact match only; popt does no abbreviation here).
    pub long: Option<&'static str>,
    /// `-c`.
    pub short: Option<char>,
    /// Value.
    pub arg: ArgKind,
    /// What it is.
    pub id: Opt,
}

const fn o(long: &'static str, short: char, arg: ArgKind, id: Opt) -> OptSpec {
    OptSpec {
        long: Some(long),
        short: Some(short),
        arg,
        id,
    }
}

const fn l(long: &'static str, arg: ArgKind, id: Opt) -> OptSpec {
    OptSpec {
        long: Some(long),
        short: None,
        arg,
        id,
    }
}

const fn s(short: char, arg: ArgKind, id: Opt) -> OptSpec {
    OptSpec {
        long: None,
        short: Some(short),
        arg,
        id,
    }
}

use ArgKind::{None as N, Optional as O, Required as R};

/// ipvsadm's option table.
pub const OPTIONS: &[OptSpec] = &[
    o("add-service", 'A', N, Opt::AddService),
    o("edit-service", 'E', N, Opt::EditService),
    o("delete-service", 'D', N, Opt::DeleteService),
    o("clear", 'C', N, Opt::Clear),
    o("list", 'L', N, Opt::List),
    s('l', N, Opt::List),
    o("zero", 'Z', N, Opt::Zero),
    o("add-server", 'a', N, Opt::AddServer),
    o("edit-server", 'e', N, Opt::EditServer),
    o("delete-server", 'd', N, Opt::DeleteServer),
    l("set", N, Opt::Set),
    o("help", 'h', N, Opt::Help),
    o("version", 'v', N, Opt::Version),
    o("restore", 'R', N, Opt::Restore),
    o("save", 'S', N, Opt::Save),
    l("start-daemon", R, Opt::StartDaemon),
    l("stop-daemon", R, Opt::StopDaemon),
    o("tcp-service", 't', R, Opt::TcpService),
    o("udp-service", 'u', R, Opt::UdpService),
    l("sctp-service", R, Opt::SctpService),
    o("fwmark-service", 'f', R, Opt::FwmarkService),
    o("ipv6", '6', N, Opt::Ipv6),
    o("scheduler", 's', R, Opt::Scheduler),
    l("pe", R, Opt::Pe),
    o("persistent", 'p', O, Opt::Persistent),
    o("netmask", 'M', R, Opt::Netmask),
    o("real-server", 'r', R, Opt::RealServer),
    o("masquerading", 'm', N, Opt::Masquerading),
    o("ipip", 'i', N, Opt::Ipip),
    o("gatewaying", 'g', N, Opt::Gatewaying),
    o("weight", 'w', R, Opt::Weight),
    o("u-threshold", 'x', R, Opt::UThreshold),
    o("l-threshold", 'y', R, Opt::LThreshold),
    o("numeric", 'n', N, Opt::Numeric),
    o("connection", 'c', N, Opt::Connection),
    l("mcast-interface", R, Opt::McastInterface),
    l("syncid", R, Opt::SyncId),
    l("timeout", N, Opt::Timeout),
    l("daemon", N, Opt::Daemon),
    l("stats", N, Opt::Stats),
    l("rate", N, Opt::Rate),
    l("thresholds", N, Opt::Thresholds),
    l("persistent-conn", N, Opt::PersistentConn),
    l("nosort", N, Opt::NoSort),
    l("sort", N, Opt::Sort),
    l("exact", N, Opt::Exact),
    s('X', N, Opt::Exact),
    o("ops", 'o', N, Opt::Ops),
    o("sched-flags", 'b', R, Opt::SchedFlags),
    l("mcast-group", R, Opt::McastGroup),
    l("mcast-port", R, Opt::McastPort),
    l("mcast-ttl", R, Opt::McastTtl),
    l("sync-maxlen", R, Opt::SyncMaxlen),
    l("tun-info", N, Opt::TunInfo),
    l("tun-type", R, Opt::TunType),
    l("tun-port", R, Opt::TunPort),
    l("tun-nocsum", N, Opt::TunNocsum),
    l("tun-csum", N, Opt::TunCsum),
    l("tun-remcsum", N, Opt::TunRemcsum),
];

/// The command an option starts, if it is one.
fn command_of(id: Opt) -> Option<Cmd> {
    Some(match id {
        Opt::AddService => Cmd::AddService,
        Opt::EditService => Cmd::EditService,
        Opt::DeleteService => Cmd::DeleteService,
        Opt::Clear => Cmd::Flush,
        Opt::List => Cmd::List,
        Opt::Zero => Cmd::Zero,
        Opt::AddServer => Cmd::AddServer,
        Opt::EditServer => Cmd::EditServer,
        Opt::DeleteServer => Cmd::DeleteServer,
        Opt::Set => Cmd::Set,
        Opt::Restore => Cmd::Restore,
        Opt::Save => Cmd::Save,
        Opt::StartDaemon => Cmd::StartDaemon,
        Opt::StopDaemon => Cmd::StopDaemon,
        _ => return None,
    })
}

/// A popt error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoptError {
    /// No such option.
    Unknown,
    /// A required value is missing.
    MissingArg,
    /// `--flag=value` or `-f=value` on a flag.
    UnwantedArg,
}

impl PoptError {
    fn text(self) -> &'static str {
        match self {
            PoptError::Unknown => "unknown option",
            PoptError::MissingArg => "missing argument",
            PoptError::UnwantedArg => "option does not take an argument",
        }
    }
}

/// One option the tokenizer read.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// Its table row.
    pub spec: &'static OptSpec,
    /// The whole argv word it came from (what ipvsadm blames).
    pub word: &'a str,
    /// Its value, if any.
    pub value: Option<&'a str>,
}

/// popt's option reader over argv\[1..\]: yields options in order,
/// collecting non-option words ("positional arguments") on the side.
///
/// Rules (popt 1.19 as ipvsadm configures it):
/// - `--` ends the options; every later word is positional;
/// - `--name` / `--name=value`: exact names only;
/// - `-abc`: a cluster of short options; an option that takes a value takes
///   the rest of the cluster (a leading `=` dropped, so `-s=rr` is `rr` and
///   `-s=` is empty), or else the next word;
/// - a flag followed by `=` in a cluster (`-n=x`) is an error;
/// - a required value takes the next word whatever it is; an optional one
///   only a word that does not start with `-`;
/// - `-` alone and words not starting with `-` are positional;
/// - errors blame the whole word.
#[derive(Debug)]
pub struct Tokenizer<'a> {
    words: &'a [String],
    next: usize,
    /// Inside a short-option cluster: the word index and byte offset.
    cluster: Option<(usize, usize)>,
    options_done: bool,
    /// Positional arguments seen so far.
    pub positionals: Vec<&'a str>,
}

impl<'a> Tokenizer<'a> {
    /// A tokenizer over `words` (argv without argv\[0\]).
    pub fn new(words: &'a [String]) -> Self {
        Tokenizer {
            words,
            next: 0,
            cluster: None,
            options_done: false,
            positionals: Vec::new(),
        }
    }

    /// The value of a value-taking option whose own word is used up.
    fn value_from_next(
        &mut self,
        kind: ArgKind,
        word: &'a str,
    ) -> Result<Option<&'a str>, (PoptError, &'a str)> {
        match self.words.get(self.next) {
            Some(w) if kind == ArgKind::Required || !w.starts_with('-') => {
                self.next += 1;
                Ok(Some(w.as_str()))
            }
            None if kind == ArgKind::Required => Err((PoptError::MissingArg, word)),
            _ => Ok(None),
        }
    }
}

/// A popt error and the argv word it blames.
pub type Blame<'a> = (PoptError, &'a str);

impl<'a> Iterator for Tokenizer<'a> {
    type Item = Result<Event<'a>, Blame<'a>>;

    /// The next option, `None` at the end, or a popt error with the word to
    /// blame. Non-option words go to [`Tokenizer::positionals`].
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((wi, pos)) = self.cluster {
                let word = self.words.get(wi)?.as_str();
                let rest = word.get(pos..).unwrap_or("");
                let Some(c) = rest.chars().next() else {
                    self.cluster = None;
                    continue;
                };
                let after = rest.get(c.len_utf8()..).unwrap_or("");
                let Some(spec) = OPTIONS.iter().find(|o| o.short == Some(c)) else {
                    self.cluster = None;
                    return Some(Err((PoptError::Unknown, word)));
                };
                if spec.arg == ArgKind::None {
                    if after.starts_with('=') {
                        self.cluster = None;
                        return Some(Err((PoptError::UnwantedArg, word)));
                    }
                    self.cluster = Some((wi, pos + c.len_utf8()));
                    return Some(Ok(Event {
                        spec,
                        word,
                        value: None,
                    }));
                }
                self.cluster = None;
                let value = if after.is_empty() {
                    match self.value_from_next(spec.arg, word) {
                        Ok(v) => v,
                        Err(e) => return Some(Err(e)),
                    }
                } else {
                    Some(after.strip_prefix('=').unwrap_or(after))
                };
                return Some(Ok(Event { spec, word, value }));
            }

            let wi = self.next;
            let word = self.words.get(wi)?.as_str();
            self.next += 1;
            if self.options_done || word == "-" || !word.starts_with('-') {
                self.positionals.push(word);
                continue;
            }
            if word == "--" {
                self.options_done = true;
                continue;
            }
            let Some(long) = word.strip_prefix("--") else {
                self.cluster = Some((wi, 1));
                continue;
            };
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let Some(spec) = OPTIONS.iter().find(|o| o.long == Some(name)) else {
                return Some(Err((PoptError::Unknown, word)));
            };
            let value = match (spec.arg, inline) {
                (ArgKind::None, Some(_)) => return Some(Err((PoptError::UnwantedArg, word))),
                (ArgKind::None, None) => None,
                (_, Some(v)) => Some(v),
                (kind, None) => match self.value_from_next(kind, word) {
                    Ok(v) => v,
                    Err(e) => return Some(Err(e)),
                },
            };
            return Some(Ok(Event { spec, word, value }));
        }
    }
}

/// The longest prefix of `s` of at most `max` bytes (C's fixed buffers).
fn truncated(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("").to_string()
}

/// Everything the options set, as ipvsadm's `ce` structure holds it.
#[derive(Debug)]
struct State {
    cmd: Cmd,
    given: OptSet,
    // The service, as it stands at each point of the option walk.
    family: Family,
    protocol: Option<Protocol>,
    addr: IpAddr,
    port: u16,
    fwmark: u32,
    sched: String,
    flags: ServiceFlags,
    timeout: u32,
    netmask: Netmask,
    pe: String,
    sched_flags: String,
    // The destination.
    dest_addr: IpAddr,
    dest_port: u16,
    forward: ForwardMethod,
    weight: Weight,
    u_threshold: u32,
    l_threshold: u32,
    tun_type: TunnelType,
    tun_port: u16,
    tun_flags: TunnelFlags,
    // The daemon.
    daemon_state: DaemonState,
    ifname: String,
    syncid: u32,
    sync_maxlen: u16,
    mcast_group: Option<IpAddr>,
    mcast_port: u16,
    mcast_ttl: u8,
}

/// A value in `min..=max` or `fail(msg)`.
fn number(v: &str, min: i64, max: i64, msg: &str) -> Result<i64, Failure> {
    string_to_number(v, min, max).ok_or_else(|| Failure::fail(msg))
}

impl State {
    fn new(cmd: Cmd) -> Self {
        State {
            cmd,
            given: OptSet::default(),
            family: Family::Inet,
            protocol: None,
            addr: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            port: 0,
            fwmark: 0,
            sched: String::new(),
            flags: ServiceFlags::empty(),
            timeout: 0,
            netmask: Netmask::V4(Ipv4Addr::BROADCAST),
            pe: String::new(),
            sched_flags: String::new(),
            dest_addr: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            dest_port: 0,
            forward: ForwardMethod::Route,
            weight: Weight::ONE,
            u_threshold: 0,
            l_threshold: 0,
            tun_type: TunnelType::Ipip,
            tun_port: 0,
            tun_flags: TunnelFlags::NOCSUM,
            daemon_state: DaemonState::Master,
            ifname: String::new(),
            syncid: 0,
            sync_maxlen: 0,
            mcast_group: None,
            mcast_port: 0,
            mcast_ttl: 0,
        }
    }

    /// ipvsadm's `set_option`: each option column once.
    fn set(&mut self, c: OptCol) -> Result<(), Failure> {
        if self.given.has(c) {
            return Err(Failure::fail(format!(
                "multiple '{}' options specified",
                c.name()
            )));
        }
        self.given.add(c);
        Ok(())
    }

    fn service_address(&mut self, protocol: Protocol, v: &str) -> Result<(), Failure> {
        self.set(OptCol::ServiceAddress)?;
        self.protocol = Some(protocol);
        let hp = parse_service(v, self.protocol)
            .ok_or_else(|| Failure::fail("illegal virtual server address[:port] specified"))?;
        self.addr = hp.addr;
        self.family = Family::of(&hp.addr);
        if hp.addr.is_ipv6() {
            self.netmask = Netmask::V6Prefix(128);
        }
        if let Some(p) = hp.port {
            self.port = p;
        }
        Ok(())
    }

    /// Apply one option (not a command) with its value.
    fn apply(&mut self, id: Opt, value: Option<&str>) -> Result<(), Failure> {
        let v = value.unwrap_or("");
        match id {
            Opt::TcpService => self.service_address(Protocol::Tcp, v)?,
            Opt::UdpService => self.service_address(Protocol::Udp, v)?,
            Opt::SctpService => self.service_address(Protocol::Sctp, v)?,
            Opt::FwmarkService => {
                self.set(OptCol::ServiceAddress)?;
                let m = string_to_number(v, 1, i64::from(u32::MAX)).ok_or_else(|| {
                    Failure::fail(format!("invalid fwmark value `{v}' specified"))
                })?;
                self.fwmark = u32::try_from(m).unwrap_or(0);
                self.family = Family::Inet;
                self.protocol = Some(Protocol::Tcp);
            }
            Opt::Ipv6 => {
                if self.fwmark == 0 {
                    return Err(Failure::fail("-6 used before -f\n"));
                }
                self.family = Family::Inet6;
                self.netmask = Netmask::V6Prefix(128);
            }
            Opt::Scheduler => {
                self.set(OptCol::Scheduler)?;
                self.sched = truncated(v, 15);
            }
            Opt::Pe => {
                self.set(OptCol::Pe)?;
                self.pe = truncated(v, 16);
            }
            Opt::Persistent => {
                self.set(OptCol::Persistent)?;
                self.flags.insert(ServiceFlags::PERSISTENT);
                self.timeout = match value {
                    None => DEFAULT_PERSISTENT_TIMEOUT,
                    Some(t) => {
                        let n = number(
                            t,
                            1,
                            2_678_400,
                            &format!("invalid timeout value `{t}' specified"),
                        )?;
                        u32::try_from(n).unwrap_or(0)
                    }
                };
            }
            Opt::Netmask => {
                self.set(OptCol::Netmask)?;
                if self.family == Family::Inet6 {
                    let n = resolve::atoi(v);
                    if !(1..=128).contains(&n) {
                        return Err(Failure::fail("illegal ipv6 netmask specified"));
                    }
                    self.netmask = Netmask::V6Prefix(n.unsigned_abs());
                } else {
                    let m = resolve::inet_aton(v)
                        .or_else(|| resolve::host_v4(v))
                        .ok_or_else(|| {
                            Failure::fail("illegal virtual server persistent mask specified")
                        })?;
                    self.netmask = Netmask::V4(m);
                }
            }
            Opt::RealServer => {
                self.set(OptCol::RealServer)?;
                let hp = parse_service(v, self.protocol)
                    .ok_or_else(|| Failure::fail("illegal real server address[:port] specified"))?;
                self.dest_addr = hp.addr;
                self.dest_port = hp.port.unwrap_or(self.port);
            }
            Opt::Gatewaying | Opt::Ipip | Opt::Masquerading => {
                self.set(OptCol::ForwardingMethod)?;
                self.forward = match id {
                    Opt::Gatewaying => ForwardMethod::Route,
                    Opt::Ipip => ForwardMethod::Tunnel,
                    _ => ForwardMethod::Masq,
                };
            }
            Opt::Weight => {
                self.set(OptCol::Weight)?;
                let n = number(v, 0, i64::from(i32::MAX), "illegal weight specified")?;
                self.weight = Weight::try_from(n).unwrap_or(Weight::ZERO);
            }
            Opt::UThreshold => {
                self.set(OptCol::UThreshold)?;
                let n = number(v, 0, i64::from(i32::MAX), "illegal u_threshold specified")?;
                self.u_threshold = u32::try_from(n).unwrap_or(0);
            }
            Opt::LThreshold => {
                self.set(OptCol::LThreshold)?;
                let n = number(v, 0, i64::from(i32::MAX), "illegal l_threshold specified")?;
                self.l_threshold = u32::try_from(n).unwrap_or(0);
            }
            Opt::Numeric => self.set(OptCol::Numeric)?,
            Opt::Connection => self.set(OptCol::Connection)?,
            Opt::Timeout => self.set(OptCol::Timeout)?,
            Opt::Daemon => self.set(OptCol::Daemon)?,
            Opt::Stats => self.set(OptCol::Stats)?,
            Opt::Rate => self.set(OptCol::Rate)?,
            Opt::Thresholds => self.set(OptCol::Thresholds)?,
            Opt::PersistentConn => self.set(OptCol::PersistentConn)?,
            Opt::NoSort => self.set(OptCol::NoSort)?,
            Opt::Exact => self.set(OptCol::Exact)?,
            Opt::TunInfo => self.set(OptCol::TunInfo)?,
            Opt::Sort => {}
            Opt::Ops => {
                self.set(OptCol::Ops)?;
                self.flags.insert(ServiceFlags::ONEPACKET);
            }
            Opt::SchedFlags => {
                self.set(OptCol::SchedFlags)?;
                self.sched_flags = truncated(v, 127);
            }
            Opt::McastInterface => {
                self.set(OptCol::McastInterface)?;
                self.ifname = truncated(v, 15);
            }
            Opt::SyncId => {
                self.set(OptCol::SyncId)?;
                let n = number(v, 0, 255, "illegal syncid specified")?;
                self.syncid = u32::try_from(n).unwrap_or(0);
            }
            Opt::SyncMaxlen => {
                self.set(OptCol::SyncMaxlen)?;
                let n = number(v, 1, 65507, "illegal sync-maxlen specified")?;
                self.sync_maxlen = u16::try_from(n).unwrap_or(0);
            }
            Opt::McastGroup => {
                self.set(OptCol::McastGroup)?;
                self.mcast_group = Some(if v.contains(':') {
                    match resolve::inet_pton6(v) {
                        Some(a) if a.is_multicast() => IpAddr::V6(a),
                        _ => return Err(Failure::fail(format!("invalid IPv6 mcast-group `{v}'"))),
                    }
                } else {
                    match resolve::inet_pton4(v) {
                        Some(a) if a.is_multicast() => IpAddr::V4(a),
                        _ => return Err(Failure::fail(format!("invalid IPv4 mcast-group `{v}'"))),
                    }
                });
            }
            Opt::McastPort => {
                self.set(OptCol::McastPort)?;
                let n = number(v, 1, 65535, "illegal mcast-port specified")?;
                self.mcast_port = u16::try_from(n).unwrap_or(0);
            }
            Opt::McastTtl => {
                self.set(OptCol::McastTtl)?;
                let n = number(v, 1, 255, "illegal mcast-ttl specified")?;
                self.mcast_ttl = u8::try_from(n).unwrap_or(0);
            }
            Opt::TunType => {
                self.set(OptCol::TunType)?;
                self.tun_type = match v {
                    "ipip" => TunnelType::Ipip,
                    "gue" => TunnelType::Gue,
                    "gre" => TunnelType::Gre,
                    _ => return Err(Failure::fail("illegal tunnel type specified")),
                };
            }
            Opt::TunPort => {
                self.set(OptCol::TunPort)?;
                let n = number(v, 1, 65535, "illegal tunnel port specified")?;
                self.tun_port = u16::try_from(n).unwrap_or(0);
            }
            Opt::TunNocsum => {
                self.set(OptCol::TunNocsum)?;
                self.tun_flags |= TunnelFlags::NOCSUM;
            }
            Opt::TunCsum => {
                self.set(OptCol::TunCsum)?;
                self.tun_flags |= TunnelFlags::CSUM;
            }
            Opt::TunRemcsum => {
                self.set(OptCol::TunRemcsum)?;
                self.tun_flags |= TunnelFlags::REMCSUM;
            }
            // Commands are handled by the caller.
            Opt::AddService
            | Opt::EditService
            | Opt::DeleteService
            | Opt::Clear
            | Opt::List
            | Opt::Zero
            | Opt::AddServer
            | Opt::EditServer
            | Opt::DeleteServer
            | Opt::Set
            | Opt::Help
            | Opt::Version
            | Opt::Restore
            | Opt::Save
            | Opt::StartDaemon
            | Opt::StopDaemon => {}
        }
        Ok(())
    }

    /// The `-b` flags, read after all options.
    fn apply_sched_flags(&mut self) -> Result<(), Failure> {
        if self.sched_flags.is_empty() {
            return Ok(());
        }
        let sched = if self.given.has(OptCol::Scheduler) {
            self.sched.as_str()
        } else {
            "wlc"
        };
        let mut bits = 0u32;
        let mut any = false;
        for item in self.sched_flags.split(',').filter(|s| !s.is_empty()) {
            any = true;
            let (bit, needs) = match item {
                "flag-1" => (ServiceFlags::SCHED1, None),
                "flag-2" => (ServiceFlags::SCHED2, None),
                "flag-3" => (ServiceFlags::SCHED3, None),
                "sh-fallback" => (ServiceFlags::SCHED1, Some("sh")),
                "sh-port" => (ServiceFlags::SCHED2, Some("sh")),
                "mh-fallback" => (ServiceFlags::SCHED1, Some("mh")),
                "mh-port" => (ServiceFlags::SCHED2, Some("mh")),
                _ => return Err(Failure::fail(format!("invalid scheduler flag `{item}'"))),
            };
            if needs.is_some_and(|n| n != sched) {
                return Err(Failure::fail(format!(
                    "incompatible scheduler flag `{item}'"
                )));
            }
            bits |= bit.bits();
        }
        if !any {
            // ipvsadm crashes here (deliberate difference, see module docs).
            return Err(Failure::fail(format!(
                "invalid scheduler flag `{}'",
                self.sched_flags
            )));
        }
        self.flags.remove(ServiceFlags::SCHED_MASK);
        self.flags.insert(ServiceFlags::from_bits_retain(bits));
        Ok(())
    }

    fn key(&self) -> ServiceKey {
        if self.fwmark != 0 {
            ServiceKey::Fwmark {
                mark: self.fwmark,
                family: self.family,
            }
        } else {
            ServiceKey::Addr {
                protocol: self.protocol.unwrap_or(Protocol::Tcp),
                addr: self.addr,
                port: self.port,
            }
        }
    }

    fn service(&self) -> Service {
        let mut svc = Service::new(self.key());
        svc.config = ServiceConfig {
            scheduler: if self.sched.is_empty() {
                Scheduler::Wlc
            } else {
                Scheduler::from_name(&self.sched)
            },
            flags: self.flags,
            timeout: self.timeout,
            netmask: self.netmask,
            pe_name: (!self.pe.is_empty()).then(|| self.pe.clone()),
        };
        svc
    }

    fn dest_addr(&self) -> SocketAddr {
        SocketAddr::new(self.dest_addr, self.dest_port)
    }

    fn destination(&self) -> DestSpec {
        let config = DestConfig {
            forward: self.forward,
            weight: self.weight,
            upper_threshold: self.u_threshold,
            lower_threshold: self.l_threshold,
            tunnel: Tunnel {
                kind: self.tun_type,
                port: self.tun_port,
                flags: self.tun_flags,
            },
        };
        DestSpec::new(self.dest_addr(), config)
    }

    fn daemon(&self) -> Daemon {
        let mut d = Daemon::new(self.daemon_state, self.ifname.clone()).with_sync_id(self.syncid);
        d.sync_maxlen = (self.sync_maxlen != 0).then_some(self.sync_maxlen);
        d.mcast_group = self.mcast_group;
        d.mcast_port = (self.mcast_port != 0).then_some(self.mcast_port);
        d.mcast_ttl = (self.mcast_ttl != 0).then_some(self.mcast_ttl);
        d
    }

    /// The checks after the option walk, and the typed command.
    fn finish(
        mut self,
        argv0: &str,
        in_restore: bool,
        timeouts: Timeouts,
    ) -> Result<Command, Failure> {
        matrix::check_command(self.cmd, self.given)?;
        let given = self.given;
        Ok(match self.cmd {
            Cmd::AddService | Cmd::EditService => {
                if self.fwmark == 0
                    && self.port == 0
                    && !self.flags.contains(ServiceFlags::PERSISTENT)
                {
                    return Err(Failure::fail(
                        "Zero port specified for non-persistent service",
                    ));
                }
                if self.flags.contains(ServiceFlags::ONEPACKET)
                    && self.fwmark == 0
                    && self.protocol != Some(Protocol::Udp)
                {
                    return Err(Failure::fail(
                        "One-Packet Scheduling is only for UDP virtual services",
                    ));
                }
                if self.cmd == Cmd::AddService {
                    Command::AddService(self.service())
                } else {
                    Command::EditService(self.service())
                }
            }
            Cmd::DeleteService => Command::DeleteService(self.key()),
            Cmd::Flush => Command::Flush,
            Cmd::AddServer | Cmd::EditServer => {
                if self.fwmark == 0
                    && matches!(self.forward, ForwardMethod::Tunnel | ForwardMethod::Route)
                {
                    self.dest_port = self.port;
                }
                if Family::of(&self.dest_addr) != self.family
                    && self.forward != ForwardMethod::Tunnel
                {
                    return Err(Failure::fail(
                        "Different address family is allowed only for tunneling servers",
                    ));
                }
                let tunnel_opts = [
                    OptCol::TunType,
                    OptCol::TunPort,
                    OptCol::TunNocsum,
                    OptCol::TunCsum,
                    OptCol::TunRemcsum,
                ];
                if given.any(&tunnel_opts) && self.forward != ForwardMethod::Tunnel {
                    return Err(Failure::fail("Tunnel options conflict with forward method"));
                }
                matrix::check_tunnel(self.tun_type.to_raw(), given)?;
                if self.cmd == Cmd::AddServer {
                    Command::AddDest(self.key(), self.destination())
                } else {
                    Command::EditDest(self.key(), self.destination())
                }
            }
            Cmd::DeleteServer => Command::DeleteDest(self.key(), self.dest_addr()),
            Cmd::List => {
                let has = |c| given.has(c);
                if (given.any(&[OptCol::Connection, OptCol::Timeout, OptCol::Daemon])
                    && given.any(&[OptCol::Stats, OptCol::Rate, OptCol::Thresholds]))
                    || (given.any(&[OptCol::Timeout, OptCol::Daemon])
                        && has(OptCol::PersistentConn))
                {
                    return Err(Failure::fail("options conflicts in the list command"));
                }
                let listing = if has(OptCol::Connection) {
                    Listing::Connections
                } else if has(OptCol::ServiceAddress) {
                    Listing::Service(self.key())
                } else if has(OptCol::Timeout) {
                    Listing::Timeout
                } else if has(OptCol::Daemon) {
                    Listing::Daemon
                } else {
                    Listing::All
                };
                Command::List(ListSpec {
                    listing,
                    numeric: has(OptCol::Numeric),
                    exact: has(OptCol::Exact),
                    stats: has(OptCol::Stats),
                    rate: has(OptCol::Rate),
                    thresholds: has(OptCol::Thresholds),
                    persistent_conn: has(OptCol::PersistentConn),
                    nosort: has(OptCol::NoSort),
                    tun_info: has(OptCol::TunInfo),
                    syncid: has(OptCol::SyncId).then_some(self.syncid),
                })
            }
            Cmd::Set => Command::SetTimeouts(timeouts),
            Cmd::StartDaemon => {
                if self.ifname.is_empty() {
                    self.ifname = "eth0".to_string();
                }
                Command::StartDaemon(self.daemon())
            }
            Cmd::StopDaemon => Command::StopDaemon(self.daemon()),
            Cmd::Restore => {
                if in_restore {
                    return Err(Failure::tryhelp(argv0));
                }
                Command::Restore
            }
            Cmd::Save => Command::Save {
                numeric: given.has(OptCol::Numeric),
            },
            Cmd::Zero => {
                let key = self.key();
                let everything = self.fwmark == 0 && self.port == 0 && self.addr.is_unspecified();
                Command::Zero((given.has(OptCol::ServiceAddress) && !everything).then_some(key))
            }
        })
    }
}

/// Parse an ipvsadm command line (`argv[0]` included).
///
/// `in_restore` is true for the lines of `-R` input: there a `-R` is the
/// "Try ..." hint.
///
/// ```
/// use rvsadm::cli::compat::args::{parse, Command, Failure};
/// let argv = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
/// assert!(matches!(parse(&argv("ipvsadm -Ln"), false), Ok(Command::List(_))));
/// assert_eq!(
///     parse(&argv("ipvsadm -L -n -n"), false),
///     Err(Failure::fail("multiple 'numeric' options specified"))
/// );
/// ```
pub fn parse(argv: &[String], in_restore: bool) -> Result<Command, Failure> {
    let argv0 = argv.first().map_or("", String::as_str);
    let words = argv.get(1..).unwrap_or(&[]);
    if words.is_empty() {
        return Ok(Command::List(ListSpec::default()));
    }
    let mut tok = Tokenizer::new(words);

    // The first option must be a command.
    let first = match tok.next() {
        Some(Ok(ev)) => ev,
        _ => return Err(Failure::tryhelp(argv0)),
    };
    let cmd = match first.spec.id {
        Opt::Help => return Ok(Command::Help(help::usage(argv0))),
        Opt::Version => return Ok(Command::Version(help::version())),
        id => command_of(id).ok_or_else(|| Failure::tryhelp(argv0))?,
    };
    let mut state = State::new(cmd);
    match (cmd, first.value.unwrap_or("")) {
        (Cmd::StartDaemon | Cmd::StopDaemon, "master") => state.daemon_state = DaemonState::Master,
        (Cmd::StartDaemon | Cmd::StopDaemon, "backup") => state.daemon_state = DaemonState::Backup,
        (Cmd::StartDaemon, _) => {
            return Err(Failure::fail("illegal start-daemon parameter specified"))
        }
        (Cmd::StopDaemon, _) => return Err(Failure::fail("illegal start_daemon specified")),
        _ => {}
    }

    // The other options, in argv order.
    for ev in tok.by_ref() {
        let ev = ev.map_err(|(e, word)| Failure::popt(word, e.text()))?;
        if command_of(ev.spec.id).is_some() || matches!(ev.spec.id, Opt::Help | Opt::Version) {
            return Err(Failure::fail(format!("invalid option `{}'", ev.word)));
        }
        state.apply(ev.spec.id, ev.value)?;
    }

    // Positional words: the --set values, then nothing may be left.
    let mut rest = tok.positionals.as_slice();
    let mut timeouts = Timeouts::default();
    if cmd == Cmd::Set {
        let [tcp, tcpfin, udp, tail @ ..] = rest else {
            return Err(Failure::fail("--set option requires 3 timeout values"));
        };
        let t = |v: &str| -> Result<u32, Failure> {
            let n = number(
                v,
                0,
                2_678_400,
                &format!("invalid timeout value `{v}' specified"),
            )?;
            Ok(u32::try_from(n).unwrap_or(0))
        };
        timeouts = Timeouts {
            tcp: t(tcp)?,
            tcp_fin: t(tcpfin)?,
            udp: t(udp)?,
        };
        rest = tail;
    }
    if let Some(extra) = rest.first() {
        return Err(Failure::fail(format!("unexpected argument {extra}")));
    }
    state.apply_sched_flags()?;
    state.finish(argv0, in_restore, timeouts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(args: &[&str]) -> Vec<String> {
        let words: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let mut t = Tokenizer::new(&words);
        let mut out = Vec::new();
        for ev in t.by_ref() {
            match ev {
                Ok(e) => out.push(format!("{:?}={:?}", e.spec.id, e.value)),
                Err((e, w)) => {
                    out.push(format!("ERR {e:?} {w}"));
                    break;
                }
            }
        }
        for p in t.positionals {
            out.push(format!("pos {p}"));
        }
        out
    }

    #[test]
    fn tokenizer_rules() {
        assert_eq!(
            toks(&["-Lnc"]),
            ["List=None", "Numeric=None", "Connection=None"]
        );
        assert_eq!(
            toks(&["-At1.2.3.4:80"]),
            ["AddService=None", "TcpService=Some(\"1.2.3.4:80\")"]
        );
        assert_eq!(toks(&["-s=rr"]), ["Scheduler=Some(\"rr\")"]);
        assert_eq!(toks(&["-s=", "rr"]), ["Scheduler=Some(\"\")", "pos rr"]);
        assert_eq!(
            toks(&["-p", "-t", "x"]),
            ["Persistent=None", "TcpService=Some(\"x\")"]
        );
        assert_eq!(toks(&["-p", "5"]), ["Persistent=Some(\"5\")"]);
        assert_eq!(toks(&["-p", ""]), ["Persistent=Some(\"\")"]);
        assert_eq!(toks(&["-t", "-u"]), ["TcpService=Some(\"-u\")"]);
        assert_eq!(toks(&["-t"]), ["ERR MissingArg -t"]);
        assert_eq!(toks(&["-n=x"]), ["ERR UnwantedArg -n=x"]);
        assert_eq!(toks(&["-Lq"]), ["List=None", "ERR Unknown -Lq"]);
        assert_eq!(toks(&["--stats=1"]), ["ERR UnwantedArg --stats=1"]);
        assert_eq!(
            toks(&["--persistent=", "5"]),
            ["Persistent=Some(\"\")", "pos 5"]
        );
        assert_eq!(toks(&["-", "--", "-n"]), ["pos -", "pos -n"]);
        assert_eq!(toks(&["--num"]), ["ERR Unknown --num"]);
    }
}
