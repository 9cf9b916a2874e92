//! The typed result of a parse: what ipvsadm was asked to do.

use rvsadm::{Change, ServiceKey};

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
    /// A change to the table, as the library runs it ([`Change`]):
    /// - `-A`: [`Change::AddService`]; the scheduler is never empty (`wlc`
    ///   by default);
    /// - `-E`: [`Change::EditService`]; every attribute is meant to be sent,
    ///   so what is not given is reset (scheduler `wlc`, no persistence,
    ///   default netmask ...);
    /// - `-D`, `-C`, `-a`, `-d`: [`Change::DeleteService`], [`Change::Flush`],
    ///   [`Change::AddDestination`], [`Change::DeleteDestination`];
    /// - `-e`: [`Change::EditDestination`]; every attribute is sent, so what
    ///   is not given is reset (direct routing, weight 1, no thresholds), as
    ///   ipvsadm does;
    /// - `-Z`: [`Change::Zero`], one service or all (`None`; also when the
    ///   given service has address 0 and port 0, which ipvsadm sends as
    ///   "zero all");
    /// - `--set tcp tcpfin udp`: [`Change::SetTimeouts`] (0 keeps the current
    ///   value);
    /// - `--start-daemon`: [`Change::StartDaemon`]; the interface defaults to
    ///   `eth0`;
    /// - `--stop-daemon`: [`Change::StopDaemon`]; only state and sync id are
    ///   meaningful (the interface is empty, as ipvsadm sends it).
    Change(Change),
    /// `-S`.
    Save {
        /// `-n`.
        numeric: bool,
    },
    /// `-R`: read commands from stdin (see [`crate::compat::restore`]).
    Restore,
}
