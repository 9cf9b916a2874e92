//! The one table of rvsadm's command-line options: names, value, the
//! command an option starts, the matrix column it sets, help and completion
//! hint. The popt tokenizer, the command/option matrix check, the `--json`
//! and `--completions` extensions, the shell completions and the manual
//! page's test all read it.
//!
//! ipvsadm's own rows come first, in its popt order; the extension rows
//! ([`Scope::Extension`], [`Scope::Subcommand`]) are never seen by the
//! ipvsadm tokenizer, since ipvsadm rejects those words and no valid ipvsadm
//! command line may change meaning.

use crate::compat::matrix::{Cmd, OptCol};
use std::sync::OnceLock;

/// Every option of the table: ipvsadm's popt options, then rvsadm's
/// extensions.
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
    Json,
    Pretty,
    Completions,
    Apply,
    /// `doctor` (a subcommand word).
    Doctor,
    /// `metrics` (a subcommand word).
    Metrics,
    /// `top` (a subcommand word).
    Top,
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

/// Which part of rvsadm reads an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// ipvsadm's popt table: the tokenizer reads it.
    Ipvsadm,
    /// An rvsadm flag taken out of argv before the ipvsadm parse (`--json`,
    /// `--pretty`) or answered before it (`--completions`).
    Extension,
    /// A word that starts an rvsadm subcommand as argv\[1\] (`apply`); it
    /// has its own options.
    Subcommand,
}

/// What a shell completion offers for an option's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Nothing in particular.
    None,
    /// The known scheduler names.
    Schedulers,
    /// One of these words.
    Values(&'static [&'static str]),
    /// A host name.
    Hostname,
    /// Free text (an interface name).
    Other,
}

/// One row of the option table.
#[derive(Debug, Clone, Copy)]
pub struct OptSpec {
    /// `--name` (exact match only; popt does no abbreviation here); for a
    /// [`Scope::Subcommand`] row, the word itself.
    pub long: Option<&'static str>,
    /// `-c`.
    pub short: Option<char>,
    /// Value.
    pub arg: ArgKind,
    /// What it is.
    pub id: Opt,
    /// Who reads it.
    pub scope: Scope,
    /// The command it starts, if it is one (then it must come first).
    pub starts: Option<Cmd>,
    /// The matrix column it sets: given twice it is `multiple '%s' options
    /// specified`, and [`super::super::matrix`] checks it against the
    /// command.
    pub column: Option<OptCol>,
    /// What it does, as a completion shows it (for ipvsadm's options, the
    /// description of its `-h` line; a test compares them).
    pub help: Option<&'static str>,
    /// What a completion offers for its value.
    pub hint: Hint,
}

impl OptSpec {
    const fn new(long: Option<&'static str>, short: Option<char>, arg: ArgKind, id: Opt) -> Self {
        OptSpec {
            long,
            short,
            arg,
            id,
            scope: Scope::Ipvsadm,
            starts: None,
            column: None,
            help: None,
            hint: Hint::None,
        }
    }

    const fn starts(mut self, cmd: Cmd) -> Self {
        self.starts = Some(cmd);
        self
    }

    const fn column(mut self, col: OptCol) -> Self {
        self.column = Some(col);
        self
    }

    const fn help(mut self, text: &'static str) -> Self {
        self.help = Some(text);
        self
    }

    const fn hint(mut self, hint: Hint) -> Self {
        self.hint = hint;
        self
    }

    const fn extension(mut self) -> Self {
        self.scope = Scope::Extension;
        self
    }
}

const fn both(long: &'static str, short: char, arg: ArgKind, id: Opt) -> OptSpec {
    OptSpec::new(Some(long), Some(short), arg, id)
}

const fn long(long: &'static str, arg: ArgKind, id: Opt) -> OptSpec {
    OptSpec::new(Some(long), None, arg, id)
}

const fn short(short: char, arg: ArgKind, id: Opt) -> OptSpec {
    OptSpec::new(None, Some(short), arg, id)
}

const fn word(word: &'static str, id: Opt) -> OptSpec {
    let mut spec = OptSpec::new(Some(word), None, ArgKind::None, id);
    spec.scope = Scope::Subcommand;
    spec
}

use ArgKind::{None as N, Optional as O, Required as R};

/// Every option rvsadm knows.
pub const OPTIONS: &[OptSpec] = &[
    both("add-service", 'A', N, Opt::AddService)
        .starts(Cmd::AddService)
        .help("add virtual service with options"),
    both("edit-service", 'E', N, Opt::EditService)
        .starts(Cmd::EditService)
        .help("edit virtual service with options"),
    both("delete-service", 'D', N, Opt::DeleteService)
        .starts(Cmd::DeleteService)
        .help("delete virtual service"),
    both("clear", 'C', N, Opt::Clear)
        .starts(Cmd::Flush)
        .help("clear the whole table"),
    both("list", 'L', N, Opt::List)
        .starts(Cmd::List)
        .help("list the table"),
    short('l', N, Opt::List).starts(Cmd::List),
    both("zero", 'Z', N, Opt::Zero)
        .starts(Cmd::Zero)
        .help("zero counters in a service or all services"),
    both("add-server", 'a', N, Opt::AddServer)
        .starts(Cmd::AddServer)
        .help("add real server with options"),
    both("edit-server", 'e', N, Opt::EditServer)
        .starts(Cmd::EditServer)
        .help("edit real server with options"),
    both("delete-server", 'd', N, Opt::DeleteServer)
        .starts(Cmd::DeleteServer)
        .help("delete real server"),
    long("set", N, Opt::Set)
        .starts(Cmd::Set)
        .help("set connection timeout values"),
    both("help", 'h', N, Opt::Help).help("display this help message"),
    both("version", 'v', N, Opt::Version),
    both("restore", 'R', N, Opt::Restore)
        .starts(Cmd::Restore)
        .help("restore rules from stdin"),
    both("save", 'S', N, Opt::Save)
        .starts(Cmd::Save)
        .help("save rules to stdout"),
    long("start-daemon", R, Opt::StartDaemon)
        .starts(Cmd::StartDaemon)
        .help("start connection sync daemon")
        .hint(Hint::Values(&["master", "backup"])),
    long("stop-daemon", R, Opt::StopDaemon)
        .starts(Cmd::StopDaemon)
        .help("stop connection sync daemon")
        .hint(Hint::Values(&["master", "backup"])),
    both("tcp-service", 't', R, Opt::TcpService)
        .column(OptCol::ServiceAddress)
        .help("service-address is host[:port]")
        .hint(Hint::Hostname),
    both("udp-service", 'u', R, Opt::UdpService)
        .column(OptCol::ServiceAddress)
        .help("service-address is host[:port]")
        .hint(Hint::Hostname),
    long("sctp-service", R, Opt::SctpService)
        .column(OptCol::ServiceAddress)
        .help("service-address is host[:port]")
        .hint(Hint::Hostname),
    both("fwmark-service", 'f', R, Opt::FwmarkService)
        .column(OptCol::ServiceAddress)
        .help("fwmark is an integer greater than zero"),
    both("ipv6", '6', N, Opt::Ipv6).help("fwmark entry uses IPv6"),
    both("scheduler", 's', R, Opt::Scheduler)
        .column(OptCol::Scheduler)
        .help("one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh")
        .hint(Hint::Schedulers),
    long("pe", R, Opt::Pe)
        .column(OptCol::Pe)
        .help("alternate persistence engine may be sip")
        .hint(Hint::Values(&["sip"])),
    both("persistent", 'p', O, Opt::Persistent)
        .column(OptCol::Persistent)
        .help("persistent service"),
    both("netmask", 'M', R, Opt::Netmask)
        .column(OptCol::Netmask)
        .help("persistent granularity mask"),
    both("real-server", 'r', R, Opt::RealServer)
        .column(OptCol::RealServer)
        .help("server-address is host (and port)")
        .hint(Hint::Hostname),
    both("masquerading", 'm', N, Opt::Masquerading)
        .column(OptCol::ForwardingMethod)
        .help("masquerading (NAT)"),
    both("ipip", 'i', N, Opt::Ipip)
        .column(OptCol::ForwardingMethod)
        .help("ipip encapsulation (tunneling)"),
    both("gatewaying", 'g', N, Opt::Gatewaying)
        .column(OptCol::ForwardingMethod)
        .help("gatewaying (direct routing) (default)"),
    both("weight", 'w', R, Opt::Weight)
        .column(OptCol::Weight)
        .help("capacity of real server"),
    both("u-threshold", 'x', R, Opt::UThreshold)
        .column(OptCol::UThreshold)
        .help("upper threshold of connections"),
    both("l-threshold", 'y', R, Opt::LThreshold)
        .column(OptCol::LThreshold)
        .help("lower threshold of connections"),
    both("numeric", 'n', N, Opt::Numeric)
        .column(OptCol::Numeric)
        .help("numeric output of addresses and ports"),
    both("connection", 'c', N, Opt::Connection)
        .column(OptCol::Connection)
        .help("output of current IPVS connections"),
    long("mcast-interface", R, Opt::McastInterface)
        .column(OptCol::McastInterface)
        .help("multicast interface for connection sync")
        .hint(Hint::Other),
    long("syncid", R, Opt::SyncId)
        .column(OptCol::SyncId)
        .help("syncid for connection sync (default=255)"),
    long("timeout", N, Opt::Timeout)
        .column(OptCol::Timeout)
        .help("output of timeout (tcp tcpfin udp)"),
    long("daemon", N, Opt::Daemon)
        .column(OptCol::Daemon)
        .help("output of daemon information"),
    long("stats", N, Opt::Stats)
        .column(OptCol::Stats)
        .help("output of statistics information"),
    long("rate", N, Opt::Rate)
        .column(OptCol::Rate)
        .help("output of rate information"),
    long("thresholds", N, Opt::Thresholds)
        .column(OptCol::Thresholds)
        .help("output of thresholds information"),
    long("persistent-conn", N, Opt::PersistentConn)
        .column(OptCol::PersistentConn)
        .help("output of persistent connection info"),
    long("nosort", N, Opt::NoSort)
        .column(OptCol::NoSort)
        .help("disable sorting output of service/server entries"),
    long("sort", N, Opt::Sort).help("does nothing, for backwards compatibility"),
    long("exact", N, Opt::Exact)
        .column(OptCol::Exact)
        .help("expand numbers (display exact values)"),
    short('X', N, Opt::Exact).column(OptCol::Exact),
    both("ops", 'o', N, Opt::Ops)
        .column(OptCol::Ops)
        .help("one-packet scheduling"),
    both("sched-flags", 'b', R, Opt::SchedFlags)
        .column(OptCol::SchedFlags)
        .help("scheduler flags (comma-separated)"),
    long("mcast-group", R, Opt::McastGroup)
        .column(OptCol::McastGroup)
        .help("IPv4/IPv6 group (default=224.0.0.81)"),
    long("mcast-port", R, Opt::McastPort)
        .column(OptCol::McastPort)
        .help("UDP port (default=8848)"),
    long("mcast-ttl", R, Opt::McastTtl)
        .column(OptCol::McastTtl)
        .help("Multicast TTL (default=1)"),
    long("sync-maxlen", R, Opt::SyncMaxlen)
        .column(OptCol::SyncMaxlen)
        .help("Max sync message length (default=1472)"),
    long("tun-info", N, Opt::TunInfo)
        .column(OptCol::TunInfo)
        .help("output of tunnel information"),
    long("tun-type", R, Opt::TunType)
        .column(OptCol::TunType)
        .help("one of ipip|gue|gre")
        .hint(Hint::Values(&["ipip", "gue", "gre"])),
    long("tun-port", R, Opt::TunPort)
        .column(OptCol::TunPort)
        .help("tunnel destination port"),
    long("tun-nocsum", N, Opt::TunNocsum)
        .column(OptCol::TunNocsum)
        .help("tunnel encapsulation without checksum"),
    long("tun-csum", N, Opt::TunCsum)
        .column(OptCol::TunCsum)
        .help("tunnel encapsulation with checksum"),
    long("tun-remcsum", N, Opt::TunRemcsum)
        .column(OptCol::TunRemcsum)
        .help("tunnel encapsulation with remote checksum"),
    // rvsadm extensions (ipvsadm rejects these words).
    long("json", N, Opt::Json)
        .extension()
        .help("machine-readable output and errors (docs/schema/)"),
    long("pretty", N, Opt::Pretty)
        .extension()
        .help("indented JSON (implies --json)"),
    long("completions", R, Opt::Completions)
        .extension()
        .help("print a shell completion script")
        .hint(Hint::Values(&["bash", "zsh", "fish"])),
    word("apply", Opt::Apply).help("converge the table to a desired state"),
    word("doctor", Opt::Doctor).help("find out why an LVS does not work"),
    word("metrics", Opt::Metrics).help("print the IPVS table's Prometheus metrics once"),
    word("top", Opt::Top).help("a live view of the table: connections, rates, weights, health"),
];

/// The rows of ipvsadm's popt table (what the tokenizer reads).
pub fn ipvsadm_options() -> impl Iterator<Item = &'static OptSpec> {
    OPTIONS.iter().filter(|o| o.scope == Scope::Ipvsadm)
}

/// The row of ipvsadm's popt table whose short name is `c` (the first, as
/// a scan of [`ipvsadm_options`] finds it), looked up in a table built once:
/// the tokenizer asks for every option of every `-R` and `apply` line.
///
/// ```
/// use rvsadm_cli::compat::args::{ipvsadm_options, short_option, Opt};
/// assert_eq!(short_option('A').map(|o| o.id), Some(Opt::AddService));
/// assert!(short_option('q').is_none());
/// for c in ['a', 'L', 'n', '6', '\u{e9}'] {
///     let scan = ipvsadm_options().find(|o| o.short == Some(c));
///     assert_eq!(short_option(c).map(|o| o.id), scan.map(|o| o.id));
/// }
/// ```
pub fn short_option(c: char) -> Option<&'static OptSpec> {
    static ASCII: OnceLock<[Option<&'static OptSpec>; 128]> = OnceLock::new();
    let table = ASCII.get_or_init(|| {
        let mut t = [None; 128];
        for o in ipvsadm_options() {
            if let Some(slot) = o.short.and_then(|c| t.get_mut(c as usize)) {
                if slot.is_none() {
                    *slot = Some(o);
                }
            }
        }
        t
    });
    match table.get(c as usize) {
        Some(row) => *row,
        None => ipvsadm_options().find(|o| o.short == Some(c)),
    }
}

/// The extension flag (a row of [`Scope::Extension`]) that the argv word
/// `--name` is, if any.
pub fn extension_flag(word: &str) -> Option<Opt> {
    let name = word.strip_prefix("--")?;
    OPTIONS
        .iter()
        .find(|o| o.scope == Scope::Extension && o.long == Some(name))
        .map(|o| o.id)
}

/// The name of `id`'s row (`--name` without the dashes, or the subcommand
/// word).
pub fn long_name(id: Opt) -> &'static str {
    OPTIONS
        .iter()
        .find(|o| o.id == id)
        .and_then(|o| o.long)
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compat::help;
    use crate::compat::matrix::{COLUMNS, COMMANDS};

    /// The description on the `-h` line of `--long`, if it has one.
    fn help_line(usage: &str, long: &str) -> Option<String> {
        let flag = format!("--{long}");
        usage.lines().find_map(|line| {
            let t = line.trim_start();
            let first = t.split([' ', '|']).next()?;
            if first != flag {
                return None;
            }
            let chunks: Vec<&str> = t
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            let last = *chunks.last()?;
            (last != first).then(|| last.trim_end_matches(',').to_string())
        })
    }

    #[test]
    fn help_of_ipvsadm_rows_is_their_h_line() {
        let usage = help::usage("ipvsadm");
        for spec in ipvsadm_options() {
            if let Some(l) = spec.long {
                assert_eq!(spec.help.map(String::from), help_line(&usage, l), "--{l}");
            }
        }
        // Every option the -h text lists is a row.
        for line in usage.lines() {
            let Some(flag) = line.trim_start().split([' ', '|']).next() else {
                continue;
            };
            if let Some(name) = flag.strip_prefix("--") {
                assert!(
                    ipvsadm_options().any(|o| o.long == Some(name)),
                    "-h lists {flag}, the table does not"
                );
            }
        }
    }

    #[test]
    fn names_are_unique_and_extensions_stay_out_of_popt() {
        for (i, a) in OPTIONS.iter().enumerate() {
            for b in OPTIONS.iter().skip(i + 1) {
                assert!(a.long.is_none() || a.long != b.long, "{:?}", a.long);
                assert!(a.short.is_none() || a.short != b.short, "{:?}", a.short);
            }
            if a.scope != Scope::Ipvsadm {
                assert!(a.short.is_none() && a.starts.is_none() && a.column.is_none());
            }
        }
        assert_eq!(extension_flag("--json"), Some(Opt::Json));
        assert_eq!(extension_flag("--numeric"), None);
        assert_eq!(long_name(Opt::Apply), "apply");
    }

    #[test]
    fn every_command_and_column_has_a_row() {
        for (cmd, _) in COMMANDS {
            assert!(OPTIONS.iter().any(|o| o.starts == Some(cmd)), "{cmd:?}");
        }
        for (col, name, _) in COLUMNS {
            let rows: Vec<&OptSpec> = OPTIONS.iter().filter(|o| o.column == Some(col)).collect();
            assert!(!rows.is_empty(), "no option sets the '{name}' column");
            // A column of one option is named after it (service-address
            // and forwarding-method name groups).
            if rows.iter().any(|o| o.long == Some(name)) {
                continue;
            }
            assert!(
                matches!(col, OptCol::ServiceAddress | OptCol::ForwardingMethod),
                "column '{name}' names no option"
            );
        }
    }
}
