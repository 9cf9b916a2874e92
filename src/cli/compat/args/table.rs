//! ipvsadm's popt option table: every option's names, whether it takes a
//! value, and which command it starts.

use crate::cli::compat::matrix::Cmd;

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
pub(super) fn command_of(id: Opt) -> Option<Cmd> {
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
