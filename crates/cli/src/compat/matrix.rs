//! ipvsadm's command/option matrix and tunnel-type table.
//!
//! After all options are read, ipvsadm checks which options a command
//! requires, allows or forbids, walking the option columns in a fixed order
//! and reporting the first problem. The same check, with "tunnel type" in
//! the messages, decides which tunnel options fit a tunnel type. Both tables
//! are data here: [`COLUMNS`] holds, for each option column, one character
//! per command (which commands accept the option; the rows of
//! `args::OPTIONS` name the column each option sets), and [`TUNNEL_TABLE`]
//! one row per tunnel type, one character per tunnel column:
//!
//! | char | meaning |
//! |---|---|
//! | `+` | required |
//! | `x` | illegal |
//! | `1` | at most one of the `1` columns |
//! | ` ` | optional |

use super::failure::Failure;

/// The option columns, in the order ipvsadm checks them. The names are the
/// ones its messages use (also for `multiple '%s' options specified`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // each variant is the option named by `name()`
pub enum OptCol {
    Numeric,
    Connection,
    ServiceAddress,
    Scheduler,
    Persistent,
    Netmask,
    RealServer,
    ForwardingMethod,
    Weight,
    UThreshold,
    LThreshold,
    McastInterface,
    Timeout,
    Daemon,
    Stats,
    Rate,
    Thresholds,
    PersistentConn,
    NoSort,
    SyncId,
    Exact,
    Ops,
    Pe,
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

/// Number of option columns.
pub const NUM_COLS: usize = 34;

/// Every column, in check order: the name ipvsadm's messages use, and what
/// each command says of it, one character per command in [`COMMANDS`]
/// order (`A E D C L a d e set start stop R S Z`).
pub const COLUMNS: [(OptCol, &str, &[u8; NUM_CMDS]); NUM_COLS] = [
    (OptCol::Numeric, "numeric", b"xxxx xxxxxxx x"),
    (OptCol::Connection, "connection", b"xxxx1xxxxxxxxx"),
    (OptCol::ServiceAddress, "service-address", b"+++x1+++xxxxx "),
    (OptCol::Scheduler, "scheduler", b"  xxxxxxxxxxxx"),
    (OptCol::Persistent, "persistent", b"  xxxxxxxxxxxx"),
    (OptCol::Netmask, "netmask", b"  xxxxxxxxxxxx"),
    (OptCol::RealServer, "real-server", b"xxxxx+++xxxxxx"),
    (
        OptCol::ForwardingMethod,
        "forwarding-method",
        b"xxxxx x xxxxxx",
    ),
    (OptCol::Weight, "weight", b"xxxxx x xxxxxx"),
    (OptCol::UThreshold, "u-threshold", b"xxxxx x xxxxxx"),
    (OptCol::LThreshold, "l-threshold", b"xxxxx x xxxxxx"),
    (OptCol::McastInterface, "mcast-interface", b"xxxxxxxxx xxxx"),
    (OptCol::Timeout, "timeout", b"xxxx1xxxxxxxxx"),
    (OptCol::Daemon, "daemon", b"xxxx1xxxxxxxxx"),
    (OptCol::Stats, "stats", b"xxxx xxxxxxxxx"),
    (OptCol::Rate, "rate", b"xxxx xxxxxxxxx"),
    (OptCol::Thresholds, "thresholds", b"xxxx xxxxxxxxx"),
    (OptCol::PersistentConn, "persistent-conn", b"xxxx xxxxxxxxx"),
    (OptCol::NoSort, "nosort", b"xxxx xxxxxxxxx"),
    (OptCol::SyncId, "syncid", b"xxxx xxxx  xxx"),
    (OptCol::Exact, "exact", b"xxxx xxxxxxxxx"),
    (OptCol::Ops, "ops", b"  xxxxxxxxxxxx"),
    (OptCol::Pe, "pe", b"  xxxxxxxxxxxx"),
    (OptCol::SchedFlags, "sched-flags", b"  xxxxxxxxxxxx"),
    (OptCol::McastGroup, "mcast-group", b"xxxxxxxxx xxxx"),
    (OptCol::McastPort, "mcast-port", b"xxxxxxxxx xxxx"),
    (OptCol::McastTtl, "mcast-ttl", b"xxxxxxxxx xxxx"),
    (OptCol::SyncMaxlen, "sync-maxlen", b"xxxxxxxxx xxxx"),
    (OptCol::TunInfo, "tun-info", b"xxxx xxxxxxxxx"),
    (OptCol::TunType, "tun-type", b"xxxxx x xxxxxx"),
    (OptCol::TunPort, "tun-port", b"xxxxx x xxxxxx"),
    (OptCol::TunNocsum, "tun-nocsum", b"xxxxx x xxxxxx"),
    (OptCol::TunCsum, "tun-csum", b"xxxxx x xxxxxx"),
    (OptCol::TunRemcsum, "tun-remcsum", b"xxxxx x xxxxxx"),
];

impl OptCol {
    /// Column index (check order).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The name ipvsadm's messages use.
    pub fn name(self) -> &'static str {
        COLUMNS.get(self.index()).map_or("", |(_, n, _)| n)
    }
}

/// A set of option columns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OptSet(u64);

impl OptSet {
    /// Whether `c` is in the set.
    pub fn has(self, c: OptCol) -> bool {
        self.0 & (1 << c.index()) != 0
    }
    /// Add `c`.
    pub fn add(&mut self, c: OptCol) {
        self.0 |= 1 << c.index();
    }
    /// Whether any of `cs` is in the set.
    pub fn any(self, cs: &[OptCol]) -> bool {
        cs.iter().any(|c| self.has(*c))
    }
}

/// ipvsadm's commands, in its table order (help and version are handled
/// before the matrix and have no row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // each variant is the command named by `name()`
pub enum Cmd {
    AddService,
    EditService,
    DeleteService,
    Flush,
    List,
    AddServer,
    DeleteServer,
    EditServer,
    Set,
    StartDaemon,
    StopDaemon,
    Restore,
    Save,
    Zero,
}

/// Number of commands.
pub const NUM_CMDS: usize = 14;

/// Every command with its message name, in ipvsadm's table order.
pub const COMMANDS: [(Cmd, &str); NUM_CMDS] = [
    (Cmd::AddService, "add-service"),
    (Cmd::EditService, "edit-service"),
    (Cmd::DeleteService, "delete-service"),
    (Cmd::Flush, "flush"),
    (Cmd::List, "list"),
    (Cmd::AddServer, "add-server"),
    (Cmd::DeleteServer, "delete-server"),
    (Cmd::EditServer, "edit-server"),
    (Cmd::Set, "set"),
    (Cmd::StartDaemon, "start-daemon"),
    (Cmd::StopDaemon, "stop-daemon"),
    (Cmd::Restore, "restore"),
    (Cmd::Save, "save"),
    (Cmd::Zero, "zero"),
];

/// The tunnel columns of [`TUNNEL_TABLE`].
pub const TUNNEL_COLS: [OptCol; 4] = [
    OptCol::TunPort,
    OptCol::TunNocsum,
    OptCol::TunCsum,
    OptCol::TunRemcsum,
];

/// Tunnel types (by their kernel number 0, 1, 2) and the tunnel options they
/// take, columns as in [`TUNNEL_COLS`].
pub const TUNNEL_TABLE: [(&str, &[u8; 4]); 3] =
    [("ipip", b"xxxx"), ("gue", b"+111"), ("gre", b"x11x")];

impl Cmd {
    /// Row index (ipvsadm's table order).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The name ipvsadm's messages use.
    pub fn name(self) -> &'static str {
        COMMANDS.get(self.index()).map_or("", |(_, n)| n)
    }
}

/// Walk the row's cells (column, code) in order and report the first
/// problem, with `what()` naming the row (`'add-service' command`, `'gue'
/// tunnel type`). Nothing is allocated unless there is a problem: every
/// line of a restore goes through here.
fn check_row(
    cells: impl Iterator<Item = (OptCol, u8)>,
    given: OptSet,
    what: impl Fn() -> String,
) -> Result<(), Failure> {
    let mut first_exclusive: Option<OptCol> = None;
    for (col, code) in cells {
        let has = given.has(col);
        let msg = match code {
            b'x' if has => format!("Illegal '{}' option with the {}", col.name(), what()),
            b'+' if !has => format!(
                "You need to supply the '{}' option for the {}",
                col.name(),
                what()
            ),
            b'1' if has => match first_exclusive {
                None => {
                    first_exclusive = Some(col);
                    continue;
                }
                Some(prev) => format!(
                    "The option '{}' conflicts with the '{}' option in the {}",
                    col.name(),
                    prev.name(),
                    what()
                ),
            },
            _ => continue,
        };
        return Err(Failure::fail(msg));
    }
    Ok(())
}

/// ipvsadm's `generic_opt_check` for a command.
pub fn check_command(cmd: Cmd, given: OptSet) -> Result<(), Failure> {
    let cells = COLUMNS
        .iter()
        .filter_map(|(c, _, accepts)| Some((*c, *accepts.get(cmd.index())?)));
    check_row(cells, given, || format!("'{}' command", cmd.name()))
}

/// The tunnel-type check (`tunnel_opt_check`); `tun_type` is the kernel
/// number (0 ipip, 1 gue, 2 gre).
pub fn check_tunnel(tun_type: u8, given: OptSet) -> Result<(), Failure> {
    let Some((name, row)) = TUNNEL_TABLE.get(usize::from(tun_type)) else {
        return Ok(());
    };
    let cells = TUNNEL_COLS.iter().copied().zip(row.iter().copied());
    check_row(cells, given, || format!("'{name}' tunnel type"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_in_order() {
        for (i, (c, _, _)) in COLUMNS.iter().enumerate() {
            assert_eq!(c.index(), i);
        }
        for (i, (c, _)) in COMMANDS.iter().enumerate() {
            assert_eq!(c.index(), i);
        }
    }

    #[test]
    fn first_problem_in_column_order() {
        let mut s = OptSet::default();
        s.add(OptCol::RealServer);
        s.add(OptCol::Numeric);
        let e = check_command(Cmd::AddServer, s).unwrap_err();
        assert_eq!(
            e.stderr,
            "Illegal 'numeric' option with the 'add-server' command\n"
        );
        let mut s = OptSet::default();
        s.add(OptCol::Daemon);
        s.add(OptCol::Timeout);
        s.add(OptCol::ServiceAddress);
        let e = check_command(Cmd::List, s).unwrap_err();
        assert_eq!(
            e.stderr,
            "The option 'timeout' conflicts with the 'service-address' option in the 'list' command\n"
        );
        let e = check_tunnel(1, OptSet::default()).unwrap_err();
        assert_eq!(
            e.stderr,
            "You need to supply the 'tun-port' option for the 'gue' tunnel type\n"
        );
    }
}
